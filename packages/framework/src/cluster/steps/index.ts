import { describeUpTargets, type UpTarget } from '../../config';
import type { LockCheck } from '../../util/lock';
import { dtrPlanStep } from './dtr-plan';
import { dtrStep } from './dtr';
import { healFaultsStep } from './faults';
import { hostImagesStep, imagesStep } from './images';
import { loadBalancerStep } from './load-balancer';
import { machinesStep } from './machines';
import { storageStep } from './storage';
import type { Step, StepContext } from './step';
import { trustStep } from './trust';
import { ucpStep } from './ucp';

export { need, type Step, type StepContext } from './step';

/** The steps of `up`, in the order data flows: each may use what the steps before it made. */
export const upSteps = [
  hostImagesStep,
  machinesStep,
  healFaultsStep,
  imagesStep,
  ucpStep,
  dtrPlanStep,
  storageStep,
  dtrStep,
  loadBalancerStep,
  trustStep,
] as const;

export type StepName = (typeof upSteps)[number]['name'];

/**
 * Where each `until` stops: after the step named here. The compiler checks that every UpTarget has a
 * step of the list; `dtr` is the whole cluster, through the last step.
 */
const lastStepOf = {
  machines: 'heal-faults',
  ucp: 'ucp',
  dtr: 'trust',
} as const satisfies Record<UpTarget, StepName>;

/** The steps `up` runs to build the cluster as far as `until`: the list up to and with its last step. */
export function stepsUntil(until: UpTarget): Step[] {
  const last = upSteps.findIndex((step) => step.name === lastStepOf[until]);
  // Only a caller from JavaScript gets here with another value.
  if (last < 0) throw new Error(`up: until must be ${describeUpTargets()}, not ${JSON.stringify(until)}`);
  return upSteps.slice(0, last + 1);
}

/**
 * Runs `steps` in their order over `ctx`. Before each, `lock.assertHeld()`: a run whose cluster lock
 * was lost while it worked (it was stopped for longer than the lock's stale time and another run took
 * the cluster over) throws LockLostError there, instead of acting beside the new holder. A step that
 * is under way when the lock is lost ends first; the next one is not started.
 */
export async function runSteps(steps: readonly Step[], ctx: StepContext, lock?: LockCheck): Promise<void> {
  for (const step of steps) {
    lock?.assertHeld();
    await step.run(ctx);
  }
}
