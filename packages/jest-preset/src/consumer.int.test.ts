/**
 * The preset as other repositories meet it: both packages packed (`npm pack`, which builds them
 * clean), and consumer projects created OUTSIDE this workspace with the tarballs installed (with their
 * Jest, from the local npm cache when it has them), each running test files against one lab cluster,
 * which every consumer after the first reuses:
 *
 *   ts     — TypeScript through ts-jest, Jest 30, `{ preset: '@dtr-ha/jest-preset/ts' }`: a file that
 *            fails on purpose (diagnostics without secrets), then the DTRHATestSuite contract;
 *   babel  — JavaScript, Jest 29, `{ preset: '@dtr-ha/jest-preset' }`: a `.js` test that works only
 *            when babel-jest applies the project's babel config, and a test in `__tests__/`;
 *   esm    — `"type": "module"`, Jest 30: `b.test.mjs` importing the preset (Jest's default testMatch);
 *   multi  — docs/using-the-preset.md's multi-project recipe, with a hook longer than Jest's 5 s,
 *            and its JUnit recipe; run with CI=true, so the cluster is purged at the end.
 *
 * Every consumer's test file loads its DTRHATestSuite and talks to every machine. DTR_HA_CONSUMER_LEVEL
 * picks what the ts consumer's contract file asserts on top:
 *   dtr (default)      — globalSetup builds until UCP, the file installs DTR (suite.setup()) and uses
 *                        the API through the load balancer, every replica's API, push and pull;
 *   machines           — globalSetup builds the machines; the file checks them over SSH and TLS (quicker).
 *
 * Packing removes and rebuilds the packages' dist/ (their prepack): run it in band with tests that
 * use dist/ (as `npm test` does).
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
  /** stdout and stderr, as they came. */
  output: string;
  stdout: string;
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
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output, stdout, ms: Date.now() - started }));
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

/** The part of every consumer's test file that talks to each machine, in JavaScript. */
function machinesTest(importLine: string): string {
  return `${importLine}

const suite = DTRHATestSuite.loadSync();
afterAll(() => suite.teardown());

test('every machine of the handoff answers over SSH and over verified TLS', async () => {
  const machines = suite.framework.machines;
  expect(machines).toHaveLength(3);
  for (const machine of machines) {
    expect((await machine.ssh('hostname')).stdout.trim()).toBe(machine.name);
    expect(String(await machine.getClient().ping())).toBe('OK');
  }
  suite.summary('machines', machines.map((m) => m.name).join(', '));
});
`;
}

const requireSuite = "const { DTRHATestSuite } = require('@dtr-ha/jest-preset');";

// The babel consumer's plugin: BABEL_MARKER becomes a string, so a test reading it passes only when
// babel-jest compiled the file with the project's own babel config.
const babelMarkerPlugin = `module.exports = ({ types: t }) => ({
  visitor: {
    Identifier(path) {
      if (path.node.name === 'BABEL_MARKER') path.replaceWith(t.stringLiteral('compiled with the project babel config'));
    },
  },
});
`;

interface Tarball {
  file: string;
  files: string[];
}

let tarballs: { framework: Tarball; preset: Tarball };
/** Each consumer's own timings, printed at the end. */
const timings: Record<string, number> = {};
/** The lab containers of the cluster, as the first consumer made them: the others reuse them. */
let clusterContainers: string[];

/**
 * The lab's containers of the cluster: its nodes (`<prefix>-<n>`), or with `all` every container
 * named after the prefix (what a purge must leave none of).
 */
async function labContainerIds(options: { all?: boolean } = {}): Promise<string[]> {
  const name = options.all ? new RegExp(`^/${prefix}-`) : new RegExp(`^/${prefix}-\\d+$`);
  const containers = await new Docker().listContainers({ all: true });
  return containers
    .filter((c) => c.Names.some((n) => name.test(n)))
    .map((c) => c.Id)
    .sort();
}

/** The environment of a consumer's Jest run: this one's, less Jest's own, with the cluster's settings. */
function consumerEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(JEST_|DTR_HA_HANDOFF$)/.test(name)) delete env[name];
  return {
    ...env,
    MACHINE_PREFIX: prefix,
    NUM_MACHINES: '3',
    DTR_HA_STATE_DIR: path.join(work, 'state'),
    DTR_HA_UNTIL: 'machines',
    UCP_ADMIN_PASSWORD: `consumer-${process.pid}-secret`,
    // A laptop's defaults unless a run says otherwise: reuse the cluster, keep it.
    CI: '',
    REUSE_MACHINES: '',
    PURGE_MACHINES: '',
    ...settings,
  };
}

/** Writes a consumer project outside the workspace and installs it; returns its folder. */
async function consumerProject(
  name: string,
  devDependencies: Record<string, string>,
  files: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const dir = path.join(work, name);
  expect(path.relative(repoRoot, dir).startsWith('..')).toBe(true);
  const manifest = {
    name: `dtr-ha-consumer-${name}`,
    version: '1.0.0',
    private: true,
    ...extra,
    devDependencies: {
      '@dtr-ha/framework': `file:${tarballs.framework.file}`,
      '@dtr-ha/jest-preset': `file:${tarballs.preset.file}`,
      ...devDependencies,
    },
  };
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), text);
  }
  timings[`${name}Install`] = (
    await ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir)
  ).ms;
  // The installed preset uses the packed framework, not a copy of its own.
  expect(
    existsSync(path.join(dir, 'node_modules', '@dtr-ha', 'jest-preset', 'node_modules', '@dtr-ha')),
  ).toBe(false);
  return dir;
}

/** `jest --showConfig` of a consumer. */
async function showConfig(dir: string) {
  const shown = await ok(path.join(dir, 'node_modules', '.bin', 'jest'), ['--showConfig'], dir);
  return JSON.parse(shown.stdout.slice(shown.stdout.indexOf('{'))) as {
    globalConfig: { maxWorkers: number; testTimeout: number };
    configs: Array<{
      globalSetup: string;
      testEnvironment: string;
      testMatch: string[];
      transform: Array<[string, string, unknown]>;
      setupFilesAfterEnv: string[];
    }>;
  };
}

interface JestJson {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message: string }>;
}

/** Runs a consumer's Jest with `--json`: the files that ran (relative), each with its status. */
async function runJest(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = await run(path.join(dir, 'node_modules', '.bin', 'jest'), ['--json', ...args], dir, env);
  const start = result.stdout.indexOf('{');
  if (start < 0) throw new Error(`jest --json printed no results (exit ${result.code}):\n${result.output}`);
  const json = JSON.parse(result.stdout.slice(start)) as JestJson;
  const files = Object.fromEntries(json.testResults.map((r) => [path.relative(dir, r.name), r.status]));
  return { ...result, json, files };
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-consumer-'));
});

afterAll(async () => {
  process.stdout.write(`consumer timings (ms): ${JSON.stringify(timings)}\n`);
  // The last consumer run purges the machines; make sure of it even when a run failed half-way.
  const docker = new Docker();
  const left = await labContainerIds({ all: true });
  await Promise.all(left.map((id) => docker.getContainer(id).remove({ force: true, v: true })));
  if (left.length) {
    const { StatusReporter, down, loadConfig, silentWriter } = await import('@dtr-ha/framework');
    const config = loadConfig({
      env: { ...process.env, MACHINE_PREFIX: prefix, DTR_HA_STATE_DIR: path.join(work, 'state') },
    });
    await down(config, { reporter: new StatusReporter(silentWriter) }).catch(() => undefined);
  }
  await fs.rm(work, { recursive: true, force: true });
});

test('npm pack: each package has its LICENSE and README, the documented entry points, no test or test helper', async () => {
  const packDir = path.join(work, 'packs');
  await fs.mkdir(packDir);
  const pack = await ok(
    'npm',
    ['pack', '--json', '--pack-destination', packDir, '-w', '@dtr-ha/framework', '-w', '@dtr-ha/jest-preset'],
    repoRoot,
  );
  timings.pack = pack.ms;
  const packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{
    name: string;
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const tarball = (name: string): Tarball => {
    const entry = packed.find((p) => p.name === name);
    if (!entry) throw new Error(`npm pack made no tarball of ${name}`);
    return { file: path.join(packDir, entry.filename), files: entry.files.map((f) => f.path) };
  };
  tarballs = { framework: tarball('@dtr-ha/framework'), preset: tarball('@dtr-ha/jest-preset') };
  expect(tarballs.preset.files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'jest-preset.js',
      'ts/jest-preset.js',
      'dist/global-setup.js',
      'dist/global-teardown.js',
      'dist/environment.js',
      'dist/setup-after-env.js',
      'dist/junit.js',
      'dist/junit-properties.js',
      'dist/index.d.ts',
    ]),
  );
  expect(tarballs.framework.files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'bin/dtr-ha.js',
      'dist/handoff/handoff.js',
      'dist/util/lock.js',
    ]),
  );
  for (const { files } of Object.values(tarballs)) {
    expect(files.filter((f) => /\.test\.|(^|\/)(test-support|testing|src)\//.test(f))).toEqual([]);
  }
});

test('ts: TypeScript through ts-jest ({ preset: "@dtr-ha/jest-preset/ts" }, Jest 30); a failing file leaves diagnostics without secrets', async () => {
  const dir = await consumerProject(
    'ts',
    {
      jest: installedVersion('jest'),
      'ts-jest': installedVersion('ts-jest'),
      typescript: installedVersion('typescript'),
    },
    {
      'jest.config.js': "module.exports = { preset: '@dtr-ha/jest-preset/ts' };\n",
      'test/cluster.test.ts': consumerTest,
      'test/fails-on-purpose.test.ts': failingTest,
    },
  );
  const presetDir = path.join(dir, 'node_modules', '@dtr-ha', 'jest-preset');
  // The source maps work without src/: they carry the sources.
  expect(existsSync(path.join(presetDir, 'src'))).toBe(false);
  const map = JSON.parse(await fs.readFile(path.join(presetDir, 'dist', 'suite.js.map'), 'utf8')) as {
    sourcesContent?: string[];
  };
  expect(map.sourcesContent?.[0]).toContain('export class DTRHATestSuite');

  // The preset's global options hold in the consumer: one worker, HA-sized timeouts; ts-jest for .ts.
  const { globalConfig, configs } = await showConfig(dir);
  expect(globalConfig.maxWorkers).toBe(1);
  expect(globalConfig.testTimeout).toBe(600_000);
  expect(configs[0].globalSetup).toBe(path.join(presetDir, 'dist', 'global-setup.js'));
  expect(configs[0].testEnvironment).toBe(path.join(presetDir, 'dist', 'environment.js'));
  const transformerOf = (file: string) =>
    configs[0].transform.find(([pattern]) => new RegExp(pattern).test(file))?.[1];
  expect(transformerOf('a.test.ts')).toBe(path.join(dir, 'node_modules', 'ts-jest', 'dist', 'index.js'));
  expect(transformerOf('a.test.js')).toMatch(/babel-jest/);

  // The failing file alone (machines only, kept for the next consumers): the run fails, and the
  // suite leaves diagnostics that name no secret.
  const env = consumerEnv({ CONSUMER_LEVEL: level });
  const failing = await runJest(dir, ['fails-on-purpose'], env);
  timings.tsFailingRun = failing.ms;
  expect({ code: failing.code, files: failing.files }).toEqual({
    code: 1,
    files: { 'test/fails-on-purpose.test.ts': 'failed' },
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
  clusterContainers = await labContainerIds();
  expect(clusterContainers).toHaveLength(3);

  // Then the contract, on the same machines.
  env.DTR_HA_UNTIL = level === 'dtr' ? 'ucp' : 'machines';
  const contract = await runJest(dir, ['--testPathIgnorePatterns', 'fails-on-purpose'], env);
  timings.tsContract = contract.ms;
  expect({ code: contract.code, files: contract.files }).toEqual({
    code: 0,
    files: { 'test/cluster.test.ts': 'passed' },
  });
  expect(contract.json.numPassedTests).toBe(level === 'dtr' ? 2 : 1);
  expect(await labContainerIds()).toEqual(clusterContainers);
});

test('babel: JavaScript with its babel config (Jest 29, { preset: "@dtr-ha/jest-preset" }); __tests__/ runs too', async () => {
  const dir = await consumerProject(
    'babel',
    { jest: '^29.7.0' },
    {
      'jest.config.js': "module.exports = { preset: '@dtr-ha/jest-preset' };\n",
      'babel.config.js': "module.exports = { plugins: ['./babel-marker-plugin.js'] };\n",
      'babel-marker-plugin.js': babelMarkerPlugin,
      'test/babel.test.js': `${machinesTest(requireSuite)}
test('the file was compiled by babel-jest with the project babel config', () => {
  expect(BABEL_MARKER).toBe('compiled with the project babel config');
});
`,
      '__tests__/machines.js': machinesTest(requireSuite),
    },
  );
  // Jest 29's own test environment base: one copy, the peer the preset extends.
  const environmentNode = JSON.parse(
    await fs.readFile(path.join(dir, 'node_modules', 'jest-environment-node', 'package.json'), 'utf8'),
  ) as { version: string };
  expect(environmentNode.version).toMatch(/^29\./);
  expect(
    existsSync(
      path.join(dir, 'node_modules', '@dtr-ha', 'jest-preset', 'node_modules', 'jest-environment-node'),
    ),
  ).toBe(false);
  // Nothing about compiling or finding tests comes from the preset: Jest's babel-jest and testMatch.
  const { configs } = await showConfig(dir);
  expect(configs[0].transform).toEqual([['\\.[jt]sx?$', expect.stringMatching(/babel-jest/), {}]]);
  // Jest's own default, as the consumer's Jest 29 has it (29 and 30 spell it differently).
  const { defaults } = (await import(require.resolve('jest-config', { paths: [dir] }))) as {
    defaults: { testMatch: string[] };
  };
  expect(defaults.testMatch).toContain('**/__tests__/**/*.[jt]s?(x)');
  expect(configs[0].testMatch).toEqual(defaults.testMatch);

  const result = await runJest(dir, [], consumerEnv({}));
  timings.babelRun = result.ms;
  expect({ code: result.code, files: result.files }).toEqual({
    code: 0,
    files: { 'test/babel.test.js': 'passed', '__tests__/machines.js': 'passed' },
  });
  expect(result.json.numPassedTests).toBe(3);
  expect(await labContainerIds()).toEqual(clusterContainers);
});

test('esm: a "type": "module" project (Jest 30); b.test.mjs is found by Jest\'s default testMatch and imports the preset', async () => {
  const dir = await consumerProject(
    'esm',
    { jest: installedVersion('jest') },
    {
      'jest.config.js': "export default { preset: '@dtr-ha/jest-preset' };\n",
      'test/b.test.mjs': machinesTest("import { DTRHATestSuite } from '@dtr-ha/jest-preset';"),
    },
    { type: 'module' },
  );
  const env = consumerEnv({
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  });
  const result = await runJest(dir, [], env);
  timings.esmRun = result.ms;
  expect({ code: result.code, files: result.files }).toEqual({
    code: 0,
    files: { 'test/b.test.mjs': 'passed' },
  });
  expect(await labContainerIds()).toEqual(clusterContainers);
});

test('multi: the multi-project recipe (setup file for the timeout) and the JUnit recipe, on CI: purged at the end', async () => {
  const dir = await consumerProject(
    'multi',
    { jest: installedVersion('jest'), 'jest-junit': installedVersion('jest-junit') },
    {
      // docs/using-the-preset.md's recipes, as written there.
      'jest.config.js': `const preset = require('@dtr-ha/jest-preset/jest-preset');
const { junitReporter } = require('@dtr-ha/jest-preset/junit');
module.exports = {
  maxWorkers: 1,
  verbose: false,
  reporters: ['default', junitReporter({ outputDirectory: 'reports', outputName: 'ha-junit.xml', includeConsoleOutput: 'true' })],
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/src/**/*.test.js'] },
    {
      displayName: 'ha',
      testMatch: ['<rootDir>/ha/**/*.test.js'],
      globalSetup: preset.globalSetup,
      globalTeardown: preset.globalTeardown,
      testEnvironment: preset.testEnvironment,
      setupFilesAfterEnv: ['@dtr-ha/jest-preset/setup'],
    },
  ],
};
`,
      'src/sum.test.js': "test('a unit test beside the HA project', () => expect(1 + 1).toBe(2));\n",
      'ha/cluster.test.js': `${machinesTest(requireSuite)}
// Longer than Jest's 5 s: it passes only with the HA timeout of the preset's setup file.
beforeAll(() => new Promise((resolve) => setTimeout(resolve, 6_000)));
`,
    },
  );
  const { configs } = await showConfig(dir);
  expect(configs.map((c) => c.setupFilesAfterEnv)).toEqual([
    [],
    [path.join(dir, 'node_modules', '@dtr-ha', 'jest-preset', 'dist', 'setup-after-env.js')],
  ]);

  // As on CI: CI's defaults would start from a clean cluster; REUSE_MACHINES=1 keeps this one, and
  // PURGE_MACHINES, unset, follows CI: the machines go at the end.
  const result = await runJest(dir, [], consumerEnv({ CI: 'true', REUSE_MACHINES: '1' }));
  timings.multiRun = result.ms;
  expect({ code: result.code, files: result.files, output: result.code === 0 ? '' : result.output }).toEqual({
    code: 0,
    files: { 'src/sum.test.js': 'passed', 'ha/cluster.test.js': 'passed' },
    output: '',
  });

  const xml = await fs.readFile(path.join(dir, 'reports', 'ha-junit.xml'), 'utf8');
  expect(xml).toContain(`<property name="dtr-ha.cluster" value="${prefix} (local, 3 machines)"/>`);
  expect(xml).toContain(`<property name="dtr-ha.machines" value="${prefix}-1, ${prefix}-2, ${prefix}-3"/>`);
  expect(xml).toMatch(/<system-out>[^]*dtr-ha summary: machines: /);
  expect(xml).not.toContain(`consumer-${process.pid}-secret`);

  // The run cleaned up after itself: no handoff, no summaries left, lock released, machines purged.
  const clusterDir = path.join(work, 'state', prefix);
  const left = (await fs.readdir(clusterDir)).filter(
    (f) => f.startsWith('handoff-') || f.startsWith('run.lock'),
  );
  expect(left).toEqual([]);
  expect(
    existsSync(path.join(clusterDir, 'summaries'))
      ? await fs.readdir(path.join(clusterDir, 'summaries'))
      : [],
  ).toEqual([]);
  expect(await labContainerIds({ all: true })).toEqual([]);
});
