import { DTRHATestSuite, dtrNames, ucpNames } from '@dtr-ha/jest-preset';

// Deploy-only mode: `npx jest --selectProjects ha -t 'installs with constraints'` builds
// (or reuses) the cluster, installs DTR and checks it, and runs no other test.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

describe('installs with constraints', () => {
  test('UCP on the controller, one healthy DTR replica per other machine, HAProxy in front', async () => {
    const controller = suite.controller.getClient();
    expect((await controller.getContainer(ucpNames.controllerContainer).inspect()).State.Running).toBe(true);
    expect((await controller.getContainer(dtrNames.haproxyContainer).inspect()).State.Running).toBe(true);
    expect(suite.lb.machine).toBe(suite.controller);
    const replicaMachines = suite.replicas.map((r) => r.machine.name);
    expect(replicaMachines).toEqual(suite.framework.machines.slice(1).map((m) => m.name));
    const health = await suite.util.waitForHealthy();
    expect(Object.keys(health).sort()).toEqual(suite.replicas.map((r) => r.id).sort());
  });

  test('the documented constraints hold: no replica shares a machine with ucp-controller or dtr-haproxy', async () => {
    for (const replica of suite.replicas) {
      const names = (await replica.machine.getClient().listContainers()).flatMap((c) => c.Names);
      expect(names).not.toContain(`/${ucpNames.controllerContainer}`);
      expect(names).not.toContain(`/${dtrNames.haproxyContainer}`);
      expect(names).toContain(`/${dtrNames.nginxContainer(replica.id)}`);
    }
  });

  test('every replica answers its release’s health path (/_ping in DTR 2.7, /load_balancer_status in 2.0)', async () => {
    for (const replica of suite.replicas) {
      // ping() throws unless the replica answers 200 on the release's path.
      const answer = await replica.api.ping();
      if (replica.api.healthPath === '/_ping') expect(answer).toMatchObject({ Healthy: true, Error: '' });
    }
  });
});
