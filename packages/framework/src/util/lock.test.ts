/**
 * The run lock with real files and real processes: each holder is a separate `node` process taking the
 * lock through this module (test-support/lock-holders.ts), or this test process itself.
 */
import { spawn } from 'node:child_process';
import { promises as fs, readFileSync, readlinkSync, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { holdersInFreshDir, readJournal, type Holders } from '../../test-support/lock-holders';
import {
  LockLostError,
  acquireClusterLock,
  acquireLock,
  clusterLockPath,
  isLocked,
  lockHeldBy,
  processStartTime,
  readOwnerSync,
  type LockOwner,
} from './lock';

jest.setTimeout(60_000);

const STALE_MS = 5_000;
const linux = process.platform === 'linux';
const onLinux = linux ? test : test.skip;

const fresh = holdersInFreshDir('lock');
let dir: string;
let holders: Holders;
beforeEach(() => {
  ({ dir, holders } = fresh);
});

/** A lock directory as a holder leaves it, naming `owner`, with a fresh mtime (not stale). */
async function fakeLock(lockPath: string, owner: Partial<LockOwner>): Promise<void> {
  await fs.mkdir(lockPath, { recursive: true });
  const full: LockOwner = {
    token: 'fake',
    host: os.hostname(),
    since: new Date().toISOString(),
    purpose: 'a fake holder',
    pid: process.pid,
    ...ourIdentity(),
    ...owner,
  };
  await fs.writeFile(path.join(lockPath, 'owner.json'), JSON.stringify(full));
}

function ourIdentity(): Pick<LockOwner, 'startTime' | 'bootId' | 'pidNamespace'> {
  if (!linux) return {};
  return {
    startTime: processStartTime(process.pid) ?? undefined,
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    pidNamespace: readlinkSync('/proc/self/ns/pid'),
  };
}

/** A process that runs until killed, and its start time. */
async function sleeper(): Promise<{ pid: number; startTime: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid!,
    startTime: processStartTime(child.pid!) as number,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('between processes', () => {
  test('two holders of one lock take turns, even past the stale time while the first lives', async () => {
    const lockPath = clusterLockPath(dir, 'same');
    // Held longer than STALE_MS: its holder refreshes it, so it must not be taken over.
    const first = holders.hold({
      lockPath,
      staleMs: STALE_MS,
      holdMs: STALE_MS + 2_000,
      purpose: 'dtr-ha up',
    });
    await first.next('acquired');
    expect(await isLocked(lockPath, STALE_MS)).toBe(true);
    const second = holders.hold({ lockPath, staleMs: STALE_MS, holdMs: 0 });
    const waiting = await second.next('waiting');
    // Who holds it: command, pid, host, since when.
    expect(waiting.message).toMatch(
      new RegExp(
        `waiting for the test lock: locked by dtr-ha up \\(pid ${first.pid} on ${os.hostname()}, since \\d{4}-`,
      ),
    );
    const released = await first.next('released');
    const acquired = await second.next('acquired');
    expect(acquired.t).toBeGreaterThanOrEqual(released.t);
    expect(acquired.tookOver).toBeUndefined();
    expect(await second.exit()).toBe(0);
    expect(await isLocked(lockPath, STALE_MS)).toBe(false);
    // Released: nothing of the lock is left.
    expect((await fs.readdir(path.dirname(lockPath))).filter((f) => f.startsWith('run.lock'))).toEqual([]);
  });

  test('the locks of two prefixes are held side by side', async () => {
    const first = holders.hold({ lockPath: clusterLockPath(dir, 'alpha'), staleMs: STALE_MS, holdMs: 4_000 });
    await first.next('acquired');
    const second = holders.hold({ lockPath: clusterLockPath(dir, 'beta'), staleMs: STALE_MS, holdMs: 0 });
    const acquired = await second.next('acquired');
    expect(second.events.some((e) => e.event === 'waiting')).toBe(false);
    expect(acquired.t).toBeLessThan((await first.next('released')).t);
  });

  onLinux('the lock of a killed holder is taken over at once: its pid no longer runs', async () => {
    const lockPath = path.join(dir, 'crash.lock');
    const dead = holders.hold({ lockPath, staleMs: STALE_MS, holdMs: -1 });
    await dead.next('acquired');
    dead.child.kill('SIGKILL');
    await dead.exit();
    const killedAt = Date.now();
    const next = holders.hold({ lockPath, staleMs: STALE_MS, holdMs: 0 });
    const acquired = await next.next('acquired');
    expect(acquired.tookOver).toMatchObject({ reason: 'dead', from: { pid: dead.pid } });
    // Well before its refreshes would have gone stale.
    expect(acquired.t - killedAt).toBeLessThan(STALE_MS);
    expect(await next.exit()).toBe(0);
  });

  onLinux('of several waiters for one abandoned lock, one at a time holds it', async () => {
    const lockPath = path.join(dir, 'many.lock');
    const dead = holders.hold({ lockPath, staleMs: STALE_MS, holdMs: -1 });
    await dead.next('acquired');
    const waiters = [1, 2, 3].map(() => holders.hold({ lockPath, staleMs: STALE_MS, holdMs: 500 }));
    await Promise.all(waiters.map((w) => w.next('waiting')));
    dead.child.kill('SIGKILL');
    const spans = await Promise.all(
      waiters.map(async (w) => ({ from: (await w.next('acquired')).t, to: (await w.next('released')).t })),
    );
    spans.sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) expect(spans[i].from).toBeGreaterThanOrEqual(spans[i - 1].to);
    expect((await Promise.all(waiters.map((w) => w.exit()))).every((code) => code === 0)).toBe(true);
  });

  test('a holder stopped past the stale time and taken over stops before its next step', async () => {
    const lockPath = path.join(dir, 'resumed.lock');
    const journal = path.join(dir, 'journal');
    const first = holders.hold({ lockPath, staleMs: STALE_MS, steps: 200, stepMs: 100, journal });
    const { token: firstToken } = await first.next('acquired');
    while ((await readJournal(journal)).length < 3) await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGSTOP');
    // Alive, same start time: not dead; its lock is taken over once it has not been refreshed for STALE_MS.
    const second = holders.hold({ lockPath, staleMs: STALE_MS, steps: 40, stepMs: 100, journal });
    const acquired = await second.next('acquired');
    expect(acquired.tookOver).toMatchObject({ reason: 'stale', from: { pid: first.pid } });
    first.child.kill('SIGCONT');
    const stopped = await first.next('stopped');
    expect(stopped.message).toMatch(/lock .* was lost: it is held by lock test \(pid \d+/);
    expect(await first.exit()).toBe(0);
    // Not one step of the first after the second took the lock, and the first left the second's lock alone.
    const steps = await readJournal(journal);
    expect(steps.filter((s) => s.token === firstToken && s.t >= acquired.t)).toEqual([]);
    expect(readOwnerSync(lockPath)?.token).toBe(acquired.token);
    await second.next('released');
    expect(await second.exit()).toBe(0);
    expect(steps.filter((s) => s.token === acquired.token).length).toBeGreaterThan(0);
  });

  test('a worker can check that the lock is still held by the process it works for', async () => {
    const lockPath = path.join(dir, 'run.lock');
    const holder = holders.hold({ lockPath, staleMs: STALE_MS, holdMs: -1 });
    await holder.next('acquired');
    expect(() => lockHeldBy(lockPath, { pid: holder.pid, what: 'cluster x' }).assertHeld()).not.toThrow();
    expect(() => lockHeldBy(lockPath, { pid: holder.pid + 1, what: 'cluster x' }).assertHeld()).toThrow(
      new RegExp(
        `no longer held by the process this one works for \\(pid ${holder.pid + 1}\\): it is held by lock test \\(pid ${holder.pid}`,
      ),
    );
    holder.child.kill('SIGKILL');
    await holder.exit();
    // The dead holder's lock is still on disk, but taken by whoever comes next.
    const next = await acquireLock(lockPath, { what: 'cluster x' });
    expect(() => lockHeldBy(lockPath, { pid: holder.pid, what: 'cluster x' }).assertHeld()).toThrow(
      LockLostError,
    );
    await next.release();
    expect(() => lockHeldBy(lockPath, { pid: process.pid, what: 'cluster x' }).assertHeld()).toThrow(
      /it is free/,
    );
  });
});

describe('who the holder is', () => {
  onLinux('the owner record names this process with its start time, boot and pid namespace', async () => {
    const lock = await acquireClusterLock(dir, 'me', { purpose: 'dtr-ha up --until ucp' });
    try {
      const owner = readOwnerSync(lock.path);
      expect(owner).toEqual(lock.owner);
      expect(owner).toMatchObject({
        pid: process.pid,
        host: os.hostname(),
        purpose: 'dtr-ha up --until ucp',
      });
      expect(owner).toMatchObject(ourIdentity());
      expect(Date.parse(owner!.since)).toBeLessThanOrEqual(Date.now());
    } finally {
      await lock.release();
    }
  });

  onLinux(
    'a start time is read from /proc: ours as the kernel has it, none for a pid that runs nothing',
    async () => {
      const stat = readFileSync('/proc/self/stat', 'utf8');
      expect(processStartTime(process.pid)).toBe(
        Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]),
      );
      const gone = await sleeper();
      await gone.stop();
      expect(processStartTime(gone.pid)).toBeNull();
    },
  );

  onLinux(
    'a lock naming our own pid with another start time is a dead holder’s, taken over at once',
    async () => {
      const lockPath = path.join(dir, 'reused.lock');
      // As after a container restart: the dead holder had the pid this process was given.
      await fakeLock(lockPath, { startTime: processStartTime(process.pid)! - 1 });
      const started = Date.now();
      const lock = await acquireLock(lockPath, {
        what: 'the reused lock',
        staleMs: 60_000,
        timeoutMs: 10_000,
      });
      try {
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(lock.tookOver).toMatchObject({ reason: 'dead', from: { token: 'fake', pid: process.pid } });
        expect(readOwnerSync(lockPath)?.token).toBe(lock.owner.token);
      } finally {
        await lock.release();
      }
    },
  );

  test('a lock naming this very process (pid and start time) fails at once instead of waiting forever', async () => {
    const lockPath = path.join(dir, 'own', 'suite.lock');
    const held = await acquireLock(lockPath, { what: 'the suites', purpose: 'test file a.test.ts' });
    try {
      await expect(acquireLock(lockPath, { what: 'the suites', timeoutMs: 5_000 })).rejects.toThrow(
        /the suites is already locked by this process \(test file a.test.ts.*call suite.teardown\(\) in afterAll/,
      );
    } finally {
      await held.release();
    }
    const again = await acquireLock(lockPath, { what: 'the suites' });
    await again.release();
  });

  onLinux('a lock naming a live process is waited for; naming one that has ended, taken over', async () => {
    const live = await sleeper();
    try {
      const lockPath = path.join(dir, 'live.lock');
      await fakeLock(lockPath, {
        pid: live.pid,
        startTime: live.startTime,
        purpose: 'dtr-ha fault partition m2',
      });
      const waits: string[] = [];
      await expect(
        acquireLock(lockPath, {
          what: 'cluster c',
          staleMs: 60_000,
          timeoutMs: 1_000,
          waitLonger: 'use --lock-timeout <seconds>',
          onWait: (message) => waits.push(message),
        }),
      ).rejects.toThrow(
        new RegExp(
          `timed out after 1 s waiting for the lock of cluster c \\(${lockPath}\\), held by ` +
            `dtr-ha fault partition m2 \\(pid ${live.pid} on .*, since .*\\)\\. Let that command finish.*` +
            'taken over at once on its machine, elsewhere once it has not been refreshed for 60 s\\. ' +
            'To wait longer, use --lock-timeout <seconds>\\.$',
        ),
      );
      expect(waits).toEqual([
        expect.stringMatching(/^waiting for cluster c: locked by dtr-ha fault partition m2/),
      ]);
      await live.stop();
      const lock = await acquireLock(lockPath, { what: 'cluster c', staleMs: 60_000, timeoutMs: 5_000 });
      expect(lock.tookOver).toMatchObject({ reason: 'dead', from: { pid: live.pid } });
      await lock.release();
    } finally {
      await live.stop();
    }
  });

  test('a holder on another host (or of another boot or pid namespace) is judged by staleness only', async () => {
    const lockPath = path.join(dir, 'elsewhere.lock');
    for (const owner of [{ host: 'another-host' }, { bootId: 'another-boot' }, { pidNamespace: 'pid:[1]' }]) {
      // A pid that runs nothing here: on its own host, boot or namespace it may well run.
      await fakeLock(lockPath, { ...owner, pid: 2 ** 22 + 1, startTime: 1 });
      await expect(
        acquireLock(lockPath, { what: 'cluster e', staleMs: 5_000, timeoutMs: 500 }),
      ).rejects.toThrow(/timed out/);
      // Not refreshed for longer than the stale time: taken over.
      const old = new Date(Date.now() - 6_000);
      utimesSync(lockPath, old, old);
      const lock = await acquireLock(lockPath, { what: 'cluster e', staleMs: 5_000, timeoutMs: 500 });
      expect(lock.tookOver).toMatchObject({ reason: 'stale', from: { pid: 2 ** 22 + 1 } });
      await lock.release();
    }
  });
});

describe('a holder that loses its lock', () => {
  test('knows it: assertHeld throws, the signal aborts, and release leaves the new holder’s lock alone', async () => {
    const lockPath = path.join(dir, 'lost.lock');
    const lost: Error[] = [];
    const lock = await acquireLock(lockPath, {
      what: 'cluster l',
      staleMs: STALE_MS,
      onLost: (error) => lost.push(error),
    });
    expect(() => lock.assertHeld()).not.toThrow();
    expect(lock.signal.aborted).toBe(false);
    // As a takeover leaves it: the directory made again, by someone else.
    await fs.rm(lockPath, { recursive: true });
    await fakeLock(lockPath, { token: 'newer', purpose: 'dtr-ha down' });
    expect(() => lock.assertHeld()).toThrow(LockLostError);
    expect(() => lock.assertHeld()).toThrow(/lock of cluster l .* was lost: it is held by dtr-ha down \(pid/);
    expect(lock.signal.aborted).toBe(true);
    expect(lock.signal.reason).toBeInstanceOf(LockLostError);
    expect(lost).toHaveLength(1);
    await lock.release();
    expect(readOwnerSync(lockPath)?.token).toBe('newer');
  });

  test('is told by the lock’s own refresh too, without asking', async () => {
    const lockPath = path.join(dir, 'refresh.lock');
    const lock = await acquireLock(lockPath, {
      what: 'cluster r',
      staleMs: STALE_MS,
      onLost: () => undefined,
    });
    await fs.rm(lockPath, { recursive: true });
    const reason = await new Promise((resolve) =>
      lock.signal.addEventListener('abort', () => resolve(lock.signal.reason)),
    );
    expect(reason).toBeInstanceOf(LockLostError);
    expect((reason as Error).message).toMatch(/its lock directory was removed/);
    await lock.release();
  });

  test('after release, assertHeld says so', async () => {
    const lock = await acquireLock(path.join(dir, 'done.lock'), { what: 'cluster d' });
    await lock.release();
    expect(() => lock.assertHeld()).toThrow(/the lock of cluster d was already released/);
  });
});
