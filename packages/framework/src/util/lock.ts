/**
 * Cross-process locks on the local file system. Every entry point that changes a cluster holds its
 * cluster's run lock (`dtr-ha up`, `down`, `fault`; the preset from globalSetup to globalTeardown), so
 * two of them never act on one MACHINE_PREFIX at once, while other prefixes go on side by side.
 *
 * A lock is a directory made with an atomic `mkdir` and kept fresh by its holder (proper-lockfile
 * touches the directory's mtime, and notices when the directory is no longer the one it touched). In
 * it, `owner.json` names the holder: a token unique to this taking of the lock, pid, host, command and
 * since when, and on Linux the process's start time, boot id and pid namespace — so that a new process
 * that was given a dead holder's pid (as in a restarted container) is not taken for the holder.
 *
 * A lock whose holder is gone is taken over: it was not refreshed for `staleMs` (killed, crashed,
 * machine slept), or its holder is a process of this machine that no longer runs (its pid is free or
 * belongs to a process that started at another time). Takeovers are judged and done under a second,
 * short lock (`<lock>.takeover`), so two waiters never both remove a lock and both think they got it.
 *
 * A holder can still lose its lock: stopped (SIGSTOP, a suspended VM) for longer than the stale time,
 * taken over, then resumed. It learns so — `signal` aborts, `assertHeld()` throws LockLostError — and
 * long work calls `assertHeld()` before each action, so that it stops instead of acting beside the
 * new holder.
 */
import { randomBytes } from 'node:crypto';
import * as fsCallback from 'node:fs';
import { promises as fs, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { clusterStateDir, ensurePrivateDir } from '../state/private-files';
import { isThisProcess, processIsGone, thisProcess, type ProcessRecord } from './process-identity';

// Where it was first: the fault journal and the lock's tests read it from here.
export { processStartTime } from './process-identity';

/** Who holds a lock: `<lock>/owner.json`. The process as recorded (its pid, host, start time, …) and: */
export interface LockOwner extends ProcessRecord {
  /** Random, unique to one taking of the lock: a holder knows its lock by it. */
  token: string;
  /** ISO 8601. */
  since: string;
  /** The command holding it, e.g. "dtr-ha up --until dtr" or "jest run (ucp)". */
  purpose: string;
}

/** What long work checks before each action: that the lock it runs under is still held. */
export interface LockCheck {
  /** Throws LockLostError when the lock is no longer held; otherwise does nothing. Synchronous and cheap. */
  assertHeld(): void;
}

/** Why a lock was taken over: its holder stopped refreshing it, or is a process that no longer runs. */
export interface Takeover {
  reason: 'stale' | 'dead';
  /** The holder it was taken from, when it had said who it was. */
  from?: LockOwner;
}

export interface HeldLock extends LockCheck {
  /** The lock directory (`…/run.lock`). */
  readonly path: string;
  /** This holder, as `owner.json` names it. */
  readonly owner: LockOwner;
  /** Set when the lock was taken over from a holder that was gone. */
  readonly tookOver?: Takeover;
  /** Aborts (with a LockLostError) as soon as the lock is found lost; never on release. */
  readonly signal: AbortSignal;
  /** Releases the lock; calling it again does nothing. A lost lock is left to whoever holds it now. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Named in messages ("cluster dtrha"). */
  what: string;
  /** The command taking the lock, written in `owner.json` for whoever waits. */
  purpose?: string;
  /** A lock not refreshed for this long is stale and taken over. Default 10 s, at least 5 s. */
  staleMs?: number;
  /** How long to wait for the holder before failing. Default 30 min; 0 = forever. */
  timeoutMs?: number;
  /** How often to try again while waiting. Default 250 ms. */
  pollMs?: number;
  /** Added to the timeout error: how the caller waits longer (e.g. "use --lock-timeout <seconds>"). */
  waitLonger?: string;
  /** Told once when the lock is held by someone else (and every 30 s after), with who holds it. */
  onWait?: (message: string) => void;
  /** Told once when the lock is found lost while held (default: a line on stderr). */
  onLost?: (error: LockLostError) => void;
}

/** The lock this process held was taken over or removed: whatever it was doing must stop. */
export class LockLostError extends Error {
  constructor(
    message: string,
    readonly lockPath: string,
  ) {
    super(message);
    this.name = 'LockLostError';
  }
}

/** Another live process held the lock for longer than the caller was willing to wait. */
export class LockTimeoutError extends Error {
  constructor(
    message: string,
    readonly lockPath: string,
  ) {
    super(message);
    this.name = 'LockTimeoutError';
  }
}

export const DEFAULT_LOCK_STALE_MS = 10_000;
const MIN_STALE_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const OWNER_FILE = 'owner.json';
// The stale judgement is ours (under the takeover lock), so proper-lockfile must never make its own:
// its unguarded remove-then-mkdir lets two waiters of one stale lock both believe they hold it.
const NEVER_STALE_MS = 2 ** 31;

/**
 * Takes the lock at `lockPath` (a directory), waiting while another live process holds it, taking it
 * over from a holder that is gone (see the top of this file).
 */
export async function acquireLock(lockPath: string, options: LockOptions): Promise<HeldLock> {
  const staleMs = Math.max(MIN_STALE_MS, options.staleMs ?? DEFAULT_LOCK_STALE_MS);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 250;
  await ensurePrivateDir(path.dirname(lockPath));
  const owner: LockOwner = {
    token: randomBytes(12).toString('hex'),
    pid: process.pid,
    host: os.hostname(),
    since: '',
    purpose: options.purpose ?? 'dtr-ha',
    ...thisProcess(),
  };
  const ours = () => readOwnerSync(lockPath)?.token === owner.token;
  const controller = new AbortController();
  let released = false;
  let lost: LockLostError | undefined;
  const lose = (why: string): LockLostError => {
    if (!lost) {
      lost = new LockLostError(
        `the lock of ${options.what} (${lockPath}) was lost: ${why}. This process was probably stopped ` +
          `or blocked for longer than the lock's stale time (${Math.round(staleMs / 1000)} s); it stops ` +
          'here so that two runs do not change the cluster at once. Run it again once the other has ended.',
        lockPath,
      );
      controller.abort(lost);
      if (options.onLost) options.onLost(lost);
      else process.stderr.write(`dtr-ha: ${lost.message}\n`);
    }
    return lost;
  };
  const whyLost = () => {
    const now = readOwnerSync(lockPath);
    return now ? `it is held by ${describeOwner(now)} now` : 'its lock directory was removed';
  };

  const started = Date.now();
  let lastTold = 0;
  let tookOver: Takeover | undefined;
  for (;;) {
    try {
      const release = await lockfile.lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        stale: NEVER_STALE_MS,
        update: Math.max(1_000, Math.floor(staleMs / 3)),
        retries: 0,
        fs: ownedLockFs(() => {
          owner.since = new Date().toISOString();
          return `${JSON.stringify(owner)}\n`;
        }, ours),
        onCompromised: () => {
          if (!released) lose(whyLost());
        },
      });
      return {
        path: lockPath,
        owner,
        tookOver,
        signal: controller.signal,
        assertHeld: () => {
          if (released) throw new LockLostError(`the lock of ${options.what} was already released`, lockPath);
          if (lost) throw lost;
          if (!ours()) throw lose(whyLost());
        },
        release: async () => {
          if (released) return;
          released = true;
          // ownedLockFs removes the directory only while it is still ours.
          await release().catch((error: NodeJS.ErrnoException) => {
            // Already gone (lost, or removed by hand): nothing left to release.
            if (error.code !== 'ERELEASED' && error.code !== 'ENOENT') throw error;
          });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    }
    tookOver = undefined;
    const holder = readOwnerSync(lockPath);
    // Held by this very process (a holder that never released it): waiting would never end.
    if (holder && isThisProcess(holder)) {
      throw new Error(
        `${options.what} is already locked by this process (${holder.purpose}, since ${holder.since}) and ` +
          'was never released: release the lock first (e.g. call suite.teardown() in afterAll).',
      );
    }
    const takeover = await takeOverIfAbandoned(lockPath, staleMs);
    if (takeover) {
      tookOver = takeover;
      continue;
    }
    const waited = Date.now() - started;
    if (timeoutMs > 0 && waited >= timeoutMs) {
      throw new LockTimeoutError(
        `timed out after ${Math.round(waited / 1000)} s waiting for the lock of ${options.what} ` +
          `(${lockPath}), held by ${describeOwner(readOwnerSync(lockPath))}. Let that command finish ` +
          'and try again, or stop it if it hangs: the lock of a process that has ended is taken over ' +
          `at once on its machine, elsewhere once it has not been refreshed for ${Math.round(staleMs / 1000)} s.` +
          (options.waitLonger ? ` To wait longer, ${options.waitLonger}.` : ''),
        lockPath,
      );
    }
    if (options.onWait && (!lastTold || Date.now() - lastTold >= 30_000)) {
      options.onWait(`waiting for ${options.what}: locked by ${describeOwner(holder)} (${lockPath})`);
      lastTold = Date.now();
    }
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

/**
 * A check, for a process that works under a lock another process holds for it (a Jest worker under
 * the run lock of Jest's main process), that the lock is still held by that process.
 */
export function lockHeldBy(lockPath: string, holder: { pid: number; what: string }): LockCheck {
  return {
    assertHeld: () => {
      const now = readOwnerSync(lockPath);
      if (now && now.pid === holder.pid && now.host === os.hostname()) return;
      throw new LockLostError(
        `the lock of ${holder.what} (${lockPath}) is no longer held by the process this one works for ` +
          `(pid ${holder.pid}): ${now ? `it is held by ${describeOwner(now)}` : 'it is free'}. Stopping ` +
          'here so that two runs do not change the cluster at once.',
        lockPath,
      );
    },
  };
}

/** Whether the lock at `lockPath` is held by a live holder (neither stale nor left by a dead process). */
export async function isLocked(lockPath: string, staleMs = DEFAULT_LOCK_STALE_MS): Promise<boolean> {
  const mtime = await lockMtime(lockPath);
  return mtime !== undefined && !abandoned(mtime, readOwnerSync(lockPath), Math.max(MIN_STALE_MS, staleMs));
}

/** The holder of the lock at `lockPath`, as its `owner.json` says; undefined while there is none. */
export function readOwnerSync(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(path.join(lockPath, OWNER_FILE), 'utf8')) as LockOwner;
    return typeof owner.token === 'string' && typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    // No lock, a lock made an instant ago (its owner.json not there yet), or a torn write.
    return undefined;
  }
}

function abandoned(
  mtimeMs: number,
  owner: LockOwner | undefined,
  staleMs: number,
): Takeover['reason'] | undefined {
  if (Date.now() - mtimeMs > staleMs) return 'stale';
  return owner && processIsGone(owner) ? 'dead' : undefined;
}

/**
 * Removes the lock at `lockPath` if its holder is gone, judged and done under `<lock>.takeover` (an
 * atomic mkdir of its own), so that of two waiters only one removes it: the other then finds the lock
 * free or held by the first. Undefined when the lock is held by a live holder, or the judgement is
 * someone else's right now.
 */
async function takeOverIfAbandoned(lockPath: string, staleMs: number): Promise<Takeover | undefined> {
  const guard = `${lockPath}.takeover`;
  try {
    await fs.mkdir(guard, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A judgement takes milliseconds: a guard this old was left by a process killed while judging.
    const since = await lockMtime(guard);
    if (since !== undefined && Date.now() - since > staleMs) await fs.rmdir(guard).catch(() => undefined);
    return undefined;
  }
  try {
    const mtime = await lockMtime(lockPath);
    if (mtime === undefined) return undefined;
    const from = readOwnerSync(lockPath);
    const reason = abandoned(mtime, from, staleMs);
    if (!reason) return undefined;
    await fs.rm(lockPath, { recursive: true, force: true });
    return { reason, ...(from && { from }) };
  } finally {
    await fs.rmdir(guard).catch(() => undefined);
  }
}

/**
 * The file system proper-lockfile works through, for one lock: its `mkdir` writes `owner.json` into
 * the new directory before anything else sees it as held (before the mtime it will keep fresh is set),
 * and its removals — of a lock just made whose probe failed, on release, at exit — take the directory
 * only while it is still ours, never the lock of whoever took it over from us.
 */
function ownedLockFs(ownerText: () => string, ours: () => boolean) {
  type Done = (error?: NodeJS.ErrnoException | null) => void;
  return {
    mkdir: (dir: string, done: Done) =>
      fsCallback.mkdir(dir, { mode: 0o700 }, (error) => {
        if (error) return done(error);
        fsCallback.writeFile(
          path.join(dir, OWNER_FILE),
          ownerText(),
          { mode: 0o600, flag: 'wx' },
          (writeError) => {
            if (!writeError) return done(null);
            fsCallback.rm(dir, { recursive: true, force: true }, () => done(writeError));
          },
        );
      }),
    stat: fsCallback.stat,
    utimes: fsCallback.utimes,
    rmdir: (dir: string, done: Done) => {
      if (!ours()) return done(null);
      fsCallback.rm(dir, { recursive: true, force: true }, done);
    },
    rmdirSync: (dir: string) => {
      if (ours()) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'another process';
  const minutes = Math.floor((Date.now() - Date.parse(owner.since)) / 60_000);
  const ago = Number.isFinite(minutes) ? (minutes < 1 ? ', under a minute ago' : `, ${minutes} min ago`) : '';
  return `${owner.purpose} (pid ${owner.pid} on ${owner.host}, since ${owner.since}${ago})`;
}

async function lockMtime(lockPath: string): Promise<number | undefined> {
  try {
    return (await fs.stat(lockPath)).mtimeMs;
  } catch {
    return undefined;
  }
}
