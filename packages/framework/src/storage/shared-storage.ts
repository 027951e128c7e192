import { ignoreMissing } from '../engine/ignore-missing';
import type { Machine } from '../machines/machine';
import type { StorageMode } from '../machines/types';
import { labSharedDir } from '../lab/layout';

/**
 * Shared storage for the DTR replicas' registry volumes, as DTR's HA setup does by hand: an NFS export
 * on the controller mounted over every replica's `dtr-registry-<id>` volume. Lab nodes share the host's
 * kernel, which has no NFS here, so there each replica's volume is bound to the cluster's shared
 * volume instead: the same files on every replica, through the same volume path. Which of the two a
 * cluster gets is its provider's to say (`ProviderCapabilities.storage`).
 */
export type { StorageMode };

export const nfsExportDir = '/var/nfsshare';

export function volumePath(volume: string): string {
  return `/var/lib/docker/volumes/${volume}/_data`;
}

/** The NFS server steps, idempotent: install, export to each replica, start. */
export function nfsServerScript(clientIps: string[], exportDir = nfsExportDir): string {
  const options = 'rw,sync,no_root_squash,no_subtree_check';
  const exportsLine = `${exportDir} ${clientIps.map((ip) => `${ip}(${options})`).join(' ')}`;
  return [
    'set -e',
    'export DEBIAN_FRONTEND=noninteractive',
    'command -v exportfs >/dev/null || { apt-get update -qq && apt-get install -y -qq nfs-kernel-server; }',
    `mkdir -p ${exportDir}`,
    `chown nobody:nogroup ${exportDir}`,
    `grep -v '^${exportDir} ' /etc/exports 2>/dev/null > /etc/exports.dtr-ha || true`,
    `echo '${exportsLine}' >> /etc/exports.dtr-ha`,
    'mv /etc/exports.dtr-ha /etc/exports',
    'exportfs -a',
    'service nfs-kernel-server start',
  ].join('\n');
}

/** The NFS client steps for one replica: mount the export over its registry volume. */
export function nfsClientScript(serverIp: string, volume: string, exportDir = nfsExportDir): string {
  const target = volumePath(volume);
  return [
    'set -e',
    'export DEBIAN_FRONTEND=noninteractive',
    'command -v mount.nfs4 >/dev/null || { apt-get update -qq && apt-get install -y -qq nfs-common; }',
    `mkdir -p ${target}`,
    `mountpoint -q ${target} || mount -t nfs4 -o actimeo=0 ${serverIp}:${exportDir} ${target}`,
    `mount -t nfs4 | grep -q ' ${target} '`,
  ].join('\n');
}

/** On a lab node: the cluster's shared volume bound over the replica's registry volume. */
export function labBindScript(volume: string): string {
  const target = volumePath(volume);
  const source = `${labSharedDir}/dtr-registry`;
  return [
    'set -e',
    `mkdir -p ${source} ${target}`,
    `mountpoint -q ${target} || mount --bind ${source} ${target}`,
  ].join('\n');
}

/**
 * Makes `replicaId`'s registry volume on `machine` the shared storage, before DTR installs or joins
 * there (DTR keeps a volume that already exists), then proves it: a file written through this
 * replica's volume path is seen from the controller's side of the share.
 */
export async function prepareSharedVolume(
  mode: StorageMode,
  controller: Machine,
  machine: Machine,
  volume: string,
): Promise<void> {
  const docker = machine.getClient();
  await docker.createVolume({ Name: volume, Labels: { 'dtr-ha.storage': mode } });
  const script = mode === 'nfs' ? nfsClientScript(controller.getIP(), volume) : labBindScript(volume);
  await machine.shell.check(script);

  const probe = `.dtr-ha-probe-${volume}`;
  await machine.shell.check(`date +%s%N > ${volumePath(volume)}/${probe}`);
  const serverSide = mode === 'nfs' ? nfsExportDir : `${labSharedDir}/dtr-registry`;
  const seen = await controller.ssh(`cat ${serverSide}/${probe} && rm -f ${serverSide}/${probe}`);
  if (seen.code !== 0) {
    throw new Error(
      `shared storage check failed: a file written on ${machine.name} in ${volumePath(volume)} ` +
        `is not in ${serverSide} on ${controller.name}`,
    );
  }
}

/**
 * Unmounts a replica's registry volume from the shared storage, then removes the volume. Unmounting
 * comes first because removing a volume deletes everything under its path, mounts included.
 */
export async function releaseSharedVolume(
  machine: Machine,
  volume: string,
  options: { unmountOnly?: boolean } = {},
): Promise<void> {
  const target = volumePath(volume);
  await machine.shell.check(`if mountpoint -q ${target}; then umount ${target}; fi`);
  if (options.unmountOnly) return;
  await machine.getClient().getVolume(volume).remove().catch(ignoreMissing);
}

/** The server side: the lab's shared volume is there already; real hosts export NFS from the controller. */
export async function ensureStorageServer(mode: StorageMode, controller: Machine, replicaIps: string[]) {
  if (mode === 'nfs') await controller.shell.check(nfsServerScript(replicaIps));
  else await controller.shell.check(`mkdir -p ${labSharedDir}/dtr-registry`);
}
