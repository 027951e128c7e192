import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processStartTime } from '../util/process-identity';
import { STALE_TEMP_AGE_MS, removeStaleTempFiles, tempPathFor, writePrivateFile } from './private-files';

// What a SIGKILL between writePrivateFile's write and its rename leaves, and what the next `up`
// removes of it: a dead writer's temp files and old ones, never a live writer's.

let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-temp-files-'));
});

afterEach(async () => {
  children.splice(0).forEach((child) => child.kill('SIGKILL'));
  await fs.rm(dir, { recursive: true, force: true });
});

/** A process that runs until the test ends, and its start time. */
async function liveProcess(): Promise<{ pid: number; startTime: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  await new Promise((resolve) => child.once('spawn', resolve));
  return { pid: child.pid!, startTime: processStartTime(child.pid!)! };
}

/** A process that has ended, with the start time it had. */
async function deadProcess(): Promise<{ pid: number; startTime: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const startTime = processStartTime(child.pid!)!;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return { pid: child.pid!, startTime };
}

/** This machine's tag, as tempPathFor writes it. */
function ourMachine(): string {
  const match = /\.\d+-(?:\d+|x)-([0-9a-f]{12})\.[0-9a-f]{12}\.tmp$/.exec(tempPathFor('/x/cluster.json'));
  return match![1];
}

async function leftover(
  relative: string,
  writer: { pid: number; startTime: number | 'x'; machine?: string },
  ageMs = 0,
): Promise<string> {
  const name = `.${path.basename(relative)}.${writer.pid}-${writer.startTime}-${writer.machine ?? ourMachine()}.0123456789ab.tmp`;
  const file = path.join(dir, path.dirname(relative), name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, 'half a key');
  const at = new Date(Date.now() - ageMs);
  await fs.utimes(file, at, at);
  return path.relative(dir, file);
}

test('writePrivateFile’s temp file names its writer: pid, start time, machine', () => {
  const tmp = tempPathFor('/state/dtrha/tls/ca-key.pem');
  expect(path.dirname(tmp)).toBe('/state/dtrha/tls');
  const startTime = processStartTime(process.pid);
  expect(path.basename(tmp)).toMatch(
    new RegExp(`^\\.ca-key\\.pem\\.${process.pid}-${startTime ?? 'x'}-[0-9a-f]{12}\\.[0-9a-f]{12}\\.tmp$`),
  );
  expect(tempPathFor('/a/b')).not.toBe(tempPathFor('/a/b'));
});

const linux = processStartTime(process.pid) !== undefined;

(linux ? test : test.skip)('a dead writer’s temp files go, at any depth; a live writer’s stay', async () => {
  const dead = await deadProcess();
  const live = await liveProcess();
  const self = { pid: process.pid, startTime: processStartTime(process.pid)! };
  const gone = [
    await leftover('cluster.json', dead),
    await leftover('tls/machines/dtrha-2/server-key.pem', dead),
    // Our own pid, but another start time: a process before this one that had the pid.
    await leftover('known_hosts', { ...self, startTime: self.startTime - 1 }),
  ];
  const kept = [
    await leftover('faults.json', live),
    await leftover('handoff-run.json', self),
    // Another host, boot or pid namespace: its pid says nothing here, and it is fresh.
    await leftover('diagnostics/x/dtrha-1.log', { ...dead, machine: 'abcdefabcdef' }),
    // No start time recorded (not Linux): the pid alone could be another process's.
    await leftover('admin-password', { pid: dead.pid, startTime: 'x' }),
  ];
  // Files that are not writePrivateFile's temp files, whatever their names.
  const others = ['cluster.json', 'x.tmp', '.cluster.json.tmp', 'tls/.ca.pem.1-2-3.tmp'];
  for (const other of others) {
    await fs.mkdir(path.dirname(path.join(dir, other)), { recursive: true });
    await fs.writeFile(path.join(dir, other), '{}');
  }

  expect(await removeStaleTempFiles(dir)).toEqual([...gone].sort());
  for (const file of [...kept, ...others]) await expect(fs.stat(path.join(dir, file))).resolves.toBeTruthy();
  for (const file of gone)
    await expect(fs.stat(path.join(dir, file))).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await removeStaleTempFiles(dir)).toEqual([]);
});

test('any temp file older than the bound goes, whoever wrote it; the names of before (no start time) too', async () => {
  const live = linux ? await liveProcess() : { pid: process.pid, startTime: 1 };
  const old = STALE_TEMP_AGE_MS + 60_000;
  const oldOther = await leftover('cluster.json', { ...live, machine: 'abcdefabcdef' }, old);
  const oldLive = await leftover('faults.json', live, old);
  // What writePrivateFile named its temp files before it named their writer's start time and machine.
  await fs.writeFile(path.join(dir, `.known_hosts.${live.pid}.0123456789ab.tmp`), 'x');
  await fs.writeFile(path.join(dir, `.known_hosts.${live.pid}.ba9876543210.tmp`), 'x');
  const at = new Date(Date.now() - old);
  await fs.utimes(path.join(dir, `.known_hosts.${live.pid}.ba9876543210.tmp`), at, at);
  const fresh = await leftover('tls/ca.pem', { ...live, machine: 'abcdefabcdef' });

  expect(await removeStaleTempFiles(dir)).toEqual(
    [oldOther, oldLive, `.known_hosts.${live.pid}.ba9876543210.tmp`].sort(),
  );
  expect((await fs.readdir(dir)).sort()).toEqual([`.known_hosts.${live.pid}.0123456789ab.tmp`, 'tls']);
  await expect(fs.stat(path.join(dir, fresh))).resolves.toBeTruthy();
  // The bound is the caller's to set.
  expect(await removeStaleTempFiles(dir, { maxAgeMs: 0, now: Date.now() + 1000 })).toHaveLength(2);
});

test('a sweep during a write leaves the writer’s temp file; the write ends well', async () => {
  const file = path.join(dir, 'tls', 'ca-key.pem');
  const writes = Array.from({ length: 20 }, (_, i) => writePrivateFile(file, `key ${i}`));
  const sweeps = Array.from({ length: 20 }, () => removeStaleTempFiles(dir));
  await Promise.all(writes);
  expect((await Promise.all(sweeps)).flat()).toEqual([]);
  expect(await fs.readFile(file, 'utf8')).toMatch(/^key \d+$/);
  expect(await fs.readdir(path.join(dir, 'tls'))).toEqual(['ca-key.pem']);
});

test('a missing directory has nothing to remove; a symbolic link is not followed', async () => {
  expect(await removeStaleTempFiles(path.join(dir, 'missing'))).toEqual([]);
  const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-temp-outside-'));
  try {
    const name = `.x.${process.pid}.0123456789ab.tmp`;
    await fs.writeFile(path.join(outside, name), 'x');
    const at = new Date(0);
    await fs.utimes(path.join(outside, name), at, at);
    await fs.symlink(outside, path.join(dir, 'link'));
    expect(await removeStaleTempFiles(dir)).toEqual([]);
    await expect(fs.stat(path.join(outside, name))).resolves.toBeTruthy();
  } finally {
    await fs.rm(outside, { recursive: true, force: true });
  }
});
