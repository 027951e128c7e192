import { builtAs, type ClusterStatus } from '../cluster/cluster-status';
import { renderClusterList, renderStatus } from './status-output';

const status: ClusterStatus = {
  prefix: 'dtrha',
  driver: 'local',
  stateDir: '/root/.dtr-ha/dtrha',
  built: 'dtr',
  machines: [
    {
      name: 'dtrha-1',
      role: 'controller',
      state: 'running',
      ip: '172.18.0.11',
      engine: { url: 'tcp://172.18.0.11:2376', status: 'answers' },
    },
    {
      name: 'dtrha-2',
      role: 'replica',
      state: 'stopped',
      ip: '172.18.0.12',
      engine: { url: 'tcp://172.18.0.12:2376', status: 'not-running' },
    },
  ],
  ucp: { url: 'https://172.18.0.11:8443', health: 'healthy' },
  dtr: {
    replicas: [
      {
        id: '0123456789ab',
        machine: 'dtrha-2',
        url: 'https://172.18.0.12',
        health: 'unhealthy',
        detail: 'https://172.18.0.12/_ping: timeout of 3000ms exceeded',
      },
    ],
  },
  loadBalancer: { machine: 'dtrha-1', url: 'https://172.18.0.11', health: 'healthy' },
};

test('status: a line per machine as before, then UCP, each replica and the load balancer with health', () => {
  expect(renderStatus(status)).toBe(
    'dtrha-1\tcontroller\trunning\t172.18.0.11\tengine ok\n' +
      'dtrha-2\treplica\tstopped\t172.18.0.12\tengine not answering\n' +
      'UCP\thttps://172.18.0.11:8443\thealthy\n' +
      'DTR replica 0123456789ab\tdtrha-2\thttps://172.18.0.12\tunhealthy: https://172.18.0.12/_ping: timeout of 3000ms exceeded\n' +
      'DTR (load balancer)\thttps://172.18.0.11\thealthy\n',
  );
  expect(renderStatus({ ...status, machines: [] })).toBe('no machines for dtrha: run `dtr-ha up`\n');
});

test('how far a record says its cluster was built', () => {
  const machines = [status.machines[0] as never];
  expect(builtAs(undefined)).toBeUndefined();
  expect(builtAs({ machines })).toBe('machines');
  expect(builtAs({ machines, ucp: { url: 'https://x', caPath: '/ca' } })).toBe('ucp');
});

test('ls: a table, the current prefix marked', () => {
  expect(
    renderClusterList(
      [
        {
          prefix: 'dtrha',
          driver: 'local',
          built: 'dtr',
          machines: { total: 4, running: 4 },
          state: 'running',
        },
        {
          prefix: 'other',
          machines: { total: 0 },
          state: 'nothing recorded',
          busyWith: 'dtr-ha up --until dtr (pid 7 on h)',
        },
      ],
      'dtrha',
    ),
  ).toBe(
    '   PREFIX  DRIVER  MACHINES  BUILT  STATE\n' +
      '*  dtrha   local   4/4       dtr    running\n' +
      '   other   -       0         -      nothing recorded; in use by dtr-ha up --until dtr (pid 7 on h)\n',
  );
  expect(renderClusterList([], 'dtrha')).toBe('no clusters on this host\n');
});
