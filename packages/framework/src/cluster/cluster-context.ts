import type Docker from 'dockerode';
import * as path from 'node:path';
import type { Config } from '../config';
import { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import { releaseProfileOf } from '../releases';
import type { MachineRecord, Provider } from '../machines/types';
import { KnownHosts } from '../ssh/known-hosts';
import { clusterStateDir, ensurePrivateDir } from '../state/private-files';
import { ensureClusterTls, type ClusterTls } from '../tls';

/** Everything the steps of `up` (and `down`, `status`, `ssh`) share for one cluster. */
export interface ClusterContext {
  config: Config;
  /** `<DTR_HA_STATE_DIR>/<MACHINE_PREFIX>`, 0700: keys, certificates, known hosts. */
  dir: string;
  tls: ClusterTls;
  knownHosts: KnownHosts;
  provider: Provider;
}

export async function openCluster(
  config: Config,
  options: { hostDocker?: Docker } = {},
): Promise<ClusterContext> {
  // The release pair, as loadConfig checks it: a Config put together in code with a pair the
  // framework cannot drive makes nothing either. (Its profile is not used yet: see releases/.)
  releaseProfileOf(config);
  // The provider checks its part of the configuration first (the generic driver resolves its host
  // names): a bad one makes nothing.
  const makeProvider = await providerRegistration(config.machineDriver).configure(config);
  const dir = clusterStateDir(config.stateDir, config.machinePrefix);
  await ensurePrivateDir(config.stateDir);
  await ensurePrivateDir(dir);
  const tls = await ensureClusterTls(path.join(dir, 'tls'), config.machinePrefix);
  const knownHosts = new KnownHosts(dir);
  const provider = await makeProvider({ dir, tls, knownHosts, hostDocker: options.hostDocker });
  return { config, dir, tls, knownHosts, provider };
}

/** Wraps records as Machines; the caller disposes them (closing SSH) when done. */
export function toMachines(context: ClusterContext, records: MachineRecord[]): Machine[] {
  return records.map((record) => new Machine(record, context.knownHosts));
}
