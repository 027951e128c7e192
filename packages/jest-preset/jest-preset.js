// `preset: '@dtr-ha/jest-preset'`: the compiled globalSetup/globalTeardown of this package (absolute
// paths, so the preset works from any project), TypeScript test files through ts-jest, and one test
// file at a time — HA test files share one cluster and must never run against it concurrently.
const path = require('node:path');

module.exports = {
  // Node's environment, counting failures so a failing file's teardown collects diagnostics.
  testEnvironment: path.join(__dirname, 'dist', 'environment.js'),
  globalSetup: path.join(__dirname, 'dist', 'global-setup.js'),
  globalTeardown: path.join(__dirname, 'dist', 'global-teardown.js'),
  transform: {
    // The project's tsconfig.json (when there is one), transpiled file by file: type checking is the
    // job of `tsc`, so a test file starts in milliseconds. `import x from 'cjs-module'` works as in Node.
    '^.+\\.tsx?$': [
      require.resolve('ts-jest'),
      { tsconfig: { isolatedModules: true, esModuleInterop: true } },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'cjs', 'mjs', 'json', 'node'],
  testMatch: ['**/?(*.)+(spec|test).[jt]s?(x)'],
  maxWorkers: 1,
  // Installing DTR, killing and restarting replicas: minutes, not Jest's 5 s default.
  testTimeout: 600000,
};
