/**
 * The two presets and the setup file as Jest itself reads them: names resolved through the package's
 * `exports` (as in a consumer's node_modules), then normalised by jest-config, so what is checked is
 * the configuration a consumer's run ends up with, not only the objects the files export.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readConfig } from 'jest-config';

const packageRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(packageRoot, '../..');

type PresetFile = Record<string, unknown> & { transform?: Record<string, unknown> };

function requirePreset(file: string): PresetFile {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(packageRoot, file)) as PresetFile;
}

/** What Jest makes of `{ preset, ...rest }` in a project whose root is this repository. */
async function jestConfigWith(options: Record<string, unknown>) {
  const argv = { $0: 'jest', _: [] };
  return readConfig(argv, { rootDir: repoRoot, ...options }, true, repoRoot);
}

describe('@dtr-ha/jest-preset', () => {
  test('absolute paths to the compiled hooks and environment, one worker, the HA timeout', () => {
    const preset = requirePreset('jest-preset.js');
    expect(preset).toEqual({
      testEnvironment: path.join(packageRoot, 'dist', 'environment.js'),
      globalSetup: path.join(packageRoot, 'dist', 'global-setup.js'),
      globalTeardown: path.join(packageRoot, 'dist', 'global-teardown.js'),
      maxWorkers: 1,
      testTimeout: 600_000,
    });
  });

  test("leaves transform, testMatch and moduleFileExtensions to Jest: babel-jest and Jest's test paths", async () => {
    const withPreset = await jestConfigWith({ preset: '@dtr-ha/jest-preset' });
    const without = await jestConfigWith({});
    expect(withPreset.projectConfig.transform).toEqual(without.projectConfig.transform);
    expect(withPreset.projectConfig.transform).toEqual([
      ['\\.[jt]sx?$', require.resolve('babel-jest', { paths: [require.resolve('jest-config')] }), {}],
    ]);
    expect(withPreset.projectConfig.testMatch).toEqual(without.projectConfig.testMatch);
    expect(withPreset.projectConfig.moduleFileExtensions).toEqual(without.projectConfig.moduleFileExtensions);
    expect(withPreset.globalConfig).toMatchObject({ maxWorkers: 1, testTimeout: 600_000 });
    expect(withPreset.projectConfig.globalSetup).toBe(path.join(packageRoot, 'dist', 'global-setup.js'));
  });

  test('what a consumer sets beside it wins', async () => {
    const { projectConfig, globalConfig } = await jestConfigWith({
      preset: '@dtr-ha/jest-preset',
      testTimeout: 30_000,
      testMatch: ['<rootDir>/ha/**/*.test.js'],
    });
    expect(globalConfig.testTimeout).toBe(30_000);
    expect(projectConfig.testMatch).toEqual([path.join(repoRoot, 'ha/**/*.test.js')]);
  });
});

describe('@dtr-ha/jest-preset/ts', () => {
  test('the preset, plus ts-jest for TypeScript and babel-jest kept for JavaScript', async () => {
    const base = requirePreset('jest-preset.js');
    const { transform, ...rest } = requirePreset('ts/jest-preset.js');
    expect(rest).toEqual(base);
    expect(Object.keys(transform!)).toEqual(['^.+\\.tsx?$', '\\.jsx?$']);

    const { projectConfig } = await jestConfigWith({ preset: '@dtr-ha/jest-preset/ts' });
    const transformerOf = (file: string) =>
      projectConfig.transform.find(([pattern]) => new RegExp(pattern).test(file))?.[1];
    expect(transformerOf('a.test.ts')).toBe(require.resolve('ts-jest'));
    expect(transformerOf('a.test.tsx')).toBe(require.resolve('ts-jest'));
    expect(transformerOf('a.test.js')).toMatch(/babel-jest/);
    expect(transformerOf('a.test.jsx')).toMatch(/babel-jest/);
  });

  test('without ts-jest installed: an error that says what to install, naming the preset', async () => {
    // The preset's files alone, where no node_modules holds ts-jest.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'preset-no-ts-jest-'));
    try {
      await fs.mkdir(path.join(dir, 'ts'));
      await fs.copyFile(path.join(packageRoot, 'jest-preset.js'), path.join(dir, 'jest-preset.js'));
      await fs.copyFile(
        path.join(packageRoot, 'ts', 'jest-preset.js'),
        path.join(dir, 'ts', 'jest-preset.js'),
      );
      const result = spawnSync(
        process.execPath,
        ['-e', `require(${JSON.stringify(path.join(dir, 'ts', 'jest-preset.js'))})`],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: dir },
        },
      );
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        "preset '@dtr-ha/jest-preset/ts' compiles TypeScript with ts-jest, which is not installed here",
      );
      expect(result.stderr).toContain('npm install --save-dev ts-jest typescript');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the test environment', () => {
  test('extends the jest-environment-node of the Jest that runs it (found through jest → @jest/core → jest-runner)', async () => {
    let from = repoRoot;
    for (const name of ['jest', '@jest/core', 'jest-runner', 'jest-environment-node'])
      from = path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jestsOwn = (require(from) as { TestEnvironment: unknown }).TestEnvironment;
    const { default: DtrHaEnvironment } = await import('./environment');
    expect(Object.getPrototypeOf(DtrHaEnvironment)).toBe(jestsOwn);
  });
});

describe('@dtr-ha/jest-preset/setup', () => {
  const timeoutSymbol = Symbol.for('TEST_TIMEOUT_SYMBOL');
  type WithTimeout = typeof globalThis & { [timeoutSymbol]?: number };

  test('resolves by that name, and sets the preset’s timeout for the test file', async () => {
    const { projectConfig } = await jestConfigWith({ setupFilesAfterEnv: ['@dtr-ha/jest-preset/setup'] });
    expect(projectConfig.setupFilesAfterEnv).toEqual([path.join(packageRoot, 'dist', 'setup-after-env.js')]);

    const before = (globalThis as WithTimeout)[timeoutSymbol];
    (globalThis as WithTimeout)[timeoutSymbol] = 1_234;
    try {
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./setup-after-env');
      });
      expect((globalThis as WithTimeout)[timeoutSymbol]).toBe(requirePreset('jest-preset.js').testTimeout);
    } finally {
      (globalThis as WithTimeout)[timeoutSymbol] = before;
    }
  });
});
