import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { engineAnswers, engineClient } from '../../../engine/engine-client';
import { providerPower } from '../../../faults/faults';
import { ensureLabImage } from '../../../lab/lab-image';
import { KnownHosts } from '../../../ssh/known-hosts';
import { runCommand } from '../../../util/run-command';
import { Machine } from '../../machine';
import { machineSpecs } from '../../types';
import { DockerMachineProvider } from './docker-machine-provider';

// The real docker-machine cannot be installed here: its stand-in (a lab node container per machine,
// same CLI contract) comes first on PATH, so the provider runs exactly the code it runs for the real one.
const standinDir = path.resolve(__dirname, '../../../../test-support/docker-machine-standin');
const standin = path.join(standinDir, 'docker-machine');
const prefix = `dm${process.pid}`;
const hostDocker = new Docker();
let store: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await fs.chmod(standin, 0o755);
  store = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-docker-machine-test-')));
  const { tag } = await ensureLabImage(hostDocker, 'node');
  env = {
    ...without(process.env, 'DOCKER_MACHINE_BINARY'),
    PATH: `${standinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    MACHINE_STORAGE_PATH: store,
    DOCKER_MACHINE_STANDIN_IMAGE: tag,
  };
});

afterAll(async () => {
  if (!store) return;
  const names = (await cli(['ls', '-q'], true)).stdout.split('\n').filter(Boolean);
  if (names.length > 0) await cli(['rm', '-f', ...names], true);
  // Whatever the CLI could not remove, by the stand-in's labels.
  const label = `docker-machine-standin.store=${store}`;
  for (const c of await hostDocker.listContainers({ all: true, filters: { label: [label] } })) {
    await hostDocker.getContainer(c.Id).remove({ force: true, v: true });
  }
  for (const v of (await hostDocker.listVolumes({ filters: { label: [label] } })).Volumes ?? []) {
    await hostDocker.getVolume(v.Name).remove();
  }
  await fs.rm(store, { recursive: true, force: true });
});

function without(source: NodeJS.ProcessEnv, ...names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !names.includes(key)));
}

function cli(args: string[], allowFailure = false) {
  return runCommand('docker-machine', args, { env, allowFailure });
}

function provider(): DockerMachineProvider {
  return new DockerMachineProvider({
    prefix,
    driver: 'virtualbox',
    createFlags: ['--virtualbox-memory', '2048'],
    env,
  });
}

async function standinContainers(): Promise<string[]> {
  const label = `docker-machine-standin.store=${store}`;
  const containers = await hostDocker.listContainers({ all: true, filters: { label: [label] } });
  const volumes = (await hostDocker.listVolumes({ filters: { label: [label] } })).Volumes ?? [];
  return [...containers.map((c) => c.Names[0]), ...volumes.map((v) => v.Name)];
}

test('machines are created, reused, started again and removed through the docker-machine CLI', async () => {
  const machines = provider();
  const specs = machineSpecs(prefix, 2);
  const progress: string[] = [];

  const created = await machines.ensure(specs, (message) => progress.push(message));
  expect(created.actions).toEqual({ [`${prefix}-1`]: 'created', [`${prefix}-2`]: 'created' });
  expect(created.machines.map((m) => [m.name, m.role, m.providerId])).toEqual([
    [`${prefix}-1`, 'controller', `${prefix}-1`],
    [`${prefix}-2`, 'replica', `${prefix}-2`],
  ]);
  for (const record of created.machines) {
    // Everything comes from docker-machine's store: its CA, its client certificate, the machine's key.
    expect(record.engine).toEqual({
      host: record.ip,
      port: 2376,
      caPath: path.join(store, 'certs/ca.pem'),
      certPath: path.join(store, 'certs/cert.pem'),
      keyPath: path.join(store, 'certs/key.pem'),
    });
    expect(record.ssh).toEqual({
      host: record.ip,
      port: 22,
      user: 'root',
      privateKeyPath: path.join(store, 'machines', record.name, 'id_rsa'),
    });
    expect(await engineClient(record.engine).listContainers()).toEqual([]);
  }
  expect(progress).toContain(`${prefix}-1 created (${created.machines[0].ip})`);
  expect(await machines.list()).toEqual([
    { name: `${prefix}-1`, state: 'running', providerId: `${prefix}-1` },
    { name: `${prefix}-2`, state: 'running', providerId: `${prefix}-2` },
  ]);

  // Again: nothing to do, same machines.
  const reused = await machines.ensure(specs);
  expect(reused.actions).toEqual({ [`${prefix}-1`]: 'reused', [`${prefix}-2`]: 'reused' });
  expect(reused.machines.map((m) => m.ip)).toEqual(created.machines.map((m) => m.ip));

  // Powered off and on again through the framework's one power (the CLI's and suite.faults'):
  // docker-machine stop takes the engine down; start waits until it answers again, where it was.
  const second = new Machine(reused.machines[1], new KnownHosts(store));
  const power = providerPower(machines)!;
  try {
    await power.stop(second);
    expect((await cli(['status', second.name])).stdout.trim()).toBe('Stopped');
    expect((await machines.list())[1].state).toBe('stopped');
    expect(await engineAnswers(second.record.engine, 2_000)).toBe(false);
    await power.start(second);
    expect((await cli(['status', second.name])).stdout.trim()).toBe('Running');
    expect(Array.isArray(await second.getClient().listContainers())).toBe(true);
  } finally {
    second.dispose();
  }

  // A stopped machine is started again. While it is down, another container takes its IP, so it comes
  // back with a new one (as VMs do): its server certificate no longer fits, and ensure regenerates it.
  expect((await cli(['stop', `${prefix}-2`])).stdout).toBe(
    `Stopping "${prefix}-2"...\nMachine "${prefix}-2" was stopped.\n`,
  );
  expect((await cli(['status', `${prefix}-2`])).stdout.trim()).toBe('Stopped');
  expect((await machines.list())[1].state).toBe('stopped');
  const filler = await hostDocker.createContainer({
    Image: env.DOCKER_MACHINE_STANDIN_IMAGE,
    Entrypoint: ['sleep', '600'],
    Labels: { 'docker-machine-standin.store': store },
    HostConfig: { NetworkMode: 'docker-machine-standin' },
  });
  let restarted: Awaited<ReturnType<DockerMachineProvider['ensure']>>;
  const restartProgress: string[] = [];
  try {
    await filler.start();
    restarted = await machines.ensure(specs, (message) => restartProgress.push(message));
  } finally {
    await filler.remove({ force: true });
  }
  expect(restarted.actions).toEqual({ [`${prefix}-1`]: 'reused', [`${prefix}-2`]: 'started' });
  // Docker's IPAM gives it either the next free address or a later one: never the filler's.
  expect(restarted.machines[1].ip).not.toBe(created.machines[1].ip);
  expect(restartProgress.join('\n')).toContain(`regenerate-certs --force ${prefix}-2`);
  for (const record of restarted.machines) {
    expect(Array.isArray(await engineClient(record.engine).listContainers())).toBe(true);
  }

  // Docker has a lower address free again (the filler's), so powered on the machine moves: an error
  // naming both addresses, since the cluster knows it at the old one.
  const movedFrom = restarted.machines[1].ip;
  const moving = new Machine(restarted.machines[1], new KnownHosts(store));
  try {
    await power.stop(moving);
    const error = await power.start(moving).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^\S+-2 runs again, but docker-machine gave it another IP \(/);
    expect((error as Error).message).toContain(`, was ${movedFrom}): the cluster knows it at the old one`);
  } finally {
    moving.dispose();
  }

  // Logs over docker-machine ssh.
  const logs = await machines.collectLogs();
  expect(logs.map((log) => log.name)).toEqual([`${prefix}-1.log`, `${prefix}-2.log`]);
  expect(logs[0].text).toMatch(/API listen on .*2376/);

  expect(await machines.remove()).toEqual([`${prefix}-1`, `${prefix}-2`]);
  expect(await machines.list()).toEqual([]);
  expect(await standinContainers()).toEqual([]);
  expect(await machines.remove()).toEqual([]);
});

test('a missing docker-machine binary gives a clear error', async () => {
  const notOnPath = new DockerMachineProvider({
    prefix,
    driver: 'amazonec2',
    createFlags: [],
    env: { ...without(process.env, 'DOCKER_MACHINE_BINARY'), PATH: path.join(os.tmpdir(), 'no-such-dir') },
  });
  await expect(notOnPath.list()).rejects.toThrow(
    'docker-machine was not found on PATH: install it, or set DOCKER_MACHINE_BINARY, or use MACHINE_DRIVER=local|generic',
  );
  const badVariable = new DockerMachineProvider({
    prefix,
    driver: 'amazonec2',
    createFlags: [],
    env: { ...process.env, DOCKER_MACHINE_BINARY: path.join(os.tmpdir(), 'no-such-docker-machine') },
  });
  await expect(badVariable.ensure(machineSpecs(prefix, 1))).rejects.toThrow(
    /docker-machine was not found on PATH.*tried .*no-such-docker-machine/,
  );
});

test("a failed create carries the CLI's stderr, and not the values of secret flags", async () => {
  // --amazonec2-secret-key goes in the CLI's environment (AWS_SECRET_ACCESS_KEY), off its command line;
  // --amazonec2-api-secret, which no driver has (the stand-in takes any --amazonec2- flag), stays, masked.
  const failing = new DockerMachineProvider({
    prefix: `${prefix}x`,
    driver: 'amazonec2',
    createFlags: [
      '--amazonec2-secret-key',
      'S3CR3T',
      '--amazonec2-api-secret',
      'S3CR3T2',
      '--amazonec2-region',
      'eu-west-1',
    ],
    // Without the node image the stand-in fails its pre-create check, as a real driver can.
    env: without(env, 'DOCKER_MACHINE_STANDIN_IMAGE'),
  });
  const error = await failing.ensure(machineSpecs(`${prefix}x`, 1)).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(
    /^docker-machine create --driver amazonec2 --amazonec2-api-secret \*+ --amazonec2-region eu-west-1 \S+-1 exited with 3:\nError with pre-create check/,
  );
  expect((error as Error).message).not.toMatch(/S3CR3T|secret-key/);
});

describe('the stand-in keeps the CLI contract', () => {
  test('version, unknown commands, missing hosts', async () => {
    expect((await cli(['version'])).stdout).toBe('docker-machine version 0.16.2-standin, build standin\n');
    expect((await cli(['--version'])).stdout).toBe('docker-machine version 0.16.2-standin, build standin\n');
    const unknown = await cli(['frobnicate'], true);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /^docker-machine: 'frobnicate' is not a docker-machine command\. See '.*--help'\./,
    );
    for (const command of ['inspect', 'ip', 'status', 'start', 'stop', 'url', 'env', 'ssh']) {
      const result = await cli([command, 'nope'], true);
      expect([command, result.code, result.stderr.trim()]).toEqual([
        command,
        1,
        'Host does not exist: "nope"',
      ]);
    }
  });

  test('create refuses without the node image, and an existing name', async () => {
    const withoutImage = await runCommand('docker-machine', ['create', '--driver', 'virtualbox', 'x1'], {
      env: without(env, 'DOCKER_MACHINE_STANDIN_IMAGE'),
      allowFailure: true,
    });
    expect(withoutImage.code).toBe(3);
    expect(withoutImage.stderr).toMatch(/Error with pre-create check: .*DOCKER_MACHINE_STANDIN_IMAGE/);
    expect((await cli(['create', '--driver', 'virtualbox', 'bad_name'], true)).stderr).toMatch(
      /Invalid hostname specified/,
    );
    const wrongDriverFlag = await cli(
      ['create', '--driver', 'virtualbox', '--amazonec2-region', 'x', 'x1'],
      true,
    );
    expect(wrongDriverFlag.code).toBe(1);
    expect(wrongDriverFlag.stderr).toMatch(/flag provided but not defined: -amazonec2-region/);

    // An existing machine directory is an existing host, whatever state it is in.
    await fs.mkdir(path.join(store, 'machines', 'x1'), { recursive: true });
    try {
      const exists = await cli(['create', '--driver', 'virtualbox', 'x1'], true);
      expect([exists.code, exists.stderr.trim()]).toEqual([1, 'Host already exists: "x1"']);
    } finally {
      await fs.rm(path.join(store, 'machines', 'x1'), { recursive: true, force: true });
    }
  });

  test('ls prints the documented table when there is nothing', async () => {
    const { stdout } = await cli(['ls', '--filter', `name=^nothing-[0-9]+$`]);
    expect(stdout.split(/\s+/).filter(Boolean)).toEqual([
      'NAME',
      'ACTIVE',
      'DRIVER',
      'STATE',
      'URL',
      'SWARM',
      'DOCKER',
      'ERRORS',
    ]);
  });
});
