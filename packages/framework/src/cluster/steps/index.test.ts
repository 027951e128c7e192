import { UP_TARGETS, type UpTarget } from '../../config';
import { need, stepsUntil, upSteps } from '.';

const names = (until: UpTarget) => stepsUntil(until).map((step) => step.name);

test('each until runs the list from its start up to and with its last step', () => {
  // The images are made ready on this host first: one that is missing is refused before any machine exists.
  expect(names('machines')).toEqual(['host-images', 'machines']);
  expect(names('ucp')).toEqual(['host-images', 'machines', 'images', 'ucp']);
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
