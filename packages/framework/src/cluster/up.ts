import Docker from 'dockerode';
import type { Config, UpTarget } from '../config';
import type { EnsureResult } from '../machines/types';
import type { Machine } from '../machines/machine';
import type { ClusterInfo } from './cluster-info';
import { openCluster, type ClusterContext } from './cluster-context';
import { providerRegistration } from '../machines/providers';
import { removeStaleTempFiles } from '../state/private-files';
import { writeClusterFile } from './cluster-file';
import { StatusReporter } from './status';
import { releaseProfileOf } from '../releases';
import type { LockCheck } from '../util/lock';
import { need, runSteps, stepsUntil, type StepContext } from './steps';

// `down` moved to ./teardown; the provider and stand-in integration tests import it from here with `up`.
export { down } from './teardown';

export interface UpOptions {
  reporter?: StatusReporter;
  hostDocker?: Docker;
  /**
   * How far to build: a position in the step list. No default: a caller says whether it wants the
   * machines only, UCP too, or the whole cluster (the CLI and the preset have theirs, in config).
   */
  until: UpTarget;
  /**
   * The cluster's run lock, which the caller holds (`up` does not take it: a Jest worker runs it under
   * the lock of Jest's main process). Checked before every step: once it is lost, `up` stops there
   * with a LockLostError, and leaves cluster.json to the new holder.
   */
  lock?: LockCheck;
}

export interface UpResult extends EnsureResult {
  context: ClusterContext;
  info: ClusterInfo;
  /** Open Machines of this run (SSH connections): call `dispose()` on each when done. */
  handles: Machine[];
}

/**
 * `dtr-ha up`: the ordered list of steps in ./steps over one context, in the order data flows
 * (machines → images → UCP → storage → DTR → load balancer → trust), run as far as `until`. Every
 * step checks before it acts, so running `up` again reuses what exists and repairs what does not
 * answer.
 */
export async function up(config: Config, options: UpOptions): Promise<UpResult> {
  const reporter = options.reporter ?? new StatusReporter();
  const { until, lock } = options;
  // Checked again here (loadConfig did): a Config built by hand must be a supported pair too.
  const profile = releaseProfileOf(config);
  const hostDocker = options.hostDocker ?? new Docker();
  lock?.assertHeld();
  // Before anything is made: a host that cannot run the machines stops here, saying what to do.
  await providerRegistration(config.machineDriver).preflight?.(hostDocker, config, (line) =>
    reporter.info(line),
  );
  const context = await reporter.step(
    `Preparing cluster state for ${config.machinePrefix}`,
    async (detail) => {
      const opened = await openCluster(config, { hostDocker });
      // What a run killed between a write and its rename left (its writer is gone, or it is old); a
      // live writer's temp file, of a test worker or `dtr-ha logs` beside this run, stays.
      const leftovers = await removeStaleTempFiles(opened.dir);
      if (leftovers.length > 0) detail(`removed temp files a killed run left: ${leftovers.join(', ')}`);
      return opened;
    },
  );
  const ctx: StepContext = { config, context, reporter, hostDocker, profile };
  try {
    await runSteps(stepsUntil(until), ctx, lock);
  } catch (error) {
    ctx.handles?.forEach((m) => m.dispose());
    throw error;
  } finally {
    // Once the machines step has ended well, cluster.json records this run however far it got: what
    // a later step had not finished keeps the older run's `madeFor`. A run that lost its lock leaves
    // the record to the run that holds it now.
    if (ctx.info && stillHeld(lock)) {
      await writeClusterFile(context.dir, ctx.info);
      await context.knownHosts.flush();
    }
  }
  return { ...need(ctx, 'ensured'), context, info: need(ctx, 'info'), handles: need(ctx, 'handles') };
}

function stillHeld(lock: LockCheck | undefined): boolean {
  try {
    lock?.assertHeld();
    return true;
  } catch {
    return false;
  }
}
