import { spawnSync } from 'node:child_process';
import { mkdirSync, promises as fs, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultJournal } from './fault-journal';
import { healScript } from './faults';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-journal-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('an entry is written before the fault, 0600, and struck out by its ID', async () => {
  const journal = new FaultJournal(dir);
  const id = await journal.add({ kind: 'stop-replica', machine: 'm-2', replicaId: 'abc' });
  expect(statSync(journal.file).mode & 0o777).toBe(0o600);
  expect(await journal.entries()).toEqual([
    expect.objectContaining({ id, kind: 'stop-replica', machine: 'm-2', replicaId: 'abc', pid: process.pid }),
  ]);
  await journal.remove([id]);
  expect(await journal.entries()).toEqual([]);
});

test("a process that ended leaves orphans; a live one's entries, or another host's, are not", async () => {
  const journal = new FaultJournal(dir);
  // A real process that writes an entry and ends without undoing it.
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-e',
      `new (require(${JSON.stringify(path.join(__dirname, 'fault-journal.ts'))}).FaultJournal)(${JSON.stringify(dir)}).add({ kind: 'partition', machine: 'm-3' })`,
    ],
    { encoding: 'utf8' },
  );
  expect(child.status).toBe(0);
  await journal.add({ kind: 'partition', machine: 'm-4' });
  const entries = await journal.entries();
  expect(entries.map((e) => e.machine).sort()).toEqual(['m-3', 'm-4']);
  expect((await journal.orphans()).map((e) => e.machine)).toEqual(['m-3']);

  // Our own pid with another start time: a new process that reused a dead one's pid.
  const reused = entries.map((e) => (e.machine === 'm-4' ? { ...e, pidStart: (e.pidStart ?? 0) + 1 } : e));
  await fs.writeFile(
    journal.file,
    JSON.stringify([...reused, { ...entries[0], id: 'x', host: 'elsewhere' }]),
  );
  expect((await journal.orphans()).map((e) => e.machine).sort()).toEqual(['m-3', 'm-4']);
});

test('a journal that is not JSON is an error naming the file, not an empty list', async () => {
  const journal = new FaultJournal(dir);
  await fs.writeFile(journal.file, '{');
  await expect(journal.entries()).rejects.toThrow(journal.file);
});

/** Runs the heal script with an `iptables` of our own on PATH, which answers from `rules`. */
function heal(iptables: string) {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'iptables'), `#!/bin/sh\n${iptables}\n`, { mode: 0o755 });
  return spawnSync('sh', ['-c', healScript()], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
}

test('heal deletes only our rules, with -w, and succeeds once none is left', () => {
  const log = path.join(dir, 'calls');
  const state = path.join(dir, 'rules');
  writeFileSync(
    state,
    '-P PREROUTING ACCEPT\n-A PREROUTING -s 10.0.0.2/32 -m comment --comment dtr-ha-partition -j DROP\n-A OUTPUT -d 10.0.0.9/32 -j DROP\n',
  );
  const result = heal(
    `echo "$*" >> ${log}\ncase "$*" in *-S*) cat ${state};; *-D*) grep -v dtr-ha-partition ${state} > ${state}.new; mv ${state}.new ${state};; esac`,
  );
  expect(result.status).toBe(0);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  expect(calls.every((call) => call.startsWith('-w '))).toBe(true);
  expect(calls).toContain(
    '-w -t raw -D PREROUTING -s 10.0.0.2/32 -m comment --comment dtr-ha-partition -j DROP',
  );
  expect(calls.some((call) => call.includes('10.0.0.9'))).toBe(false);
});

test('heal fails when the rules cannot be listed, or when ours are still there after', () => {
  expect(heal('echo "iptables: lock held" >&2; exit 4').status).not.toBe(0);
  const stuck = heal(
    'case "$*" in *-S*) echo "-A OUTPUT -d 10.0.0.2/32 -m comment --comment dtr-ha-partition -j DROP";; *) exit 0;; esac',
  );
  expect(stuck.status).not.toBe(0);
  expect(stuck.stderr).toContain('partition rules still in place');
});
