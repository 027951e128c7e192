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
