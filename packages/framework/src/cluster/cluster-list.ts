import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import type { UpTarget } from '../config';
import { probeHostEngine } from '../engine/host-engine';
import {
  listLabClusters,
  type LabClusterResources,
} from '../machines/providers/local-lab/local-lab-provider';
import { clusterLockPath, isLocked, readOwnerSync } from '../util/lock';
import { readClusterFile } from './cluster-file';
import { builtAs } from './cluster-status';

/** One cluster of this host, as `dtr-ha ls` shows it. */
export interface ClusterListing {
  prefix: string;
  /** `local` when the host's engine holds its nodes (found by their labels); unknown otherwise. */
  driver?: 'local';
  /** Its state directory under DTR_HA_STATE_DIR, when it has one. */
  stateDir?: string;
  /** How far its record says it was built. */
  built?: UpTarget;
  /** Machines: those on the host's engine for a lab cluster, else those its record names. */
  machines: { total: number; running?: number };
  /** One phrase: running, stopped, 2 of 4 running, leftovers, … */
  state: string;
  /** Who holds its run lock, when a live command or test run does. */
  busyWith?: string;
}

/** What a lab cluster's resources on the engine say of its state. */
function labState(found: LabClusterResources): string {
  const running = found.machines.filter((m) => m.state === 'running').length;
  const total = found.machines.length;
  if (!total) {
    const left = [...found.networks.map((n) => `network ${n}`), ...found.volumes.map((v) => `volume ${v}`)];
    return `no machines; left: ${left.join(', ')}`;
  }
  if (running === total) return 'running';
  return running ? `${running} of ${total} running` : 'stopped';
}

async function stateDirs(stateRoot: string): Promise<string[]> {
  const entries = await fs.readdir(stateRoot, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * Every cluster of this host, whatever its prefix: the state directories under `stateRoot`, and the
 * lab clusters on the host's engine (by the labels on their containers, networks and volumes), by
 * prefix. Reads only. When the engine does not answer, the state directories are listed alone and
 * `engineProblem` says why.
 */
export async function listClusters(
  stateRoot: string,
  hostDocker: Docker,
): Promise<{ clusters: ClusterListing[]; engineProblem?: string }> {
  const advice = await probeHostEngine(hostDocker);
  const lab = advice ? new Map<string, LabClusterResources>() : await listLabClusters(hostDocker);
  const prefixes = new Set([...(await stateDirs(stateRoot)), ...lab.keys()]);
  const clusters = await Promise.all(
    [...prefixes].sort().map(async (prefix): Promise<ClusterListing> => {
      const dir = path.join(stateRoot, prefix);
      const hasDir = await fs
        .stat(dir)
        .then((s) => s.isDirectory())
        .catch(() => false);
      // A record that cannot be read (another version's) still names a cluster.
      const info = hasDir ? await readClusterFile(dir).catch(() => undefined) : undefined;
      const onEngine = lab.get(prefix);
      const lockPath = clusterLockPath(stateRoot, prefix);
      const holder = hasDir && (await isLocked(lockPath)) ? readOwnerSync(lockPath) : undefined;
      const listing: ClusterListing = {
        prefix,
        stateDir: hasDir ? dir : undefined,
        built: builtAs(info),
        machines: { total: info?.machines.length ?? 0 },
        state: info ? 'recorded; its machines are not on this engine' : 'nothing recorded',
        busyWith: holder ? `${holder.purpose} (pid ${holder.pid} on ${holder.host})` : undefined,
      };
      if (onEngine) {
        listing.driver = 'local';
        listing.machines = {
          total: onEngine.machines.length,
          running: onEngine.machines.filter((m) => m.state === 'running').length,
        };
        listing.state = labState(onEngine);
      } else if (!info && !holder && hasDir) {
        // A state directory with no record and nothing on the engine: a cluster taken down (its
        // keys stay for the next up), or something else's folder. Listed, and said so.
        listing.state = 'no machines (taken down, or never made)';
      }
      return listing;
    }),
  );
  return {
    clusters,
    engineProblem: advice ? `${advice.problem}: lab clusters on it are not listed` : undefined,
  };
}
