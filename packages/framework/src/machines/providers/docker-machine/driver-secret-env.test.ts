import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { machineSpecs } from '../../types';
import { DockerMachineProvider } from './docker-machine-provider';
import { driverSecretVariables, exposedFlagWarning, splitCreateFlags } from './driver-secret-env';

describe('the table of documented secret variables', () => {
  test('each row names a driver flag of its driver and a docker/docs driver page', () => {
    for (const row of driverSecretVariables) {
      expect(row.flag.startsWith(`--${row.driver}-`)).toBe(true);
      expect(row.variable).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(row.page).toMatch(/^machine\/drivers\/[a-z-]+\.md$/);
    }
    expect(new Set(driverSecretVariables.map((row) => row.flag)).size).toBe(driverSecretVariables.length);
  });

  test("the issue's examples", () => {
    const variable = (flag: string) => driverSecretVariables.find((row) => row.flag === flag)?.variable;
    expect(variable('--amazonec2-access-key')).toBe('AWS_ACCESS_KEY_ID');
    expect(variable('--amazonec2-secret-key')).toBe('AWS_SECRET_ACCESS_KEY');
    expect(variable('--amazonec2-session-token')).toBe('AWS_SESSION_TOKEN');
    expect(variable('--digitalocean-access-token')).toBe('DIGITALOCEAN_ACCESS_TOKEN');
  });
});

describe('MACHINE_CREATE_FLAGS split for create', () => {
  test('--flag value and --flag=value: the values go in the environment, off the command line', () => {
    const split = splitCreateFlags('amazonec2', [
      '--amazonec2-access-key',
      'AKIDEXAMPLE',
      '--amazonec2-secret-key=S3CR3T=x',
      '--amazonec2-region',
      'us-west-2',
    ]);
    expect(split.args).toEqual(['--amazonec2-region', 'us-west-2']);
    expect(split.env).toEqual({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'S3CR3T=x' });
    expect(split.moved).toEqual([
      { flag: '--amazonec2-access-key', variable: 'AWS_ACCESS_KEY_ID' },
      { flag: '--amazonec2-secret-key', variable: 'AWS_SECRET_ACCESS_KEY' },
    ]);
    expect(split.exposed).toEqual([]);
  });

  test("Go's single-dash spelling is the same flag", () => {
    const split = splitCreateFlags('digitalocean', ['-digitalocean-access-token', 'T0K3N']);
    expect(split.args).toEqual([]);
    expect(split.env).toEqual({ DIGITALOCEAN_ACCESS_TOKEN: 'T0K3N' });
  });

  test('unknown flags, their values and their order are untouched', () => {
    const flags = [
      '--amazonec2-monitoring',
      '--amazonec2-retries',
      '-1',
      '--amazonec2-tags=a,b',
      '--engine-label',
      'x=y',
      '--amazonec2-zone',
      'a',
    ];
    const split = splitCreateFlags('amazonec2', flags);
    expect(split).toEqual({ args: flags, env: {}, moved: [], exposed: [] });
  });

  test('a value that is itself a flag is not eaten: the flag stays, with a warning', () => {
    const split = splitCreateFlags('amazonec2', [
      '--amazonec2-access-key',
      '--amazonec2-secret-key',
      'S3CR3T',
      '--amazonec2-region',
      'us-west-2',
    ]);
    expect(split.args).toEqual(['--amazonec2-access-key', '--amazonec2-region', 'us-west-2']);
    expect(split.env).toEqual({ AWS_SECRET_ACCESS_KEY: 'S3CR3T' });
    expect(split.exposed).toEqual([
      { flag: '--amazonec2-access-key', reason: 'no-value', variable: 'AWS_ACCESS_KEY_ID' },
    ]);
    // Last, with nothing after it.
    expect(splitCreateFlags('amazonec2', ['--amazonec2-secret-key']).args).toEqual([
      '--amazonec2-secret-key',
    ]);
  });

  test("another driver's secret flags and undocumented secret-looking flags stay, reported once", () => {
    const split = splitCreateFlags('amazonec2', [
      '--digitalocean-access-token',
      'T0K3N',
      '--amazonec2-api-secret=A',
      '--amazonec2-api-secret',
      'B',
    ]);
    expect(split.args).toEqual([
      '--digitalocean-access-token',
      'T0K3N',
      '--amazonec2-api-secret=A',
      '--amazonec2-api-secret',
      'B',
    ]);
    expect(split.env).toEqual({});
    expect(split.exposed).toEqual([
      { flag: '--digitalocean-access-token', reason: 'undocumented' },
      { flag: '--amazonec2-api-secret', reason: 'undocumented' },
    ]);
  });

  test('a flag given twice: the last value, as docker-machine takes it', () => {
    const split = splitCreateFlags('openstack', ['--openstack-password', 'one', '--openstack-password=two']);
    expect(split.args).toEqual([]);
    expect(split.env).toEqual({ OS_PASSWORD: 'two' });
  });

  test('everything after -- stays', () => {
    const flags = ['--', '--amazonec2-secret-key', 'S3CR3T'];
    expect(splitCreateFlags('amazonec2', flags).args).toEqual(flags);
  });

  test('warnings name the flag, never a value', () => {
    const undocumented = exposedFlagWarning('azure', {
      flag: '--azure-client-secret',
      reason: 'undocumented',
    });
    expect(undocumented).toMatch(
      /^warning: MACHINE_CREATE_FLAGS: --azure-client-secret .*no environment variable .*azure driver: .*command line, visible to every local user/,
    );
    const noValue = exposedFlagWarning('amazonec2', {
      flag: '--amazonec2-secret-key',
      reason: 'no-value',
      variable: 'AWS_SECRET_ACCESS_KEY',
    });
    expect(noValue).toContain('Export AWS_SECRET_ACCESS_KEY instead, or write --amazonec2-secret-key=VALUE');
  });
});

describe('create, against a recording docker-machine', () => {
  // A fake CLI: `ls` lists nothing; `create` writes its arguments and environment, then fails as a
  // driver's pre-create check can (exit 3), so ensure stops there.
  let dir: string;
  let binary: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-dm-secret-env-'));
    binary = path.join(dir, 'docker-machine');
    await fs.writeFile(
      binary,
      [
        '#!/usr/bin/env node',
        "const fs = require('node:fs');",
        'const [command] = process.argv.slice(2);',
        "if (command === 'ls') process.exit(0);",
        "if (command !== 'create') process.exit(1);",
        'fs.writeFileSync(process.env.RECORD, JSON.stringify({ args: process.argv.slice(2), env: process.env }));',
        'process.stderr.write(\'Error with pre-create check: "recorded"\\n\');',
        'process.exit(3);',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const record = (driver: string) => path.join(dir, `record-${driver}.json`);
  const provider = (driver: string, createFlags: string[]) =>
    new DockerMachineProvider({
      prefix: 'dtrha',
      driver,
      createFlags,
      binary,
      env: {
        ...process.env,
        MACHINE_STORAGE_PATH: dir,
        RECORD: record(driver),
        AWS_DEFAULT_REGION: 'eu-west-1',
      },
    });

  async function create(driver: string, createFlags: string[], made = provider(driver, createFlags)) {
    const progress: string[] = [];
    const error = await made.ensure(machineSpecs('dtrha', 1), (m) => progress.push(m)).catch((e) => e);
    const recorded = JSON.parse(await fs.readFile(record(driver), 'utf8')) as {
      args: string[];
      env: Record<string, string>;
    };
    return { error: error as Error, progress, ...recorded };
  }

  test('the command line holds no secret value, the environment does, merged with the provider env', async () => {
    const { args, env, error, progress } = await create('amazonec2', [
      '--amazonec2-access-key',
      'AKIDEXAMPLE',
      '--amazonec2-secret-key=S3CR3T',
      '--amazonec2-instance-type',
      't2.small',
    ]);
    expect(args).toEqual([
      'create',
      '--driver',
      'amazonec2',
      '--amazonec2-instance-type',
      't2.small',
      'dtrha-1',
    ]);
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'S3CR3T',
      AWS_DEFAULT_REGION: 'eu-west-1',
      MACHINE_STORAGE_PATH: dir,
    });
    expect(error.message).toBe(
      'docker-machine create --driver amazonec2 --amazonec2-instance-type t2.small dtrha-1 exited with 3:\n' +
        'Error with pre-create check: "recorded"',
    );
    expect(progress).toEqual([
      'docker-machine create: MACHINE_CREATE_FLAGS --amazonec2-access-key as AWS_ACCESS_KEY_ID, ' +
        '--amazonec2-secret-key as AWS_SECRET_ACCESS_KEY passed in its environment, not on its command line',
      'dtrha-1: docker-machine create --driver amazonec2',
    ]);
    expect(progress.join('\n')).not.toMatch(/AKIDEXAMPLE|S3CR3T/);
  });

  test('an undocumented secret flag stays a flag, masked in errors, with one warning', async () => {
    const { args, env, error, progress } = await create('azure', [
      '--azure-client-secret',
      'S3CR3T',
      '--azure-subscription-id',
      'sub',
    ]);
    expect(args).toEqual([
      'create',
      '--driver',
      'azure',
      '--azure-client-secret',
      'S3CR3T',
      '--azure-subscription-id',
      'sub',
      'dtrha-1',
    ]);
    expect(Object.values(env)).not.toContain('S3CR3T');
    expect(error.message).toMatch(/^docker-machine create --driver azure --azure-client-secret \*+ --azure/);
    expect(error.message).not.toContain('S3CR3T');
    const warnings = progress.filter((m) => m.startsWith('warning:'));
    expect(warnings).toEqual([
      'warning: MACHINE_CREATE_FLAGS: --azure-client-secret looks like a secret, and docker-machine documents ' +
        'no environment variable for it with the azure driver: its value is on the docker-machine command ' +
        'line, visible to every local user (ps, /proc/<pid>/cmdline)',
    ]);
    expect(progress.join('\n')).not.toContain('S3CR3T');
  });

  test('what is moved and what is exposed is reported once per provider, not per create', async () => {
    const flags = ['--openstack-password', 'PW', '--openstack-api-token', 'T'];
    const made = provider('openstack', flags);
    const first = await create('openstack', flags, made);
    const again = await create('openstack', flags, made);
    expect(first.progress).toEqual([
      'docker-machine create: MACHINE_CREATE_FLAGS --openstack-password as OS_PASSWORD passed in its ' +
        'environment, not on its command line',
      expect.stringMatching(/^warning: MACHINE_CREATE_FLAGS: --openstack-api-token looks like a secret/),
      'dtrha-1: docker-machine create --driver openstack',
    ]);
    expect(again.progress).toEqual(['dtrha-1: docker-machine create --driver openstack']);
    expect(again.env.OS_PASSWORD).toBe('PW');
    expect(again.args).not.toContain('PW');
  });
});
