import { loadConfig, toMachines, up, type Machine } from '@dtr-ha/framework';

// The cluster's machines, built or reused from the configuration (environment, then .env) exactly as
// `dtr-ha up` does. The HA suites that follow install UCP and DTR on top of these machines.
let machines: Machine[] = [];

beforeAll(async () => {
  const config = loadConfig();
  const result = await up(config);
  machines = toMachines(result.context, result.machines);
});

afterAll(() => machines.forEach((m) => m.dispose()));

test('the first machine is the UCP controller and the others are replicas', () => {
  expect(machines.length).toBeGreaterThanOrEqual(2);
  expect(machines[0].role).toBe('controller');
  expect(machines.slice(1).every((m) => m.role === 'replica')).toBe(true);
});

test('every machine answers over SSH and its Docker engine over verified TLS', async () => {
  for (const machine of machines) {
    expect((await machine.ssh('hostname')).code).toBe(0);
    const info = await machine.getClient().info();
    expect(info.Labels).toContain(`dtr-ha.machine=${machine.name}`);
  }
});
