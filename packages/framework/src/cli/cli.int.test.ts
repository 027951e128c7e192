import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

// The dtr-ha command as a user runs it: a separate process, configuration from its environment.
const repoRoot = path.resolve(__dirname, '../../../..');
const hostDocker = new Docker();
let stateDir: string;
let prefix: string;

function dtrHa(args: string[], env: Record<string, string> = {}) {
  return runCommand(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'main.ts'), ...args],
    {
      allowFailure: true,
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(repoRoot, 'packages/framework/tsconfig.json'),
        MACHINE_PREFIX: prefix,
        NUM_MACHINES: '4',
        DTR_HA_STATE_DIR: stateDir,
        DTR_HA_ENV_FILE: path.join(stateDir, 'cli.env'),
        ...env,
      },
    },
  );
}

const containersOf = (cluster: string) =>
  hostDocker.listContainers({ all: true, filters: { label: [`dtr-ha.cluster=${cluster}`] } });

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-cli-test-'));
  prefix = `cli${process.pid}`;
  // A .env file that the environment overrides: NUM_MACHINES=2 there, 4 in the environment.
  await fs.writeFile(
    path.join(stateDir, 'cli.env'),
    'NUM_MACHINES=2\nREGISTRY_PASSWORD=from-the-dotenv-file\n',
  );
});

afterAll(async () => {
  await dtrHa(['down']);
  // The second cluster of the ls test, should that test have stopped before its down.
  await dtrHa(['down'], { MACHINE_PREFIX: `${prefix}b` });
  await fs.rm(stateDir, { recursive: true, force: true });
});

test('bad configuration: one error naming every bad variable, and nothing is created', async () => {
  const result = await dtrHa(['up', '--until', 'machines'], {
    NUM_MACHINES: 'abc',
    MACHINE_DRIVER: 'generic',
  });
  // The configuration's own exit code (cli/exit-codes.ts).
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(/NUM_MACHINES="abc"/);
  expect(result.stderr).toMatch(/GENERIC_MACHINE_LIST/);
  expect(await containersOf(prefix)).toEqual([]);
});

test('up makes 4 machines, each printed with its role and IP; ssh and status reach them', async () => {
  const upResult = await dtrHa(['up', '--until', 'machines']);
  // Matched as an object so that a failure shows what up printed.
  expect(upResult).toMatchObject({ code: 0 });
  const lines = upResult.stdout.trim().split('\n');
  expect(lines.map((l) => l.split('\t').slice(0, 2))).toEqual([
    [`${prefix}-1`, 'controller'],
    [`${prefix}-2`, 'replica'],
    [`${prefix}-3`, 'replica'],
    [`${prefix}-4`, 'replica'],
  ]);
  // One status line per step, with its time.
  expect(upResult.stderr).toMatch(/✓ Ensuring 4 machines \(local\) \(\d+\.\d s\)/);

  const hostname = await dtrHa(['ssh', `${prefix}-2`, 'hostname']);
  expect(hostname).toMatchObject({ code: 0, stdout: `${prefix}-2\n` });
  // --verbose shows the command run on the node, on stderr, with a secret-looking argument masked.
  const verbose = await dtrHa([
    '--verbose',
    'ssh',
    `${prefix}-2`,
    'echo',
    '--ucp-password',
    'not-to-be-shown',
  ]);
  expect(verbose).toMatchObject({ code: 0, stdout: '--ucp-password not-to-be-shown\n' });
  expect(verbose.stderr).toContain(`$ ${prefix}-2 (ssh): echo --ucp-password ********`);
  expect(verbose.stderr).not.toContain('not-to-be-shown');
  const failing = await dtrHa(['ssh', `${prefix}-3`, 'exit', '4']);
  expect(failing.code).toBe(4);
  const unknown = await dtrHa(['ssh', `${prefix}-9`, 'hostname']);
  expect(unknown.code).toBe(7);
  expect(unknown.stderr).toMatch(new RegExp(`no machine named ${prefix}-9`));

  const status = await dtrHa(['status']);
  expect(status.stdout.trim().split('\n')).toHaveLength(4);
  expect(status.stdout.match(/engine ok/g)).toHaveLength(4);
});

test('doctor: every check the lab needs passes on this host, one line each', async () => {
  // After up, so that the node image exists and the trial node container runs too.
  const result = await dtrHa(['doctor']);
  expect(result).toMatchObject({ code: 0 });
  for (const check of [
    'platform',
    'engine',
    'engine kind',
    'root',
    'debootstrap',
    'Debian mirror',
    'node container flags',
    'bridge addresses',
  ]) {
    expect(result.stdout).toMatch(new RegExp(`^ ✓ ${check}: `, 'm'));
  }
  expect(result.stdout.trim().split('\n')).toHaveLength(8);
  // The trial container is gone.
  const left = await hostDocker.listContainers({
    all: true,
    filters: { label: ['dtr-ha.task=doctor-node-flags'] },
  });
  expect(left).toEqual([]);
});

test('status --json and up --json: machines, engines, how far it was built; status makes nothing', async () => {
  const status = await dtrHa(['status', '--json']);
  expect(status).toMatchObject({ code: 0 });
  const parsed = JSON.parse(status.stdout);
  expect(parsed).toMatchObject({ prefix, driver: 'local', built: 'machines' });
  expect(parsed.machines.map((m: { name: string }) => m.name)).toEqual(
    [1, 2, 3, 4].map((i) => `${prefix}-${i}`),
  );
  for (const machine of parsed.machines) {
    expect(machine).toMatchObject({
      state: 'running',
      engine: { status: 'answers', url: expect.stringMatching(/^tcp:/) },
    });
  }
  expect(parsed.ucp).toBeUndefined();

  // A warm up reuses every machine and says so.
  const again = await dtrHa(['up', '--until', 'machines', '--json']);
  expect(again).toMatchObject({ code: 0 });
  expect(JSON.parse(again.stdout).machines.map((m: { action: string }) => m.action)).toEqual(
    Array(4).fill('reused'),
  );

  // From a state directory that has nothing of this cluster: the machines (no records), and nothing made.
  const fresh = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-cli-status-'));
  try {
    const bare = await dtrHa(['status'], { DTR_HA_STATE_DIR: fresh });
    expect(bare).toMatchObject({ code: 0 });
    expect(bare.stdout.trim().split('\n')).toHaveLength(4);
    expect(await fs.readdir(fresh)).toEqual([]);
  } finally {
    await fs.rm(fresh, { recursive: true, force: true });
  }
});

test('ls lists every cluster of the host; down --prefix removes one that is not the current prefix', async () => {
  const other = `${prefix}b`;
  const made = await dtrHa(['up', '--until', 'machines'], { MACHINE_PREFIX: other, NUM_MACHINES: '2' });
  expect(made).toMatchObject({ code: 0 });
  const ls = await dtrHa(['ls']);
  expect(ls).toMatchObject({ code: 0 });
  expect(ls.stdout).toMatch(new RegExp(`^\\* +${prefix} +local +4/4 +machines +running$`, 'm'));
  expect(ls.stdout).toMatch(new RegExp(`^ +${other} +local +2/2 +machines +running$`, 'm'));
  const listed = JSON.parse((await dtrHa(['ls', '--json'])).stdout);
  expect(listed.current).toBe(prefix);
  expect(listed.clusters.map((c: { prefix: string }) => c.prefix)).toEqual(
    expect.arrayContaining([prefix, other]),
  );

  const removed = await dtrHa(['down', '--prefix', other]);
  expect(removed).toMatchObject({ code: 0 });
  expect(await containersOf(other)).toEqual([]);
  expect(await containersOf(prefix)).toHaveLength(4);
  const unknown = await dtrHa(['down', '--prefix', `${prefix}zz`]);
  expect(unknown.code).toBe(7);
  expect(unknown.stderr).toMatch(new RegExp(`no cluster ${prefix}zz on this host`));
});

test('fault partition cuts a machine off and heal restores it; bad faults are named', async () => {
  // The machine's address on the cluster network, as `up` recorded it (the node has others, e.g. docker0).
  const recorded = JSON.parse(await fs.readFile(path.join(stateDir, prefix, 'cluster.json'), 'utf8'));
  const ip: string = recorded.machines[1].ip;
  const reach = async () =>
    (
      await dtrHa(['ssh', `${prefix}-1`, `timeout 2 bash -c '</dev/tcp/${ip}/22' && echo open || echo cut`])
    ).stdout.trim();
  expect(await reach()).toBe('open');
  expect((await dtrHa(['fault', 'partition', `${prefix}-2`])).code).toBe(0);
  expect(await reach()).toBe('cut');
  expect((await dtrHa(['fault', 'heal', `${prefix}-2`])).code).toBe(0);
  expect(await reach()).toBe('open');
  const unknown = await dtrHa(['fault', 'melt', `${prefix}-2`]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/unknown fault melt: one of kill-replica/);
  const noReplica = await dtrHa(['fault', 'kill-replica', '0123456789ab']);
  expect(noReplica.stderr).toMatch(/no DTR replica 0123456789ab/);
  expect(noReplica.code).toBe(7);
});

test('env <machine> prints the exports of its engine; docker ps through eval of them reaches it', async () => {
  const machine = `${prefix}-2`;
  const result = await dtrHa(['env', machine, '--shell', 'bash']);
  expect(result).toMatchObject({ code: 0 });
  expect(result.stdout).toMatch(
    new RegExp(
      '^export DOCKER_TLS_VERIFY="1"\\n' +
        'export DOCKER_HOST="tcp://[0-9.]+:[0-9]+"\\n' +
        'export DOCKER_CERT_PATH="[^"]+"\\n' +
        '# Run this command to configure your shell: \\n' +
        `# eval \\$\\((npx )?dtr-ha env ${machine} --shell bash\\)\\n$`,
    ),
  );
  const certDir = /DOCKER_CERT_PATH="([^"]+)"/.exec(result.stdout)![1];
  expect((await fs.stat(certDir)).mode & 0o777).toBe(0o700);
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) {
    expect((await fs.stat(path.join(certDir, file))).mode & 0o777).toBe(0o600);
  }
  // The user's way: eval in a shell, then the docker client with nothing else set.
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  const docker = await runCommand(
    'bash',
    ['-c', 'eval "$(cat)" && docker info --format "{{.Name}}" && docker ps --format "{{.ID}}"'],
    { input: result.stdout, env, allowFailure: true },
  );
  expect(docker).toMatchObject({ code: 0 });
  expect(docker.stdout.split('\n')[0]).toBe(machine);

  const unset = await dtrHa(['env', '--unset']);
  expect(unset.stdout).toMatch(/^unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\n/);
  const unknown = await dtrHa(['env', `${prefix}-9`]);
  expect(unknown.code).toBe(7);
  expect(unknown.stderr).toMatch(new RegExp(`no machine named ${prefix}-9`));
});

test('config lists every variable with its source and never prints a secret', async () => {
  const result = await dtrHa(['config'], { UCP_ADMIN_PASSWORD: 'admin-secret-value' });
  expect(result.code).toBe(0);
  for (const name of [
    'NUM_MACHINES',
    'MACHINE_DRIVER',
    'REGISTRY_PASSWORD',
    'UCP_ADMIN_PASSWORD',
    'DTR_HA_STATE_DIR',
  ]) {
    expect(result.stdout).toContain(name);
  }
  expect(result.stdout).not.toContain('from-the-dotenv-file');
  expect(result.stdout).not.toContain('admin-secret-value');
});

test('down removes every machine, volume and network of the cluster', async () => {
  const result = await dtrHa(['down']);
  expect(result.code).toBe(0);
  expect(await containersOf(prefix)).toEqual([]);
  const volumes = await hostDocker.listVolumes({ filters: { label: [`dtr-ha.cluster=${prefix}`] } });
  expect(volumes.Volumes ?? []).toEqual([]);
  const networks = await hostDocker.listNetworks({ filters: { label: [`dtr-ha.cluster=${prefix}`] } });
  expect(networks).toEqual([]);
});
