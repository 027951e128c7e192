/**
 * setup()/teardown() choosing between reuse and a clean cluster, and between keeping and purging
 * the machines, as REUSE_MACHINES, PURGE_MACHINES and CI say. `up` and `down` are stand-ins here
 * (the real ones are exercised on the lab by global-setup.int.test.ts); the lock, the configuration
 * and the handoff are the real ones.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StatusReporter, type Config } from '@dtr-ha/framework';
// jest.mock below is hoisted above the imports: run.ts gets the stand-ins.
import { setup, teardown } from './run';
import { appendSummary, summaryDir, summaryFile } from './summaries';

const calls: string[] = [];

jest.mock('@dtr-ha/framework', () => {
  const actual = jest.requireActual<typeof import('@dtr-ha/framework')>('@dtr-ha/framework');
  return {
    ...actual,
    down: jest.fn(async (config: Config) => {
      calls.push(`down ${config.machinePrefix}`);
      return [];
    }),
    up: jest.fn(async (config: Config, options: { until: string }) => {
      calls.push(`up ${config.machinePrefix} until ${options.until}`);
      const dir = path.join(config.stateDir, config.machinePrefix);
      await fs.mkdir(dir, { recursive: true });
      // The handoff is written from this; which machines it names does not matter here.
      return { context: { dir }, info: { machines: [] }, handles: [], actions: {} };
    }),
  };
});

let stateDir: string;
let lines: string[];
let reporter: StatusReporter;

beforeEach(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'preset-run-'));
  calls.length = 0;
  lines = [];
  reporter = new StatusReporter((line) => lines.push(line));
});

afterEach(async () => {
  await teardown({ purge: false }).catch(() => undefined);
  await fs.rm(stateDir, { recursive: true, force: true });
});

/** A run of the preset's hooks in an environment of only `env` (and the cluster's own settings). */
async function run(env: Record<string, string>, options: { reuse?: boolean; purge?: boolean } = {}) {
  const full = {
    HOME: stateDir,
    MACHINE_PREFIX: 'runtest',
    NUM_MACHINES: '2',
    DTR_HA_STATE_DIR: stateDir,
    DTR_HA_UNTIL: 'machines',
    ...env,
  };
  await setup({ env: full, cwd: stateDir, reporter, reuse: options.reuse });
  calls.push('tests');
  await teardown({ reporter, purge: options.purge });
}

test('on a laptop: the machines there are reused and kept', async () => {
  await run({});
  expect(calls).toEqual(['up runtest until machines', 'tests']);
});

test('on CI: a clean cluster (the machines there removed first) and a purge at the end; the reason is said', async () => {
  await run({ CI: 'true' });
  expect(calls).toEqual(['down runtest', 'up runtest until machines', 'tests', 'down runtest']);
  expect(lines).toContain(
    'dtr-ha: CI is set, so REUSE_MACHINES defaults to off (set REUSE_MACHINES=1 to reuse): ' +
      'removing the machines of runtest first',
  );
});

test('on CI, REUSE_MACHINES=1 and PURGE_MACHINES=0 keep the laptop behaviour', async () => {
  await run({ CI: 'true', REUSE_MACHINES: '1', PURGE_MACHINES: '0' });
  expect(calls).toEqual(['up runtest until machines', 'tests']);
});

test('on a laptop, REUSE_MACHINES=0 and PURGE_MACHINES=1 ask for the CI behaviour', async () => {
  await run({ REUSE_MACHINES: '0', PURGE_MACHINES: '1' });
  expect(calls).toEqual(['down runtest', 'up runtest until machines', 'tests', 'down runtest']);
  expect(lines).toContain('dtr-ha: REUSE_MACHINES is off: removing the machines of runtest first');
});

test('the options of setup() and teardown() win over the configuration', async () => {
  await run({ CI: 'true' }, { reuse: true, purge: false });
  expect(calls).toEqual(['up runtest until machines', 'tests']);
  await run({}, { reuse: false, purge: true });
  expect(calls.slice(2)).toEqual(['down runtest', 'up runtest until machines', 'tests', 'down runtest']);
  expect(lines).toContain('dtr-ha: setup({ reuse: false }): removing the machines of runtest first');
});

test('the summaries: a dead run’s are removed at setup, this run’s at teardown (after the reporters)', async () => {
  const clusterDir = path.join(stateDir, 'runtest');
  appendSummary(summaryFile(clusterDir, 'dead-run', '/ha/a.test.ts'), { name: 'n', value: 'v' });
  const env = {
    HOME: stateDir,
    MACHINE_PREFIX: 'runtest',
    DTR_HA_STATE_DIR: stateDir,
    DTR_HA_UNTIL: 'machines',
  };
  const { handoff } = await setup({ env, cwd: stateDir, reporter });
  expect(existsSync(summaryDir(clusterDir, 'dead-run'))).toBe(false);
  appendSummary(summaryFile(clusterDir, handoff.runId, '/ha/a.test.ts'), { name: 'n', value: 'v' });
  await teardown({ reporter });
  expect(existsSync(summaryDir(clusterDir, handoff.runId))).toBe(false);
});

test('a second setup() in the same process (watch mode, several projects) removes nothing', async () => {
  const env = {
    HOME: stateDir,
    MACHINE_PREFIX: 'runtest',
    DTR_HA_STATE_DIR: stateDir,
    DTR_HA_UNTIL: 'machines',
    CI: 'true',
  };
  await setup({ env, cwd: stateDir, reporter });
  const again = await setup({ env, cwd: stateDir, reporter });
  expect(again.alreadySetUp).toBe(true);
  expect(calls).toEqual(['down runtest', 'up runtest until machines']);
});
