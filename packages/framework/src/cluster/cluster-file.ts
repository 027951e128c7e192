import * as path from 'node:path';
import type { MachineRecord } from '../machines/types';
import { readTextIfExists, writePrivateFile } from '../state/private-files';
import type { ClusterInfo } from './cluster-info';

/**
 * What `up` made ready, as records (addresses and paths of key files, never key material or
 * passwords). `ssh` and `status` read it; the test handoff is built from the same records.
 */
export function clusterFilePath(clusterDir: string): string {
  return path.join(clusterDir, 'cluster.json');
}

export async function writeClusterFile(clusterDir: string, info: ClusterInfo): Promise<void> {
  await writePrivateFile(
    clusterFilePath(clusterDir),
    `${JSON.stringify({ version: 1, ...info }, null, 2)}\n`,
  );
}

export async function readClusterFile(clusterDir: string): Promise<ClusterInfo | undefined> {
  const text = await readTextIfExists(clusterFilePath(clusterDir));
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { version?: number } & ClusterInfo;
  if (parsed.version !== 1 || !Array.isArray(parsed.machines)) {
    throw new Error(
      `${clusterFilePath(clusterDir)} is not a cluster file of version 1: run \`dtr-ha up\` again`,
    );
  }
  return parsed;
}

export async function readMachinesFile(clusterDir: string): Promise<MachineRecord[] | undefined> {
  return (await readClusterFile(clusterDir))?.machines;
}
