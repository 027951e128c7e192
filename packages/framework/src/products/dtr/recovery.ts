/**
 * DTR's recovery commands as its disaster-recovery pages use them: `backup` (both releases) of a
 * healthy cluster, `restore` of one that lost its majority for good (both), `emergency-repair` of
 * one that lost its quorum (2.7). Each command line comes from the release's driver; what a release
 * lacks is absent there, and asking for it is an error that says what the release does instead.
 */
import type { Machine } from '../../machines/machine';
import { prepareSharedVolume } from '../../storage/shared-storage';
import {
  newReplicaId,
  newReplicaSettings,
  runDtr,
  runDtrPiped,
  ucpAccess,
  ucpNodeName,
  type DtrAccess,
  type DtrReplica,
} from './dtr';
import { registryVolume } from './names';
import { destroyReplicas, reapReplica, type ReplicaPlan } from './replicas';

/** A backup as `backup` printed it: the tar (it holds private keys), and where it was read. */
export interface DtrBackup {
  /** The tar archive `backup` wrote on stdout, byte for byte. */
  readonly archive: Buffer;
  /** The replica it was read through. */
  readonly replicaId: string;
  readonly takenAt: Date;
}

/**
 * `backup` through `through`, a healthy replica, on its machine: the page's `docker run -i --rm …
 * backup … > backup.tar`, kept in memory (never in an engine log: `--log-driver none`, as the 2.7
 * page runs it).
 */
export async function backupDtr(access: DtrAccess, through: DtrReplica): Promise<DtrBackup> {
  const line = access.driver.backup({ ...ucpAccess(access), existingReplicaId: through.id });
  const archive = await runDtrPiped(through.machine, access.image, line, { logs: false });
  if (!archive.length) throw new Error(`dtr backup through replica ${through.id} printed no backup`);
  const backup = { replicaId: through.id, takenAt: new Date() } as DtrBackup;
  // It holds private keys: readable as `backup.archive`, but not enumerable, so a backup printed,
  // serialised or shown in a failed test's diff leaves it out (as the suite does the admin password).
  Object.defineProperty(backup, 'archive', { value: archive, enumerable: false });
  return backup;
}

/**
 * `restore` of `backup` on `machine`: "a fresh installation", so what is left of the old cluster
 * (`leftovers`, the replicas still found on the machines) is taken apart first, as uninstalling DTR
 * does ("make sure you have destroyed the old DTR fully", the 2.7 restore page); then a new replica,
 * its registry volume made shared storage, restored from the backup on stdin. The cluster it makes
 * has that one replica: the others join it.
 */
export async function restoreDtr(
  plan: Pick<ReplicaPlan, 'settings' | 'storage'>,
  controller: Machine,
  machine: Machine,
  backup: DtrBackup,
  leftovers: DtrReplica[],
  detail: (message: string) => void = () => undefined,
): Promise<DtrReplica> {
  if (leftovers.length) {
    detail(`taking apart what is left of the old cluster: replicas ${leftovers.map((r) => r.id).join(', ')}`);
    await destroyReplicas(plan.settings, leftovers, detail);
  }
  const replica = { id: newReplicaId(), machine };
  await prepareSharedVolume(plan.storage, controller, machine, registryVolume(replica.id));
  const settings = newReplicaSettings(plan.settings, { id: replica.id, node: await ucpNodeName(machine) });
  detail(
    `restoring replica ${replica.id} on ${machine.name} from the backup taken through ${backup.replicaId}`,
  );
  await runDtrPiped(machine, plan.settings.image, plan.settings.driver.restore(settings), {
    input: backup.archive,
  });
  return replica;
}

/**
 * `emergency-repair` from `survivor`, run on its machine: the cluster reverted to that one replica.
 * `--prune`: the lost replicas' volumes go too ("the same result as completely uninstalling DTR from
 * those replicas"). DTR removes the other replicas' containers through UCP; what they left on
 * machines that still answer is reaped here too (the lab's stand-in reaches only the engine it runs
 * on), each registry volume unmounted from the shared storage first. Throws, before running anything,
 * where the release has no emergency-repair.
 */
export async function emergencyRepairDtr(
  access: DtrAccess,
  survivor: DtrReplica,
  lost: DtrReplica[],
  detail: (message: string) => void = () => undefined,
): Promise<void> {
  const repair = access.driver.emergencyRepair;
  if (!repair) {
    throw new Error(
      'emergency-repair: this DTR release has no emergency-repair command; restore a backup taken before instead',
    );
  }
  detail(`repairing the cluster from replica ${survivor.id} on ${survivor.machine.name}`);
  await runDtr(
    survivor.machine,
    access.image,
    repair({ ...ucpAccess(access), existingReplicaId: survivor.id, prune: true }),
  );
  for (const replica of lost) {
    const left = await reapReplica(replica.machine, replica.id).catch((error: Error) => {
      detail(`could not reap replica ${replica.id} on ${replica.machine.name}: ${error.message}`);
      return [];
    });
    if (left.length)
      detail(`removed what replica ${replica.id} left on ${replica.machine.name}: ${left.join(', ')}`);
  }
}
