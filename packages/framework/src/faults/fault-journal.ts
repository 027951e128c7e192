import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePrivateFile } from '../state/private-files';
import { processStartTime } from '../util/lock';

/**
 * Every fault a process puts on the cluster, written down before it acts and struck out once it is
 * undone: a run that dies in the middle of a fault (a partition's rules half inserted, a replica
 * stopped) leaves its entry, and the next `up` or suite setup heals it, as Jepsen heals in setup as
 * well as in teardown. Kept in the cluster's state directory (`faults.json`, 0600).
 */
export type FaultKind = 'partition' | 'kill-replica' | 'stop-replica' | 'pause-replica' | 'stop-machine';

export interface FaultEntry {
  id: string;
  kind: FaultKind;
  /** The machine the fault is on (a replica's machine for replica faults). */
  machine: string;
  replicaId?: string;
  /** The process that caused it, so that only a dead process's faults are healed behind its back. */
  pid: number;
  /** The process's start time (Linux), so that a new process with a reused pid is not taken for it. */
  pidStart?: number;
  /** Where that process ran: only this host's processes can be seen to have died. */
  host: string;
  at: string;
}

export class FaultJournal {
  readonly file: string;

  constructor(clusterDir: string) {
    this.file = path.join(clusterDir, 'faults.json');
  }

  async entries(): Promise<FaultEntry[]> {
    const text = await fs.readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '[]';
      throw error;
    });
    try {
      const parsed = JSON.parse(text) as unknown;
      return Array.isArray(parsed) ? (parsed as FaultEntry[]) : [];
    } catch {
      throw new Error(
        `${this.file} is not a fault journal (not JSON): remove it after healing the cluster by hand`,
      );
    }
  }

  /** Writes the fault down before it is caused; returns its entry's ID. */
  async add(fault: Pick<FaultEntry, 'kind' | 'machine' | 'replicaId'>): Promise<string> {
    const entry: FaultEntry = {
      id: randomBytes(6).toString('hex'),
      ...fault,
      pid: process.pid,
      pidStart: processStartTime(process.pid) ?? undefined,
      host: os.hostname(),
      at: new Date().toISOString(),
    };
    await this.write([...(await this.entries()), entry]);
    return entry.id;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const gone = new Set(ids);
    await this.removeWhere((entry) => gone.has(entry.id));
  }

  /** Strikes out the faults that were healed by hand (`heal`, `start-replica`…), whoever caused them. */
  async removeWhere(healed: (entry: FaultEntry) => boolean): Promise<void> {
    const entries = await this.entries();
    const kept = entries.filter((entry) => !healed(entry));
    if (kept.length !== entries.length) await this.write(kept);
  }

  /**
   * Entries of processes of this host that no longer run: nobody will undo them but a heal. (A state
   * directory shared with another host: that host's entries are its own to heal.)
   */
  async orphans(): Promise<FaultEntry[]> {
    return (await this.entries()).filter(
      (entry) => entry.host === os.hostname() && !processRuns(entry.pid, entry.pidStart),
    );
  }

  private async write(entries: FaultEntry[]): Promise<void> {
    await writePrivateFile(this.file, `${JSON.stringify(entries, null, 2)}\n`);
  }
}

function processRuns(pid: number, startedAt: number | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const now = processStartTime(pid);
  if (now === null) return false;
  return startedAt === undefined || now === undefined || now === startedAt;
}
