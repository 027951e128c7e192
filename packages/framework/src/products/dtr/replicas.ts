import type Docker from 'dockerode';
import { ignoreMissing } from '../../engine/ignore-missing';
import type { Machine } from '../../machines/machine';
import type { StorageMode } from '../../machines/types';
import { prepareSharedVolume, releaseSharedVolume } from '../../storage/shared-storage';
import { waitFor } from '../../util/wait';
import {
  dtrDestroyArgs,
  dtrInstallerLabel,
  findReplicas,
  newReplicaArgs,
  newReplicaId,
  runDtr,
  type DtrAccess,
  type DtrReplica,
  type DtrSettings,
} from './dtr';
import { DtrApiClient } from './dtr-client';
import {
  isPhase2Container,
  parseReplicaContainer,
  replicaOfNginx,
  registryVolume,
  replicaOfRegistryVolume,
} from './names';

export interface ReplicaPlan {
  settings: DtrSettings;
  replicaMachines: Machine[];
  storage: StorageMode;
}

/**
 * Containers and registry volumes of replicas that have no front container: what an install or join
 * that died half-way leaves. They belong to no replica, so they go (volumes unmounted first).
 */
export async function reapOrphans(machine: Machine, detail: (message: string) => void): Promise<string[]> {
  const docker = machine.getClient();
  // An installer whose `up` was killed goes on making containers (and its second phase with them):
  // stop it first, or what it makes while we reap keeps a registry volume in use.
  const installers = await docker.listContainers({
    all: true,
    filters: { label: Object.entries(dtrInstallerLabel).map(([k, v]) => `${k}=${v}`) },
  });
  await Promise.all(installers.map((c) => removeContainer(docker, c.Id)));
  const reaped = new Set<string>();
  let fronts = new Set<string>();
  // Again until a listing finds nothing to remove: a second phase removed in one round may have
  // made a container just after the listing of that round.
  for (let round = 1; round <= 3; round++) {
    const containers = await docker.listContainers({ all: true });
    fronts = new Set(containers.flatMap((c) => c.Names).flatMap((n) => replicaOfNginx(n) ?? []));
    const doomed = containers.flatMap((c) => {
      const id = c.Names.map((n) => parseReplicaContainer(n)?.id).find(Boolean);
      // A second phase belongs to its installer, which removes it when it ends: with the installers
      // gone (above), every one left is an orphan, even when it got as far as making the replica's
      // front (the replica itself is then judged by its health, like any other).
      const orphanPhase = c.Names.some(isPhase2Container);
      return id && (orphanPhase || !fronts.has(id)) ? [{ container: c.Id, id }] : [];
    });
    if (!doomed.length) break;
    for (const { container, id } of doomed) {
      await removeContainer(docker, container);
      reaped.add(id);
    }
  }
  for (const volume of (await docker.listVolumes()).Volumes ?? []) {
    const id = replicaOfRegistryVolume(volume.Name);
    if (id && !fronts.has(id)) {
      await releaseSharedVolume(machine, registryVolume(id));
      reaped.add(id);
    }
  }
  if (reaped.size)
    detail(`removed what half-made replicas ${[...reaped].join(', ')} left on ${machine.name}`);
  return [...reaped];
}

/** Force-removes a container; one already gone (its own installer removed it) is fine. */
async function removeContainer(docker: Docker, id: string): Promise<void> {
  await docker.getContainer(id).remove({ force: true }).catch(ignoreMissing);
}

async function healthy(replica: DtrReplica, settings: DtrSettings, timeoutMs: number): Promise<boolean> {
  const client = new DtrApiClient(
    `https://${replica.machine.getIP()}:${settings.httpsPort}`,
    settings.tls.caPem,
  );
  return waitFor(`replica ${replica.id}`, async () => (await client.ping(), true), {
    timeoutMs,
    intervalMs: 500,
  }).catch(() => false);
}

/** Destroys one replica on its machine and releases its registry volume (unmounted before removal). */
export async function destroyReplica(access: DtrAccess, replica: DtrReplica): Promise<void> {
  await releaseSharedVolume(replica.machine, registryVolume(replica.id), { unmountOnly: true });
  await runDtr(replica.machine, access.image, dtrDestroyArgs(access, replica.id));
  await releaseSharedVolume(replica.machine, registryVolume(replica.id));
}

/**
 * One replica per replica machine: kept when it is there and healthy, installed on the first machine
 * (or joined to a healthy replica) when not. Each machine's registry volume is made shared storage
 * first. Leftovers of runs that died are reaped, and a replica that stays unhealthy is destroyed and
 * made again, so `up` after a crash ends with a whole cluster. `remakeBecause` says why none of the
 * replicas there can be kept (they know an older UCP, or addresses that changed).
 */
export async function ensureReplicas(
  plan: ReplicaPlan,
  controller: Machine,
  detail: (message: string) => void,
  options: { remakeBecause?: string } = {},
) {
  await Promise.all(plan.replicaMachines.map((m) => reapOrphans(m, detail)));
  const existing: DtrReplica[] = [];
  const found = await findReplicas(plan.replicaMachines);
  if (options.remakeBecause && found.length) {
    const ids = found.map((r) => r.id).join(', ');
    detail(`${options.remakeBecause}: destroying replicas ${ids} to make them again`);
    await Promise.all(found.map((replica) => destroyReplica(plan.settings, replica)));
  }
  for (const replica of options.remakeBecause ? [] : found) {
    if (await healthy(replica, plan.settings, 30_000)) existing.push(replica);
    else {
      detail(
        `replica ${replica.id} on ${replica.machine.name} is not healthy: destroying it to make it again`,
      );
      await destroyReplica(plan.settings, replica);
    }
  }
  const replicas: DtrReplica[] = [];
  for (const machine of plan.replicaMachines) {
    const found = existing.find((r) => r.machine === machine);
    if (found) {
      replicas.push(found);
      continue;
    }
    const replica = { id: newReplicaId(), machine };
    await prepareSharedVolume(plan.storage, controller, machine, registryVolume(replica.id));
    const anchor = replicas[0] ?? existing[0];
    const args = await newReplicaArgs(plan.settings, machine, replica.id, anchor?.id);
    detail(
      anchor
        ? `joining replica ${replica.id} on ${machine.name} to ${anchor.id}`
        : `installing replica ${replica.id} on ${machine.name}`,
    );
    await runDtr(machine, plan.settings.image, args);
    replicas.push(replica);
  }
  return replicas;
}

/** Every replica on these machines destroyed, all at once (each on its own machine). */
export async function destroyAllReplicas(access: DtrAccess, machines: Machine[]): Promise<string[]> {
  const replicas = await findReplicas(machines);
  await Promise.all(replicas.map((replica) => destroyReplica(access, replica)));
  await Promise.all(machines.map((m) => reapOrphans(m, () => undefined)));
  return replicas.map((r) => r.id);
}
