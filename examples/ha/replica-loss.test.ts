import { DTRHATestSuite, describeConnections } from '@dtr-ha/jest-preset';

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
  suite.summary('cluster_status with a replica killed', health);
  for (const replica of survivors) expect(health[replica.id]).toBe('OK');

  // HAProxy's health checks take it out of the rotation: its server goes DOWN in HAProxy's
  // statistics, and of new connections it takes none while every survivor takes some.
  await suite.util.waitFor('HAProxy to mark the killed replica DOWN', async () => {
    const stats = await suite.util.loadBalancerStats();
    return stats.get(victim.id)?.status === 'DOWN' ? stats : undefined;
  });
  const whileDown = await suite.util.connectionsPerReplica(2 * suite.replicas.length);
  suite.summary('sessions per replica while it was down', describeConnections(whileDown));
  expect(whileDown.get(victim.id)).toMatchObject({ sessions: 0, status: 'DOWN' });
  for (const replica of survivors) {
    expect({ replica: replica.id, reached: whileDown.get(replica.id)!.sessions > 0 }).toEqual({
      replica: replica.id,
      reached: true,
    });
  }

  // Every image pushed before the loss still pulls, on a machine that has none of them.
  const puller = survivors[0].machine;
  await suite.util.login(puller);
  for (const [ref, id] of images) {
    await suite.util.removeImage(puller, ref);
    await suite.util.docker(puller, ['pull', ref]);
    expect(await suite.util.imageId(puller, ref)).toBe(id);
  }

  // Back again: healthy in cluster_status, UP in HAProxy, and given new connections again.
  await suite.faults.startReplicaNow(victim);
  await suite.util.waitForHealthy();
  await suite.util.waitFor('HAProxy to mark the replica UP again', async () => {
    const stats = await suite.util.loadBalancerStats();
    return stats.get(victim.id)?.status === 'UP' ? stats : undefined;
  });
  const back = await suite.util.connectionsPerReplica(3 * suite.replicas.length);
  expect(back.get(victim.id)?.sessions).toBeGreaterThan(0);
});
