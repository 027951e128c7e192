import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// Replace a dead replica: one of three dies for good (its containers and volumes gone). While the
// other two keep the quorum, it is removed from the cluster through a healthy one, and a new replica
// joins on its machine with a fresh volume, as DTR's repair guides say ("remove the unhealthy nodes
// from the cluster, and join new ones"). The new replica serves every image pushed before; the dead
// one's ID is gone from cluster_status, and the load balancer sends clients to the new one.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('a dead replica is removed through a healthy one and replaced; the new one serves every image', async () => {
  expect(suite.replicas.length).toBe(3);
  const namespace = suite.admin.username;
  const name = suite.util.uniqueName('replace');
  const tags = ['a', 'b', 'c'];
  const images = await suite.util.pushNewImages(name, tags);

  const [healthy, other, dead] = suite.replicas;
  await suite.loseReplica(dead);
  // The others keep the quorum, and say the dead one is gone.
  await suite.util.waitFor('cluster_status to report the dead replica', async () => {
    const health = await suite.util.replicaHealth();
    return health[dead.id] !== 'OK' ? health : undefined;
  });

  await suite.removeReplica(dead, { through: healthy });
  const afterRemove = await suite.util.waitForHealthy();
  expect(Object.keys(afterRemove).sort()).toEqual([healthy.id, other.id].sort());

  const fresh = await suite.joinReplica(dead.machine, { through: healthy });
  expect(fresh.id).not.toBe(dead.id);
  const health = await suite.util.waitForHealthy();
  expect(Object.keys(health).sort()).toEqual([healthy.id, other.id, fresh.id].sort());
  expect((await fresh.api.clusterStatus()).replica_health).not.toHaveProperty(dead.id);

  // The new replica serves every image: its registry has each tag's manifest, whose config is the
  // image pushed (its ID), and it lists the repository.
  for (const tag of tags) {
    const id = images.get(suite.util.imageRef(name, tag));
    const manifest = await fresh.api.registryGet(`/v2/${namespace}/${name}/manifests/${tag}`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect([tag, manifest.status, manifest.data.config.digest]).toEqual([tag, 200, id]);
  }
  expect((await fresh.api.listRepositories(namespace)).map((r) => r.name)).toContain(name);

  // HAProxy has it in rotation, and the dead one no more.
  await suite.util.waitFor('HAProxy to mark the new replica UP', async () => {
    const stats = await suite.util.loadBalancerStats();
    return stats.get(fresh.id)?.status === 'UP' ? stats : undefined;
  });
  const served = await suite.util.connectionsPerReplica(3 * suite.replicas.length);
  expect(served.has(dead.id)).toBe(false);
  expect(served.get(fresh.id)?.sessions).toBeGreaterThan(0);
});
