import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * For tests of the lock: holders that are real `node` processes, each taking a lock through the lock
 * module's TypeScript source (via ts-node) and telling what happens as JSON lines on stdout.
 */

export interface HolderEvent {
  event: 'acquired' | 'released' | 'waiting' | 'lost' | 'stopped' | 'failed';
  /** Date.now() in the holder when it happened. */
  t: number;
  message?: string;
  token?: string;
  tookOver?: { reason: 'stale' | 'dead'; from?: { pid: number } };
}

export interface HoldSpec {
  lockPath: string;
  staleMs: number;
  purpose?: string;
  timeoutMs?: number;
  /** How long to hold the lock, then release it; -1: until killed. Ignored with `steps`. */
  holdMs?: number;
  /**
   * Work in steps instead: before each of `steps` steps, `lock.assertHeld()` (a throw ends the work
   * with a `stopped` event), then a line `<token> <Date.now()>` appended to `journal`, then `stepMs`.
   */
  steps?: number;
  stepMs?: number;
  journal?: string;
}

const HOLDER_SCRIPT = `
require(process.env.TS_NODE_PATH).register({
  transpileOnly: true, compilerOptions: { module: 'commonjs', noEmit: false } });
const { appendFileSync } = require('node:fs');
const { acquireLock } = require(process.env.LOCK_MODULE);
const spec = JSON.parse(process.argv[1]);
const say = (o) => process.stdout.write(JSON.stringify({ ...o, t: Date.now() }) + '\\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const lock = await acquireLock(spec.lockPath, {
    what: 'the test lock', purpose: spec.purpose ?? 'lock test', staleMs: spec.staleMs,
    timeoutMs: spec.timeoutMs, pollMs: 100,
    onWait: (message) => say({ event: 'waiting', message }),
    onLost: (error) => say({ event: 'lost', message: error.message }),
  });
  say({ event: 'acquired', token: lock.owner.token, tookOver: lock.tookOver });
  if (spec.steps) {
    for (let i = 0; i < spec.steps; i++) {
      try { lock.assertHeld(); } catch (e) { say({ event: 'stopped', message: e.message }); break; }
      appendFileSync(spec.journal, lock.owner.token + ' ' + Date.now() + '\\n');
      await sleep(spec.stepMs);
    }
  } else if (spec.holdMs < 0) {
    setInterval(() => undefined, 1000);
    return;
  } else {
    await sleep(spec.holdMs ?? 0);
  }
  say({ event: 'released' });
  await lock.release();
})().catch((e) => { say({ event: 'failed', message: e.message }); process.exit(1); });
`;

export class Holder {
  readonly events: HolderEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly exited: Promise<number | null>;
  stderr = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as HolderEvent);
        this.wake();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.wake();
        resolve(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first `event` this holder told, waiting for it up to `timeoutMs`. */
  async next(event: HolderEvent['event'], timeoutMs = 30_000): Promise<HolderEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(
          `holder ${this.pid} exited before "${event}": ${JSON.stringify(this.events)} ${this.stderr}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`no "${event}" from holder ${this.pid} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }
}

/** Starts holders; `killAll()` (in afterEach) SIGKILLs any still running, resumed first if stopped. */
export class Holders {
  private readonly started: Holder[] = [];

  constructor(private readonly cwd: string) {}

  hold(spec: HoldSpec): Holder {
    const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT, JSON.stringify(spec)], {
      cwd: this.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TS_NODE_PATH: require.resolve('ts-node'),
        LOCK_MODULE: path.join(__dirname, '..', 'src', 'util', 'lock.ts'),
      },
    });
    const holder = new Holder(child);
    this.started.push(holder);
    return holder;
  }

  async killAll(): Promise<void> {
    for (const holder of this.started.splice(0)) {
      if (holder.child.exitCode !== null || holder.child.signalCode !== null) continue;
      holder.child.kill('SIGCONT');
      holder.child.kill('SIGKILL');
      await holder.exit();
    }
  }
}

/** The journal of stepping holders: who wrote a step when. */
export async function readJournal(file: string): Promise<Array<{ token: string; t: number }>> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [token, t] = line.split(' ');
      return { token, t: Number(t) };
    });
}

/**
 * For a test file or a describe block: each test gets a fresh directory and its own Holders; after
 * it, every holder still running is killed and the directory removed.
 */
export function holdersInFreshDir(name: string): { readonly dir: string; readonly holders: Holders } {
  const current = { dir: '', holders: new Holders(os.tmpdir()) };
  beforeEach(async () => {
    current.dir = await fs.mkdtemp(path.join(os.tmpdir(), `dtrha-${name}-`));
    current.holders = new Holders(current.dir);
  });
  afterEach(async () => {
    await current.holders.killAll();
    await fs.rm(current.dir, { recursive: true, force: true });
  });
  return current;
}
