import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

// The built command with no cluster at all: version, bare invocation, and what stays out of it.
// (Integration: it builds the package and runs node; no Docker.)
const packageDir = path.resolve(__dirname, '../..');
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
