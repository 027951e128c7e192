import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { DtrApiError } from '@dtr-ha/framework';

// Lose the majority: with 3 replicas, stop 2. The survivor's metadata store has no quorum, so it
// refuses writes (503 with DTR's `errors` body) and says it is unhealthy, and why; nothing is
// written meanwhile. Start them again: every replica is healthy, and every repository created before
// is still there, on every replica.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

/** The error a call fails with (the test fails if it succeeds). */
async function failure(call: Promise<unknown>): Promise<DtrApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DtrApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

test('without a quorum of replicas, writes are refused and health says why; with it back, nothing is lost', async () => {
  expect(suite.replicas.length).toBe(3);
  const namespace = suite.admin.username;
  const before = [1, 2, 3].map((i) => suite.util.uniqueName(`quorum${i}`));
  for (const name of before) await suite.util.ensureRepository(name);

  const [survivor, ...lost] = suite.replicas;
  for (const replica of lost) await suite.faults.stopReplica(replica);

  // The survivor answers, but its store has no quorum: unhealthy, and it says so.
  const unhealthy = await suite.util.waitFor('the survivor to report that it has no quorum', async () => {
    const error = await failure(survivor.api.health());
    return error.status === 503 ? error : undefined;
  });
  expect(JSON.stringify(unhealthy.body)).toMatch(/metadata: the metadata store has no quorum/);
  const status = await survivor.api.clusterStatus();
  expect(status.replica_health[survivor.id]).toMatch(/no quorum/);
  for (const replica of lost) expect(status.replica_health[replica.id]).not.toBe('OK');

  // A write through the survivor is refused, as DTR refuses it: 503, with an `errors` body.
  const refusedName = suite.util.uniqueName('refused');
  const refused = await failure(survivor.api.createRepository(namespace, refusedName));
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
  expect(JSON.stringify(refused.body)).toMatch(/no quorum/);
  // So is a read that must be current.
  expect((await failure(survivor.api.getRepository(namespace, before[0]))).status).toBe(503);

  // Back again: healthy everywhere, and everything acknowledged before is there, on every replica.
  for (const replica of lost) await suite.faults.startReplicaNow(replica);
  await suite.util.waitForHealthy();
  for (const replica of suite.replicas) {
    const names = (await replica.api.listRepositories(namespace)).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(before));
  }
  // And writes are accepted again, through the load balancer.
  const after = suite.util.uniqueName('after');
  await suite.util.ensureRepository(after);
  expect((await suite.api.getRepository(namespace, after)).name).toBe(after);
});
