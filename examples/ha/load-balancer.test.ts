import { DTRHATestSuite, describeConnections } from '@dtr-ha/jest-preset';

const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

// Which replica served a client is HAProxy's to say (its statistics count each server's sessions):
// DTR's answers do not name the replica.
test('round robin through the load balancer reaches every replica', async () => {
  const count = 3 * suite.replicas.length;
  const served = await suite.util.connectionsPerReplica(count);
  suite.summary('sessions per replica', describeConnections(served));
  // One server per replica, each UP and each given some of the new connections…
  expect([...served.keys()].sort()).toEqual(suite.replicas.map((r) => r.id).sort());
  for (const replica of suite.replicas) {
    const { sessions, status } = served.get(replica.id)!;
    expect({ replica: replica.id, status, reached: sessions > 0 }).toEqual({
      replica: replica.id,
      status: 'UP',
      reached: true,
    });
  }
  // …and all of them counted: each request really was a connection of its own.
  const total = [...served.values()].reduce((sum, r) => sum + r.sessions, 0);
  expect(total).toBeGreaterThanOrEqual(count);
});

test('a repository created through the load balancer is seen by every replica’s API', async () => {
  const namespace = suite.admin.username;
  const name = suite.util.uniqueName('lb');
  await suite.api.createRepository(namespace, name);
  for (const replica of suite.replicas) {
    const repository = await replica.api.getRepository(namespace, name);
    expect(repository).toMatchObject({ namespace, name });
  }
  await suite.api.deleteRepository(namespace, name);
  for (const replica of suite.replicas) {
    await expect(replica.api.getRepository(namespace, name)).rejects.toMatchObject({ status: 404 });
  }
});
