import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { TempClusters } from '../../test-support/temp-cluster';
import { call } from '../../test-support/https-call';
import { runCommand } from '../util/run-command';
import { adminPassword } from './admin-password';
import { StatusReporter } from './status';
import { up } from './up';

// Two `dtr-ha up` of one prefix started at once, as from two terminals. Without the run lock each
// generated an admin password of its own and both installed UCP; with it one waits for the other,
// then reuses what the first made.
const repoRoot = path.resolve(__dirname, '../../../..');
let clusters: TempClusters;
let config: Config;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  clusters = await TempClusters.create('concurrent');
  env = clusters.env('conc');
  config = clusters.config('conc');
});

afterAll(async () => {
  await clusters?.remove();
});

const dtrHaUp = () =>
  runCommand(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      path.join(__dirname, '../cli/main.ts'),
      'up',
      '--until',
      'ucp',
    ],
    {
      allowFailure: true,
      env: { ...env, TS_NODE_PROJECT: path.join(repoRoot, 'packages/framework/tsconfig.json') },
      cwd: clusters.stateDir,
    },
  );

test('two up of one prefix at once: one waits, both succeed, UCP installed once with one admin password', async () => {
  const runs = await Promise.all([dtrHaUp(), dtrHaUp()]);
  expect(runs.map((r) => [r.code, r.code === 0 ? '' : r.stderr])).toEqual([
    [0, ''],
    [0, ''],
  ]);
  const waited = runs.filter((r) => /waiting for .*: locked by /.test(r.stderr));
  expect(waited).toHaveLength(1);
  // The one that waited found UCP installed and kept it.
  const installed = runs.filter((r) => /installing UCP on /.test(r.stderr));
  expect(installed).toHaveLength(1);
  expect(installed[0]).not.toBe(waited[0]);

  // The password the cluster keeps is the one UCP was installed with.
  const result = await up(config, { reporter: new StatusReporter(() => undefined), until: 'ucp' });
  try {
    const password = await adminPassword(config, result.context.dir);
    const ca = await fs.readFile(result.info.ucp!.caPath, 'utf8');
    const login = await call(`${result.info.ucp!.url}/auth/login`, {
      method: 'POST',
      ca,
      body: JSON.stringify({ username: config.admin.username, password }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(login.status).toBe(200);
    expect(typeof login.json.auth_token).toBe('string');
  } finally {
    result.handles.forEach((m) => m.dispose());
  }
});
