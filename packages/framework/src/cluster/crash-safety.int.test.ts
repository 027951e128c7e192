import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { TempClusters } from '../../test-support/temp-cluster';
import { DtrApiClient } from '../products/dtr/dtr-client';
import {
  isPhase2Container,
  parseReplicaContainer,
  replicaContainer,
  parseReplicaVolume,
  replicaOfRegistryVolume,
} from '../products/dtr/names';
import { installerContainer } from '../products/ucp/names';
import { adminPassword } from './admin-password';
import { StatusReporter } from './status';
import { up } from './up';

// `dtr-ha up` killed (SIGKILL: no cleanup runs at all) at several points, then run again: it must end
// with a whole, healthy cluster and nothing left over from the dead runs.
const repoRoot = path.resolve(__dirname, '../../../..');
const hostDocker = new Docker();
let clusters: TempClusters;
let config: Config;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  clusters = await TempClusters.create('crash');
  env = clusters.env('crash');
  config = clusters.config('crash');
});

afterAll(async () => {
  await clusters?.remove();
});

/** Runs `dtr-ha up` and kills it `afterMs` after a status line containing `marker` appears. */
function killUpDuring(marker: string, afterMs: number): Promise<{ killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(__dirname, '../cli/main.ts'),
        'up',
      ],
      {
        env: { ...env, TS_NODE_PROJECT: path.join(repoRoot, 'packages/framework/tsconfig.json') },
        cwd: clusters.stateDir,
      },
    );
    let output = '';
    let armed = false;
    child.stderr.on('data', (chunk) => {
      output += chunk;
      if (!armed && output.includes(marker)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs);
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ killed: signal === 'SIGKILL', output }));
  });
}

test('up killed at every step boundary and inside the UCP and DTR joins, then run again: whole and clean', async () => {
  // Each run gets as far as the one before left things (reused at once), then is killed: at the
  // start of each step (0 ms after its line), half way through creating machines, during UCP's
  // joins and during DTR's first join.
  const points: Array<[string, number]> = [
    [' • Preparing cluster state', 0],
    [' • Preparing the cluster’s images', 0],
    [' • Ensuring 4 machines', 0],
    [' • Ensuring 4 machines', 1_500],
    [' • Sending UCP’s images', 0],
    [' • Installing UCP', 0],
    ['to UCP', 300],
    [' • Preparing shared storage', 0],
    [' • Installing DTR', 0],
    ['joining replica', 500],
    [' • Running HAProxy', 0],
    [' • Trusting DTR', 0],
  ];
  for (const [marker, afterMs] of points) {
    const run = await killUpDuring(marker, afterMs);
    expect({ marker, killed: run.killed, output: run.killed ? '' : run.output }).toEqual({
      marker,
      killed: true,
      output: '',
    });
  }

  // A temp file of an atomic write that a killed run left (a kill between the write and the rename
  // is too short a window to hit): an old one, gone after the next up whoever wrote it.
  const leftover = path.join(
    config.stateDir,
    config.machinePrefix,
    'tls',
    '.ca.pem.1-1-000000000000.0123456789ab.tmp',
  );
  await fs.writeFile(leftover, 'half a certificate');
  await fs.utimes(leftover, new Date(0), new Date(0));

  const result = await up(config, { reporter: new StatusReporter(() => undefined), until: 'dtr' });
  try {
    await expect(fs.stat(leftover)).rejects.toMatchObject({ code: 'ENOENT' });

    // Healthy: every replica OK through the load balancer.
    const ca = await fs.readFile(result.info.dtr!.caPath, 'utf8');
    const password = await adminPassword(config, result.context.dir);
    const api = new DtrApiClient(result.info.loadBalancer!.url, ca, {
      username: config.admin.username,
      password,
    });
    const health = (await api.clusterStatus()).replica_health;
    const ids = result.info.dtr!.replicas.map((r) => r.id);
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(health[id]).toBe('OK');

    // Nothing left over on the host: the cluster's 4 nodes, their volumes and the shared one, one network.
    const label = { label: [`dtr-ha.cluster=${config.machinePrefix}`] };
    const containers = await hostDocker.listContainers({ all: true, filters: label });
    expect(containers.map((c) => c.Names[0]).sort()).toEqual(
      [1, 2, 3, 4].map((n) => `/${config.machinePrefix}-${n}`),
    );
    const volumes = (await hostDocker.listVolumes({ filters: label })).Volumes ?? [];
    expect(volumes).toHaveLength(5);
    expect(await hostDocker.listNetworks({ filters: label })).toHaveLength(1);

    // Nothing left over on the nodes: no installer containers, DTR containers and volumes (the
    // registry's, the metadata store's) only of the replicas that exist.
    for (const machine of result.handles) {
      const docker = machine.getClient();
      const names = (await docker.listContainers({ all: true })).flatMap((c) => c.Names);
      expect(names.filter((n) => n === `/${installerContainer}` || isPhase2Container(n))).toEqual([]);
      const dtrIds = new Set(names.flatMap((n) => parseReplicaContainer(n)?.id ?? []));
      const volumes = (await docker.listVolumes()).Volumes ?? [];
      const volumeIds = new Set(volumes.flatMap((v) => parseReplicaVolume(v.Name)?.id ?? []));
      const registryIds = volumes.flatMap((v) => replicaOfRegistryVolume(v.Name) ?? []);
      const mine = result.info.dtr!.replicas.filter((r) => r.machine === machine.name).map((r) => r.id);
      expect([...dtrIds].sort()).toEqual(mine);
      expect(registryIds.sort()).toEqual(mine);
      expect([...volumeIds].sort()).toEqual(mine);
    }
  } finally {
    result.handles.forEach((m) => m.dispose());
  }
});

test('a second phase its dead installer left beside a standing replica is reaped by the next up', async () => {
  // The window of a kill during the DTR step: the installer is gone, but its second phase got as far as
  // the replica's front, so the replica stands and its phase-2 container would stay for good.
  const before = await up(config, { reporter: new StatusReporter(() => undefined), until: 'dtr' });
  const [replica] = before.info.dtr!.replicas;
  const machine = before.handles.find((m) => m.name === replica.machine)!;
  const leftover = replicaContainer('phase2', replica.id);
  await machine.getClient().createContainer({ name: leftover, Image: config.dtr.image, Cmd: ['phase2'] });
  before.handles.forEach((m) => m.dispose());

  const after = await up(config, { reporter: new StatusReporter(() => undefined), until: 'dtr' });
  try {
    const again = after.handles.find((m) => m.name === replica.machine)!;
    const names = (await again.getClient().listContainers({ all: true })).flatMap((c) => c.Names);
    expect(names).not.toContain(`/${leftover}`);
    expect(after.info.dtr!.replicas.map((r) => r.id)).toContain(replica.id);
  } finally {
    after.handles.forEach((m) => m.dispose());
  }
});

test('a ucp installer container a killed run left, holding the admin password, is removed by the next up', async () => {
  // What a run killed during a UCP join leaves on that node: the exited `ucp` container, with the
  // admin password in its environment for `docker inspect` to show.
  const before = await up(config, { reporter: new StatusReporter(() => undefined), until: 'ucp' });
  const node = before.handles[1];
  await node.getClient().createContainer({
    name: installerContainer,
    Image: config.ucp.image,
    Cmd: ['join'],
    Env: ['UCP_ADMIN_PASSWORD=left-behind-secret'],
  });
  before.handles.forEach((m) => m.dispose());

  const lines: string[] = [];
  const after = await up(config, { reporter: new StatusReporter((l) => lines.push(l)), until: 'ucp' });
  try {
    const again = after.handles[1];
    await expect(again.getClient().getContainer(installerContainer).inspect()).rejects.toThrow();
    expect(lines).toContainEqual(
      expect.stringContaining(`removed the ucp installer container a stopped run left on ${again.name}`),
    );
  } finally {
    after.handles.forEach((m) => m.dispose());
  }
});
