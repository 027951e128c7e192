import type { Config } from 'jest';

// Tests are TypeScript, run through ts-jest. Type checking is the build's job (`npm run build`),
// so ts-jest only transpiles: a test file starts in milliseconds, not seconds.
const tsJest: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

// Inside this repository the packages are used from source, so a test never runs stale `dist/`.
const moduleNameMapper = {
  '^@dtr-ha/framework$': '<rootDir>/packages/framework/src/index.ts',
  '^@dtr-ha/jest-preset$': '<rootDir>/packages/jest-preset/src/index.ts',
  // The stand-ins' shared code, found through NODE_PATH=/opt in their images.
  '^standin-common/(.*)$': '<rootDir>/packages/framework/lab/standin-base/rootfs/opt/standin-common/$1',
};

const common = { rootDir: __dirname, transform: tsJest, moduleNameMapper, testEnvironment: 'node' };

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // Pure logic: no Docker engine, no network. Runs anywhere in seconds.
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      // Needs a real local Docker engine (and builds the lab node image on first use).
      testMatch: ['<rootDir>/packages/*/src/**/*.int.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/jest/long-timeout.ts'],
    },
    {
      ...common,
      displayName: 'ha',
      // The HA suites: one shared cluster, so never run two files at once against it.
      testMatch: ['<rootDir>/examples/ha/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/jest/long-timeout.ts'],
      // What a user's `preset: '@dtr-ha/jest-preset'` sets up: the cluster is built or reused once,
      // before any HA file runs, and handed to each file through DTR_HA_HANDOFF.
      testEnvironment: '<rootDir>/packages/jest-preset/src/environment.ts',
      globalSetup: '<rootDir>/packages/jest-preset/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/jest-preset/src/global-teardown.ts',
    },
  ],
};

export default config;
