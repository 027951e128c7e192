/**
 * suite.summary() → the run's summaries files → the `<testsuite>` properties of jest-junit, on a
 * handoff of a cluster that does not exist (nothing connects): the records, their secrets removed,
 * the properties, and a real jest-junit report written by a nested Jest run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HANDOFF_ENV } from '@dtr-ha/framework';
import { writeHandoffFixture } from '../test-support/handoff-fixture';
import { JUNIT_PROPERTIES_FILE, junitProperties, junitReporter } from './junit';
import { DTRHATestSuite } from './suite';
import {
  appendSummary,
  readSummaries,
  removeStaleSummaries,
  removeSummaries,
  summaryDir,
  summaryFile,
} from './summaries';

const repoRoot = path.resolve(__dirname, '../../..');
const password = 'summary-admin-secret-77';
let stateDir: string;
let savedHandoffEnv: string | undefined;

beforeEach(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-summaries-'));
  savedHandoffEnv = process.env[HANDOFF_ENV];
});

afterEach(async () => {
  if (savedHandoffEnv === undefined) delete process.env[HANDOFF_ENV];
  else process.env[HANDOFF_ENV] = savedHandoffEnv;
  await fs.rm(stateDir, { recursive: true, force: true });
});

const env = () => ({ HOME: stateDir, DTR_HA_QUIET: '1', UCP_ADMIN_PASSWORD: password });

describe('the summaries files', () => {
  test('one file per test file and run, 0600, entries in order; none is an empty list', async () => {
    const clusterDir = path.join(stateDir, 'c');
    const a = summaryFile(clusterDir, 'run1', '/repo/ha/a.test.ts');
    expect(path.dirname(a)).toBe(summaryDir(clusterDir, 'run1'));
    expect(summaryFile(clusterDir, 'run1', '/repo/ha/a.test.ts')).toBe(a);
    expect(summaryFile(clusterDir, 'run1', '/repo/ha/b.test.ts')).not.toBe(a);
    expect(summaryFile(clusterDir, 'run2', '/repo/ha/a.test.ts')).not.toBe(a);
    expect(readSummaries(a)).toEqual([]);
    appendSummary(a, { test: 't1', name: 'one', value: '1' });
    appendSummary(a, { name: 'two', value: '2' });
    expect(readSummaries(a)).toEqual([
      { test: 't1', name: 'one', value: '1' },
      { name: 'two', value: '2' },
    ]);
    expect((await fs.stat(a)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(a))).mode & 0o777).toBe(0o700);
  });

  test('a broken file is an error naming it', async () => {
    const file = summaryFile(stateDir, 'run1', '/x.test.ts');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '[{"name":');
    expect(() => readSummaries(file)).toThrow(`the summaries file ${file} is not valid JSON`);
  });

  test('a run removes its own at the end, and the leftovers of dead runs at the start', async () => {
    for (const run of ['dead1', 'dead2', 'current'])
      appendSummary(summaryFile(stateDir, run, '/x.test.ts'), { name: 'n', value: 'v' });
    await removeStaleSummaries(stateDir, 'current');
    expect(await fs.readdir(path.join(stateDir, 'summaries'))).toEqual(['current']);
    await removeSummaries(stateDir, 'current');
    expect(await fs.readdir(path.join(stateDir, 'summaries'))).toEqual([]);
    await expect(removeStaleSummaries(path.join(stateDir, 'none'), 'x')).resolves.toBeUndefined();
  });
});

describe('suite.summary()', () => {
  test('prints the summary and records it for this test file, without the admin password', async () => {
    const { file, handoff } = await writeHandoffFixture(stateDir, 'machines');
    const suite = DTRHATestSuite.loadSync({ handoffPath: file, env: env(), cwd: stateDir });
    const logged = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      suite.summary('sessions per replica', 'a1: 4 (UP), b2: 3 (UP)');
      suite.summary('health', { a1: 'OK', b2: `failing for ${suite.admin.password}` });
      expect(logged.mock.calls).toEqual([
        ['dtr-ha summary: sessions per replica: a1: 4 (UP), b2: 3 (UP)'],
        ['dtr-ha summary: health: {"a1":"OK","b2":"failing for ********"}'],
      ]);
    } finally {
      logged.mockRestore();
    }
    const recorded = summaryFile(handoff.cluster.dir, handoff.runId, __filename);
    const test = expect.getState().currentTestName;
    expect(readSummaries(recorded)).toEqual([
      { test, name: 'sessions per replica', value: 'a1: 4 (UP), b2: 3 (UP)' },
      { test, name: 'health', value: '{"a1":"OK","b2":"failing for ********"}' },
    ]);
    expect(readFileSync(recorded, 'utf8')).not.toContain(password);

    // Loaded again (the file run again in the same Jest run): it starts anew.
    DTRHATestSuite.loadSync({ handoffPath: file, env: env(), cwd: stateDir });
    expect(readSummaries(recorded)).toEqual([]);
    await suite.teardown();
  });

  test('a name that is no name is an error that shows it', async () => {
    const { file } = await writeHandoffFixture(stateDir, 'machines');
    const suite = DTRHATestSuite.loadSync({ handoffPath: file, env: env(), cwd: stateDir });
    expect(() => suite.summary('  ', 'x')).toThrow(
      'suite.summary: the name must be a non-empty string, not "  "',
    );
    await suite.teardown();
  });
});

describe('the JUnit properties', () => {
  test('for a file with summaries: the cluster, its images, each summary; nothing for the others', async () => {
    const { file, handoff } = await writeHandoffFixture(stateDir, 'machines');
    process.env[HANDOFF_ENV] = file;
    const recorded = summaryFile(handoff.cluster.dir, handoff.runId, '/repo/ha/lb.test.ts');
    appendSummary(recorded, { test: 'round robin', name: 'sessions per replica', value: 'a1: 4 (UP)' });
    appendSummary(recorded, { test: 'round robin', name: 'retries', value: '0' });
    appendSummary(recorded, { test: 'after a loss', name: 'retries', value: '3' });
    expect(junitProperties({ testFilePath: '/repo/ha/lb.test.ts' })).toEqual({
      'dtr-ha.cluster': 'unit (local, 3 machines)',
      'dtr-ha.ucp': handoff.cluster.images.ucp.image,
      'dtr-ha.dtr': handoff.cluster.images.dtr.image,
      'dtr-ha.sessions per replica': 'a1: 4 (UP)',
      'dtr-ha.retries (round robin)': '0',
      'dtr-ha.retries (after a loss)': '3',
    });
    expect(junitProperties({ testFilePath: '/repo/src/unit.test.ts' })).toEqual({});
  });

  test('without a preset run, none; with a handoff that cannot be read, a property that says why', async () => {
    delete process.env[HANDOFF_ENV];
    expect(junitProperties({ testFilePath: '/x.test.ts' })).toEqual({});
    process.env[HANDOFF_ENV] = path.join(stateDir, 'handoff-gone.json');
    expect(junitProperties({ testFilePath: '/x.test.ts' })).toEqual({
      'dtr-ha.summaries': expect.stringMatching(
        /^not attached: The handoff file .*handoff-gone\.json does not exist/,
      ),
    });
  });

  test('junitReporter(): jest-junit, pointed at the properties module, with the options given', () => {
    const [name, options] = junitReporter({ outputDirectory: 'reports', includeConsoleOutput: 'true' });
    expect(name).toBe('jest-junit');
    expect(options).toEqual({
      testSuitePropertiesDirectory: __dirname,
      testSuitePropertiesFile: JUNIT_PROPERTIES_FILE,
      outputDirectory: 'reports',
      includeConsoleOutput: 'true',
    });
    // What jest-junit will load: the compiled module beside the compiled junit.js.
    expect(existsSync(path.join(repoRoot, 'packages/jest-preset/dist', JUNIT_PROPERTIES_FILE))).toBe(true);
  });

  test('a Jest run with the recipe writes them into the report, and the summaries into system-out', async () => {
    const { file } = await writeHandoffFixture(stateDir, 'machines');
    const project = path.join(stateDir, 'consumer');
    await fs.mkdir(path.join(project, 'ha'), { recursive: true });
    // The consumer's node_modules: this repository's (the packages as a consumer resolves them).
    await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'));
    await fs.writeFile(
      path.join(project, 'jest.config.js'),
      `const { junitReporter } = require('@dtr-ha/jest-preset/junit');
module.exports = {
  verbose: false,
  reporters: ['default', junitReporter({ outputDirectory: 'reports', includeConsoleOutput: 'true' })],
};
`,
    );
    await fs.writeFile(
      path.join(project, 'ha', 'lb.test.js'),
      `const { DTRHATestSuite } = require('@dtr-ha/jest-preset');
const suite = DTRHATestSuite.loadSync();
test('round robin', () => suite.summary('sessions per replica', 'a1: 4 (UP), b2: 3 (UP)'));
`,
    );
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/jest/bin/jest.js'), '--ci', '--runInBand'],
      {
        cwd: project,
        encoding: 'utf8',
        // As the preset's globalSetup leaves it for the test processes and the reporters.
        env: { PATH: process.env.PATH, ...env(), [HANDOFF_ENV]: file },
      },
    );
    expect({ status: result.status, output: result.stderr }).toMatchObject({ status: 0 });
    const xml = await fs.readFile(path.join(project, 'reports', 'junit.xml'), 'utf8');
    expect(xml).toContain('<property name="dtr-ha.cluster" value="unit (local, 3 machines)"/>');
    expect(xml).toContain('<property name="dtr-ha.sessions per replica" value="a1: 4 (UP), b2: 3 (UP)"/>');
    expect(xml).toMatch(/<system-out>[^]*dtr-ha summary: sessions per replica: a1: 4 \(UP\), b2: 3 \(UP\)/);
    // A whole Jest run, started cold: seconds, more on a busy machine.
  }, 60_000);
});
