// `preset: '@dtr-ha/jest-preset'`: the compiled globalSetup/globalTeardown of this package (absolute
// paths, so the preset works from any project), a test environment that tells a failing file's
// teardown to collect diagnostics, and one test file at a time — HA test files share one cluster and
// must never run against it concurrently.
//
// It sets nothing about how test files are found or compiled: `transform`, `testMatch` and
// `moduleFileExtensions` stay Jest's own (babel-jest with the project's babel config, Jest's default
// test paths), so adding the preset to a project changes which tests run or how they compile in no
// way. TypeScript through ts-jest is the separate preset `@dtr-ha/jest-preset/ts`.
const path = require('node:path');

module.exports = {
  testEnvironment: path.join(__dirname, 'dist', 'environment.js'),
  globalSetup: path.join(__dirname, 'dist', 'global-setup.js'),
  globalTeardown: path.join(__dirname, 'dist', 'global-teardown.js'),
  maxWorkers: 1,
  // Installing DTR, killing and restarting replicas: minutes, not Jest's 5 s default. A global option,
  // which Jest ignores inside `projects`: there, `setupFilesAfterEnv: ['@dtr-ha/jest-preset/setup']`
  // sets the same value (it reads it from here).
  testTimeout: 600_000,
};
