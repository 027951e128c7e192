import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import type { Circus } from '@jest/types';
import { failureFlag } from './failure-flag';

/**
 * Node's test environment, plus one thing: it counts the file's failed tests and hooks, so that
 * `DTRHATestSuite.teardown()` knows to collect the cluster's diagnostics before it removes DTR.
 */
export default class DtrHaEnvironment extends NodeEnvironment {
  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      const global = this.global as unknown as Record<string, number>;
      global[failureFlag] = (global[failureFlag] ?? 0) + 1;
    }
  }
}
