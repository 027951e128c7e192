import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

// The built command with no cluster at all: version, bare invocation, and what stays out of it.
// (Integration: it builds the package and runs node; no Docker.)
const packageDir = path.resolve(__dirname, '../..');
const repoRoot = path.resolve(packageDir, '../..');
const mainJs = path.join(packageDir, 'dist', 'cli', 'main.js');
const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  version: string;
};

const dtrHa = (args: string[]) => runCommand(process.execPath, [mainJs, ...args], { allowFailure: true });

beforeAll(async () => {
  await runCommand(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', packageDir]);
}, 120_000);

test.each(['--version', '-V'])('%s prints the framework package’s version and exits 0', async (flag) => {
  const result = await dtrHa([flag]);
  expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
});

test('with no command, it prints the help and exits 0', async () => {
  const result = await dtrHa([]);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe((await dtrHa(['--help'])).stdout);
  expect(result.stdout).toMatch(/^Usage: dtr-ha /);
});

test('the maintainers’ docs command is not part of the user CLI', async () => {
  expect((await dtrHa(['--help'])).stdout).not.toMatch(/^\s+docs\b/m);
  expect((await dtrHa(['docs'])).code).not.toBe(0);
});

test('scripts/write-docs.js writes the generated configuration reference', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-docs-test-'));
  try {
    const file = path.join(dir, 'configuration.md');
    const result = await runCommand(process.execPath, [
      path.join(repoRoot, 'scripts', 'write-docs.js'),
      file,
    ]);
    expect(result.stderr).toBe(`wrote ${file}\n`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderConfigurationDoc } = require(path.join(packageDir, 'dist')) as {
      renderConfigurationDoc: () => string;
    };
    expect(await fs.readFile(file, 'utf8')).toBe(renderConfigurationDoc());
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
