import type Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import type { Config } from '../config';
import { machineSpecs, type EnsureResult } from '../machines/types';
import { openCluster, type ClusterContext } from './cluster-context';
import { machinesFilePath, writeMachinesFile } from './machines-file';
import { StatusReporter } from './status';

export interface UpResult extends EnsureResult {
  context: ClusterContext;
}

/**
 * `dtr-ha up`: an ordered list of steps over one context (kind's create actions). Every step checks
 * before it acts, so running `up` again reuses what exists and repairs what does not answer.
 */
export async function up(
  config: Config,
  options: { reporter?: StatusReporter; hostDocker?: Docker } = {},
): Promise<UpResult> {
  const reporter = options.reporter ?? new StatusReporter();
  const context = await reporter.step(`Preparing cluster state for ${config.machinePrefix}`, () =>
    openCluster(config, { hostDocker: options.hostDocker }),
  );
  const specs = machineSpecs(config.machinePrefix, config.numMachines);
  const ensured = await reporter.step(
    `Ensuring ${specs.length} machines (${context.provider.name})`,
    async (detail) => {
      // Machines beyond NUM_MACHINES (left by a bigger run) are not part of this cluster any more.
      const wanted = new Set(specs.map((s) => s.name));
      const extra = (await context.provider.list()).filter((m) => !wanted.has(m.name)).map((m) => m.name);
      if (extra.length && context.provider.name !== 'generic') {
        await context.provider.remove(extra);
        detail(`removed ${extra.join(', ')} (beyond NUM_MACHINES=${specs.length})`);
      }
      return context.provider.ensure(specs, detail);
    },
  );
  await writeMachinesFile(context.dir, ensured.machines);
  await context.knownHosts.flush();
  return { ...ensured, context };
}

/** `dtr-ha down`: removes every machine of the cluster and the records of them. */
export async function down(config: Config, options: { reporter?: StatusReporter; hostDocker?: Docker } = {}) {
  const reporter = options.reporter ?? new StatusReporter();
  const context = await openCluster(config, { hostDocker: options.hostDocker });
  const removed = await reporter.step(`Removing the machines of ${config.machinePrefix}`, async (detail) => {
    const names = await context.provider.remove();
    detail(names.length ? `removed ${names.join(', ')}` : 'no machines found');
    return names;
  });
  await fs.rm(machinesFilePath(context.dir), { force: true });
  await context.knownHosts.flush();
  return removed;
}
