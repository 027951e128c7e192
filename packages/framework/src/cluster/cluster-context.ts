import Docker from 'dockerode';
import * as path from 'node:path';
import type { Config } from '../config';
import { Machine } from '../machines/machine';
import { DockerMachineProvider } from '../machines/providers/docker-machine/docker-machine-provider';
import { GenericProvider } from '../machines/providers/generic/generic-provider';
import { LocalLabProvider } from '../machines/providers/local-lab/local-lab-provider';
import type { MachineRecord, Provider } from '../machines/types';
import { KnownHosts } from '../ssh/known-hosts';
import { ensureSshIdentity } from '../ssh/ssh-identity';
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
  const dir = clusterStateDir(config.stateDir, config.machinePrefix);
  await ensurePrivateDir(config.stateDir);
  await ensurePrivateDir(dir);
  const tls = await ensureClusterTls(path.join(dir, 'tls'), config.machinePrefix);
  const knownHosts = new KnownHosts(dir);
  const provider = await createProvider(config, { dir, tls, knownHosts }, options.hostDocker);
  return { config, dir, tls, knownHosts, provider };
}

async function createProvider(
  config: Config,
  shared: { dir: string; tls: ClusterTls; knownHosts: KnownHosts },
  hostDocker?: Docker,
): Promise<Provider> {
  switch (config.machineDriver) {
    case 'local':
      return new LocalLabProvider({
        prefix: config.machinePrefix,
        hostDocker: hostDocker ?? new Docker(),
        identity: await ensureSshIdentity(shared.dir, `dtr-ha ${config.machinePrefix}`),
        debianMirror: config.debianMirror,
        tls: shared.tls,
        knownHosts: shared.knownHosts,
      });
    case 'generic':
      return new GenericProvider({
        prefix: config.machinePrefix,
        hosts: config.genericMachineList,
        ssh: config.generic!,
        tls: shared.tls,
        knownHosts: shared.knownHosts,
      });
    default:
      return new DockerMachineProvider({
        prefix: config.machinePrefix,
        driver: config.machineDriver,
        createFlags: config.machineCreateFlags,
      });
  }
}

/** Wraps records as Machines; the caller disposes them (closing SSH) when done. */
export function toMachines(context: ClusterContext, records: MachineRecord[]): Machine[] {
  return records.map((record) => new Machine(record, context.knownHosts));
}
