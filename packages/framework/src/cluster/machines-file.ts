import * as path from 'node:path';
import type { MachineRecord } from '../machines/types';
import { readTextIfExists, writePrivateFile } from '../state/private-files';

/**
 * The machines `up` made ready, as records (addresses and paths of key files, never key material).
 * `ssh` and `status` read it; the test handoff is built from the same records.
 */
export function machinesFilePath(clusterDir: string): string {
  return path.join(clusterDir, 'machines.json');
}

export async function writeMachinesFile(clusterDir: string, machines: MachineRecord[]): Promise<void> {
  await writePrivateFile(
    machinesFilePath(clusterDir),
    `${JSON.stringify({ version: 1, machines }, null, 2)}\n`,
  );
}

export async function readMachinesFile(clusterDir: string): Promise<MachineRecord[] | undefined> {
  const text = await readTextIfExists(machinesFilePath(clusterDir));
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { version?: number; machines?: MachineRecord[] };
  if (parsed.version !== 1 || !Array.isArray(parsed.machines)) {
    throw new Error(
      `${machinesFilePath(clusterDir)} is not a machines file of version 1: run \`dtr-ha up\` again`,
    );
  }
  return parsed.machines;
}
