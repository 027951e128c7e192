import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { replicasReached } from './support';

const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('round robin through the load balancer reaches every replica', async () => {
  const seen = await replicasReached(suite, 3 * suite.replicas.length);
  expect([...seen].sort()).toEqual(suite.replicas.map((r) => r.id).sort());
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
