import * as path from 'node:path';
import { holdersInFreshDir } from '../../../test-support/lock-holders';
import { UP_TARGETS, type UpTarget } from '../../config';
import { acquireLock, readOwnerSync } from '../../util/lock';
import { need, runSteps, stepsUntil, upSteps, type Step, type StepContext } from '.';

const names = (until: UpTarget) => stepsUntil(until).map((step) => step.name);

test('each until runs the list from its start up to and with its last step', () => {
  // The images are made ready on this host first: one that is missing is refused before any machine exists.
  expect(names('machines')).toEqual(['host-images', 'machines', 'heal-faults']);
  expect(names('ucp')).toEqual(['host-images', 'machines', 'heal-faults', 'images', 'ucp']);
  expect(names('dtr')).toEqual(upSteps.map((step) => step.name));
});

test('the until values, in their order, go ever further down the list', () => {
  const lengths = UP_TARGETS.map((until) => stepsUntil(until).length);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  expect(new Set(lengths).size).toBe(UP_TARGETS.length);
});

test('an until from outside TypeScript that is none of the values is refused, not read as the whole cluster', () => {
  expect(() => stepsUntil('everything' as UpTarget)).toThrow(/until must be machines, ucp or dtr/);
});

test('a step that needs what no earlier step made fails naming it', () => {
  const ctx = {} as Parameters<typeof need>[0];
  expect(() => need(ctx, 'plan')).toThrow(/"plan" is made by a step that has not run/);
});

describe('runSteps', () => {
  const fresh = holdersInFreshDir('steps');

  const ctx = {} as StepContext;
  const recording = (ran: string[], during: Record<string, () => Promise<void> | void> = {}): Step[] =>
    ['machines', 'images', 'ucp'].map((name) => ({
      name,
      run: async () => {
        ran.push(name);
        await during[name]?.();
      },
    }));

  test('runs every step in order while the lock is held', async () => {
    const lock = await acquireLock(path.join(fresh.dir, 'run.lock'), { what: 'cluster s' });
    const ran: string[] = [];
    await runSteps(recording(ran), ctx, lock);
    expect(ran).toEqual(['machines', 'images', 'ucp']);
    await lock.release();
  });

  test('a run stopped past the stale time while another took its lock does not start its next step', async () => {
    const lockPath = path.join(fresh.dir, 'run.lock');
    const staleMs = 5_000;
    const lock = await acquireLock(lockPath, { what: 'cluster s', staleMs, onLost: () => undefined });
    const other = fresh.holders.hold({ lockPath, staleMs, holdMs: -1, purpose: 'dtr-ha up (the other)' });
    await other.next('waiting');
    const ran: string[] = [];
    // The images step blocks this whole process (as SIGSTOP or a suspended VM would) past the stale
    // time: its lock is not refreshed, and the other process takes it over meanwhile.
    const blockProcess = () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, staleMs + 2_000);
    };
    await expect(runSteps(recording(ran, { images: blockProcess }), ctx, lock)).rejects.toThrow(
      /lock of cluster s .* was lost: it is held by dtr-ha up \(the other\)/,
    );
    expect(ran).toEqual(['machines', 'images']);
    expect((await other.next('acquired')).tookOver).toMatchObject({
      reason: 'stale',
      from: { pid: process.pid },
    });
    await lock.release();
    // Released after the loss, it left the other's lock in place.
    expect(readOwnerSync(lockPath)?.pid).toBe(other.pid);
  }, 60_000);
});
