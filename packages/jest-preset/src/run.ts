/**
 * What the preset's globalSetup and globalTeardown do, as two functions a user with a globalSetup of
 * their own can call: `setup()` builds or reuses the cluster under its run lock (REUSE_MACHINES off:
 * from a clean one) and writes the handoff; `teardown()` removes the handoff, purges the machines
 * when PURGE_MACHINES says so, and releases the lock. Both defaults follow `CI`: reuse and keep on a
 * laptop, a clean cluster purged at the end on CI.
 */
import { rmSync } from 'node:fs';
import {
  StatusReporter,
  down,
  loadConfig,
  silentWriter,
  stderrWriter,
  up,
  type Config,
  type UpTarget,
} from '@dtr-ha/framework';
import {
  HANDOFF_ENV,
  acquireClusterLock,
  buildHandoff,
  handoffPath,
  newRunId,
  removeHandoff,
  removeStaleHandoffs,
  writeHandoff,
  type Handoff,
  type HeldLock,
} from '@dtr-ha/framework';
import { removeStaleSummaries, removeSummaries } from './summaries';

/** How far globalSetup builds the cluster; DTR itself is installed per test file by `suite.setup()`. */
export const UNTIL_ENV = 'DTR_HA_UNTIL';
/** Set (1/true/yes/on) to silence the status lines of globalSetup, globalTeardown and suite.setup(). */
export const QUIET_ENV = 'DTR_HA_QUIET';

export interface SetupOptions {
  /** How far to build: `machines`, `ucp` or `dtr`. Defaults to the configuration's DTR_HA_UNTIL (`ucp`). */
  until?: UpTarget;
  /** Reuse the machines there (false: remove them first); defaults to the configuration's REUSE_MACHINES. */
  reuse?: boolean;
  /** The environment the configuration is read from (default `process.env`). DTR_HA_HANDOFF is set in `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where `.env` is looked for (default `process.cwd()`). */
  cwd?: string;
  /** Status lines (default: stderr, or silent with the configuration's DTR_HA_QUIET). */
  reporter?: StatusReporter;
  /** How long to wait for another run of the same MACHINE_PREFIX (default 30 min; 0 = forever). */
  lockTimeoutMs?: number;
  /** Lock staleness (default 10 s): a holder that stopped refreshing for this long is taken over. */
  lockStaleMs?: number;
}

export interface SetupResult {
  handoffPath: string;
  handoff: Handoff;
  config: Config;
  /** What `up` did per machine (empty when an earlier watch run's handoff was reused). */
  actions: Record<string, 'reused' | 'started' | 'created'>;
  /** True when nothing was done because this process already set the cluster up (watch mode). */
  alreadySetUp: boolean;
  /** Milliseconds spent in setup, lock wait included. */
  ms: number;
}

export interface TeardownOptions {
  /** Jest's watch mode: keep everything for the next run (the lock goes with the process). */
  watch?: boolean;
  reporter?: StatusReporter;
  /** Force (or prevent) removing the machines; defaults to the configuration's PURGE_MACHINES. */
  purge?: boolean;
}

interface RunState {
  config: Config;
  handoffPath: string;
  handoff: Handoff;
  lock: HeldLock;
  reporter: StatusReporter;
  exitHook: () => void;
}

// Kept on globalThis, not in a module variable: Jest may load globalSetup and globalTeardown through
// separate module registries, and in watch mode it calls them again in the same process.
const STATE_KEY = Symbol.for('@dtr-ha/jest-preset.run-state');
type WithState = typeof globalThis & { [STATE_KEY]?: RunState };

function runState(): RunState | undefined {
  return (globalThis as WithState)[STATE_KEY];
}

function setRunState(state: RunState | undefined): void {
  if (state) (globalThis as WithState)[STATE_KEY] = state;
  else delete (globalThis as WithState)[STATE_KEY];
}

/** Status lines on stderr, or none with DTR_HA_QUIET (from the environment or `.env`, as all settings). */
export function defaultReporter(config: Config): StatusReporter {
  return new StatusReporter(config.tests.quiet ? silentWriter : stderrWriter);
}

/**
 * globalSetup: configuration → run lock of MACHINE_PREFIX → build or reuse the cluster → handoff
 * (0600, one per run) → `process.env.DTR_HA_HANDOFF`. Called again in the same process (watch mode,
 * or several projects using the preset) it only sets DTR_HA_HANDOFF again.
 */
export async function setup(options: SetupOptions = {}): Promise<SetupResult> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const existing = runState();
  if (existing) {
    process.env[HANDOFF_ENV] = existing.handoffPath;
    return {
      handoffPath: existing.handoffPath,
      handoff: existing.handoff,
      config: existing.config,
      actions: {},
      alreadySetUp: true,
      ms: Date.now() - started,
    };
  }
  const config = loadConfig({ env, cwd: options.cwd });
  const reporter = options.reporter ?? defaultReporter(config);
  const until = options.until ?? config.tests.until;
  const lock = await acquireClusterLock(config.stateDir, config.machinePrefix, {
    purpose: `jest run (${until})`,
    timeoutMs: options.lockTimeoutMs,
    staleMs: options.lockStaleMs,
    onWait: (message) => reporter.info(` … ${message}`),
  });
  try {
    if (!(options.reuse ?? config.reuseMachines)) {
      reporter.info(
        `dtr-ha: ${whyClean(config, options)}: removing the machines of ${config.machinePrefix} first`,
      );
      await down(config, { reporter, lock });
    }
    // The lock is checked before every step of `up` and before the handoff is written: a run that
    // lost it (stopped past its stale time, taken over) stops instead of acting beside the new holder.
    const result = await up(config, { until, reporter, lock });
    result.handles.forEach((m) => m.dispose());
    lock.assertHeld();
    const runId = newRunId();
    const file = handoffPath(result.context.dir, runId);
    // Holding the run lock, no other run of this cluster is going: older handoffs are leftovers.
    await removeStaleHandoffs(result.context.dir, file);
    await removeStaleSummaries(result.context.dir, runId);
    const handoff = buildHandoff({
      config,
      clusterDir: result.context.dir,
      info: result.info,
      built: until,
      runId,
    });
    await writeHandoff(file, handoff);
    process.env[HANDOFF_ENV] = file;
    // Should the process end without globalTeardown (Ctrl-C in watch mode), the handoff goes with it;
    // the lock is released by its own exit hook.
    const exitHook = () => removeHandoffSync(file);
    process.once('exit', exitHook);
    setRunState({ config, handoffPath: file, handoff, lock, reporter, exitHook });
    return {
      handoffPath: file,
      handoff,
      config,
      actions: result.actions,
      alreadySetUp: false,
      ms: Date.now() - started,
    };
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
}

/**
 * globalTeardown: removes this run's handoff, removes the machines with PURGE_MACHINES (otherwise the
 * cluster stays for the next run), releases the run lock. In watch mode it keeps everything.
 */
export async function teardown(options: TeardownOptions = {}): Promise<{ purged: string[] }> {
  const state = runState();
  if (!state || options.watch) return { purged: [] };
  const reporter = options.reporter ?? state.reporter;
  setRunState(undefined);
  process.removeListener('exit', state.exitHook);
  try {
    await removeHandoff(state.handoffPath);
    // Jest runs globalTeardown after its reporters' last call: the JUnit report has its summaries.
    await removeSummaries(state.handoff.cluster.dir, state.handoff.runId);
    if (process.env[HANDOFF_ENV] === state.handoffPath) delete process.env[HANDOFF_ENV];
    const purge = options.purge ?? state.config.purgeMachines;
    return { purged: purge ? await down(state.config, { reporter, lock: state.lock }) : [] };
  } finally {
    await state.lock.release();
  }
}

/** Why this run starts from a clean cluster, in the words of the setting that said so. */
function whyClean(config: Config, options: SetupOptions): string {
  if (options.reuse !== undefined) return 'setup({ reuse: false })';
  if (config.sources.REUSE_MACHINES !== 'default') return 'REUSE_MACHINES is off';
  return 'CI is set, so REUSE_MACHINES defaults to off (set REUSE_MACHINES=1 to reuse)';
}

function removeHandoffSync(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // best effort at exit
  }
}
