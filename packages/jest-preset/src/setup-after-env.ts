/**
 * `setupFilesAfterEnv: ['@dtr-ha/jest-preset/setup']`: the preset's HA timeout for a project of a
 * multi-project configuration. `testTimeout` is a global option that Jest ignores inside `projects`,
 * so there hooks such as `beforeAll(() => suite.setup())` would fall back to Jest's 5 s. A setup file
 * listed after this one may set another timeout (`jest.setTimeout`): the last call wins.
 */
import * as path from 'node:path';

// Jest hands every module it runs its own `jest` object as a parameter of the module wrapper (not as
// a global), unless the project sets `injectGlobals: false`.
declare const jest: { setTimeout(ms: number): unknown } | undefined;

// One value for both: the preset's `testTimeout` (jest-preset.js sits beside src/ and dist/).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testTimeout } = require(path.join(__dirname, '..', 'jest-preset.js')) as { testTimeout: number };

if (typeof jest === 'undefined') {
  throw new Error(
    '@dtr-ha/jest-preset/setup: Jest gave this file no `jest` object (injectGlobals: false?); instead ' +
      `of this file, use a setup file of your own that calls jest.setTimeout(${testTimeout}) with ` +
      "`jest` from '@jest/globals'",
  );
}
jest.setTimeout(testTimeout);
