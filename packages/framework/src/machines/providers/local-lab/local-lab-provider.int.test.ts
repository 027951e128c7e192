import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../../config';
import { down, up, type UpResult } from '../../../cluster/up';
import { toMachines } from '../../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../../cluster/status';
import { engineClient, probeEngine } from '../../../engine/engine-client';
import { createCertificateAuthority, issueClientCertificate } from '../../../tls';
import type { Machine } from '../../machine';
import { labels, nodeAddress } from './local-lab-provider';

// A real lab cluster on this host's engine: 4 node containers, each with its own sshd and dockerd.
const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
let stateDir: string;
let config: Config;
let first: UpResult;
let machines: Machine[];

function labConfig(prefix: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    env: { ...process.env, MACHINE_PREFIX: prefix, NUM_MACHINES: '4', DTR_HA_STATE_DIR: stateDir, ...extra },
    cwd: stateDir, // no .env there: the test's own variables only
  });
}

async function clusterContainers(prefix: string) {
  return hostDocker.listContainers({ all: true, filters: { label: [`${labels.cluster}=${prefix}`] } });
}

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-lab-test-'));
  config = labConfig(`labtest${process.pid}`);
  first = await up(config, { reporter: quiet(), until: 'machines' });
  machines = toMachines(first.context, first.machines);
});

afterAll(async () => {
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

test('up creates NUM_MACHINES nodes: the first is the controller, each has its own IP', () => {
  expect(first.machines.map((m) => m.name)).toEqual([1, 2, 3, 4].map((n) => `${config.machinePrefix}-${n}`));
  expect(first.machines.map((m) => m.role)).toEqual(['controller', 'replica', 'replica', 'replica']);
  expect(new Set(first.machines.map((m) => m.ip)).size).toBe(4);
  expect(Object.values(first.actions)).toEqual(['created', 'created', 'created', 'created']);
});

test('every machine answers SSH and its engine lists containers over verified TLS', async () => {
  for (const machine of machines) {
    const result = await machine.ssh('hostname && id -u');
    expect(result).toMatchObject({ code: 0, stdout: `${machine.name}\n0` });
    const failing = await machine.ssh('exit 7');
    expect(failing.code).toBe(7);
    const containers = await machine.getClient().listContainers({ all: true });
    expect(Array.isArray(containers)).toBe(true);
    const info = await machine.getClient().info();
    expect(info.Name).toBe(machine.name);
    expect(info.Labels).toContain(`dtr-ha.machine=${machine.name}`);
  }
});

test('machines reach each other: one node opens TCP connections to the engines of the others', async () => {
  const [a, ...others] = machines;
  for (const b of others) {
    const probe = await a.ssh(`timeout 3 bash -c '</dev/tcp/${b.getIP()}/2376' && echo open`);
    expect(probe.stdout).toBe('open');
  }
});

test('an engine refuses a client that trusts another CA, and one without a client certificate', async () => {
  const machine = machines[1];
  const otherCa = await createCertificateAuthority('not-this-cluster');
  const otherClient = await issueClientCertificate(otherCa, 'intruder');
  const dir = await fs.mkdtemp(path.join(stateDir, 'wrong-'));
  const write = async (name: string, text: string) => {
    await fs.writeFile(path.join(dir, name), text, { mode: 0o600 });
    return path.join(dir, name);
  };
  const engine = machine.record.engine;
  // Trusting another CA: our side rejects the engine's certificate.
  const wrongCa = engineClient(
    { ...engine, caPath: await write('ca.pem', otherCa.cert) },
    { timeoutMs: 5000 },
  );
  await expect(wrongCa.ping()).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  // The probe that decides whether a machine needs its engine set up again tells these apart.
  expect(await probeEngine({ ...engine, caPath: await write('ca.pem', otherCa.cert) }, 5000)).toBe(
    'untrusted-certificate',
  );
  expect(await probeEngine(engine, 5000)).toBe('answers');
  expect(await probeEngine({ ...engine, port: 2 }, 2000)).toBe('no-answer');
  // Presenting a client certificate of another CA: the engine rejects us.
  const wrongClient = engineClient(
    {
      ...engine,
      certPath: await write('cert.pem', otherClient.cert),
      keyPath: await write('key.pem', otherClient.key),
    },
    { timeoutMs: 5000 },
  );
  await expect(wrongClient.ping()).rejects.toThrow();
  // Plain HTTP to the TLS port gets nothing useful either.
  const plain = new Docker({ host: machine.getIP(), port: 2376, protocol: 'http', timeout: 5000 });
  await expect(plain.ping()).rejects.toThrow();
});

test('a second up reuses every machine: same container IDs, nothing recreated', async () => {
  const before = (await clusterContainers(config.machinePrefix)).map((c) => c.Id).sort();
  const again = await up(config, { reporter: quiet(), until: 'machines' });
  expect(Object.values(again.actions)).toEqual(['reused', 'reused', 'reused', 'reused']);
  expect(again.machines.map((m) => m.providerId).sort()).toEqual(before);
  expect((await clusterContainers(config.machinePrefix)).map((c) => c.Id).sort()).toEqual(before);
});

test('a stopped machine is started again and its engine answers; a missing one is recreated', async () => {
  const [, second, third] = first.machines;
  await hostDocker.getContainer(second.providerId).stop({ t: 1 });
  await hostDocker.getContainer(third.providerId).remove({ force: true });
  const repaired = await up(config, { reporter: quiet(), until: 'machines' });
  expect(repaired.actions[second.name]).toBe('started');
  expect(repaired.actions[third.name]).toBe('created');
  expect(repaired.machines[1].providerId).toBe(second.providerId);
  expect(repaired.machines[2].providerId).not.toBe(third.providerId);
  // Each node is at its fixed address on the cluster's own subnet, the restarted and the new one too
  // (Docker alone would give the restarted node the next free address).
  const network = await hostDocker.getNetwork(`${config.machinePrefix}-net`).inspect();
  const subnet = network.Labels?.[labels.fixedAddresses] ?? '';
  expect(network.IPAM?.Config?.[0].Subnet).toBe(subnet);
  expect(repaired.machines.map((m) => m.ip)).toEqual([1, 2, 3, 4].map((i) => nodeAddress(subnet, i)));
  expect(repaired.machines.map((m) => m.ip)).toEqual(first.machines.map((m) => m.ip));
  for (const record of repaired.machines) {
    await expect(engineClient(record.engine).ping()).resolves.toBeTruthy();
  }
  machines.forEach((m) => m.dispose());
  machines = toMachines(repaired.context, repaired.machines);
  // The recreated node has a new host key: it was forgotten at creation and learnt again.
  expect((await machines[2].ssh('hostname')).stdout).toBe(third.name);
});

test('a node made again never inherits a leftover volume’s engine state', async () => {
  const [, second] = first.machines;
  const [, machine] = machines;
  // Something in the node's engine, then the container (not its volume) removed, as by hand.
  await machine.getClient().createVolume({ Name: 'left-behind' });
  await hostDocker.getContainer(second.providerId).remove({ force: true });
  const again = await up(config, { reporter: quiet(), until: 'machines' });
  expect(again.actions[second.name]).toBe('created');
  const fresh = toMachines(again.context, again.machines);
  try {
    const volumes = (await fresh[1].getClient().listVolumes()).Volumes ?? [];
    expect(volumes.map((v) => v.Name)).not.toContain('left-behind');
  } finally {
    fresh.forEach((m) => m.dispose());
  }
  machines.forEach((m) => m.dispose());
  machines = toMachines(again.context, again.machines);
  first = again;
});

test('two prefixes on one host never touch each other', async () => {
  const otherConfig = labConfig(`labother${process.pid}`, { NUM_MACHINES: '2' });
  try {
    const other = await up(otherConfig, { reporter: quiet(), until: 'machines' });
    expect(other.machines.map((m) => m.name)).toEqual([
      `${otherConfig.machinePrefix}-1`,
      `${otherConfig.machinePrefix}-2`,
    ]);
    const ours = (await clusterContainers(config.machinePrefix)).map((c) => c.Id).sort();
    await down(otherConfig, { reporter: quiet() });
    expect(await clusterContainers(otherConfig.machinePrefix)).toEqual([]);
    expect((await clusterContainers(config.machinePrefix)).map((c) => c.Id).sort()).toEqual(ours);
  } finally {
    await down(otherConfig, { reporter: quiet() }).catch(() => undefined);
  }
});

test('a container that merely has a machine name is not ours: up refuses to touch it', async () => {
  const prefix = `labforeign${process.pid}`;
  const image = (await hostDocker.getContainer(first.machines[0].providerId).inspect()).Config.Image;
  const squatter = await hostDocker.createContainer({
    name: `${prefix}-1`,
    Image: image,
    Entrypoint: ['sleep', '60'],
  });
  const foreignConfig = labConfig(prefix, { NUM_MACHINES: '2' });
  try {
    await expect(up(foreignConfig, { reporter: quiet(), until: 'machines' })).rejects.toThrow(
      new RegExp(`${prefix}-1 exists but does not belong to dtr-ha cluster ${prefix}`),
    );
    // Refused before anything was created.
    expect(await clusterContainers(prefix)).toEqual([]);
  } finally {
    await squatter.remove({ force: true });
    await down(foreignConfig, { reporter: quiet() }).catch(() => undefined);
  }
});

test('keys, certificates and records are 0600 in 0700 directories', async () => {
  const dir = first.context.dir;
  const files = [
    'tls/ca.pem',
    'tls/ca-key.pem',
    'tls/cert.pem',
    'tls/key.pem',
    'ssh/id_ed25519',
    'cluster.json',
  ];
  for (const file of files) {
    expect(((await fs.stat(path.join(dir, file))).mode & 0o777).toString(8)).toBe('600');
  }
  for (const sub of ['', 'tls', 'ssh']) {
    expect(((await fs.stat(path.join(dir, sub))).mode & 0o777).toString(8)).toBe('700');
  }
});
