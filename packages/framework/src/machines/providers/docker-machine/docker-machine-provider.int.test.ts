import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { engineAnswers, engineClient } from '../../../engine/engine-client';
import { providerPower } from '../../../faults/faults';
import { ensureLabImage } from '../../../lab/lab-image';
import { KnownHosts } from '../../../ssh/known-hosts';
import { runCommand } from '../../../util/run-command';
import { waitFor } from '../../../util/wait';
import { Machine } from '../../machine';
import { standinDir, standinPath as standin } from '../../../../test-support/docker-machine-standin';
import { machineSpecs } from '../../types';
import { DockerMachineProvider } from './docker-machine-provider';

// The real docker-machine cannot be installed here: its stand-in (a lab node container per machine,
// same CLI contract) comes first on PATH, so the provider runs exactly the code it runs for the real one.
const prefix = `dm${process.pid}`;
const hostDocker = new Docker();
let store: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  await fs.chmod(standin, 0o755);
  store = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-docker-machine-test-')));
  const { tag } = await ensureLabImage(hostDocker, 'node');
  env = {
    ...without(
      process.env,
      'DOCKER_MACHINE_BINARY',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'MACHINE_DRIVER',
    ),
    PATH: `${standinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    MACHINE_STORAGE_PATH: store,
    DOCKER_MACHINE_STANDIN_IMAGE: tag,
    // No ~/.aws/credentials of this machine: the keys are the ones each test gives.
    HOME: store,
    // A crash report the stand-in would upload is still noted, without the wait for the upload.
    DOCKER_MACHINE_STANDIN_CRASH_REPORT_SECONDS: '0',
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
  // The stand-in's shared network goes with the last machine of any store, as its rm does; machines
  // removed here rather than by the CLI would otherwise leave it behind.
  const others = await hostDocker.listContainers({
    all: true,
    filters: { label: ['docker-machine-standin.store'] },
  });
  if (others.length === 0) {
    await hostDocker
      .getNetwork('docker-machine-standin')
      .remove()
      .catch(() => undefined);
  }
  await fs.rm(store, { recursive: true, force: true });
});

function without(source: NodeJS.ProcessEnv, ...names: string[]): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !names.includes(key)));
}

function cli(args: string[], allowFailure = false) {
  return runCommand('docker-machine', args, { env, allowFailure });
}

/**
 * amazonec2, as on AWS: its flags are checked by the stand-in as the real driver's, the keys reach it
 * through its environment (moved there from the flags), and it keeps Driver.IPAddress of the create
 * whatever `start` does, as the real driver does.
 */
function amazonec2Flags(group: string): string[] {
  return [
    '--amazonec2-access-key',
    'AKIDEXAMPLE',
    '--amazonec2-secret-key',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    '--amazonec2-region',
    'us-west-2',
    '--amazonec2-vpc-id',
    'vpc-0dtrha',
    '--amazonec2-security-group',
    group,
    '--amazonec2-instance-type',
    't2.small',
  ];
}

function provider(machinePrefix = prefix, group = `${prefix}-sg`): DockerMachineProvider {
  return new DockerMachineProvider({
    prefix: machinePrefix,
    driver: 'amazonec2',
    createFlags: amazonec2Flags(group),
    env,
  });
}

/** Runs a shell command on a stand-in machine, as its root, over the stand-in's `ssh`. */
async function onMachine(name: string, command: string): Promise<void> {
  await cli(['ssh', name, command]);
}

/** The crash reports the stand-in would have uploaded, one line each. */
async function crashReports(): Promise<string> {
  return fs.readFile(path.join(store, '.standin-crash-reports'), 'utf8').catch(() => '');
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
  // The keys went in the CLI's environment; nothing uploaded a crash report.
  expect(progress).toContain(
    'docker-machine create: MACHINE_CREATE_FLAGS --amazonec2-access-key as AWS_ACCESS_KEY_ID, ' +
      '--amazonec2-secret-key as AWS_SECRET_ACCESS_KEY passed in its environment, not on its command line',
  );
  expect(progress.join('\n')).not.toMatch(/AKIDEXAMPLE|wJalrXUtnFEMI/);
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
  // The new address is `docker-machine ip`'s: amazonec2's Driver.IPAddress still names the old one.
  expect((await cli(['ip', `${prefix}-2`])).stdout.trim()).toBe(restarted.machines[1].ip);
  expect((await cli(['inspect', '-f', '{{.Driver.IPAddress}}', `${prefix}-2`])).stdout.trim()).toBe(
    created.machines[1].ip,
  );
  // The certificate named the old address: a certificate error, which regenerate-certs mends.
  expect(restartProgress.join('\n')).toContain(
    `${prefix}-2: its TLS certificates do not verify; docker-machine regenerate-certs --force ${prefix}-2`,
  );
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

test('a slow engine is waited for: not started again when ls says Timeout, no new certificates when TLS is refused', async () => {
  const slow = `${prefix}s`;
  const machines = provider(slow);
  const [spec] = machineSpecs(slow, 1);
  const created = await machines.ensure([spec]);
  const name = spec.name;
  try {
    // dockerd down (its init restarts it only once its arguments are back): every TLS dial is refused.
    await onMachine(name, 'mv /etc/docker/dtr-ha/dockerd.args /root/dockerd.args && pkill -x dockerd');
    // dockerd may take a moment to let go of its port.
    const env = await waitFor(
      `${name}'s engine to refuse`,
      async () => {
        const result = await cli(['env', name], true);
        return /connection refused/.test(result.stderr) ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    // The real CLI's remedy comes with any failed dial, this one included…
    expect(env.stderr).toMatch(
      /: dial tcp \S+:2376: connect: connection refused\nYou can attempt to regenerate them/,
    );
    // …but a refused dial is no certificate problem: ensure waits for the engine, as it is.
    const progress: string[] = [];
    const back = new Promise<void>((resolve, reject) =>
      setTimeout(
        () => onMachine(name, 'mv /root/dockerd.args /etc/docker/dtr-ha/dockerd.args').then(resolve, reject),
        3_000,
      ),
    );
    const refused = await machines.ensure([spec], (line) => progress.push(line));
    await back;
    expect(refused.actions).toEqual({ [name]: 'reused' });
    expect(progress).toContain(
      `${name}: its engine did not answer docker-machine's TLS check yet; its certificates are kept`,
    );
    expect(progress.join('\n')).not.toContain('regenerate-certs');

    // dockerd frozen: the machine runs, its engine accepts connections and answers nothing. ls gives
    // up on it after its timeout (Timeout); `status` says it runs, so it is not started again.
    await onMachine(name, 'pkill -STOP -x dockerd');
    const ls = await cli([
      'ls',
      '-t',
      '2',
      '--filter',
      `name=^${name}$`,
      '--format',
      '{{.Name}}\\t{{.State}}',
    ]);
    expect(ls.stdout).toBe(`${name}\tTimeout\n`);
    expect((await cli(['status', name])).stdout.trim()).toBe('Running');
    const frozenProgress: string[] = [];
    // Awake again after ls's 10 s and during env's TLS check (20 s at most).
    const awake = new Promise<void>((resolve, reject) =>
      setTimeout(() => onMachine(name, 'pkill -CONT -x dockerd').then(resolve, reject), 14_000),
    );
    const frozen = await machines.ensure([spec], (line) => frozenProgress.push(line));
    await awake;
    expect(frozen.actions).toEqual({ [name]: 'reused' });
    expect(frozenProgress.join('\n')).not.toMatch(/docker-machine start|regenerate-certs/);
    expect(frozen.machines[0].ip).toBe(created.machines[0].ip);
    expect(await engineAnswers(frozen.machines[0].engine, 2_000)).toBe(true);
  } finally {
    await onMachine(
      name,
      'pkill -CONT -x dockerd; test -f /root/dockerd.args && mv /root/dockerd.args /etc/docker/dtr-ha/dockerd.args; true',
    ).catch(() => undefined);
    await machines.remove();
  }
});

test('amazonec2: parallel creates race on a new security group; the provider makes the first machine alone', async () => {
  // The stand-in's account keeps the groups in the store; an API call takes 2 s, so parallel creates
  // both find a new group missing.
  const racing = { ...env, DOCKER_MACHINE_STANDIN_EC2_API_SECONDS: '2' };
  const direct = (name: string) =>
    runCommand(
      'docker-machine',
      ['create', '--driver', 'amazonec2', ...amazonec2Flags(`${prefix}-race`), name],
      {
        env: { ...racing, MACHINE_BUGSNAG_API_TOKEN: 'no-report' },
        allowFailure: true,
      },
    );
  const names = [`${prefix}r-1`, `${prefix}r-2`];
  try {
    // The stand-in makes the store's certificates under a lock, so only the group races.
    const results = await Promise.all(names.map(direct));
    const failed = results.filter((r) => r.code !== 0);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0].stderr).toMatch(
      /Error creating machine: Error in driver during machine creation: InvalidGroup\.Duplicate: The security group '\S+-race' already exists for VPC 'vpc-0dtrha'/,
    );
  } finally {
    // A failed create leaves its machine in the store, as the real CLI does.
    await cli(['rm', '-f', '-y', ...names], true);
  }

  const group = `${prefix}-sg-new`;
  const cluster = `${prefix}g`;
  const machines = new DockerMachineProvider({
    prefix: cluster,
    driver: 'amazonec2',
    createFlags: amazonec2Flags(group),
    env: racing,
  });
  try {
    const progress: string[] = [];
    const made = await machines.ensure(machineSpecs(cluster, 3), (line) => progress.push(line));
    expect(Object.values(made.actions)).toEqual(['created', 'created', 'created']);
    expect(progress).toContain(
      `${cluster}-1: created first and alone, as it makes the security group ${group}: parallel amazonec2 ` +
        'creates race to make a new group (InvalidGroup.Duplicate)',
    );
    // The group in use, the next missing machines are made side by side.
    await machines.remove([`${cluster}-2`, `${cluster}-3`]);
    const again: string[] = [];
    const remade = await machines.ensure(machineSpecs(cluster, 3), (line) => again.push(line));
    expect(remade.actions).toEqual({
      [`${cluster}-1`]: 'reused',
      [`${cluster}-2`]: 'created',
      [`${cluster}-3`]: 'created',
    });
    expect(again.join('\n')).not.toContain('created first and alone');
  } finally {
    await machines.remove();
  }
});

test('a machine whose config.json is missing: ensure stops before making anything, down takes it with rm -f', async () => {
  const cluster = `${prefix}b`;
  const machines = provider(cluster);
  const specs = machineSpecs(cluster, 2);
  await machines.ensure(specs);
  const brokenName = specs[1].name;
  await fs.rm(path.join(store, 'machines', brokenName, 'config.json'));
  expect(await machines.list()).toEqual([
    { name: specs[0].name, state: 'running', providerId: specs[0].name },
    { name: brokenName, state: 'unknown', providerId: brokenName },
  ]);
  await expect(machines.ensure(machineSpecs(cluster, 3))).rejects.toThrow(
    `docker-machine cannot load ${brokenName} from its store (open ${store}/machines/${brokenName}/config.json: no such file or directory)`,
  );
  expect((await machines.list()).map((m) => m.name)).toEqual([specs[0].name, brokenName]);
  // rm -y alone would fail and keep it.
  expect((await cli(['rm', '-y', brokenName], true)).code).toBe(1);
  const progress: string[] = [];
  expect(await machines.remove(undefined, (line) => progress.push(line))).toEqual([
    specs[0].name,
    brokenName,
  ]);
  expect(await machines.list()).toEqual([]);
  expect(progress).toEqual([
    `${brokenName}: removed from docker-machine's store only (its config.json was missing, so docker-machine ` +
      'could not reach its instance): check your provider for an instance of that name',
  ]);
  // Its "instance" is left, as docker-machine could not reach it (afterAll removes it by its labels).
  expect((await standinContainers()).some((c) => c.endsWith(`-${brokenName}`))).toBe(true);
});

test("a failed create carries the CLI's stderr, not the values of secret flags, and uploads no crash report", async () => {
  // --amazonec2-secret-key and --amazonec2-access-key go in the CLI's environment, off its command
  // line; the value of --engine-env K=V stays there, masked.
  const failing = new DockerMachineProvider({
    prefix: `${prefix}x`,
    driver: 'amazonec2',
    createFlags: [
      '--amazonec2-access-key',
      'AKIDEXAMPLE',
      '--amazonec2-secret-key',
      'S3CR3T',
      '--engine-env',
      'PROXY_TOKEN=S3CR3T2',
      '--amazonec2-region',
      'eu-west-1',
    ],
    // Without the node image the stand-in fails its pre-create check, as a real driver can.
    env: without(env, 'DOCKER_MACHINE_STANDIN_IMAGE'),
  });
  const reportsBefore = await crashReports();
  const error = await failing.ensure(machineSpecs(`${prefix}x`, 1)).catch((e: Error) => e);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(
    /^docker-machine create --driver amazonec2 --engine-env PROXY_TOKEN=\*+ --amazonec2-region eu-west-1 \S+-1 exited with 3:\nError with pre-create check/,
  );
  expect((error as Error).message).not.toMatch(/S3CR3T|secret-key|AKIDEXAMPLE/);
  // The provider opts out of libmachine's crash report: the stand-in notes each one it would upload.
  expect(await crashReports()).toBe(reportsBefore);
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
