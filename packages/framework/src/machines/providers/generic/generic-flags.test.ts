import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCluster } from '../../../cluster/cluster-context';
import { ConfigError, describeEnvironment, loadConfig } from '../../../config';
import { genericHosts } from './generic-provider';
import { genericSshSettings, parseGenericFlags } from './generic-flags';

let dir: string;
let home: string;
let key: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-generic-flags-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  key = path.join(home, '.ssh', 'id_rsa');
  fs.writeFileSync(key, 'not really a key\n', { mode: 0o600 });
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const GENERIC = { MACHINE_DRIVER: 'generic', GENERIC_MACHINE_LIST: '10.0.0.1,10.0.0.2,10.0.0.3' };

/** The configuration of an environment of only `env` (plus HOME), in an empty temp directory. */
function load(env: Record<string, string> = {}) {
  return loadConfig({ env: { HOME: home, DTR_HA_STATE_DIR: path.join(dir, 'state'), ...env }, cwd: dir });
}

/** The generic provider's settings of that configuration. */
function settings(env: Record<string, string> = {}) {
  return genericSshSettings(load({ ...GENERIC, ...env }));
}

/** The ConfigError that the generic provider's settings of `env` throw. */
function configError(env: Record<string, string>): ConfigError {
  const error = captured(() => settings(env));
  if (error instanceof ConfigError) return error;
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}, got ${String(error)}`);
}

function captured(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the generic driver reads its SSH flags from MACHINE_CREATE_FLAGS', () => {
  test('defaults: root, ~/.ssh/id_rsa, 22', () => {
    expect(settings()).toEqual({ sshUser: 'root', sshKeyPath: key, sshPort: 22 });
  });

  test('both forms; a relative key is relative to the configuration’s cwd; other flags are left alone', () => {
    fs.writeFileSync(path.join(dir, 'other key'), 'key\n');
    expect(
      settings({
        MACHINE_CREATE_FLAGS: `--generic-ssh-user ubuntu --generic-ssh-key='other key' --generic-ssh-port 2222 --generic-engine-port=2376`,
      }),
    ).toEqual({ sshUser: 'ubuntu', sshKeyPath: path.join(dir, 'other key'), sshPort: 2222 });
  });

  test('a ~ key path is expanded with the configuration’s HOME', () => {
    expect(settings({ MACHINE_CREATE_FLAGS: '--generic-ssh-key ~/.ssh/id_rsa' }).sshKeyPath).toBe(key);
  });

  test('parseGenericFlags: values and errors, nothing else checked', () => {
    expect(parseGenericFlags(['--generic-ssh-user=u', '--x', '--generic-ssh-port', '2'])).toEqual({
      values: { '--generic-ssh-user': 'u', '--generic-ssh-port': '2' },
      errors: [],
    });
    expect(
      parseGenericFlags(['--generic-ssh-key=', '--generic-ssh-user', 'a', '--generic-ssh-user=b']),
    ).toEqual({
      values: { '--generic-ssh-user': 'b' },
      errors: ['--generic-ssh-key needs a value', '--generic-ssh-user is given more than once'],
    });
  });
});

describe('each bad flag is a problem of MACHINE_CREATE_FLAGS', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'generic SSH key missing',
      { MACHINE_CREATE_FLAGS: '--generic-ssh-key /nonexistent/dtrha/id_rsa' },
      /\/nonexistent\/dtrha\/id_rsa/,
    ],
    [
      'generic SSH port invalid',
      { MACHINE_CREATE_FLAGS: '--generic-ssh-port=70000' },
      /--generic-ssh-port "70000"/,
    ],
    [
      'generic SSH flag without a value',
      { MACHINE_CREATE_FLAGS: '--generic-ssh-user --generic-ssh-port 22' },
      /--generic-ssh-user needs a value/,
    ],
    [
      'generic SSH user invalid',
      { MACHINE_CREATE_FLAGS: '--generic-ssh-user "a b"' },
      /"a b" is not a valid user name/,
    ],
  ];

  test.each(cases)('%s', (_name, env, pattern) => {
    const error = configError(env);
    expect(error.problems.map((p) => p.variable)).toContain('MACHINE_CREATE_FLAGS');
    // Every line is about MACHINE_CREATE_FLAGS: the provider reads nothing else.
    expect(error.message.split('\n').every((line) => line.startsWith('MACHINE_CREATE_FLAGS: '))).toBe(true);
    expect(error.message).toMatch(pattern);
  });

  test('the default SSH key of the generic driver must exist too', () => {
    fs.rmSync(key);
    const error = configError({});
    expect(error.message).toMatch(/^MACHINE_CREATE_FLAGS: /);
    expect(error.message).toContain(key);
    expect(error.message).toMatch(/pass --generic-ssh-key/);
  });

  test('every problem at once, and never the value of the flags (they may hold other drivers’ secrets)', () => {
    const error = configError({
      MACHINE_CREATE_FLAGS: '--generic-ssh-port 0 --generic-ssh-key /nonexistent/k',
    });
    expect(error.problems).toHaveLength(2);
    expect(error.problems.every((p) => p.variable === 'MACHINE_CREATE_FLAGS' && p.value === undefined)).toBe(
      true,
    );
  });
});

describe('the generic provider checks its flags before anything is made', () => {
  test('configure throws, openCluster makes no state directory', async () => {
    const config = load({ ...GENERIC, MACHINE_CREATE_FLAGS: '--generic-ssh-port=70000' });
    await expect(genericHosts.configure(config)).rejects.toThrow(ConfigError);
    await expect(openCluster(config)).rejects.toThrow(
      /^MACHINE_CREATE_FLAGS: --generic-ssh-port "70000" is not a port/,
    );
    expect(fs.existsSync(config.stateDir)).toBe(false);
  });

  test('dtr-ha config shows each host and the SSH settings', () => {
    const config = load({ ...GENERIC, MACHINE_PREFIX: 'g' });
    const text = describeEnvironment(config, genericHosts.describe!(config));
    expect(text).toContain('default: 4, or the number of hosts in GENERIC_MACHINE_LIST');
    expect(text).toContain('  UCP controller: g-1 (10.0.0.1)\n');
    expect(text).toContain('  DTR replicas:   g-2 (10.0.0.2), g-3 (10.0.0.3)\n');
    expect(text).toContain(`  generic SSH:    root@<host>:22, key ${key}\n`);
    expect(() =>
      genericHosts.describe!(load({ ...GENERIC, MACHINE_CREATE_FLAGS: '--generic-ssh-port' })),
    ).toThrow(ConfigError);
  });
});
