import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig, splitShellWords, type LoadConfigOptions } from './load';
import { variables } from './schema';

let dir: string;
let home: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-config-'));
  home = path.join(dir, 'home');
  fs.mkdirSync(home);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Loads with an environment of only `env` (plus HOME), in an empty temp directory. */
function load(env: Record<string, string> = {}, options: LoadConfigOptions = {}) {
  return loadConfig({ env: { HOME: home, ...env }, cwd: dir, ...options });
}

function configError(env: Record<string, string>, options: LoadConfigOptions = {}): ConfigError {
  try {
    load(env, options);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

/** The lines of the error's message that are about `variable`. */
function linesAbout(error: ConfigError, variable: string): string[] {
  return error.message
    .split('\n')
    .filter((line) => line.startsWith(`${variable}=`) || line.startsWith(`${variable}:`));
}

const GENERIC = { MACHINE_DRIVER: 'generic', GENERIC_MACHINE_LIST: '10.0.0.1,10.0.0.2,10.0.0.3' };

describe('loadConfig: defaults', () => {
  test('an empty environment gives the defaults, all from "default"', () => {
    const config = load();
    expect(config).toEqual({
      numMachines: 4,
      testArgs: [],
      tests: { until: 'ucp', keepDtr: false, quiet: false },
      machineDriver: 'local',
      machineCreateFlags: [],
      machinePrefix: 'dtrha',
      genericMachineList: [],
      ucpPullImages: false,
      dtrPullImages: false,
      purgeMachines: false,
      reuseMachines: true,
      labEngineSeed: true,
      labHostSetup: true,
      registry: {},
      ucp: { repo: 'dtrha-lab', tag: '1.1.0-standin', image: 'dtrha-lab/ucp:1.1.0-standin' },
      dtr: { repo: 'dtrha-lab', tag: '2.0.0-standin', image: 'dtrha-lab/dtr:2.0.0-standin' },
      dtrLbConstraints: [],
      dtrConstraints: [],
      admin: { username: 'admin' },
      stateDir: path.join(home, '.dtr-ha'),
      envFile: path.join(dir, '.env'),
      envFileFound: false,
      cwd: dir,
      home,
      sources: Object.fromEntries(variables.map((v) => [v.name, 'default'])),
    });
    expect(config.debianMirror).toBeUndefined();
  });

  test('sources has exactly one entry per variable of the schema', () => {
    expect(Object.keys(load().sources).sort()).toEqual(variables.map((v) => v.name).sort());
  });

  test('an empty value counts as unset', () => {
    const config = load({ NUM_MACHINES: '', MACHINE_PREFIX: '  ', UCP_PULL_IMAGES: '' });
    expect(config.numMachines).toBe(4);
    expect(config.machinePrefix).toBe('dtrha');
    expect(config.sources.NUM_MACHINES).toBe('default');
  });
});

describe('loadConfig: environment and .env file', () => {
  test('the environment beats the .env file, which beats the defaults', () => {
    fs.writeFileSync(
      path.join(dir, '.env'),
      'NUM_MACHINES=6\nMACHINE_PREFIX=fromfile\n# a comment\nUCP_REPO="file-repo"\nREGISTRY_PASSWORD=file-secret\n',
    );
    const config = load({ NUM_MACHINES: '5', UCP_REPO: 'env-repo' });
    expect(config.numMachines).toBe(5);
    expect(config.sources.NUM_MACHINES).toBe('env');
    expect(config.machinePrefix).toBe('fromfile');
    expect(config.sources.MACHINE_PREFIX).toBe('file');
    expect(config.ucp.repo).toBe('env-repo');
    expect(config.ucp.image).toBe('env-repo/ucp:1.1.0-standin');
    expect(config.registry.password).toBe('file-secret');
    expect(config.sources.REGISTRY_PASSWORD).toBe('file');
    expect(config.dtr.tag).toBe('2.0.0-standin');
    expect(config.sources.DTR_TAG).toBe('default');
    expect(config.envFile).toBe(path.join(dir, '.env'));
    expect(config.envFileFound).toBe(true);
  });

  test('an empty value in the environment hides the file value (and the default applies)', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'PURGE_MACHINES=1\n');
    expect(load().purgeMachines).toBe(true);
    const config = load({ PURGE_MACHINES: '' });
    expect(config.purgeMachines).toBe(false);
    expect(config.sources.PURGE_MACHINES).toBe('default');
  });

  test('neither the given env nor process.env is modified', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'MACHINE_PREFIX=fromfile\nDTR_HA_UNIT_TEST_MARKER=1\n');
    const env = { HOME: home };
    const before = { ...env };
    loadConfig({ env, cwd: dir });
    expect(env).toEqual(before);
    expect(process.env.DTR_HA_UNIT_TEST_MARKER).toBeUndefined();
  });

  test('DTR_HA_ENV_FILE names the file, relative to cwd; the file cannot redirect itself', () => {
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.writeFileSync(path.join(dir, 'ci', 'ha.env'), 'NUM_MACHINES=3\nDTR_HA_ENV_FILE=elsewhere.env\n');
    const config = load({ DTR_HA_ENV_FILE: 'ci/ha.env' });
    expect(config.numMachines).toBe(3);
    expect(config.envFile).toBe(path.join(dir, 'ci', 'ha.env'));
    expect(config.sources.DTR_HA_ENV_FILE).toBe('env');
  });

  test('the envFile option names the file too', () => {
    fs.writeFileSync(path.join(dir, 'other.env'), 'NUM_MACHINES=2\n');
    expect(load({}, { envFile: 'other.env' }).numMachines).toBe(2);
  });
});

describe('loadConfig: defaults that follow CI', () => {
  test('a laptop reuses the machines and keeps them; CI starts from a clean cluster and purges it', () => {
    expect(load()).toMatchObject({ reuseMachines: true, purgeMachines: false });
    for (const ci of ['true', '1', 'yes', 'woodpecker']) {
      const config = load({ CI: ci });
      expect({ ci, reuse: config.reuseMachines, purge: config.purgeMachines }).toEqual({
        ci,
        reuse: false,
        purge: true,
      });
      expect(config.sources).toMatchObject({ REUSE_MACHINES: 'default', PURGE_MACHINES: 'default' });
    }
  });

  test('CI set to an off spelling, or empty, is no CI', () => {
    for (const ci of ['', '0', 'false', 'No', ' off '])
      expect(load({ CI: ci })).toMatchObject({ reuseMachines: true, purgeMachines: false });
  });

  test('the variables, when set, win over CI either way', () => {
    expect(load({ CI: 'true', REUSE_MACHINES: '1', PURGE_MACHINES: '0' })).toMatchObject({
      reuseMachines: true,
      purgeMachines: false,
    });
    expect(load({ REUSE_MACHINES: 'off', PURGE_MACHINES: 'on' })).toMatchObject({
      reuseMachines: false,
      purgeMachines: true,
    });
    // Empty counts as unset: the CI default applies.
    expect(load({ CI: 'true', PURGE_MACHINES: '' }).purgeMachines).toBe(true);
  });

  test('CI is read from the environment only: a dotenv file shared with laptops does not make a CI machine', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'CI=true\n');
    expect(load()).toMatchObject({ reuseMachines: true, purgeMachines: false });
  });

  test('a bad REUSE_MACHINES is named, with the spellings it accepts', () => {
    expect(linesAbout(configError({ CI: 'true', REUSE_MACHINES: 'sometimes' }), 'REUSE_MACHINES')).toEqual([
      'REUSE_MACHINES="sometimes": must be on (1, true, yes, on) or off (empty, 0, false, no, off)',
    ]);
  });
});

describe('loadConfig: values', () => {
  test('booleans accept the known spellings in any case', () => {
    for (const on of ['1', 'true', 'TRUE', 'yes', 'On'])
      expect(load({ PURGE_MACHINES: on }).purgeMachines).toBe(true);
    for (const off of ['0', 'false', 'No', 'OFF'])
      expect(load({ PURGE_MACHINES: off }).purgeMachines).toBe(false);
  });

  test('shell-quoted TEST_ARGS and MACHINE_CREATE_FLAGS become argument lists', () => {
    const config = load({
      TEST_ARGS: `--testNamePattern 'installs with constraints' --ci`,
      MACHINE_DRIVER: 'amazonec2',
      MACHINE_CREATE_FLAGS: '--amazonec2-instance-type t2.small --amazonec2-tags "a b,c\\"d"',
    });
    expect(config.testArgs).toEqual(['--testNamePattern', 'installs with constraints', '--ci']);
    expect(config.machineCreateFlags).toEqual([
      '--amazonec2-instance-type',
      't2.small',
      '--amazonec2-tags',
      'a b,c"d',
    ]);
    expect(config.machineDriver).toBe('amazonec2');
  });

  test('the swarm-classic constraint form is parsed', () => {
    const config = load({
      DTR_LB_CONSTRAINTS: 'constraint:container!=ucp-controller',
      DTR_CONSTRAINTS: 'constraint:container!=ucp-controller|constraint:node==dtrha-2',
    });
    expect(config.dtrLbConstraints).toEqual([{ key: 'container', operator: '!=', value: 'ucp-controller' }]);
    expect(config.dtrConstraints).toEqual([
      { key: 'container', operator: '!=', value: 'ucp-controller' },
      { key: 'node', operator: '==', value: 'dtrha-2' },
    ]);
  });

  test('a constraint value /between slashes/ that compiles is kept as it is', () => {
    expect(load({ DTR_CONSTRAINTS: 'constraint:node==/dtrha-[23]/' }).dtrConstraints).toEqual([
      { key: 'node', operator: '==', value: '/dtrha-[23]/' },
    ]);
  });

  test('images: repositories with a registry host, pre-release tags', () => {
    const config = load({
      UCP_REPO: 'registry.example.com:5000/team',
      UCP_TAG: '1.1.0-rc1',
      DTR_REPO: 'dockerhubenterprise',
      DTR_TAG: '2.0.0-rc1-004459_gd48039b',
    });
    expect(config.ucp.image).toBe('registry.example.com:5000/team/ucp:1.1.0-rc1');
    expect(config.dtr.image).toBe('dockerhubenterprise/dtr:2.0.0-rc1-004459_gd48039b');
  });

  test('registry credentials with pulling on', () => {
    const config = load({
      UCP_PULL_IMAGES: 'yes',
      REGISTRY_USERNAME: 'ci',
      REGISTRY_PASSWORD: ' spaces kept ',
      REGISTRY_EMAIL: 'ci@example.com',
    });
    expect(config.ucpPullImages).toBe(true);
    expect(config.registry).toEqual({ username: 'ci', email: 'ci@example.com' });
    // The password is there to read, but not enumerable (see "secrets stay out of serialised configuration").
    expect(config.registry.password).toBe(' spaces kept ');
  });

  test('project variables: ~ expansion, mirror, admin', () => {
    const config = load({
      DTR_HA_STATE_DIR: '~/state/',
      DTR_HA_DEBIAN_MIRROR: 'http://deb.debian.org/debian',
      UCP_ADMIN_USERNAME: 'ci.admin',
      UCP_ADMIN_PASSWORD: 'long enough',
    });
    expect(config.stateDir).toBe(path.join(home, 'state'));
    expect(config.debianMirror).toBe('http://deb.debian.org/debian');
    expect(config.admin).toEqual({ username: 'ci.admin' });
    expect(config.admin.password).toBe('long enough');
  });

  // The generic driver's SSH flags are its provider's to read: machines/providers/generic/generic-flags.test.ts.
  test('generic: the list gives the machine count when NUM_MACHINES is unset', () => {
    const config = load(GENERIC);
    expect(config.numMachines).toBe(3);
    expect(config.genericMachineList).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  test('generic: hostnames, NUM_MACHINES that fits; the flags stay words', () => {
    const config = load({
      MACHINE_DRIVER: 'generic',
      NUM_MACHINES: '2',
      GENERIC_MACHINE_LIST: 'node-1.example.com, 192.168.1.20',
      MACHINE_CREATE_FLAGS: '--generic-ssh-user ubuntu --generic-ssh-port=2222',
    });
    expect(config.numMachines).toBe(2);
    expect(config.genericMachineList).toEqual(['node-1.example.com', '192.168.1.20']);
    expect(config.machineCreateFlags).toEqual(['--generic-ssh-user', 'ubuntu', '--generic-ssh-port=2222']);
  });
});

describe('loadConfig: each bad configuration names its variable', () => {
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['NUM_MACHINES not a number', { NUM_MACHINES: 'abc' }, 'NUM_MACHINES', /whole number from 2 to 16/],
    ['NUM_MACHINES too small', { NUM_MACHINES: '1' }, 'NUM_MACHINES', /from 2 to 16/],
    ['NUM_MACHINES too large', { NUM_MACHINES: '17' }, 'NUM_MACHINES', /from 2 to 16/],
    ['NUM_MACHINES not whole', { NUM_MACHINES: '3.5' }, 'NUM_MACHINES', /./],
    ['MACHINE_DRIVER not a driver name', { MACHINE_DRIVER: 'Amazon EC2' }, 'MACHINE_DRIVER', /./],
    [
      'generic without GENERIC_MACHINE_LIST',
      { MACHINE_DRIVER: 'generic' },
      'GENERIC_MACHINE_LIST',
      /required when MACHINE_DRIVER=generic/,
    ],
    [
      'list length not fitting NUM_MACHINES',
      { ...GENERIC, NUM_MACHINES: '4' },
      'GENERIC_MACHINE_LIST',
      /has 3 hosts but NUM_MACHINES=4/,
    ],
    [
      'list too short for a cluster',
      { MACHINE_DRIVER: 'generic', GENERIC_MACHINE_LIST: '10.0.0.1' },
      'GENERIC_MACHINE_LIST',
      /2 to 16 machines/,
    ],
    [
      'bad list entry',
      { ...GENERIC, GENERIC_MACHINE_LIST: '10.0.0.1,bad_host!,10.0.0.3' },
      'GENERIC_MACHINE_LIST',
      /"bad_host!"/,
    ],
    [
      'invalid IPv4 address in the list',
      { ...GENERIC, GENERIC_MACHINE_LIST: '10.0.0.1,300.1.1.1' },
      'GENERIC_MACHINE_LIST',
      /"300.1.1.1"/,
    ],
    [
      'empty list entry',
      { ...GENERIC, GENERIC_MACHINE_LIST: '10.0.0.1,,10.0.0.3' },
      'GENERIC_MACHINE_LIST',
      /empty entry/,
    ],
    [
      'duplicate hosts',
      { ...GENERIC, GENERIC_MACHINE_LIST: '10.0.0.1,10.0.0.2,10.0.0.1' },
      'GENERIC_MACHINE_LIST',
      /"10.0.0.1" more than once/,
    ],
    [
      'duplicate hostnames differing in case',
      { ...GENERIC, GENERIC_MACHINE_LIST: 'a.example.com,A.example.com' },
      'GENERIC_MACHINE_LIST',
      /more than once/,
    ],
    [
      'unbalanced quote in MACHINE_CREATE_FLAGS',
      { MACHINE_CREATE_FLAGS: '--amazonec2-region "us-west-2' },
      'MACHINE_CREATE_FLAGS',
      /unterminated double quote/,
    ],
    [
      'unbalanced single quote in MACHINE_CREATE_FLAGS',
      { MACHINE_CREATE_FLAGS: "--amazonec2-tags 'a,b" },
      'MACHINE_CREATE_FLAGS',
      /unterminated single quote/,
    ],
    ['";" in flags', { MACHINE_CREATE_FLAGS: '--a b; rm -rf /' }, 'MACHINE_CREATE_FLAGS', /operator ";"/],
    ['"|" in flags', { MACHINE_CREATE_FLAGS: '--a b | tee x' }, 'MACHINE_CREATE_FLAGS', /operator "\|"/],
    ['"&&" in flags', { MACHINE_CREATE_FLAGS: '--a b && c' }, 'MACHINE_CREATE_FLAGS', /operator "&&"/],
    ['a redirect in flags', { MACHINE_CREATE_FLAGS: '--a b > out' }, 'MACHINE_CREATE_FLAGS', /operator ">"/],
    ['a glob in flags', { MACHINE_CREATE_FLAGS: '--a b*' }, 'MACHINE_CREATE_FLAGS', /glob/],
    ['a variable in flags', { MACHINE_CREATE_FLAGS: '--a $HOME' }, 'MACHINE_CREATE_FLAGS', /\$HOME/],
    ['an operator in TEST_ARGS', { TEST_ARGS: '--ci; echo' }, 'TEST_ARGS', /operator ";"/],
    ['prefix with uppercase', { MACHINE_PREFIX: 'My_Cluster' }, 'MACHINE_PREFIX', /./],
    ['prefix starting with a digit', { MACHINE_PREFIX: '1abc' }, 'MACHINE_PREFIX', /./],
    ['prefix ending with "-"', { MACHINE_PREFIX: 'dtrha-' }, 'MACHINE_PREFIX', /must not end with "-"/],
    ['prefix too long', { MACHINE_PREFIX: 'a'.repeat(32) }, 'MACHINE_PREFIX', /./],
    ['bad boolean', { UCP_PULL_IMAGES: 'maybe' }, 'UCP_PULL_IMAGES', /must be on/],
    ['bad boolean PURGE_MACHINES', { PURGE_MACHINES: '2' }, 'PURGE_MACHINES', /./],
    ['bad email', { REGISTRY_EMAIL: 'not-an-email' }, 'REGISTRY_EMAIL', /email address/],
    ['uppercase repo', { UCP_REPO: 'DockerOrca' }, 'UCP_REPO', /repository path/],
    ['empty repo component', { DTR_REPO: 'team//dtr' }, 'DTR_REPO', /repository path/],
    ['bad tag', { UCP_TAG: '-rc1' }, 'UCP_TAG', /Docker tag/],
    ['tag with a colon', { DTR_TAG: '2.0:1' }, 'DTR_TAG', /Docker tag/],
    ['tag too long', { DTR_TAG: 'a'.repeat(129) }, 'DTR_TAG', /./],
    [
      'bad constraint',
      { DTR_CONSTRAINTS: 'constraint:container!=ucp-controller|constraint:container=dtr-haproxy' },
      'DTR_CONSTRAINTS',
      /entry "constraint:container=dtr-haproxy"/,
    ],
    [
      'constraint without the constraint: prefix',
      { DTR_LB_CONSTRAINTS: 'container!=ucp-controller' },
      'DTR_LB_CONSTRAINTS',
      /entry "container!=ucp-controller"/,
    ],
    [
      '"&" in a constraint (it separates --extra-envs entries)',
      { DTR_CONSTRAINTS: 'constraint:node==dtrha-1&constraint:container!=x' },
      'DTR_CONSTRAINTS',
      /contains "&", which separates --extra-envs entries/,
    ],
    [
      '"&" in a load balancer constraint',
      { DTR_LB_CONSTRAINTS: 'constraint:container!=ucp-controller&x' },
      'DTR_LB_CONSTRAINTS',
      /contains "&", which separates --extra-envs entries/,
    ],
    [
      'an unterminated /regex/ constraint',
      { DTR_CONSTRAINTS: 'constraint:container!=ucp-controller|constraint:node==/dtrha-[/' },
      'DTR_CONSTRAINTS',
      /entry "constraint:node==\/dtrha-\[\/": \/dtrha-\[\/ is not a valid regular expression/,
    ],
    [
      'an invalid /regex/ load balancer constraint',
      { DTR_LB_CONSTRAINTS: 'constraint:node==/a(/' },
      'DTR_LB_CONSTRAINTS',
      /entry "constraint:node==\/a\(\/".* is not a valid regular expression/,
    ],
    ['bad admin username', { UCP_ADMIN_USERNAME: 'the admin' }, 'UCP_ADMIN_USERNAME', /./],
    ['short admin password', { UCP_ADMIN_PASSWORD: 'short' }, 'UCP_ADMIN_PASSWORD', /at least 8 characters/],
    ['relative state dir', { DTR_HA_STATE_DIR: 'state' }, 'DTR_HA_STATE_DIR', /absolute path/],
    ['~user state dir', { DTR_HA_STATE_DIR: '~nobody/state' }, 'DTR_HA_STATE_DIR', /absolute path/],
    ['non-http mirror', { DTR_HA_DEBIAN_MIRROR: 'ftp://ftp.debian.org/debian' }, 'DTR_HA_DEBIAN_MIRROR', /./],
    ['not a URL mirror', { DTR_HA_DEBIAN_MIRROR: 'deb.debian.org' }, 'DTR_HA_DEBIAN_MIRROR', /./],
    [
      'named env file missing',
      { DTR_HA_ENV_FILE: 'missing.env' },
      'DTR_HA_ENV_FILE',
      /missing\.env does not exist/,
    ],
  ];

  test.each(cases)('%s', (_name, env, variable, pattern) => {
    const error = configError(env);
    expect(error.problems.map((p) => p.variable)).toContain(variable);
    const lines = linesAbout(error, variable);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(pattern);
  });

  test('the message shows the value and the rule', () => {
    expect(configError({ NUM_MACHINES: 'abc' }).message).toBe(
      'NUM_MACHINES="abc": must be a whole number from 2 to 16 (1 UCP controller + 1 to 15 DTR replicas)',
    );
  });

  test('pulling without credentials names both variables and why', () => {
    const error = configError({ DTR_PULL_IMAGES: '1' });
    expect(linesAbout(error, 'REGISTRY_USERNAME').join('\n')).toMatch(
      /required because DTR_PULL_IMAGES is on/,
    );
    expect(linesAbout(error, 'REGISTRY_PASSWORD').join('\n')).toMatch(
      /required because DTR_PULL_IMAGES is on/,
    );
    const both = configError({ UCP_PULL_IMAGES: 'true', DTR_PULL_IMAGES: 'on', REGISTRY_USERNAME: 'ci' });
    expect(both.problems.map((p) => p.variable)).toEqual(['REGISTRY_PASSWORD']);
    expect(both.message).toMatch(/UCP_PULL_IMAGES and DTR_PULL_IMAGES are on/);
  });

  test('an explicitly named env file (option) that is missing is an error', () => {
    const error = configError({}, { envFile: path.join(dir, 'nope.env') });
    expect(linesAbout(error, 'DTR_HA_ENV_FILE').join('\n')).toContain(path.join(dir, 'nope.env'));
  });

  test('a missing default .env is fine', () => {
    expect(() => load()).not.toThrow();
  });
});

describe('loadConfig: all problems at once', () => {
  test('several problems are reported together, one line each, each starting with its variable', () => {
    const error = configError({
      NUM_MACHINES: 'abc',
      MACHINE_PREFIX: 'Bad',
      UCP_TAG: '-x',
      REGISTRY_EMAIL: 'nope',
      DTR_CONSTRAINTS: 'oops',
      DTR_HA_STATE_DIR: 'relative',
    });
    const variablesWithProblems = [
      'NUM_MACHINES',
      'MACHINE_PREFIX',
      'REGISTRY_EMAIL',
      'UCP_TAG',
      'DTR_CONSTRAINTS',
      'DTR_HA_STATE_DIR',
    ];
    expect(error.problems.map((p) => p.variable).sort()).toEqual([...variablesWithProblems].sort());
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(variablesWithProblems.length);
    for (const line of lines) expect(variablesWithProblems.some((v) => line.startsWith(v))).toBe(true);
    expect(error.name).toBe('ConfigError');
    expect(error).toBeInstanceOf(Error);
  });

  test('a missing named env file is reported with the other problems', () => {
    const error = configError({ DTR_HA_ENV_FILE: 'missing.env', NUM_MACHINES: '1' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DTR_HA_ENV_FILE', 'NUM_MACHINES']);
  });
});

describe('loadConfig: secrets stay secret', () => {
  const registrySecret = 'Reg1stry-S3cret-Value';
  const adminSecret = 'tiny7';
  const awsSecret = 'AwsS3cretKey/abc+def';

  test('secret values never appear in ConfigError messages or problems', () => {
    const error = configError({
      REGISTRY_PASSWORD: registrySecret,
      UCP_ADMIN_PASSWORD: adminSecret,
      MACHINE_CREATE_FLAGS: `--amazonec2-secret-key ${awsSecret} --amazonec2-region "us`,
      NUM_MACHINES: 'abc',
    });
    const everything = `${error.message}\n${JSON.stringify(error.problems)}\n${error.stack}`;
    for (const secret of [registrySecret, adminSecret, awsSecret]) expect(everything).not.toContain(secret);
    expect(error.message).toContain('UCP_ADMIN_PASSWORD=<hidden>: must be at least 8 characters');
    expect(error.problems.find((p) => p.variable === 'UCP_ADMIN_PASSWORD')?.value).toBe('<hidden>');
  });

  // shell-quote's value of a word it cannot parse (an unterminated ${ is "Bad substitution: <the rest
  // of the word>") is lost, and one with an operator or a glob is cut there: either way the form that
  // tells a secret (`--flag=value`, `token://…`, a URL's password) went with it.
  test.each([
    ['--amazonec2-secret-key=Zq7${AKIAxyzw', 'cannot be parsed'],
    ['--swarm-discovery token://Zq7${AKIAxyzw', 'cannot be parsed'],
    ['--engine-env PROXY_PASSWORD=Zq7${AKIAxyzw', 'cannot be parsed'],
    ['--engine-registry-mirror https://user:Zq7${AKIAxyzw@mirror.example.com', 'cannot be parsed'],
    ['--passphrase=Zq7?$AKIAxyzw', 'has'],
    ['--engine-registry-mirror https://user:Zq7<AKIAxyzw@mirror.example.com', 'has'],
    ['--swarm-discovery token://Zq7*AKIAxyzw', 'has'],
    ['--engine-env KEY=Zq7;AKIAxyzw', 'has'],
  ])('a secret word with a problem, %s, is named and not quoted', (flags, problem) => {
    const error = configError({ MACHINE_CREATE_FLAGS: flags });
    expect(error.message).not.toMatch(/Zq7|AKIA|xyzw/);
    expect(error.message).toMatch(
      new RegExp(`^MACHINE_CREATE_FLAGS: (the value of --[a-z0-9-]+|a URL's password) ${problem}`, 'm'),
    );
  });

  test('a value of several lines is not shown: in .env, a quote left open takes in the next lines', () => {
    fs.writeFileSync(path.join(dir, '.env'), "UCP_PULL_IMAGES='\nREGISTRY_PASSWORD=Zq7AKIAxyzw\n'\n");
    const error = configError({});
    expect(error.message).not.toMatch(/Zq7|AKIA|xyzw/);
    expect(error.message).toBe(
      'UCP_PULL_IMAGES: has a value of 3 lines, not shown: a value is one line ' +
        '(is a quote left open in the dotenv file?)',
    );
    expect(error.problems[0].value).toBeUndefined();
    fs.rmSync(path.join(dir, '.env'));
    // A parser that quotes a part of the value (a host list's entry) is not asked.
    expect(configError({ NUM_MACHINES: '3\n4', GENERIC_MACHINE_LIST: 'a,\nb c' }).message).toBe(
      'NUM_MACHINES: has a value of 2 lines, not shown: a value is one line\n' +
        'GENERIC_MACHINE_LIST: has a value of 2 lines, not shown: a value is one line',
    );
    // A secret may be of several lines.
    expect(load({ REGISTRY_PASSWORD: 'a\nb' }).registry.password).toBe('a\nb');
  });

  test('a secret from the .env file is not shown either', () => {
    fs.writeFileSync(path.join(dir, '.env'), `UCP_ADMIN_PASSWORD=${adminSecret}\n`);
    const error = configError({});
    expect(error.message).not.toContain(adminSecret);
    expect(error.message).toMatch(/^UCP_ADMIN_PASSWORD=<hidden>:/);
  });
});

describe('splitShellWords', () => {
  test.each([
    [`--a "b c" 'd e' f\\ g`, ['--a', 'b c', 'd e', 'f g']],
    [`--tags=a#b "x"#y`, ['--tags=a#b', 'x#y']],
    [`'a*' a\\? "$"`, ['a*', 'a?', '$']],
    [`$'it\\'s'`, ["it's"]],
    [`'$HOME' \\$HOME`, ['$HOME', '$HOME']],
    ['', []],
  ])('%s', (text, words) => {
    expect(splitShellWords(text)).toEqual({ ok: true, words });
  });

  test.each([
    ['"abc', /unterminated double quote/],
    ["'abc", /unterminated single quote/],
    ["$'abc", /unterminated \$'...' quote/],
    ['abc\\', /lone backslash/],
    ['a\nb', /line break/],
    ['a # c', /comment/],
    ['a &', /operator "&"/],
    ['a 2>&1', /operator/],
    ['a < in', /operator "<"/],
    ['a ?', /glob/],
    ['${HOME}/x', /\$HOME/],
  ])('%s is refused', (text, pattern) => {
    const result = splitShellWords(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(pattern);
  });
});

describe('splitShellWords: ~ and braces as a shell reads them', () => {
  test.each([
    ['--generic-ssh-key ~/.ssh/id_rsa', ['--generic-ssh-key', '/home/u/.ssh/id_rsa']],
    ['~', ['/home/u']],
    // Quoted, or not at the start of a word, a ~ is a ~ (`--key=~/x` too: bash leaves it).
    [`'~/x' "~/x" \\~/x x~ --key=~/x a:~/x`, ['~/x', '~/x', '~/x', 'x~', '--key=~/x', 'a:~/x']],
    // Braces a shell leaves alone, and quoted ones.
    [`{} {a} '{a,b}' "{1..3}" \\{a,b\\} {a','b}`, ['{}', '{a}', '{a,b}', '{1..3}', '{a,b}', '{a,b}']],
  ])('%s', (text, words) => {
    expect(splitShellWords(text, { home: '/home/u' })).toEqual({ ok: true, words });
  });

  test.each([
    ['--amazonec2-tags {a,b}', /^word "\{a,b\}" has a brace expansion/],
    ['x{1..3}', /^word "x\{1..3\}" has a brace expansion/],
    ['--dir {a,{b,c}}/x', /^word "\{a,\{b,c\}\}\/x" has a brace expansion/],
    ['--key ~root/.ssh/id_rsa', /^word "~root\/.ssh\/id_rsa" starts with "~root", a user's home directory/],
    ['~+/x', /^word "~\+\/x" starts with "~\+"/],
    ['--engine-env KEYS=~/k', /^word "KEYS=~\/k" has a ~ after "=" or ":" in a NAME=value word/],
    ['PATH=/bin:~/bin', /^word "PATH=\/bin:~\/bin" has a ~ after "=" or ":"/],
  ])('%s is refused, naming the word', (text, pattern) => {
    const result = splitShellWords(text, { home: '/home/u' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(pattern);
  });

  test('wherever it accepts a text, its words are the words bash makes of it', () => {
    // Bounded: 400 random texts of the characters that quoting, ~ and braces turn on.
    const pieces = ['a', 'b', ' ', "'", '"', '\\', '~', '{', '}', ',', '..', '/', '=', '-', ':', '#', 'x'];
    let seed = 20240601;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    let compared = 0;
    for (let k = 0; k < 400; k++) {
      let text = '';
      for (let i = 1 + next(9); i > 0; i--) text += pieces[next(pieces.length)];
      const split = splitShellWords(text, { home: '/h' });
      if (!split.ok) continue;
      const bash = spawnSync('bash', ['-c', `set -f; printf '%s\\0' ${text}`], {
        env: { HOME: '/h', PATH: process.env.PATH },
        encoding: 'utf8',
      });
      if (bash.status !== 0) continue;
      // printf prints one empty word when it is given none.
      const words = bash.stdout.split('\0').slice(0, -1);
      expect({ text, words: split.words.length ? split.words : [''] }).toEqual({ text, words });
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  test('MACHINE_CREATE_FLAGS with a brace expansion is a configuration error naming the variable and the word', () => {
    expect(
      linesAbout(
        configError({ MACHINE_CREATE_FLAGS: '--amazonec2-tags env,{ci,dev}' }),
        'MACHINE_CREATE_FLAGS',
      ),
    ).toEqual([expect.stringMatching(/^MACHINE_CREATE_FLAGS: word "env,\{ci,dev\}" has a brace expansion/)]);
    expect(load({ MACHINE_CREATE_FLAGS: '--generic-ssh-key ~/.ssh/id_rsa' }).machineCreateFlags).toEqual([
      '--generic-ssh-key',
      path.join(home, '.ssh', 'id_rsa'),
    ]);
  });
});

describe('secrets stay out of serialised configuration', () => {
  test('JSON.stringify, util.inspect and spreading do not carry the passwords, reading them still works', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { inspect } = require('node:util') as typeof import('node:util');
    const config = loadConfig({
      env: {
        REGISTRY_PASSWORD: 'registry-secret-1',
        UCP_ADMIN_PASSWORD: 'admin-secret-22',
        REGISTRY_USERNAME: 'u',
      },
      cwd: '/nonexistent-dir-for-dotenv',
    });
    expect(config.registry.password).toBe('registry-secret-1');
    expect(config.admin.password).toBe('admin-secret-22');
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
      JSON.stringify({ ...config.admin }),
    ]) {
      expect(text).not.toContain('registry-secret-1');
      expect(text).not.toContain('admin-secret-22');
    }
  });
});

test('DTR_HA_UNTIL must be one of the build targets', () => {
  expect(() =>
    loadConfig({ env: { DTR_HA_UNTIL: 'everything' }, cwd: '/nonexistent-dir-for-dotenv' }),
  ).toThrow(/DTR_HA_UNTIL="everything": must be machines, ucp or dtr/);
});
