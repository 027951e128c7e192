import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { DtrApiError } from '@dtr-ha/framework';

// The quorum matrix, for any odd number N of replicas (3 with NUM_MACHINES=4, 5 with NUM_MACHINES=6):
// lose floor((N-1)/2) replicas, a minority, and login, push and pull keep working through the load
// balancer; lose one more, and the survivors' metadata store has no quorum: they refuse writes (503
// with DTR's `errors` body) and say they are unhealthy, and why. Start them all again: every replica
// is healthy, and everything acknowledged before and during the faults is there, on every replica.
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

test('a minority lost: the cluster serves; one more: writes refused, health says why; all back: nothing lost', async () => {
  const n = suite.replicas.length;
  expect({ replicas: n, odd: n % 2 === 1 && n >= 3 }).toEqual({ replicas: n, odd: true });
  const minority = Math.floor((n - 1) / 2);
  const namespace = suite.admin.username;
  const repository = suite.util.uniqueName('quorum');
  await suite.util.ensureRepository(repository);
  const before = suite.util.imageRef(repository, 'before');
  const images = new Map([[before, await suite.util.createImage(suite.controller, before)]]);
  await suite.util.pushImage(suite.controller, before);

  // 1. A minority lost: HAProxy takes them out, and the others serve login, push and pull.
  const lost = suite.replicas.slice(n - minority);
  const [firstSurvivor, ...otherSurvivors] = suite.replicas.slice(0, n - minority);
  for (const replica of lost) await suite.faults.stopReplica(replica);
  await suite.util.waitFor(`HAProxy to mark the ${minority} stopped replica(s) DOWN`, async () => {
    const stats = await suite.util.loadBalancerStats();
    return lost.every((r) => stats.get(r.id)?.status === 'DOWN') ? stats : undefined;
  });
  const during = suite.util.imageRef(repository, 'during-minority-loss');
  images.set(during, await suite.util.createImage(suite.controller, during));
  await suite.util.pushImage(suite.controller, during);
  const duringRepository = suite.util.uniqueName('quorum-during');
  await suite.util.ensureRepository(duringRepository);
  // Pulled on a machine that has neither image, through the load balancer.
  const puller = firstSurvivor.machine;
  await suite.util.login(puller);
  for (const [ref, id] of images) {
    await suite.util.removeImage(puller, ref);
    expect(await suite.util.pullImage(puller, ref, { login: false })).toBe(id);
  }
  const health = await suite.util.replicaHealth();
  for (const replica of [firstSurvivor, ...otherSurvivors]) expect(health[replica.id]).toBe('OK');

  // 2. One more lost: the survivors' store has no quorum. They answer, unhealthy, and say why.
  const oneMore = otherSurvivors.length ? otherSurvivors[otherSurvivors.length - 1] : firstSurvivor;
  expect(oneMore).not.toBe(firstSurvivor);
  await suite.faults.stopReplica(oneMore);
  const survivors = suite.replicas.filter((r) => r !== oneMore && !lost.includes(r));
  expect(survivors).toHaveLength(n - minority - 1);
  for (const survivor of survivors) {
    const unhealthy = await suite.util.waitFor(`${survivor.id} to report that it has no quorum`, async () => {
      const error = await failure(survivor.api.health());
      return error.status === 503 ? error : undefined;
    });
    expect(JSON.stringify(unhealthy.body)).toMatch(/metadata: the metadata store has no quorum/);
  }
  const status = await firstSurvivor.api.clusterStatus();
  expect(status.replica_health[firstSurvivor.id]).toMatch(/no quorum/);
  for (const replica of [...lost, oneMore]) expect(status.replica_health[replica.id]).not.toBe('OK');
  // A write through a survivor is refused, as DTR refuses it: 503, with an `errors` body.
  const refused = await failure(
    firstSurvivor.api.createRepository(namespace, suite.util.uniqueName('refused')),
  );
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
  expect(JSON.stringify(refused.body)).toMatch(/no quorum/);
  // So is a read that must be current.
  expect((await failure(firstSurvivor.api.getRepository(namespace, repository))).status).toBe(503);

  // 3. All back: healthy everywhere, and everything acknowledged is there, on every replica.
  for (const replica of [...lost, oneMore]) await suite.faults.startReplicaNow(replica);
  await suite.util.waitForHealthy();
  for (const replica of suite.replicas) {
    const names = (await replica.api.listRepositories(namespace)).map((r) => r.name);
    expect({ replica: replica.id, names }).toEqual({
      replica: replica.id,
      names: expect.arrayContaining([repository, duringRepository]),
    });
  }
  const lastPuller = suite.replicas[n - 1].machine;
  await suite.util.login(lastPuller);
  for (const [ref, id] of images) {
    await suite.util.removeImage(lastPuller, ref);
    expect(await suite.util.pullImage(lastPuller, ref, { login: false })).toBe(id);
  }
  // And writes are accepted again, through the load balancer.
  const after = suite.util.uniqueName('after');
  await suite.util.ensureRepository(after);
  expect((await suite.api.getRepository(namespace, after)).name).toBe(after);
});
