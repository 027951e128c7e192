import * as path from 'node:path';
import type { TestEnvironment as NodeEnvironmentClass } from 'jest-environment-node';
import { failureFlag } from './failure-flag';

/**
 * The part of a jest-circus event this environment reads. Typed here rather than as `Circus.Event` of
 * `@jest/types`, so the published declarations need no package beyond `jest-environment-node`.
 */
export interface TestEventLike {
  readonly name: string;
}

/**
 * Node's test environment as the Jest that runs this file has it: the `jest-environment-node` that
 * its runner depends on, found through `jest` → `@jest/core` → `jest-runner` (each a dependency of
 * the one before, so this works with npm, Yarn and pnpm alike). Not a dependency of ours, which
 * would be another copy: a package manager fills a peer range such as `^29 || ^30` with the newest
 * version, 30 beside Jest 29's own 29. `jest-environment-node` is an optional peer, for the types.
 */
function jestsNodeEnvironment(): typeof NodeEnvironmentClass {
  let from = __dirname;
  try {
    for (const name of ['jest', '@jest/core', 'jest-runner', 'jest-environment-node']) {
      from = path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
    }
  } catch {
    // Jest run some other way (a runner of its own, a bundled Jest): the one this project resolves.
    from = '';
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(from || 'jest-environment-node') as { TestEnvironment: typeof NodeEnvironmentClass })
      .TestEnvironment;
  } catch (error) {
    throw new Error(
      "@dtr-ha/jest-preset's test environment extends jest-environment-node, which is not found from " +
        `${__dirname} (${(error as Error).message}): install jest-environment-node of your Jest's major ` +
        'version (npm install --save-dev jest-environment-node@29, or @30)',
    );
  }
}

const NodeEnvironment = jestsNodeEnvironment();

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
