import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { failureFlag } from './failure-flag';

/**
 * The part of a jest-circus event this environment reads. Typed here rather than as `Circus.Event` of
 * `@jest/types`, so the published declarations need no package beyond `jest-environment-node`.
 */
export interface TestEventLike {
  readonly name: string;
}

/**
 * Node's test environment, plus one thing: it counts the file's failed tests and hooks, so that
 * `DTRHATestSuite.teardown()` knows to collect the cluster's diagnostics before it removes DTR.
 */
export default class DtrHaEnvironment extends NodeEnvironment {
  async handleTestEvent(event: TestEventLike): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      const global = this.global as unknown as Record<string, number>;
      global[failureFlag] = (global[failureFlag] ?? 0) + 1;
    }
  }
}
