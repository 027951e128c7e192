import * as path from 'node:path';
import type { MachineRecord } from '../machines/types';
import { readTextIfExists, writePrivateFile } from '../state/private-files';
import { clusterInfoSchema, validateRecord, type ClusterInfo } from './cluster-info';

/** Bumped on any change a reader of the previous version would misread. */
const CLUSTER_FILE_VERSION = 1;

/**
 * What `up` made ready, as records (addresses and paths of key files, never key material or
 * passwords). `ssh` and `status` read it; the test handoff carries the same records.
 */
export function clusterFilePath(clusterDir: string): string {
  return path.join(clusterDir, 'cluster.json');
}

export async function writeClusterFile(clusterDir: string, info: ClusterInfo): Promise<void> {
  await writePrivateFile(
    clusterFilePath(clusterDir),
    `${JSON.stringify({ version: CLUSTER_FILE_VERSION, ...info }, null, 2)}\n`,
  );
}

/** The cluster file, validated against the schema of the cluster record; undefined when there is none. */
export async function readClusterFile(clusterDir: string): Promise<ClusterInfo | undefined> {
  const file = clusterFilePath(clusterDir);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  const unusable = (why: string) =>
    new Error(
      `${file} is not a cluster file of version ${CLUSTER_FILE_VERSION} (${why}): run \`dtr-ha up\` again`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unusable(`not valid JSON: ${(error as Error).message}`);
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (version !== CLUSTER_FILE_VERSION) {
    throw unusable(version === undefined ? 'no version' : `version ${JSON.stringify(version)}`);
  }
  // The schema leaves `version` out: it is the file's, not the record's.
  const checked = validateRecord(clusterInfoSchema, parsed);
  if (!checked.ok) throw unusable(checked.problems.join('; '));
  return checked.value;
}

export async function readMachinesFile(clusterDir: string): Promise<MachineRecord[] | undefined> {
  return (await readClusterFile(clusterDir))?.machines;
}
