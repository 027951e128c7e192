/**
 * Telling whether a process recorded earlier (by a lock's holder, a temp file's writer) still runs.
 * A pid alone does not tell it: pids are reused (at once in a restarted container), and mean nothing
 * on another host, after a reboot or in another pid namespace. So a process is recorded with its
 * start time, boot id and pid namespace (Linux), and judged gone only where all of them mean the
 * same as here.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';

/** A process as recorded: its pid, its host, and on Linux what makes its pid mean one process. */
export interface ProcessRecord {
  pid: number;
  host: string;
  /** Linux: the process's start time in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  startTime?: number;
  /** Linux: /proc/sys/kernel/random/boot_id. A start time means something only within one boot. */
  bootId?: string;
  /** Linux: the pid namespace (`pid:[…]`). A pid means something only within one namespace. */
  pidNamespace?: string;
}

export type ProcessIdentity = Pick<ProcessRecord, 'startTime' | 'bootId' | 'pidNamespace'>;

/**
 * The start time of process `pid` (clock ticks after boot, field 22 of /proc/<pid>/stat); `null` when
 * there is no such process; undefined where this cannot be told (no /proc: not Linux).
 */
export function processStartTime(pid: number): number | null | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? (procExists() ? null : undefined) : undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[22 - 3]);
  return Number.isInteger(startTime) ? startTime : undefined;
}

let identity: ProcessIdentity | undefined;

/** What identifies this process beyond its pid, where the system tells it (Linux); read once. */
export function thisProcess(): ProcessIdentity {
  if (identity) return identity;
  const startTime = processStartTime(process.pid) ?? undefined;
  return (identity = {
    ...(startTime !== undefined && { startTime }),
    ...dropEmpty('bootId', () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
    ...dropEmpty('pidNamespace', () => readlinkSync('/proc/self/ns/pid')),
  });
}

function dropEmpty<K extends string>(key: K, read: () => string): Partial<Record<K, string>> {
  try {
    const value = read();
    return value ? ({ [key]: value } as Record<K, string>) : {};
  } catch {
    return {};
  }
}

function procExists(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Whether `recorded` is this very process (not merely a process that was given the same pid). */
export function isThisProcess(recorded: ProcessRecord): boolean {
  if (recorded.pid !== process.pid || recorded.host !== os.hostname()) return false;
  const self = thisProcess();
  return (
    recorded.startTime === self.startTime &&
    recorded.bootId === self.bootId &&
    recorded.pidNamespace === self.pidNamespace
  );
}

/**
 * Whether `recorded` is a process that no longer runs. Told only where its pid means the same here:
 * the same host, boot and pid namespace (another container may share the state directory and a host
 * name, not its pids), with a start time recorded. Anywhere else this says no, and the caller's other
 * rule (a lock's staleness, a file's age) alone decides.
 */
export function processIsGone(recorded: ProcessRecord): boolean {
  const self = thisProcess();
  if (recorded.host !== os.hostname() || recorded.startTime === undefined) return false;
  if (!self.bootId || recorded.bootId !== self.bootId) return false;
  if (!self.pidNamespace || recorded.pidNamespace !== self.pidNamespace) return false;
  const startTime = processStartTime(recorded.pid);
  // null: no such process; another number: a later process that was given the same pid.
  return startTime !== undefined && startTime !== recorded.startTime;
}
