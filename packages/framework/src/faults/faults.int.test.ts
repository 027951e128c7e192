import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Config } from '../config';
import { TempClusters } from '../../test-support/temp-cluster';
import { up, type UpResult } from '../cluster/up';
import { silentWriter, StatusReporter } from '../cluster/status';
import { engineAnswers } from '../engine/engine-client';
import { runCommand } from '../util/run-command';
import { FaultJournal } from './fault-journal';
import { Faults, providerPower } from './faults';

// Faults on real lab nodes: iptables in each node's own network namespace, over SSH.
const quiet = () => new StatusReporter(silentWriter);
let clusters: TempClusters;
let config: Config;
let cluster: UpResult;

beforeAll(async () => {
  clusters = await TempClusters.create('faults');
  config = clusters.config('faults', { NUM_MACHINES: '3' });
  cluster = await up(config, { reporter: quiet(), until: 'machines' });
});

afterAll(async () => {
  cluster?.handles.forEach((m) => m.dispose());
  await clusters?.remove();
});

async function reaches(from: (typeof cluster.handles)[number], ip: string, port = 2376): Promise<boolean> {
  const probe = await from.ssh(`timeout 2 bash -c '</dev/tcp/${ip}/${port}' && echo open || echo closed`);
  return probe.stdout.trim() === 'open';
}

test('a partitioned machine is cut off from the others both ways, the host still reaches it, heal restores', async () => {
  const [a, b, c] = cluster.handles;
  const faults = new Faults(cluster.handles);
  expect(await reaches(a, b.getIP())).toBe(true);

  await faults.partition(b);
  expect(await reaches(a, b.getIP())).toBe(false);
  expect(await reaches(c, b.getIP())).toBe(false);
  expect(await reaches(b, a.getIP())).toBe(false);
  // The host running the tests is not part of the partition: SSH and the engine still answer.
  expect((await b.ssh('hostname')).stdout).toBe(b.name);
  await expect(b.getClient().ping()).resolves.toBeTruthy();
  // Traffic between the two other machines is untouched.
  expect(await reaches(a, c.getIP())).toBe(true);

  await faults.undoAll();
  expect(await reaches(a, b.getIP())).toBe(true);
  expect(await reaches(b, c.getIP())).toBe(true);
  expect((await b.ssh('iptables -t raw -S | grep -c dtr-ha-partition || true')).stdout).toBe('0');
});

test('undoAll heals even when a test failed in the middle, and reports nothing left', async () => {
  const [a, b] = cluster.handles;
  const faults = new Faults(cluster.handles);
  await faults.partition(a);
  await faults.partition(a, [b]); // twice: both sets of rules go on heal
  await faults.undoAll();
  expect(await reaches(b, a.getIP())).toBe(true);
  await expect(faults.undoAll()).resolves.toBeUndefined();
});

test('a stopped machine is unreachable until started again; its engine then answers with the same TLS', async () => {
  const [, , c] = cluster.handles;
  const faults = new Faults(cluster.handles, providerPower(cluster.context.provider));
  await faults.stopMachine(c);
  expect(await engineAnswers(c.record.engine, 2_000)).toBe(false);
  await faults.undoAll();
  await expect(c.getClient().ping()).resolves.toBeTruthy();
  expect((await c.ssh('hostname')).stdout).toBe(c.name);
});

test('a partition whose process ended without healing it (dtr-ha fault) is healed by the next up, which says so', async () => {
  const [a, b] = cluster.handles;
  const repoRoot = path.resolve(__dirname, '../../../..');
  const made = await runCommand(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(__dirname, '../cli/main.ts'),
      'fault',
      'partition',
      b.name,
    ],
    {
      allowFailure: true,
      env: {
        ...clusters.env('faults', { NUM_MACHINES: '3' }),
        TS_NODE_PROJECT: path.join(repoRoot, 'packages/framework/tsconfig.json'),
      },
    },
  );
  expect(made.stderr).toContain(`partition ${b.name}: done`);
  // The process is gone; its fault is still there, and written down.
  expect(await reaches(a, b.getIP())).toBe(false);
  const journal = new FaultJournal(cluster.context.dir);
  expect(await journal.orphans()).toEqual([expect.objectContaining({ kind: 'partition', machine: b.name })]);

  const lines: string[] = [];
  const again = await up(config, {
    reporter: new StatusReporter((line) => lines.push(line)),
    until: 'machines',
  });
  again.handles.forEach((m) => m.dispose());
  expect(lines.join('\n')).toMatch(new RegExp(`healed partition ${b.name} \\(left by process \\d+`));
  expect(await reaches(a, b.getIP())).toBe(true);
  expect((await b.ssh('iptables -t raw -S | grep -c dtr-ha-partition || true')).stdout).toBe('0');
  expect(await journal.entries()).toEqual([]);
});

test('faults of a suite are written down before they act and struck out once undone', async () => {
  const [, b] = cluster.handles;
  const journal = new FaultJournal(cluster.context.dir);
  const faults = new Faults(cluster.handles, undefined, journal);
  await faults.partition(b);
  // This process lives: its fault is its own to undo, not an orphan to heal.
  expect(await journal.entries()).toEqual([expect.objectContaining({ kind: 'partition', pid: process.pid })]);
  expect(await journal.orphans()).toEqual([]);
  await faults.undoAll();
  expect(await journal.entries()).toEqual([]);
});

test('a machine that a dead run powered off is back after up, and its fault is struck out', async () => {
  const c = cluster.handles[2];
  const power = providerPower(cluster.context.provider)!;
  const journal = new FaultJournal(cluster.context.dir);
  await power.stop(c);
  // As a test process that died after stopping it would have left it.
  const dead = spawnSync('true').pid!;
  const entry = {
    id: 'dead0001',
    kind: 'stop-machine',
    machine: c.name,
    pid: dead,
    host: os.hostname(),
    at: new Date().toISOString(),
  };
  await fs.writeFile(journal.file, JSON.stringify([entry]), { mode: 0o600 });
  expect(await journal.orphans()).toHaveLength(1);

  const again = await up(config, { reporter: quiet(), until: 'machines' });
  again.handles.forEach((m) => m.dispose());
  expect(again.actions[c.name]).toBe('started');
  expect(await engineAnswers(c.record.engine, 5_000)).toBe(true);
  expect(await journal.entries()).toEqual([]);
});
