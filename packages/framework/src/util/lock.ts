/**
 * Cross-process locks on the local file system (proper-lockfile: an atomic `mkdir`, kept fresh by its
 * holder; a lock whose holder stopped refreshing it — killed, crashed, machine slept — is stale and is
 * taken over). Used so that two Jest runs of one MACHINE_PREFIX wait for each other, while runs of
 * other prefixes go on side by side.
 */
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { clusterStateDir, ensurePrivateDir, readTextIfExists } from '../state/private-files';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO 8601. */
  since: string;
  /** What the holder is doing, e.g. "jest run". */
  purpose: string;
}

export interface HeldLock {
  /** The lock directory (`…/run.lock`). */
  readonly path: string;
  /** Whether the lock was taken over from a holder that had stopped refreshing it. */
  readonly tookOverStale: boolean;
  /** Releases the lock; calling it again does nothing. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Named in messages ("cluster dtrha"). */
  what: string;
  /** Written beside the lock for whoever waits. */
  purpose?: string;
  /** A lock not refreshed for this long is stale and taken over. Default 10 s (proper-lockfile's minimum is 5 s). */
  staleMs?: number;
  /** How long to wait for the holder before failing. Default 30 min; 0 = forever. */
  timeoutMs?: number;
  /** How often to try again while waiting. Default 250 ms. */
  pollMs?: number;
  /** Told once when the lock is held by someone else (and every 30 s after), with who holds it. */
  onWait?: (message: string) => void;
  /** Told if the lock is lost while held (its directory removed or its refresh failed). */
  onCompromised?: (error: Error) => void;
}

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/**
 * Takes the lock at `lockPath` (a directory that proper-lockfile creates), waiting while another
 * process holds it. Its holder is recorded in `<lockPath>.owner.json` so waiters can say whom they wait for.
 */
export async function acquireLock(lockPath: string, options: LockOptions): Promise<HeldLock> {
  const staleMs = Math.max(5_000, options.staleMs ?? DEFAULT_STALE_MS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 250;
  const ownerPath = `${lockPath}.owner.json`;
  await ensurePrivateDir(path.dirname(lockPath));
  const started = Date.now();
  let lastTold = 0;
  let sawHolder = false;
  let tookOverStale = false;
  for (;;) {
    // A holder that stopped refreshing makes the lock stale; proper-lockfile then removes it and locks.
    const heldBefore = await lockMtime(lockPath);
    try {
      const release = await lockfile.lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        stale: staleMs,
        update: Math.max(1_000, Math.floor(staleMs / 3)),
        retries: 0,
        onCompromised: (error) => {
          if (options.onCompromised) options.onCompromised(error);
          else process.stderr.write(`dtr-ha: the lock of ${options.what} was lost: ${error.message}\n`);
        },
      });
      tookOverStale = heldBefore !== undefined && Date.now() - heldBefore > staleMs;
      const owner: LockOwner = {
        pid: process.pid,
        host: os.hostname(),
        since: new Date().toISOString(),
        purpose: options.purpose ?? 'dtr-ha',
      };
      await fs.writeFile(ownerPath, `${JSON.stringify(owner)}\n`, { mode: 0o600 }).catch(() => undefined);
      // proper-lockfile removes the lock itself when the process exits; the owner note goes with it.
      const removeOwnerAtExit = () => {
        try {
          rmSync(ownerPath, { force: true });
        } catch {
          // best effort at exit
        }
      };
      process.once('exit', removeOwnerAtExit);
      let released = false;
      return {
        path: lockPath,
        tookOverStale,
        release: async () => {
          if (released) return;
          released = true;
          process.removeListener('exit', removeOwnerAtExit);
          await fs.rm(ownerPath, { force: true }).catch(() => undefined);
          await release().catch((error: NodeJS.ErrnoException) => {
            // Already gone (compromised, or removed by hand): nothing left to release.
            if (error.code !== 'ERELEASED' && error.code !== 'ENOENT') throw error;
          });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    // Held by this very process (a holder that never released it): waiting would never end.
    const holder = await readOwner(ownerPath);
    if (holder && holder.pid === process.pid && holder.host === os.hostname()) {
      throw new Error(
        `${options.what} is already locked by this process (${holder.purpose}, since ${holder.since}) and ` +
          'was never released: release the lock first (e.g. call suite.teardown() in afterAll).',
      );
    }
    const waited = Date.now() - started;
    if (timeoutMs > 0 && waited >= timeoutMs) {
      throw new Error(
        `timed out after ${Math.round(waited / 1000)} s waiting for the lock of ${options.what} ` +
          `(${lockPath}), held by ${describeOwner(await readOwner(ownerPath))}. If no such process runs any ` +
          `more, the lock becomes stale ${Math.round(staleMs / 1000)} s after it stopped and is taken over.`,
      );
    }
    if (options.onWait && (!sawHolder || Date.now() - lastTold >= 30_000)) {
      options.onWait(
        `waiting for ${options.what}: locked by ${describeOwner(await readOwner(ownerPath))} (${lockPath})`,
      );
      lastTold = Date.now();
    }
    sawHolder = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The run lock of one cluster: `<stateDir>/<prefix>/run.lock`. Other prefixes have their own. */
export function clusterLockPath(stateDir: string, prefix: string): string {
  return path.join(clusterStateDir(stateDir, prefix), 'run.lock');
}

/** Takes the run lock of the cluster `prefix` under `stateDir` (see acquireLock). */
export function acquireClusterLock(
  stateDir: string,
  prefix: string,
  options: Omit<LockOptions, 'what'> & { what?: string } = {},
): Promise<HeldLock> {
  return acquireLock(clusterLockPath(stateDir, prefix), { what: `cluster ${prefix}`, ...options });
}

/** Whether the lock at `lockPath` is held and fresh (not stale). */
export async function isLocked(lockPath: string, staleMs = DEFAULT_STALE_MS): Promise<boolean> {
  return lockfile.check(lockPath, {
    lockfilePath: lockPath,
    realpath: false,
    stale: Math.max(5_000, staleMs),
  });
}

export async function readOwner(ownerPath: string): Promise<LockOwner | undefined> {
  try {
    const text = await readTextIfExists(ownerPath);
    return text ? (JSON.parse(text) as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another process';
  return `${owner.purpose} (pid ${owner.pid} on ${owner.host}, since ${owner.since})`;
}

async function lockMtime(lockPath: string): Promise<number | undefined> {
  try {
    return (await fs.stat(lockPath)).mtimeMs;
  } catch {
    return undefined;
  }
}
