import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import type { Config } from '../config';
import { haproxyContainer } from '../load-balancer/haproxy';
import type { Machine } from '../machines/machine';
import type { DtrAccess } from '../products/dtr/dtr';
import { destroyAllReplicas } from '../products/dtr/replicas';
import { adminPassword } from './admin-password';
import { openCluster, toMachines } from './cluster-context';
import { clusterFilePath, readClusterFile, writeClusterFile } from './cluster-file';
import { StatusReporter } from './status';
import { releaseProfileOf } from '../releases';
import type { LockCheck } from '../util/lock';

/**
 * What `uninstallDtr` and `down` are given. `lock`: the cluster's run lock the caller holds (they take
 * none: a test file's teardown runs under the lock of Jest's main process), checked before each
 * action, so a run that lost its lock does not take apart a cluster another run now works on.
 */
export interface TeardownOptions {
  reporter?: StatusReporter;
  hostDocker?: Docker;
  lock?: LockCheck;
}

/**
 * Removes DTR: every replica destroyed on its machine, its registry volume released (unmounted
 * first, so removing it cannot reach into the shared storage), HAProxy stopped. UCP and the
 * machines stay, as after each test suite. Destroy, not remove: the whole cluster goes, so no
 * replica needs telling, and the destroys run all at once where removes would go one at a time
 * through a healthy replica (and fail where none is left, as after a suite that killed them).
 * DTR 2.0 has no destroy: there every replica but one is removed through that one, then that one
 * with --force-remove (`destroyReplicas`).
 */
export async function removeDtr(
  access: DtrAccess,
  machines: Machine[],
  detail: (message: string) => void = () => undefined,
): Promise<string[]> {
  const removed = await destroyAllReplicas(access, machines, detail);
  await Promise.all(
    machines.map((m) =>
      m
        .getClient()
        .getContainer(haproxyContainer)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return removed;
}

/**
 * Removes DTR from a cluster that `up` built (the per-suite teardown, and `dtr-ha down --dtr`): the
 * machines and UCP stay for the next suite.
 */
export async function uninstallDtr(config: Config, options: TeardownOptions = {}): Promise<string[]> {
  const reporter = options.reporter ?? new StatusReporter();
  options.lock?.assertHeld();
  const context = await openCluster(config, { hostDocker: options.hostDocker });
  const info = await readClusterFile(context.dir);
  if (!info?.ucp) return [];
  const machines = toMachines(context, info.machines);
  try {
    return await reporter.step('Removing DTR (machines and UCP stay)', async (detail) => {
      const access: DtrAccess = {
        image: config.dtr.image,
        ucp: { url: info.ucp!.url, caPem: await fs.readFile(info.ucp!.caPath, 'utf8') },
        ucpUsername: config.admin.username,
        ucpPassword: await adminPassword(config, context.dir),
        driver: releaseProfileOf(config).driver.dtr,
      };
      const removed = await removeDtr(access, machines, detail);
      detail(removed.length ? `destroyed replicas ${removed.join(', ')}` : 'no DTR replica found');
      options.lock?.assertHeld();
      await writeClusterFile(context.dir, {
        machines: info.machines,
        ucp: info.ucp,
        madeFor: { ucp: info.madeFor?.ucp },
      });
      return removed;
    });
  } finally {
    machines.forEach((m) => m.dispose());
  }
}

/** `dtr-ha down`: removes every machine of the cluster and the records of them. */
export async function down(config: Config, options: TeardownOptions = {}) {
  const reporter = options.reporter ?? new StatusReporter();
  options.lock?.assertHeld();
  const context = await openCluster(config, { hostDocker: options.hostDocker });
  const removed = await reporter.step(`Removing the machines of ${config.machinePrefix}`, async (detail) => {
    const names = await context.provider.remove(undefined, detail);
    detail(names.length ? `removed ${names.join(', ')}` : 'no machines found');
    return names;
  });
  options.lock?.assertHeld();
  await fs.rm(clusterFilePath(context.dir), { force: true });
  await context.knownHosts.flush();
  return removed;
}
