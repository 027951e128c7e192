import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { replicasReached } from './support';

// Kill one replica of three: the load balancer stops sending to it, every image pushed before still
// pulls, cluster_status reports the dead replica; bring it back and it rejoins healthy.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('the cluster survives the loss of one replica, and takes it back', async () => {
  expect(suite.replicas.length).toBeGreaterThanOrEqual(3);
  const name = suite.util.uniqueName('loss');
  await suite.util.ensureRepository(name);
  const images = new Map<string, string>();
  for (const tag of ['a', 'b', 'c', 'd']) {
    const ref = suite.util.imageRef(name, tag);
    images.set(ref, await suite.util.createImage(suite.controller, ref));
    await suite.util.pushImage(suite.controller, ref);
  }

  const [victim, ...survivors] = suite.replicas;
  await suite.faults.killReplica(victim);

  // cluster_status, asked through the load balancer, reports the dead replica.
  const health = await suite.util.waitFor('cluster_status to report the killed replica', async () => {
    const h = await suite.util.replicaHealth();
    return h[victim.id] !== 'OK' ? h : undefined;
  });
  for (const replica of survivors) expect(health[replica.id]).toBe('OK');

  // HAProxy's health checks take it out of the rotation.
  await suite.util.waitFor('the load balancer to stop sending to the killed replica', async () => {
    const seen = await replicasReached(suite, 2 * suite.replicas.length);
    return !seen.has(victim.id) ? seen : undefined;
  });

  // Every image pushed before the loss still pulls, on a machine that has none of them.
  const puller = survivors[0].machine;
  await suite.util.login(puller);
  for (const [ref, id] of images) {
    await suite.util.removeImage(puller, ref);
    await suite.util.docker(puller, ['pull', ref]);
    expect(await suite.util.imageId(puller, ref)).toBe(id);
  }

  // Back again: healthy in cluster_status and in the rotation.
  await suite.faults.startReplicaNow(victim);
  await suite.util.waitForHealthy();
  await suite.util.waitFor('the load balancer to send to the replica again', async () => {
    const seen = await replicasReached(suite, 3 * suite.replicas.length);
    return seen.has(victim.id) ? seen : undefined;
  });
});
