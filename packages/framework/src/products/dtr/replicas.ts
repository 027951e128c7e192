import type Docker from 'dockerode';
import { ignoreMissing } from '../../engine/ignore-missing';
import type { Machine } from '../../machines/machine';
import type { StorageMode } from '../../machines/types';
import { prepareSharedVolume, releaseSharedVolume } from '../../storage/shared-storage';
import { waitFor } from '../../util/wait';
import {
  dtrDestroyLine,
  dtrInstallerLabel,
  dtrRemoveLine,
  findReplicas,
  newReplicaLine,
  newReplicaId,
  runDtr,
  type DtrAccess,
  type DtrReplica,
  type DtrSettings,
} from './dtr';
import { DtrApiClient, fetchServedCa } from './dtr-client';
import {
  isPhase2Container,
  parseReplicaContainer,
  parseReplicaVolume,
  replicaContainerPattern,
  replicaOfNginx,
  registryVolume,
} from './names';

export interface ReplicaPlan {
  settings: DtrSettings;
  /**
   * The CA DTR's replicas serve certificates from: ours where install takes our certificate; else
   * (2.0) the one DTR made, as pinned by an earlier run, or undefined until `ensureReplicas` reads it.
   */
  dtrCaPem?: string;
  replicaMachines: Machine[];
  storage: StorageMode;
}

/**
 * Containers and volumes of replicas that have no front container: what an install or join
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
    const id = parseReplicaVolume(volume.Name)?.id;
    if (id && !fronts.has(id)) {
      await removeReplicaVolume(machine, volume.Name, id);
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

async function healthy(
  replica: DtrReplica,
  settings: DtrSettings,
  dtrCaPem: string,
  timeoutMs: number,
): Promise<boolean> {
  const client = new DtrApiClient(
    `https://${replica.machine.getIP()}:${settings.httpsPort}`,
    dtrCaPem,
    undefined,
    {
      healthPath: settings.driver.healthPath,
    },
  );
  return waitFor(`replica ${replica.id}`, async () => (await client.ping(), true), {
    timeoutMs,
    intervalMs: 100,
  }).catch(() => false);
}

/**
 * Takes replicas away where the whole cluster goes (made anew, or torn down), each registry volume
 * released (unmounted before removal). Where the release has `destroy` (2.7), each replica is
 * destroyed on its own machine, all at once: it tells the other replicas nothing, which is right
 * only when none lives on. Where it has not (2.0, which uninstalls with `remove`), every replica but
 * one is removed through that one, then that one with itself as the existing replica
 * (--force-remove). A replica no command can take (none left to go through: a suite killed them)
 * is taken apart on its engine, its containers and volumes by their documented names.
 */
export async function destroyReplicas(
  access: DtrAccess,
  replicas: DtrReplica[],
  detail: (message: string) => void = () => undefined,
): Promise<void> {
  await Promise.all(
    replicas.map((r) => releaseSharedVolume(r.machine, registryVolume(r.id), { unmountOnly: true })),
  );
  const reap = async (r: DtrReplica) => {
    await reapReplica(r.machine, r.id);
    await releaseSharedVolume(r.machine, registryVolume(r.id));
  };
  // Replicas already out of the cluster, taken apart on their own machines meanwhile.
  const reaping: Array<Promise<void>> = [];
  if (access.driver.destroy) {
    await Promise.all(replicas.map((r) => runDtr(r.machine, access.image, dtrDestroyLine(access, r.id)!)));
  } else if (replicas.length) {
    const [last, ...others] = replicas;
    try {
      for (const replica of others) {
        await runDtr(last.machine, access.image, dtrRemoveLine(access, replica.id, last.id));
        // Out of the cluster: what it left on its own machine goes while the next one is removed.
        if (replica.machine !== last.machine) reaping.push(reap(replica));
      }
      await runDtr(last.machine, access.image, dtrRemoveLine(access, last.id, last.id));
    } catch (error) {
      // What is left is reaped below, replica by replica; the reason is said, not swallowed.
      detail(
        `removing the replicas through ${last.id} failed (${(error as Error).message.split('\n')[0]}): ` +
          'taking what is left apart on each engine',
      );
    }
  }
  // Whatever failed there is tried again below, with everything else.
  await Promise.allSettled(reaping);
  await Promise.all(replicas.map(reap));
}

/** A replica found on its machine, and whether it answered healthy. */
export interface FoundReplica<M = Machine> {
  id: string;
  machine: M;
  healthy: boolean;
}

/** What `ensureReplicas` does with the replicas it found: pure, so the choice can be tested alone. */
export interface ReplicaDecision<M = Machine> {
  /** Healthy replicas that stay as they are, at most one per machine. */
  keep: Array<FoundReplica<M>>;
  /** Each replica that cannot stay, taken out of the cluster through a kept, healthy one. */
  remove: Array<{ replica: FoundReplica<M>; through: FoundReplica<M> }>;
  /** When nothing can be kept: every replica found, destroyed so that the cluster is made anew. */
  destroy: Array<FoundReplica<M>>;
  /** Why the cluster is made anew, when replicas are destroyed. */
  remakeBecause?: string;
  /** The machines that get a new replica, in order: each joins `joinTo`, or the first installs. */
  make: M[];
  joinTo?: FoundReplica<M>;
}

/**
 * DTR's recovery as its disaster-recovery pages give it: while a majority of the replicas is
 * healthy, "remove the unhealthy nodes and join new ones", each removed through a healthy replica;
 * when the majority is lost, DTR's answer is emergency-repair, which DTR 2.0 does not have, so the
 * cluster is made anew, as it is when no replica is healthy (there is none to remove through) or
 * when `remakeBecause` says none can be kept. A machine keeps its first healthy replica; any other
 * replica on it goes too.
 */
export function decideReplicas<M>(
  machines: M[],
  found: Array<FoundReplica<M>>,
  remakeBecause?: string,
): ReplicaDecision<M> {
  const anew = (because?: string): ReplicaDecision<M> => ({
    keep: [],
    remove: [],
    destroy: found,
    remakeBecause: found.length ? because : undefined,
    make: machines,
  });
  if (remakeBecause) return anew(remakeBecause);
  const healthy = found.filter((r) => r.healthy);
  if (!healthy.length) return anew('no replica is healthy, so none can be removed through one');
  if (healthy.length * 2 <= found.length) {
    return anew(`${healthy.length} of ${found.length} replicas healthy is short of the majority DTR needs`);
  }
  const keep = machines.flatMap((m) => healthy.find((r) => r.machine === m) ?? []);
  const [through] = keep;
  return {
    keep,
    remove: found.filter((r) => !keep.includes(r)).map((replica) => ({ replica, through })),
    destroy: [],
    make: machines.filter((m) => !keep.some((r) => r.machine === m)),
    joinTo: through,
  };
}

/**
 * What a replica taken out of the cluster left on its machine: its containers and volumes
 * (`dtr-<part>-<id>`; the registry volume unmounted from the shared storage first). DTR's own remove deletes them
 * where it can reach the node; the lab's stand-in only reaches the engine it runs on.
 */
export async function reapReplica(machine: Machine, id: string): Promise<string[]> {
  const docker = machine.getClient();
  const pattern = replicaContainerPattern(id);
  const containers = (await docker.listContainers({ all: true })).filter((c) =>
    c.Names.some((n) => pattern.test(n)),
  );
  // Side by side: none of a replica's containers waits for another; its volumes go once they are gone.
  await Promise.all(containers.map((c) => removeContainer(docker, c.Id)));
  const volumes = ((await docker.listVolumes()).Volumes ?? []).filter(
    (v) => parseReplicaVolume(v.Name)?.id === id,
  );
  await Promise.all(volumes.map((v) => removeReplicaVolume(machine, v.Name, id)));
  // The registry volume is unmounted from the shared storage even when the engine lists no volume.
  if (!volumes.some((v) => v.Name === registryVolume(id)))
    await releaseSharedVolume(machine, registryVolume(id));
  return [...containers.map((c) => c.Names[0].replace(/^\//, '')), ...volumes.map((v) => `volume ${v.Name}`)];
}

/** One of a replica's volumes: the registry's is unmounted from the shared storage first. */
async function removeReplicaVolume(machine: Machine, volume: string, id: string): Promise<void> {
  if (volume === registryVolume(id)) await releaseSharedVolume(machine, volume);
  else await machine.getClient().getVolume(volume).remove().catch(ignoreMissing);
}

/**
 * Takes an unhealthy replica out of the cluster through a healthy one, then reaps what it left. The
 * reference runs remove on "any node that is part of UCP"; it runs on the healthy replica's node,
 * known to be up (where the lab's stand-in also finds the cluster's metadata). The dead replica's
 * registry volume is unmounted first: DTR deletes a removed replica's volumes, and deleting one
 * with the shared storage mounted over it would delete every replica's images.
 */
export async function removeReplica(
  access: DtrAccess,
  replica: DtrReplica,
  through: DtrReplica,
  detail: (message: string) => void,
  why = 'is not healthy',
): Promise<void> {
  detail(
    `replica ${replica.id} on ${replica.machine.name} ${why}: removing it through replica ${through.id} on ${through.machine.name}`,
  );
  await releaseSharedVolume(replica.machine, registryVolume(replica.id), { unmountOnly: true });
  await runDtr(through.machine, access.image, dtrRemoveLine(access, replica.id, through.id));
  const left = await reapReplica(replica.machine, replica.id);
  if (left.length)
    detail(`removed what replica ${replica.id} left on ${replica.machine.name}: ${left.join(', ')}`);
}

/**
 * A new replica on `machine`, its registry volume made shared storage first: joined through
 * `through`, or (none) installed as the first of a new cluster.
 */
export async function makeReplica(
  plan: Pick<ReplicaPlan, 'settings' | 'storage'>,
  controller: Machine,
  machine: Machine,
  through: DtrReplica | undefined,
  detail: (message: string) => void,
): Promise<DtrReplica> {
  const replica = { id: newReplicaId(), machine };
  await prepareSharedVolume(plan.storage, controller, machine, registryVolume(replica.id));
  const line = await newReplicaLine(plan.settings, machine, replica.id, through?.id);
  detail(
    through
      ? `joining replica ${replica.id} on ${machine.name} to ${through.id}`
      : `installing replica ${replica.id} on ${machine.name}`,
  );
  await runDtr(machine, plan.settings.image, line);
  return replica;
}

/**
 * One replica per replica machine: kept when it is there and healthy, installed on the first machine
 * (or joined to a healthy replica) when not. Each machine's registry volume is made shared storage
 * first. Leftovers of runs that died are reaped, and unhealthy replicas are repaired as
 * `decideReplicas` says, so `up` after a crash ends with a whole cluster. `remakeBecause` says why
 * none of the replicas there can be kept (they know an older UCP, or addresses that changed).
 */
export async function ensureReplicas(
  plan: ReplicaPlan,
  controller: Machine,
  detail: (message: string) => void,
  options: { remakeBecause?: string } = {},
) {
  await Promise.all(plan.replicaMachines.map((m) => reapOrphans(m, detail)));
  const found = await findReplicas(plan.replicaMachines);
  const { driver, httpsPort } = plan.settings;
  const replicaUrl = (machine: Machine) => `https://${machine.getIP()}:${httpsPort}`;
  const ownCa = (url: string) => {
    if (!driver.caPath)
      throw new Error('DTR makes its own CA here, but the release profile names no path it serves it at');
    return fetchServedCa(url, driver.caPath);
  };
  if (!driver.takesCertificate && plan.dtrCaPem === undefined && found.length) {
    // Replicas from a run that died before it pinned DTR's CA: read it from one of them.
    plan.dtrCaPem = await ownCa(replicaUrl(found[0].machine)).catch(() => undefined);
  }
  const caPem = plan.dtrCaPem;
  // Checked all at once: an unhealthy replica takes the whole wait to say so.
  const checked = await Promise.all(
    found.map(async (replica) => ({
      ...replica,
      healthy:
        !options.remakeBecause &&
        caPem !== undefined &&
        (await healthy(replica, plan.settings, caPem, 30_000)),
    })),
  );
  const decision = decideReplicas(plan.replicaMachines, checked, options.remakeBecause);
  if (decision.destroy.length) {
    const ids = decision.destroy.map((r) => r.id).join(', ');
    detail(`${decision.remakeBecause}: destroying replicas ${ids} to make them again`);
    await destroyReplicas(plan.settings, decision.destroy, detail);
  }
  // One at a time: each remove changes the cluster the next one goes through.
  for (const { replica, through } of decision.remove) {
    const why = replica.healthy ? 'is a second replica on its machine' : 'is not healthy';
    await removeReplica(plan.settings, replica, through, detail, why);
  }
  let anchor: DtrReplica | undefined = decision.joinTo;
  const made: DtrReplica[] = [];
  for (const machine of decision.make) {
    const replica = await makeReplica(plan, controller, machine, anchor, detail);
    if (!anchor && !driver.takesCertificate) {
      // A new cluster made its own CA: read it once, as its page says, and pin it from here on.
      plan.dtrCaPem = await ownCa(replicaUrl(machine));
    }
    anchor ??= replica;
    made.push(replica);
  }
  const replicas = [...decision.keep, ...made].map(({ id, machine }) => ({ id, machine }));
  return plan.replicaMachines.flatMap((m) => replicas.filter((r) => r.machine === m));
}

/** Every replica on these machines destroyed, all at once (each on its own machine). */
export async function destroyAllReplicas(
  access: DtrAccess,
  machines: Machine[],
  detail: (message: string) => void = () => undefined,
): Promise<string[]> {
  const replicas = await findReplicas(machines);
  await destroyReplicas(access, replicas, detail);
  await Promise.all(machines.map((m) => reapOrphans(m, () => undefined)));
  return replicas.map((r) => r.id);
}
