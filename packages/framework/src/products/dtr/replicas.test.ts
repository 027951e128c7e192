import { decideReplicas, type FoundReplica } from './replicas';

// Machines are plain names here: the decision only compares them.
const machines = ['c-2', 'c-3', 'c-4'];
const replica = (id: string, machine: string, healthy = true): FoundReplica<string> => ({
  id,
  machine,
  healthy,
});

test('all healthy: every replica kept, nothing removed, destroyed or made', () => {
  const found = [replica('aaa', 'c-2'), replica('bbb', 'c-3'), replica('ccc', 'c-4')];
  expect(decideReplicas(machines, found)).toEqual({
    keep: found,
    remove: [],
    destroy: [],
    make: [],
    joinTo: found[0],
  });
});

test('one unhealthy of three: removed through a healthy one, a new replica joins on its machine', () => {
  const [a, b, c] = [replica('aaa', 'c-2', false), replica('bbb', 'c-3'), replica('ccc', 'c-4')];
  const decision = decideReplicas(machines, [a, b, c]);
  expect(decision.keep).toEqual([b, c]);
  expect(decision.remove).toEqual([{ replica: a, through: b }]);
  expect(decision.destroy).toEqual([]);
  expect(decision.make).toEqual(['c-2']);
  expect(decision.joinTo).toBe(b);
});

test('machines without a replica get one joined to the first kept replica', () => {
  const b = replica('bbb', 'c-3');
  expect(decideReplicas(machines, [b])).toMatchObject({
    keep: [b],
    remove: [],
    destroy: [],
    make: ['c-2', 'c-4'],
    joinTo: b,
  });
});

test('no replica healthy: nothing to remove through, every one destroyed and the cluster made anew', () => {
  const found = [replica('aaa', 'c-2', false), replica('bbb', 'c-3', false)];
  const decision = decideReplicas(machines, found);
  expect(decision).toMatchObject({ keep: [], remove: [], destroy: found, make: machines });
  expect(decision.joinTo).toBeUndefined();
  expect(decision.remakeBecause).toMatch(/no replica is healthy/);
});

test('a healthy minority has lost quorum: the cluster is made anew, not repaired through it', () => {
  const found = [replica('aaa', 'c-2'), replica('bbb', 'c-3', false), replica('ccc', 'c-4', false)];
  const decision = decideReplicas(machines, found);
  expect(decision).toMatchObject({ keep: [], remove: [], destroy: found, make: machines });
  expect(decision.remakeBecause).toMatch(/^1 of 3 replicas healthy is short of the majority/);
  // One of two is not a majority either.
  expect(decideReplicas(machines, found.slice(0, 2)).destroy).toHaveLength(2);
});

test('remakeBecause: every replica destroyed, healthy or not, for that reason', () => {
  const found = [replica('aaa', 'c-2'), replica('bbb', 'c-3')];
  expect(decideReplicas(machines, found, 'UCP was installed again')).toMatchObject({
    keep: [],
    remove: [],
    destroy: found,
    remakeBecause: 'UCP was installed again',
    make: machines,
  });
});

test('nothing found: the first machine installs, the others join it; nothing destroyed', () => {
  for (const because of [undefined, 'UCP was installed again']) {
    const decision = decideReplicas(machines, [], because);
    expect(decision).toMatchObject({ keep: [], remove: [], destroy: [], make: machines });
    expect(decision.joinTo).toBeUndefined();
    // Nothing is destroyed, so there is nothing to give a reason for.
    expect(decision.remakeBecause).toBeUndefined();
  }
});

test('a second replica on a machine is removed through the kept one, even when healthy', () => {
  const [a, extra, b, c] = [
    replica('aaa', 'c-2'),
    replica('ddd', 'c-2'),
    replica('bbb', 'c-3'),
    replica('ccc', 'c-4'),
  ];
  const decision = decideReplicas(machines, [a, extra, b, c]);
  expect(decision.keep).toEqual([a, b, c]);
  expect(decision.remove).toEqual([{ replica: extra, through: a }]);
  expect(decision.make).toEqual([]);
});
