/**
 * The preset's globalSetup/globalTeardown on the local lab, built to its machines (DTR_HA_UNTIL's
 * `machines`): cold, watch-mode repeat, warm reuse, purge; then a run with CI set, which starts from
 * a clean cluster and purges it. Timings are printed.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { clusterLockPath, isLocked, readHandoff, HandoffError, HANDOFF_ENV } from '@dtr-ha/framework';
import { setup, teardown } from './run';
import { DTRHATestSuite } from './suite';

const prefix = `pgs${process.pid}`;
let stateDir: string;
let env: NodeJS.ProcessEnv;
const timings: Record<string, number> = {};

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-preset-'));
  env = {
    ...process.env,
    MACHINE_PREFIX: prefix,
    NUM_MACHINES: '3',
    DTR_HA_STATE_DIR: stateDir,
    DTR_HA_UNTIL: 'machines',
    DTR_HA_QUIET: '1',
    UCP_ADMIN_PASSWORD: 'never-in-the-handoff-42',
    // A laptop's defaults (reuse, keep) whether or not this runs on CI; the last test sets CI.
    CI: '',
    REUSE_MACHINES: '',
    PURGE_MACHINES: '',
  };
});

afterAll(async () => {
  // Whatever happened above: no machines, no lock, no state left behind.
  await teardown({ purge: true }).catch(() => undefined);
  const { StatusReporter, down, loadConfig, silentWriter } = await import('@dtr-ha/framework');
  const reporter = new StatusReporter(silentWriter);
  await down(loadConfig({ env, cwd: stateDir }), { reporter }).catch(() => undefined);
  await fs.rm(stateDir, { recursive: true, force: true });
  process.stdout.write(`globalSetup timings (ms): ${JSON.stringify(timings)}\n`);
});

async function labContainers(): Promise<string[]> {
  const containers = await new Docker().listContainers({ all: true });
  return containers
    .flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    .filter((n) => n.startsWith(`${prefix}-`));
}

test('cold: builds the machines, writes a 0600 handoff per run and exports its path; holds the run lock', async () => {
  expect(await labContainers()).toEqual([]);
  const result = await setup({ env, cwd: stateDir });
  timings.coldSetup = result.ms;
  expect(result.alreadySetUp).toBe(false);
  expect(Object.values(result.actions)).toEqual(['created', 'created', 'created']);
  expect(process.env[HANDOFF_ENV]).toBe(result.handoffPath);
  expect(path.dirname(result.handoffPath)).toBe(path.join(stateDir, prefix));
  expect((await fs.stat(result.handoffPath)).mode & 0o777).toBe(0o600);
  const text = await fs.readFile(result.handoffPath, 'utf8');
  expect(text).not.toContain('never-in-the-handoff-42');
  const handoff = await readHandoff(result.handoffPath, { checkEngines: true });
  expect(handoff.built).toBe('machines');
  expect(handoff.machines.map((m) => m.name)).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
  expect(await isLocked(clusterLockPath(stateDir, prefix))).toBe(true);
});

test('watch mode: a second globalSetup in the same process does nothing', async () => {
  const first = process.env[HANDOFF_ENV];
  const again = await setup({ env, cwd: stateDir });
  timings.repeatedSetup = again.ms;
  expect(again.alreadySetUp).toBe(true);
  expect(again.handoffPath).toBe(first);
  expect(again.ms).toBeLessThan(50);
  // …and a watch-mode teardown keeps the handoff and the lock for the next run.
  await teardown({ watch: true });
  await expect(fs.stat(first!)).resolves.toBeDefined();
  expect(await isLocked(clusterLockPath(stateDir, prefix))).toBe(true);
});

test('a test file loads its suite from the handoff and reaches every machine', async () => {
  const started = process.hrtime.bigint();
  const suite = await DTRHATestSuite.load({ env, cwd: stateDir });
  timings.suiteLoad = Number(process.hrtime.bigint() - started) / 1e6;
  expect(timings.suiteLoad).toBeLessThan(100);
  try {
    expect(suite.admin.username).toBe('admin');
    expect(suite.admin.password).toBe('never-in-the-handoff-42');
    expect(suite.controller.role).toBe('controller');
    for (const machine of suite.framework.machines) {
      expect((await machine.ssh('hostname')).stdout.trim()).toBe(machine.name);
      expect(String(await machine.getClient().ping())).toBe('OK');
    }
  } finally {
    await suite.teardown();
  }
});

test('teardown without PURGE_MACHINES keeps the machines, removes the handoff, releases the lock', async () => {
  const file = process.env[HANDOFF_ENV]!;
  const started = Date.now();
  expect(await teardown()).toEqual({ purged: [] });
  timings.teardownKeep = Date.now() - started;
  await expect(fs.stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  expect(process.env[HANDOFF_ENV]).toBeUndefined();
  expect(await isLocked(clusterLockPath(stateDir, prefix))).toBe(false);
  expect((await labContainers()).length).toBe(3);
});

test('warm: the next run reuses every machine, well under 2 s', async () => {
  const result = await setup({ env, cwd: stateDir });
  timings.warmSetup = result.ms;
  expect(Object.values(result.actions)).toEqual(['reused', 'reused', 'reused']);
  expect(result.ms).toBeLessThan(2_000);
  expect(timings.coldSetup / result.ms).toBeGreaterThan(5);
});

test('teardown with PURGE_MACHINES removes the machines; a handoff of them then reports them gone', async () => {
  const file = process.env[HANDOFF_ENV]!;
  const saved = await fs.readFile(file, 'utf8');
  const started = Date.now();
  const { purged } = await teardown({ purge: true });
  timings.teardownPurge = Date.now() - started;
  expect(purged.sort()).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
  expect(await labContainers()).toEqual([]);
  await fs.writeFile(file, saved, { mode: 0o600 });
  const error = await readHandoff(file, { checkEngines: true, engineTimeoutMs: 1_500 }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandoffError);
  expect((error as Error).message).toMatch(/do not answer: .*run jest again to rebuild or reuse it/);
});

async function containerIds(): Promise<string[]> {
  const containers = await new Docker().listContainers({ all: true });
  return containers.filter((c) => c.Names.some((n) => n.startsWith(`/${prefix}-`))).map((c) => c.Id);
}

test('with CI set: the machines a laptop-style run left are removed first, new ones made, and purged at the end', async () => {
  await setup({ env, cwd: stateDir });
  await teardown();
  const left = await containerIds();
  expect(left).toHaveLength(3);

  const ci = { ...env, CI: 'true' };
  const started = Date.now();
  const result = await setup({ env: ci, cwd: stateDir });
  timings.ciCleanSetup = Date.now() - started;
  expect(Object.values(result.actions)).toEqual(['created', 'created', 'created']);
  const fresh = await containerIds();
  expect(fresh).toHaveLength(3);
  expect(fresh.filter((id) => left.includes(id))).toEqual([]);

  const { purged } = await teardown();
  expect(purged.sort()).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
  expect(await labContainers()).toEqual([]);
  expect(await isLocked(clusterLockPath(stateDir, prefix))).toBe(false);
});
