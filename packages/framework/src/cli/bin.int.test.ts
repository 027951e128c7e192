import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

// `npx dtr-ha` right after `npm ci`: npm links workspace bins before the root `prepare` builds dist/,
// so the bin must be a file the repository holds, not a build output. (Integration: it runs npm.)
const packageDir = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
};
const binFile = path.join(packageDir, manifest.bin['dtr-ha']);

test('the bin target is committed source: present without a build, executable, not git-ignored', async () => {
  const stat = await fs.stat(binFile);
  expect(stat.mode & 0o111).not.toBe(0);
  expect(await fs.readFile(binFile, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  // `git check-ignore` exits 1 when the path is not ignored; dist/ is ignored, so a bin there fails.
  const ignored = await runCommand('git', ['check-ignore', '-q', binFile], { allowFailure: true });
  expect(ignored.code).toBe(1);
});

test('npm pack ships the bin file', async () => {
  const { stdout } = await runCommand('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', packageDir]);
  const [packed] = JSON.parse(stdout) as [{ files: { path: string; mode: number }[] }];
  const entry = packed.files.find((file) => file.path === manifest.bin['dtr-ha']);
  expect(entry).toBeDefined();
  expect(entry!.mode & 0o111).not.toBe(0);
});

test('after a build, running the bin prints the command’s help', async () => {
  await runCommand(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', packageDir]);
  // Run as npm's link runs it: the file itself, through its shebang.
  const result = await runCommand(binFile, ['--help']);
  expect(result.stdout).toMatch(/^Usage: dtr-ha /);
  expect(result.stdout).toMatch(/\bup\b/);
});

test('without dist/, the bin says to build, in one line, and exits 1', async () => {
  const copy = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-bin-test-'));
  try {
    await fs.mkdir(path.join(copy, 'bin'));
    const bin = path.join(copy, 'bin', path.basename(binFile));
    await fs.copyFile(binFile, bin);
    const result = await runCommand(process.execPath, [bin, '--help'], { allowFailure: true });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/npm run build/);
  } finally {
    await fs.rm(copy, { recursive: true, force: true });
  }
});
