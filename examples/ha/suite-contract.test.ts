import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// The DTRHATestSuite contract, piece by piece. The preset's globalSetup has built (or reused) the
// machines and UCP and written the handoff; this file installs DTR for itself and removes it at the end.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('framework.machines: the controller first, every machine reachable over SSH and verified TLS', async () => {
  const machines = suite.framework.machines;
  expect(machines[0]).toBe(suite.controller);
  expect(suite.controller.role).toBe('controller');
  expect(machines.slice(1).every((m) => m.role === 'replica')).toBe(true);
  for (const machine of machines) {
    expect((await machine.ssh('hostname')).stdout.trim()).toBe(machine.name);
    expect(String(await machine.getClient().ping())).toBe('OK');
  }
});

test('replicas: one per DTR replica, each answering on its own API', async () => {
  expect(suite.replicas.length).toBeGreaterThanOrEqual(1);
  for (const replica of suite.replicas) {
    expect(replica.machine.role).toBe('replica');
    expect(replica.url).toContain(replica.machine.getIP());
    await replica.api.ping();
  }
});

test('api and lb: cluster_status through the load balancer reports every replica healthy', async () => {
  expect(suite.lb.url).toBe(`https://${suite.util.registry}`);
  expect(suite.lb.port).toBe(443);
  const health = await suite.util.waitForHealthy();
  expect(Object.keys(health).sort()).toEqual(suite.replicas.map((r) => r.id).sort());
});

test('admin: a repository created through the load balancer is seen by every replica', async () => {
  const namespace = suite.admin.username;
  const name = suite.util.uniqueName('contract');
  await suite.api.createRepository(namespace, name);
  try {
    for (const replica of suite.replicas) {
      const names = await suite.util.waitFor(`${name} on replica ${replica.id}`, async () => {
        const listed = (await replica.api.listRepositories(namespace)).map((r) => r.name);
        return listed.includes(name) ? listed : undefined;
      });
      expect(names).toContain(name);
    }
  } finally {
    await suite.api.deleteRepository(namespace, name);
  }
});

test('util: push from one node through the load balancer, pull the same image on another', async () => {
  const name = suite.util.uniqueName('contract');
  await suite.util.ensureRepository(name);
  const ref = suite.util.imageRef(name, 'v1');
  const pusher = suite.controller;
  const puller = suite.replicas[suite.replicas.length - 1].machine;
  const id = await suite.util.createImage(pusher, ref);
  await suite.util.pushImage(pusher, ref);
  await suite.util.removeImage(puller, ref);
  expect(await suite.util.imageId(puller, ref)).toBeUndefined();
  expect(await suite.util.pullImage(puller, ref)).toBe(id);
  await suite.api.deleteRepository(suite.admin.username, name);
});
