import { call } from '../../../test-support/https-call';
import Docker from 'dockerode';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quote } from 'shell-quote';
import { loadConfig, type Config } from '../../config';
import { down, up } from '../../cluster/up';
import { toMachines } from '../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { listComponentImages } from '../../images/cluster-images';
import { transferImage } from '../../images/image-transfer';
import type { Machine } from '../../machines/machine';
import type { CommandLine } from '../../releases/profile';
import { ucp3xDtr27 } from '../../releases/ucp-3.x+dtr-2.7';
import { ensureLabImage, recipeDir } from '../lab-image';
import { labSharedDir } from '../layout';

// DTR 2.7's overlay network dtr-ol on real lab nodes, with a real swarm: the UCP 3.x stand-in on
// node 1 (install makes the swarm; nodes 2 and 3 join it with `docker swarm join`), DTR 2.7
// replicas installed and joined on nodes 2 and 3 with the framework's command lines. The DTR
// installer has UCP make dtr-ol (an attachable overlay, through the manager's engine), attaches each
// replica's front to it, and the replicas probe each other over it by container name. Proved by
// taking one front off the overlay: its published port still answers, the other replica reports it
// unreachable at dtr-nginx-<id>. No mocks.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
const adminPassword = 'standin-admin-ol';
const controllerPort = 8443;
const ports = { httpPort: 8080, httpsPort: 8443 };
const commands = ucp3xDtr27.commands;
const ids = ['01a000000002', '01a000000003', '01a000000033'];
const shared = `${labSharedDir}/dtr-registry-ol`;

let stateDir: string;
let config: Config;
let machines: Machine[];
let images: { ucp: string; dtr: string };
let manager: Machine;
let nodes: Machine[];
let ucpUrl: string;
let ucpCa: string;
let given: { caPem: string; certPem: string; keyPem: string };

function installer(machine: Machine, image: string, line: CommandLine) {
  const env = Object.entries(line.env);
  const prefix = env.length ? ['env', ...env.map(([k, v]) => `${k}=${v}`)] : [];
  return machine.ssh(
    quote([
      ...prefix,
      ...['docker', 'run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock'],
      ...['--label', 'dtr-ha.role=dtr-installer'],
      ...env.flatMap(([k]) => ['-e', k]),
      image,
      ...line.args,
    ]),
  );
}
const dtr = (m: Machine, line: CommandLine) => installer(m, images.dtr, line);

function succeeded(result: { code: number; stderr: string; stdout: string }, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr}${result.stdout}`);
}

const access = () => ({ ucpUrl, ucpCaPem: ucpCa, ucpUsername: 'admin', ucpPassword: adminPassword });
const replica = (i: number, node = i) => ({
  ...access(),
  ...ports,
  node: nodes[node].name,
  replicaId: ids[i],
});

async function prepareSharedRegistryVolume(machine: Machine, replicaId: string): Promise<void> {
  const volume = `dtr-registry-${replicaId}`;
  const result = await machine.ssh(
    `set -e; docker volume create ${volume} >/dev/null; mkdir -p ${shared}; ` +
      `mp=$(docker volume inspect -f '{{.Mountpoint}}' ${volume}); ` +
      `mountpoint -q "$mp" || mount --bind ${shared} "$mp"`,
  );
  expect(result).toMatchObject({ code: 0 });
}

/** Replica health as replica `i`'s front reports it (cluster_status through its published port). */
async function health(node: Machine): Promise<Record<string, string>> {
  const status = await call(`https://${node.getIP()}:${ports.httpsPort}/api/v0/meta/cluster_status`, {
    ca: given.caPem,
    auth: `admin:${adminPassword}`,
  });
  expect(status.status).toBe(200);
  return status.json.replica_health;
}

async function eventually<T>(
  fn: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The networks a container on a node is attached to, with its aliases there. */
async function networksOf(node: Machine, container: string): Promise<Record<string, string[]>> {
  const inspected = await node.getClient().getContainer(container).inspect();
  return Object.fromEntries(
    Object.entries(inspected.NetworkSettings.Networks).map(([name, ep]) => [name, ep.Aliases ?? []]),
  );
}

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-dtr-overlay-test-'));
  config = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `dtrol${process.pid}`,
      NUM_MACHINES: '3',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  const [cluster, ucp, dtr27] = await Promise.all([
    up(config, { reporter: quiet(), until: 'machines' }),
    ensureLabImage(hostDocker, 'ucp-3.x-standin'),
    ensureLabImage(hostDocker, 'dtr-2.7-standin'),
  ]);
  images = { ucp: ucp.tag, dtr: dtr27.tag };
  machines = toMachines(cluster.context, cluster.machines);
  [manager, ...nodes] = machines;
  const targets = machines.map((m) => ({ name: m.name, docker: m.getClient() }));
  for (const [key, listing] of [
    ['ucp', ['images', '--list']],
    ['dtr', ['images']],
  ] as const) {
    const listed = await listComponentImages(hostDocker, images[key], [...listing]);
    for (const component of listed) {
      const at = component.lastIndexOf(':');
      await hostDocker
        .getImage(images[key])
        .tag({ repo: component.slice(0, at), tag: component.slice(at + 1) });
    }
    for (const image of [images[key], ...listed]) await transferImage(hostDocker, image, targets);
  }

  // UCP 3.x on node 1 (install makes the swarm), the framework's command line; nodes 2 and 3 join
  // the swarm as workers, as the framework joins them.
  ucpUrl = `https://${manager.getIP()}:${controllerPort}`;
  const installLine = commands.ucpInstall({
    hostAddress: manager.getIP(),
    sans: [manager.name],
    controllerPort,
    adminUsername: 'admin',
    adminPassword,
  });
  succeeded(await installer(manager, images.ucp, installLine), 'UCP install');
  const dumped = await installer(manager, images.ucp, { args: ['dump-certs', '--ca'], env: {} });
  succeeded(dumped, 'ucp dump-certs --ca');
  ucpCa = dumped.stdout.trim();
  const swarm = await manager.getClient().swarmInspect();
  for (const node of nodes) {
    succeeded(
      await node.ssh(`docker swarm join --token ${swarm.JoinTokens.Worker} ${manager.getIP()}:2377`),
      `swarm join of ${node.name}`,
    );
  }

  /* eslint-disable-next-line @typescript-eslint/no-explicit-any */
  const pki: any = await import(path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common/pki.js'));
  const ca = pki.createCA('dtr-ha test DTR CA', { organization: 'dtr-ha' });
  given = {
    caPem: ca.certPem,
    ...pki.issueCertificate(
      ca,
      manager.getIP(),
      machines.map((m) => m.getIP()),
    ),
  };
});

afterAll(async () => {
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

test('install on node 2 has UCP make dtr-ol; join on node 3 uses it', async () => {
  await Promise.all([0, 1].map((i) => prepareSharedRegistryVolume(nodes[i], ids[i])));
  const installed = await dtr(
    nodes[0],
    commands.dtrInstall({
      ...replica(0),
      external: { host: manager.getIP(), port: ports.httpsPort },
      tls: given,
    }),
  );
  succeeded(installed, 'DTR install');
  expect(installed.stderr).toContain('Created the overlay network dtr-ol through UCP');
  expect(installed.stderr).toContain(`Attached dtr-nginx-${ids[0]} to dtr-ol`);
  const joined = await dtr(nodes[1], commands.dtrJoin({ ...replica(1), existingReplicaId: ids[0] }));
  succeeded(joined, 'DTR join');
  expect(joined.stderr).toContain('Using the overlay network dtr-ol');
  expect(joined.stderr).toContain(`Attached dtr-nginx-${ids[1]} to dtr-ol`);
});

test('dtr-ol is an attachable overlay on the manager; each front is on it under its name', async () => {
  const network = await manager.getClient().getNetwork('dtr-ol').inspect();
  expect(network).toMatchObject({
    Name: 'dtr-ol',
    Driver: 'overlay',
    Scope: 'swarm',
    Attachable: true,
    Labels: { 'com.docker.dtr.role': 'network' },
  });
  for (const i of [0, 1]) {
    const attached = await networksOf(nodes[i], `dtr-nginx-${ids[i]}`);
    expect(Object.keys(attached).sort()).toEqual(['dtr-br', 'dtr-ol']);
    expect(attached['dtr-ol']).toContain(`dtr-nginx-${ids[i]}`);
    // The workers' engines see the swarm's network itself (same ID), not one of their own.
    expect((await nodes[i].getClient().getNetwork('dtr-ol').inspect()).Id).toBe(network.Id);
  }
  for (const i of [0, 1]) {
    expect(await health(nodes[i])).toEqual({ [ids[0]]: 'OK', [ids[1]]: 'OK' });
  }
});

test('over dtr-ol, a front shows a certificate for dtr-nginx-<id> the cluster trusts', async () => {
  // From inside replica 2's front, across the overlay to replica 3's, verified with the CAs the
  // replicas trust (the given DTR CA and the cluster's internal CA on the shared storage).
  const script = [
    "const tls = require('node:tls'); const fs = require('node:fs');",
    "const ca = ['ca.pem', 'internal.pem'].map((f) => '/storage/dtr-meta/ca/' + f).filter(fs.existsSync).map((f) => fs.readFileSync(f, 'utf8'));",
    `const s = tls.connect({ host: 'dtr-nginx-${ids[1]}', port: 443, servername: 'dtr-nginx-${ids[1]}', ca }, () => {`,
    '  const c = s.getPeerCertificate(); console.log(JSON.stringify({ authorized: s.authorized, san: c.subjectaltname, raw: c.raw.toString("base64") })); s.end(); });',
    "s.on('error', (e) => { console.log(JSON.stringify({ error: e.message })); });",
  ].join('\n');
  const out = await nodes[0].ssh(quote(['docker', 'exec', `dtr-nginx-${ids[0]}`, 'node', '-e', script]));
  expect(out.code).toBe(0);
  const seen = JSON.parse(out.stdout);
  expect(seen).toMatchObject({ authorized: true });
  expect(seen.san).toContain(`DNS:dtr-nginx-${ids[1]}`);
  const cert = new X509Certificate(Buffer.from(seen.raw, 'base64'));
  expect(cert.checkHost(`dtr-nginx-${ids[1]}`)).toBe(`dtr-nginx-${ids[1]}`);
  // The given certificate names no container: that one is the internal CA's, not the given one.
  expect(cert.fingerprint256).not.toBe(new X509Certificate(given.certPem).fingerprint256);
});

test('the probes go over dtr-ol: a front taken off it is unreachable there, though its port answers', async () => {
  const off = `dtr-nginx-${ids[1]}`;
  expect(await nodes[1].ssh(`docker network disconnect dtr-ol ${off}`)).toMatchObject({ code: 0 });
  try {
    // Its published port, at its node's address, still answers…
    const direct = await call(`https://${nodes[1].getIP()}:${ports.httpsPort}/health`, { ca: given.caPem });
    expect(direct).toMatchObject({ status: 200, json: { Healthy: true } });
    // …but replica 2 probes it over the overlay, by name, and cannot reach it.
    const seen = await eventually(
      () => health(nodes[0]),
      (h) => h[ids[1]] !== 'OK',
    );
    expect(seen[ids[0]]).toBe('OK');
    expect(seen[ids[1]]).toMatch(new RegExp(`^unreachable: https://${off}:443/health: `));
    // And replica 3, off the overlay, reaches replica 2 no more.
    expect((await health(nodes[1]))[ids[0]]).toMatch(/^unreachable: https:\/\/dtr-nginx-/);
  } finally {
    await nodes[1].ssh(`docker network connect --alias ${off} dtr-ol ${off}`);
  }
  const back = await eventually(
    () => health(nodes[0]),
    (h) => h[ids[1]] === 'OK',
  );
  expect(back).toEqual({ [ids[0]]: 'OK', [ids[1]]: 'OK' });
});

test("removing node 3's only replica leaves dtr-ol to the others; a new replica joins over it", async () => {
  // Removed through the other replica while both stand, as the DR pages say: with two members, the
  // metadata store keeps its quorum only if the leaving member is taken out of it first (destroying
  // one of two leaves the survivor without one; quorum.test.ts shows that).
  const network = await manager.getClient().getNetwork('dtr-ol').inspect();
  succeeded(
    await dtr(nodes[0], commands.dtrRemove({ ...access(), replicaId: ids[1], existingReplicaId: ids[0] })),
    'DTR remove',
  );
  // Still there on the manager, the same network; replica 2 still on it and healthy, alone.
  expect((await manager.getClient().getNetwork('dtr-ol').inspect()).Id).toBe(network.Id);
  expect(Object.keys(await networksOf(nodes[0], `dtr-nginx-${ids[0]}`))).toContain('dtr-ol');
  expect(await health(nodes[0])).toEqual({ [ids[0]]: 'OK' });
  // What it left on its own node (the stand-in removes only what is on the engine it runs on) goes
  // with destroy there, which tells the cluster nothing: it is out of it already.
  succeeded(await dtr(nodes[1], commands.dtrDestroy({ ...access(), replicaId: ids[1] })), 'DTR destroy');
  expect(await networksOf(nodes[1], `dtr-nginx-${ids[1]}`).catch(() => undefined)).toBeUndefined();
  expect(await health(nodes[0])).toEqual({ [ids[0]]: 'OK' });

  await prepareSharedRegistryVolume(nodes[1], ids[2]);
  const joined = await dtr(nodes[1], commands.dtrJoin({ ...replica(2, 1), existingReplicaId: ids[0] }));
  succeeded(joined, 'DTR join again');
  expect(joined.stderr).toContain('Using the overlay network dtr-ol');
  expect(await health(nodes[0])).toEqual({ [ids[0]]: 'OK', [ids[2]]: 'OK' });
  expect(await health(nodes[1])).toEqual({ [ids[0]]: 'OK', [ids[2]]: 'OK' });
});
