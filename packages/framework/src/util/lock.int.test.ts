/**
 * The cluster run lock across real processes: each holder below is a separate `node` process that
 * takes the lock through this module (its TypeScript source, via ts-node).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLock, clusterLockPath, isLocked } from './lock';

const STALE_MS = 5_000;

interface Event {
  event: 'acquired' | 'released' | 'waiting';
  t: number;
  tookOverStale?: boolean;
  message?: string;
}

class Holder {
  readonly events: Event[] = [];
  private readonly waiters: Array<() => void> = [];
  private exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as Event);
        this.waiters.splice(0).forEach((wake) => wake());
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        if (code) process.stderr.write(`lock holder ${child.pid} exited with ${code}: ${stderr}\n`);
        this.waiters.splice(0).forEach((wake) => wake());
        resolve(code);
      }),
    );
  }

  async next(event: Event['event'], timeoutMs = 30_000): Promise<Event> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`holder ${this.child.pid} exited before "${event}"`);
      }
      if (Date.now() > deadline)
        throw new Error(`no "${event}" from holder ${this.child.pid} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  exit(): Promise<number | null> {
    return this.exited;
  }
}

let dir: string;
let script: string;
const holders: Holder[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-lock-'));
  script = path.join(dir, 'holder.js');
  // Takes the run lock of <prefix>, reports as JSON lines, holds it for holdMs (-1: until killed).
  await fs.writeFile(
    script,
    `require(${JSON.stringify(require.resolve('ts-node'))}).register({
       transpileOnly: true, compilerOptions: { module: 'commonjs', noEmit: false } });
     const { acquireClusterLock } = require(${JSON.stringify(path.join(__dirname, 'lock.ts'))});
     const [stateDir, prefix, holdMs, staleMs] = process.argv.slice(2);
     const say = (o) => process.stdout.write(JSON.stringify({ ...o, t: Date.now() }) + '\\n');
     (async () => {
       const lock = await acquireClusterLock(stateDir, prefix, {
         staleMs: Number(staleMs), pollMs: 100, purpose: 'lock test',
         onWait: (message) => say({ event: 'waiting', message }),
       });
       say({ event: 'acquired', tookOverStale: lock.tookOverStale });
       if (Number(holdMs) < 0) { setInterval(() => undefined, 1000); return; }
       await new Promise((r) => setTimeout(r, Number(holdMs)));
       say({ event: 'released' });
       await lock.release();
     })().catch((e) => { console.error(e); process.exit(1); });`,
  );
});

afterEach(() => {
  for (const holder of holders.splice(0)) if (holder.child.exitCode === null) holder.child.kill('SIGKILL');
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function hold(prefix: string, holdMs: number): Holder {
  const child = spawn(process.execPath, [script, dir, prefix, String(holdMs), String(STALE_MS)], {
    cwd: dir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const holder = new Holder(child);
  holders.push(holder);
  return holder;
}

test('two runs of one prefix wait for each other, even past the stale time while the holder lives', async () => {
  // The first holder keeps the lock longer than STALE_MS: it refreshes it, so it must not be taken over.
  const first = hold('same', STALE_MS + 2_000);
  await first.next('acquired');
  expect(await isLocked(clusterLockPath(dir, 'same'), STALE_MS)).toBe(true);
  const second = hold('same', 0);
  const waiting = await second.next('waiting');
  expect(waiting.message).toMatch(/waiting for cluster same: locked by lock test \(pid \d+/);
  const released = await first.next('released');
  const acquired = await second.next('acquired');
  expect(acquired.t).toBeGreaterThanOrEqual(released.t);
  expect(acquired.tookOverStale).toBe(false);
  expect(await second.exit()).toBe(0);
  expect(await isLocked(clusterLockPath(dir, 'same'), STALE_MS)).toBe(false);
});

test('runs of different prefixes go side by side', async () => {
  const first = hold('alpha', 4_000);
  const firstAcquired = await first.next('acquired');
  const second = hold('beta', 0);
  const acquired = await second.next('acquired');
  expect(second.events.some((e) => e.event === 'waiting')).toBe(false);
  const released = await first.next('released');
  expect(acquired.t).toBeGreaterThanOrEqual(firstAcquired.t);
  expect(acquired.t).toBeLessThan(released.t);
});

test('the lock of a killed holder goes stale and is taken over', async () => {
  const dead = hold('crash', -1);
  await dead.next('acquired');
  const killedAt = Date.now();
  dead.child.kill('SIGKILL');
  await dead.exit();
  const next = hold('crash', 0);
  const acquired = await next.next('acquired', 20_000);
  expect(acquired.tookOverStale).toBe(true);
  // Not before the holder's last refresh went stale, and not much after.
  expect(acquired.t - killedAt).toBeLessThan(STALE_MS + 5_000);
  expect(await next.exit()).toBe(0);
});

test('taking a lock this process already holds fails at once instead of waiting forever', async () => {
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
