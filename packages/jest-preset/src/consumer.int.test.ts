/**
 * The preset as another repository meets it: both packages built and packed (`npm pack`), a consumer
 * project created OUTSIDE this workspace whose jest config is only `{ preset: '@dtr-ha/jest-preset' }`,
 * the tarballs installed there (with jest, ts-jest and typescript, from the local npm cache when it has
 * them), and a TypeScript test file that uses the DTRHATestSuite contract run against a lab cluster.
 *
 * DTR_HA_CONSUMER_LEVEL picks what that test file asserts:
 *   dtr (default)      — globalSetup builds until UCP, the file installs DTR (suite.setup()) and uses
 *                        the API through the load balancer, every replica's API, push and pull;
 *   machines           — globalSetup builds the machines; the file checks them over SSH and TLS (quicker).
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';

const repoRoot = path.resolve(__dirname, '../../..');
const level = process.env.DTR_HA_CONSUMER_LEVEL === 'machines' ? 'machines' : 'dtr';
const prefix = `pcn${process.pid}`;
let work: string;

interface Ran {
  code: number;
  output: string;
  ms: number;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output, ms: Date.now() - started }));
  });
}

async function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Ran> {
  const result = await run(command, args, cwd, env);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${result.output}`);
  return result;
}

function installedVersion(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(repoRoot, 'node_modules', name, 'package.json')) as { version: string }).version;
}

const consumerTest = `import { DTRHATestSuite } from '@dtr-ha/jest-preset';

const level = process.env.CONSUMER_LEVEL === 'dtr' ? 'dtr' : 'machines';

// The contract: the suite comes from the handoff of the preset's globalSetup.
const suite = DTRHATestSuite.loadSync();
if (level === 'dtr') beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('the machines of the handoff answer over SSH and over verified TLS', async () => {
  const machines = suite.framework.machines;
  expect(machines.map((m) => m.role)).toEqual(['controller', 'replica', 'replica']);
  expect(suite.controller.name).toBe(\`\${process.env.MACHINE_PREFIX}-1\`);
  expect(suite.admin.username).toBe('admin');
  for (const machine of machines) {
    expect(machine.getIP()).toMatch(/^\\d+\\.\\d+\\.\\d+\\.\\d+$/);
    expect((await machine.ssh('hostname')).stdout.trim()).toBe(machine.name);
    expect(String(await machine.getClient().ping())).toBe('OK');
  }
});

(level === 'dtr' ? test : test.skip)('DTR through the load balancer: health, repositories, push and pull', async () => {
  await suite.api.ping();
  const health = await suite.util.waitForHealthy();
  expect(Object.keys(health).sort()).toEqual(suite.replicas.map((r) => r.id).sort());
  expect(suite.lb.url).toMatch(/^https:\\/\\//);
  const repo = suite.util.uniqueName('consumer');
  await suite.api.createRepository(suite.admin.username, repo);
  for (const replica of suite.replicas) {
    const names = (await replica.api.listRepositories(suite.admin.username)).map((r) => r.name);
    expect(names).toContain(repo);
  }
  const ref = suite.util.imageRef(repo, 'v1');
  const id = await suite.util.createImage(suite.controller, ref);
  await suite.util.pushImage(suite.controller, ref);
  const other = suite.replicas[suite.replicas.length - 1].machine;
  await suite.util.removeImage(other, ref);
  expect(await suite.util.pullImage(other, ref)).toBe(id);
  await suite.api.deleteRepository(suite.admin.username, repo);
});
`;

// A test file that fails on purpose: its suite must leave the cluster's diagnostics behind.
const failingTest = `import { DTRHATestSuite } from '@dtr-ha/jest-preset';

const suite = DTRHATestSuite.loadSync();
afterAll(() => suite.teardown());

test('fails on purpose', () => {
  expect(suite.framework.machines).toHaveLength(0);
});
`;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-consumer-'));
});

afterAll(async () => {
  // The consumer run purges its machines; make sure of it even when it failed half-way.
  const docker = new Docker();
  const left = (await docker.listContainers({ all: true })).filter((c) =>
    c.Names.some((n) => n.startsWith(`/${prefix}-`)),
  );
  await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  if (left.length) {
    const { StatusReporter, down, loadConfig, silentWriter } = await import('@dtr-ha/framework');
    const config = loadConfig({
      env: { ...process.env, MACHINE_PREFIX: prefix, DTR_HA_STATE_DIR: path.join(work, 'state') },
    });
    await down(config, { reporter: new StatusReporter(silentWriter) }).catch(() => undefined);
  }
  await fs.rm(work, { recursive: true, force: true });
});

test(`a project outside the workspace with only { preset: '@dtr-ha/jest-preset' } runs the contract (${level})`, async () => {
  const timings: Record<string, number> = {};
  expect(path.relative(repoRoot, work).startsWith('..')).toBe(true);

  // 1. Build and pack both packages.
  timings.build = (await ok('npm', ['run', 'build'], repoRoot)).ms;
  const packDir = path.join(work, 'packs');
  await fs.mkdir(packDir);
  const pack = await ok(
    'npm',
    ['pack', '--json', '--pack-destination', packDir, '-w', '@dtr-ha/framework', '-w', '@dtr-ha/jest-preset'],
    repoRoot,
  );
  timings.pack = pack.ms;
  const packed = JSON.parse(pack.output.slice(pack.output.indexOf('['))) as Array<{
    name: string;
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const tarball = (name: string) => {
    const entry = packed.find((p) => p.name === name);
    if (!entry) throw new Error(`npm pack made no tarball of ${name}`);
    return { file: path.join(packDir, entry.filename), files: entry.files.map((f) => f.path) };
  };
  const framework = tarball('@dtr-ha/framework');
  const preset = tarball('@dtr-ha/jest-preset');
  expect(preset.files).toEqual(
    expect.arrayContaining([
      'jest-preset.js',
      'dist/global-setup.js',
      'dist/global-teardown.js',
      'dist/index.d.ts',
    ]),
  );
  expect(preset.files.some((f) => /\.test\.(js|ts|d\.ts)$/.test(f))).toBe(false);
  expect(framework.files).toEqual(expect.arrayContaining(['dist/handoff/handoff.js', 'dist/util/lock.js']));

  // 2. The consumer project: its jest config is the preset and nothing else.
  const consumer = path.join(work, 'consumer');
  await fs.mkdir(path.join(consumer, 'test'), { recursive: true });
  await fs.writeFile(
    path.join(consumer, 'package.json'),
    `${JSON.stringify(
      {
        name: 'dtr-ha-consumer',
        version: '1.0.0',
        private: true,
        devDependencies: {
          '@dtr-ha/framework': `file:${framework.file}`,
          '@dtr-ha/jest-preset': `file:${preset.file}`,
          jest: installedVersion('jest'),
          'ts-jest': installedVersion('ts-jest'),
          typescript: installedVersion('typescript'),
        },
      },
      null,
      2,
    )}\n`,
  );
  await fs.writeFile(
    path.join(consumer, 'jest.config.js'),
    "module.exports = { preset: '@dtr-ha/jest-preset' };\n",
  );
  await fs.writeFile(path.join(consumer, 'test', 'cluster.test.ts'), consumerTest);
  await fs.writeFile(path.join(consumer, 'test', 'fails-on-purpose.test.ts'), failingTest);
  timings.install = (
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], consumer)
  ).ms;
  expect(existsSync(path.join(consumer, 'node_modules', '@dtr-ha', 'jest-preset', 'jest-preset.js'))).toBe(
    true,
  );
  // The installed preset uses the packed framework, not a copy from elsewhere.
  expect(
    existsSync(path.join(consumer, 'node_modules', '@dtr-ha', 'jest-preset', 'node_modules', '@dtr-ha')),
  ).toBe(false);

  // The preset's global options hold in the consumer: one worker, HA-sized timeouts.
  const shown = await ok(path.join(consumer, 'node_modules', '.bin', 'jest'), ['--showConfig'], consumer);
  const { globalConfig, configs } = JSON.parse(shown.output.slice(shown.output.indexOf('{'))) as {
    globalConfig: { maxWorkers: number; testTimeout: number };
    configs: Array<{ globalSetup: string; testEnvironment: string }>;
  };
  expect(globalConfig.maxWorkers).toBe(1);
  expect(globalConfig.testTimeout).toBe(600_000);
  expect(configs[0].globalSetup).toBe(
    path.join(consumer, 'node_modules', '@dtr-ha', 'jest-preset', 'dist', 'global-setup.js'),
  );
  expect(configs[0].testEnvironment).toBe(
    path.join(consumer, 'node_modules', '@dtr-ha', 'jest-preset', 'dist', 'environment.js'),
  );

  // 3. Run it, with a cluster of its own, as on CI (CI=true: a clean cluster, purged at the end, unless
  // told otherwise). First the failing file alone (machines only, kept for the next run by
  // PURGE_MACHINES=0): the run fails, and the suite leaves diagnostics that name no secret.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(JEST_|DTR_HA_HANDOFF$)/.test(name)) delete env[name];
  Object.assign(env, {
    MACHINE_PREFIX: prefix,
    NUM_MACHINES: '3',
    DTR_HA_STATE_DIR: path.join(work, 'state'),
    DTR_HA_UNTIL: 'machines',
    PURGE_MACHINES: '0',
    REUSE_MACHINES: '',
    UCP_ADMIN_PASSWORD: `consumer-${process.pid}-secret`,
    CONSUMER_LEVEL: level,
    CI: 'true',
  });
  const jestBin = path.join(consumer, 'node_modules', '.bin', 'jest');
  const failing = await run(jestBin, ['fails-on-purpose'], consumer, env);
  timings.failingRun = failing.ms;
  expect({ code: failing.code, tests: /Tests:.*/.exec(failing.output)?.[0] }).toEqual({
    code: 1,
    tests: 'Tests:       1 failed, 1 total',
  });
  const diagnostics = /diagnostics of the cluster are in (\S+)/.exec(failing.output)?.[1];
  expect(diagnostics).toBeDefined();
  expect(path.relative(path.join(work, 'state', prefix), diagnostics!).startsWith('..')).toBe(false);
  const collected = await fs.readdir(diagnostics!, { recursive: true });
  expect(collected.length).toBeGreaterThan(0);
  for (const file of collected) {
    const full = path.join(diagnostics!, file);
    if ((await fs.stat(full)).isFile())
      expect(await fs.readFile(full, 'utf8')).not.toContain(env.UCP_ADMIN_PASSWORD);
  }

  // Then the contract, on the same machines (REUSE_MACHINES=1 overrides CI's clean start), with a run
  // that purges them at the end: PURGE_MACHINES unset, so CI's default.
  env.DTR_HA_UNTIL = level === 'dtr' ? 'ucp' : 'machines';
  env.REUSE_MACHINES = '1';
  env.PURGE_MACHINES = '';
  const jest = await run(jestBin, ['--testPathIgnorePatterns', 'fails-on-purpose'], consumer, env);
  timings.jest = jest.ms;
  process.stdout.write(`consumer (${level}) timings (ms): ${JSON.stringify(timings)}\n${jest.output}\n`);
  expect(jest.code).toBe(0);
  expect(jest.output).toMatch(
    level === 'dtr' ? /Tests:\s+2 passed, 2 total/ : /Tests:\s+1 skipped, 1 passed, 2 total/,
  );

  // 4. The run cleaned up after itself: no handoff left, lock released, machines purged.
  const clusterDir = path.join(work, 'state', prefix);
  const left = (await fs.readdir(clusterDir)).filter(
    (f) => f.startsWith('handoff-') || f.startsWith('run.lock'),
  );
  expect(left).toEqual([]);
  const machines = (await new Docker().listContainers({ all: true })).filter((c) =>
    c.Names.some((n) => n.startsWith(`/${prefix}-`)),
  );
  expect(machines).toEqual([]);
});
