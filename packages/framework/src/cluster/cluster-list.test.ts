import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { listClusters } from './cluster-list';

/** An engine that only lists: the lab's labelled resources, as listContainers and co. answer. */
function fakeEngine(): Docker {
  const container = (cluster: string, machine: string, state: string) => ({
    Id: `${machine}-id`,
    State: state,
    Labels: { 'dtr-ha.cluster': cluster, 'dtr-ha.machine': machine },
  });
  return {
    modem: { socketPath: '/var/run/docker.sock' },
    ping: async () => 'OK',
    listContainers: async () => [
      container('lab', 'lab-2', 'running'),
      container('lab', 'lab-1', 'running'),
      container('half', 'half-1', 'running'),
      container('half', 'half-2', 'exited'),
    ],
    listNetworks: async () => [
      { Name: 'lab-net', Labels: { 'dtr-ha.cluster': 'lab' } },
      { Name: 'gone-net', Labels: { 'dtr-ha.cluster': 'gone' } },
    ],
    listVolumes: async () => ({ Volumes: [{ Name: 'gone-shared', Labels: { 'dtr-ha.cluster': 'gone' } }] }),
  } as unknown as Docker;
}

test('every cluster of the host: state directories and lab clusters by their labels, with their state', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-ls-'));
  try {
    await fs.mkdir(path.join(root, 'lab'));
    await fs.mkdir(path.join(root, 'aws'));
    const { clusters, engineProblem } = await listClusters(root, fakeEngine());
    expect(engineProblem).toBeUndefined();
    expect(clusters).toEqual([
      {
        prefix: 'aws',
        stateDir: path.join(root, 'aws'),
        machines: { total: 0 },
        state: 'no machines (taken down, or never made)',
      },
      {
        prefix: 'gone',
        driver: 'local',
        machines: { total: 0, running: 0 },
        state: 'no machines; left: network gone-net, volume gone-shared',
      },
      { prefix: 'half', driver: 'local', machines: { total: 2, running: 1 }, state: '1 of 2 running' },
      {
        prefix: 'lab',
        driver: 'local',
        stateDir: path.join(root, 'lab'),
        machines: { total: 2, running: 2 },
        state: 'running',
      },
    ]);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('without an engine, the state directories alone, and why', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-ls-'));
  try {
    await fs.mkdir(path.join(root, 'lab'));
    const engine = {
      modem: { socketPath: path.join(root, 'none.sock') },
      ping: async () => {
        throw Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' });
      },
    } as unknown as Docker;
    const { clusters, engineProblem } = await listClusters(root, engine);
    expect(clusters.map((c) => c.prefix)).toEqual(['lab']);
    expect(engineProblem).toMatch(/^no Docker engine answers at .*: lab clusters on it are not listed$/);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
