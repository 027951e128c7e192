import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { DtrApiError } from '@dtr-ha/framework';
import type { Machine } from '@dtr-ha/framework';

// Network partitions between the replicas (iptables over SSH; the controller, with UCP and the load
// balancer, still reaches every replica), for any odd number N of replicas. Two shapes of losing a
// minority of floor((N-1)/2): each of its replicas cut off from every other replica, and the minority
// cut from the majority as one group whose members still reach each other. Either way the side with
// a quorum goes on serving through the load balancer, the other side refuses writes; healed, every
// replica converges on what the majority side acknowledged.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

type Replica = (typeof suite.replicas)[number];

async function refusal(call: Promise<unknown>): Promise<number> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DtrApiError) return error.status ?? 0;
    throw error;
  }
  return 200;
}

/** Cuts each machine of `side` off from each of `others` (both directions: the rules sit on `side`). */
async function cut(side: Replica[], others: Replica[]): Promise<void> {
  const machines: Machine[] = others.map((r) => r.machine);
  for (const replica of side) await suite.faults.partition(replica.machine, machines);
}

async function healAll(side: Replica[]): Promise<void> {
  for (const replica of side) await suite.faults.heal(replica.machine);
  await suite.util.waitForHealthy();
}

/** The majority serves through the load balancer; the minority refuses writes; healed, all converge. */
async function checkSides(minority: Replica[], majority: Replica[]): Promise<void> {
  const namespace = suite.admin.username;
  // The minority's stores lose their quorum: each refuses a write, and HAProxy takes it out.
  for (const replica of minority) {
    await suite.util.waitFor(`${replica.id} (minority side) to refuse writes`, async () => {
      const status = await refusal(replica.api.createRepository(namespace, suite.util.uniqueName('cut')));
      return status === 503 ? status : undefined;
    });
  }
  await suite.util.waitFor('HAProxy to mark the minority side DOWN', async () => {
    const stats = await suite.util.loadBalancerStats();
    return minority.every((r) => stats.get(r.id)?.status === 'DOWN') &&
      majority.every((r) => stats.get(r.id)?.status === 'UP')
      ? stats
      : undefined;
  });
  // The majority side writes and reads, through the load balancer and on each of its replicas.
  const written = suite.util.uniqueName('majority');
  await suite.util.ensureRepository(written);
  for (const replica of majority) {
    expect((await replica.api.getRepository(namespace, written)).name).toBe(written);
  }
  // Healed: every replica has what the majority acknowledged.
  await healAll(minority);
  for (const replica of suite.replicas) {
    expect({ replica: replica.id, name: (await replica.api.getRepository(namespace, written)).name }).toEqual(
      {
        replica: replica.id,
        name: written,
      },
    );
  }
}

const sides = () => {
  const n = suite.replicas.length;
  const size = Math.floor((n - 1) / 2);
  return { minority: suite.replicas.slice(n - size), majority: suite.replicas.slice(0, n - size) };
};

test('each replica of a minority cut off from every other replica', async () => {
  expect(suite.replicas.length % 2).toBe(1);
  const { minority, majority } = sides();
  for (const replica of minority)
    await cut(
      [replica],
      suite.replicas.filter((r) => r !== replica),
    );
  await checkSides(minority, majority);
});

test('the minority cut from the majority as one group, its members still reaching each other', async () => {
  const { minority, majority } = sides();
  await cut(minority, majority);
  await checkSides(minority, majority);
});
