/**
 * The docker-machine stand-in refuses what the real CLI (v0.16.2) refuses, with its messages and exit
 * codes: what is tested here ends before the stand-in would need Docker (OfflineStandin proves it).
 * The stand-in's machines themselves are tested by docker-machine-provider.int.test.ts.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  offlineStandinEachTest,
  standinDir,
  standinPath,
} from '../../../../test-support/docker-machine-standin';
import { driverSecretVariables } from './driver-secret-env';

const current = offlineStandinEachTest();
let standin: ReturnType<typeof current>;
beforeEach(() => {
  standin = current();
});

/** The flags of driver-flags.tsv: driver ('*' for all), name, kind, default, variable, usage. */
async function flagTable(): Promise<string[][]> {
  const text = await fs.readFile(path.join(standinDir, 'driver-flags.tsv'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split('\t'));
}

describe('create takes the flags of its driver only', () => {
  // docs/machines.md's worked example, and the flags the framework's own tests use.
  test.each([
    [
      'amazonec2',
      '--amazonec2-region us-west-2 --amazonec2-vpc-id vpc-1 --amazonec2-zone a --amazonec2-security-group dtr-ha --amazonec2-instance-type t2.small',
    ],
    ['amazonec2', '--amazonec2-security-group=a --amazonec2-security-group b --amazonec2-root-size=0x20'],
    ['amazonec2', '--amazonec2-request-spot-instance --amazonec2-monitoring=false --amazonec2-ssh-port 2222'],
    ['virtualbox', '--virtualbox-memory 2048 --virtualbox-no-share -virtualbox-cpu-count=-1'],
    [
      'generic',
      '--generic-ip-address 10.0.0.1 --generic-ssh-user ubuntu --generic-ssh-key /k --generic-ssh-port 22',
    ],
    [
      'virtualbox',
      '--engine-label a=b --engine-opt dns=8.8.8.8 --engine-insecure-registry r:5000 --tls-san x',
    ],
  ])('%s %s', async (driver, flags) => {
    // --help after the flags: they are parsed (and refused when wrong), then the help is printed.
    const result = await standin.run(['create', '--driver', driver, ...flags.split(' '), '--help']);
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toMatch(
      /^Usage: docker-machine create \[OPTIONS\] \[arg\.\.\.\]\n\nCreate a machine\n/,
    );
    expect(result.stdout).toContain(`--${driver}-`);
  });

  test.each([
    // A typo in MACHINE_CREATE_FLAGS, another driver's flag, a flag no driver has.
    ['amazonec2', ['--amazonec2-regoin', 'us-west-2'], 'flag provided but not defined: -amazonec2-regoin'],
    ['virtualbox', ['--amazonec2-region', 'us-west-2'], 'flag provided but not defined: -amazonec2-region'],
    ['amazonec2', ['--amazonec2-api-secret', 'x'], 'flag provided but not defined: -amazonec2-api-secret'],
    ['amazonec2', ['--amazonec2-open-ports', '80'], 'flag provided but not defined: -amazonec2-open-ports'],
    ['generic', ['--generic-ssh-username', 'u'], 'flag provided but not defined: -generic-ssh-username'],
    [
      'virtualbox',
      ['--virtualbox-memory', '2G'],
      'invalid value "2G" for flag -virtualbox-memory: strconv.ParseInt: parsing "2G": invalid syntax',
    ],
    [
      'amazonec2',
      ['--amazonec2-monitoring=yes'],
      'invalid boolean value "yes" for -amazonec2-monitoring: strconv.ParseBool: parsing "yes": invalid syntax',
    ],
    ['amazonec2', ['--amazonec2-region'], 'flag needs an argument: -amazonec2-region'],
  ])('%s %j is refused, with the usage text', async (driver, flags, message) => {
    const args = ['create', '--driver', driver, ...flags];
    // A value-taking flag at the end would take the name as its value: the name goes first then,
    // as codegangsta/cli allows (the words before the first flag are moved after the flags).
    const result = await standin.run(message.startsWith('flag needs') ? [...args] : [...args, 'm1']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(message);
    expect(result.stdout).toMatch(
      /^Incorrect Usage\.\n\nUsage: docker-machine create \[OPTIONS\] \[arg\.\.\.\]\n/,
    );
    // The help lists the driver's flags as --help would.
    expect(result.stdout).toMatch(new RegExp(`\\n   --${driver}-\\S+`));
    expect(await fs.readdir(standin.store).catch(() => [])).toEqual([]);
  });

  test("the help lists each flag as the real binary's does, sorted, aligned with tabs", async () => {
    const { stdout } = await standin.run(['create', '-d', 'amazonec2', '--help']);
    const lines = stdout.split('\n');
    const options = lines.slice(lines.indexOf('Options:') + 2).filter(Boolean);
    expect(options).toContain(
      '   --amazonec2-region "us-east-1"\t\t\t\t\t\t\t\t\tAWS region [$AWS_DEFAULT_REGION]',
    );
    expect(options).toContain(
      '   --amazonec2-security-group [--amazonec2-security-group option --amazonec2-security-group option]\tAWS VPC security group [$AWS_SECURITY_GROUP]',
    );
    expect(options.map((line) => line.split('\t')[0])).toEqual(
      options.map((line) => line.split('\t')[0]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    // Every usage starts at the same column once the tabs are 8 wide.
    const columns = options.map((line) => {
      const [cell, ...rest] = line.split(/(\t+)/);
      return Math.ceil((cell.length + 1) / 8) * 8 + (rest[0].length - 1) * 8;
    });
    expect(new Set(columns).size).toBe(1);
  });

  test('a name, one, after the flags; a valid one', async () => {
    const extra = await standin.run(['create', '--driver', 'virtualbox', 'm1', 'm2']);
    expect([extra.code, extra.stderr.trim()]).toEqual([
      1,
      'Invalid command line. Found extra arguments [m2]',
    ]);
    // A boolean flag takes no word after it: Go's flag package stops there.
    const afterBool = await standin.run([
      'create',
      '--driver',
      'virtualbox',
      '--virtualbox-no-share',
      'true',
      'm1',
    ]);
    expect(afterBool.stderr.trim()).toBe('Invalid command line. Found extra arguments [m1]');
    const none = await standin.run(['create', '--driver', 'virtualbox']);
    expect([none.code, none.stderr.trim()]).toEqual([1, 'Error: No machine name specified']);
    expect(none.stdout).toMatch(/^Usage: docker-machine create/);
    const bad = await standin.run(['create', '--driver', 'virtualbox', 'bad_name']);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      1,
      'Error creating machine: Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . -',
    ]);
  });

  test('an unknown driver, and a core driver the stand-in does not reproduce', async () => {
    const unknown = await standin.run(['create', '--driver', 'amazon', 'm1']);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      'Driver "amazon" not found. Do you have the plugin binary "docker-machine-driver-amazon" accessible in your PATH?',
    ]);
    // MACHINE_DRIVER is the --driver flag's variable, as for the real CLI.
    const fromVariable = await standin.run(['create', 'm1'], { MACHINE_DRIVER: 'amazon' });
    expect(fromVariable.stderr).toContain('Driver "amazon" not found');
    const azure = await standin.run(['create', '--driver', 'azure', 'm1']);
    expect([azure.code, azure.stderr.trim()]).toEqual([
      1,
      'Error: the docker-machine stand-in reproduces the drivers amazonec2, generic and virtualbox only, not azure (see its README)',
    ]);
  });

  test("the drivers' own checks of their flags", async () => {
    const check = async (args: string[], env: NodeJS.ProcessEnv = {}) =>
      (await standin.run(['create', ...args, 'm1'], env)).stderr.trim();
    const prefix = 'Error setting machine configuration from flags provided: ';
    const keys = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' };
    expect(await check(['-d', 'amazonec2', '--amazonec2-region', 'mars-1'], keys)).toBe(
      `${prefix}Invalid region specified`,
    );
    expect(await check(['-d', 'amazonec2'])).toBe(
      `${prefix}amazonec2 driver requires AWS credentials configured with the --amazonec2-access-key and ` +
        '--amazonec2-secret-key options, environment variables, ~/.aws/credentials, or an instance role',
    );
    expect(await check(['-d', 'amazonec2', '--amazonec2-keypair-name', 'k'], keys)).toBe(
      `${prefix}using --amazonec2-keypair-name also requires --amazonec2-ssh-keypath`,
    );
    expect(await check(['-d', 'generic'])).toBe(
      `${prefix}generic driver requires the --generic-ip-address option`,
    );
    // Past those checks with credentials from the variables: the pre-create check, exit 3.
    const result = await standin.run(['create', '-d', 'amazonec2', 'm1'], keys);
    expect([result.code, result.stderr.trim()]).toEqual([
      3,
      'Error with pre-create check: "DOCKER_MACHINE_STANDIN_IMAGE is not set: the stand-in needs the dtr-ha lab node image to run machines"',
    ]);
  });

  test('the flag table: well formed, and it has every secret flag driver-secret-env.ts moves', async () => {
    const rows = await flagTable();
    for (const row of rows) {
      expect(row).toHaveLength(6);
      const [driver, name, kind] = row;
      expect(['*', 'amazonec2', 'generic', 'virtualbox']).toContain(driver);
      expect(['string', 'int', 'bool', 'slice']).toContain(kind);
      if (driver !== '*') expect(name.startsWith(`${driver}-`)).toBe(true);
    }
    const names = new Set(rows.map(([driver, name]) => `${driver} --${name}`));
    for (const { driver, flag } of driverSecretVariables.filter((v) => v.driver === 'amazonec2')) {
      expect(names).toContain(`${driver} ${flag}`);
    }
    expect(rows.filter(([driver]) => driver === 'amazonec2')).toHaveLength(32);
    expect(rows.filter(([driver]) => driver === 'virtualbox')).toHaveLength(16);
    expect(rows.filter(([driver]) => driver === 'generic')).toHaveLength(5);
  });
});

describe('a failed create and its crash report', () => {
  const failing = ['create', '--driver', 'virtualbox', 'm1'];

  test('is "sent" unless the store or the token opts out', async () => {
    const result = await standin.run(failing);
    expect(result.code).toBe(3);
    expect(await standin.crashReports()).toMatch(/\tvirtualbox\/Create\tError with pre-create check: /);
  });

  test.each([
    ['the variable MACHINE_BUGSNAG_API_TOKEN=no-report', [], { MACHINE_BUGSNAG_API_TOKEN: 'no-report' }],
    ['--bugsnag-api-token no-report', ['--bugsnag-api-token', 'no-report'], {}],
    ['--bugsnag-api-token=no-report', ['--bugsnag-api-token=no-report'], {}],
  ])('is not sent with %s', async (_how, globalFlags, env) => {
    expect((await standin.run([...globalFlags, ...failing], env)).code).toBe(3);
    expect(await standin.crashReports()).toBe('');
  });

  test('is not sent with a no-error-report file in the store, nor by rancher-machine', async () => {
    await fs.mkdir(standin.store, { recursive: true });
    await fs.writeFile(path.join(standin.store, 'no-error-report'), '');
    expect((await standin.run(failing)).code).toBe(3);
    expect(await standin.crashReports()).toBe('');
    await fs.rm(path.join(standin.store, 'no-error-report'));
    // rancher/machine reports only when given a token (libmachine/crashreport NewCrashReporter).
    const rancher = path.join(standin.dir, 'bin', 'rancher-machine');
    await fs.symlink(standinPath, rancher);
    expect((await standin.run(failing, {}, 'rancher-machine')).code).toBe(3);
    expect(await standin.crashReports()).toBe('');
  });
});

describe('a machine whose config.json is missing', () => {
  async function brokenMachine(name: string): Promise<string> {
    const dir = path.join(standin.store, 'machines', name);
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, 'config.json');
  }

  test('ls lists it whatever the filter, never with -q; rm -y keeps it, rm -f -y removes it', async () => {
    const config = await brokenMachine('dm-2');
    await brokenMachine('other-1');
    const ls = await standin.run([
      'ls',
      '--filter',
      'name=^dm-[0-9]+$',
      '--format',
      '{{.Name}}\\t{{.State}}\\t{{.DriverName}}\\t{{.Error}}',
    ]);
    expect(ls.stdout).toBe(
      `dm-2\tError\tnot found\topen ${config}: no such file or directory\n` +
        `other-1\tError\tnot found\topen ${path.join(standin.store, 'machines/other-1/config.json')}: no such file or directory\n`,
    );
    expect((await standin.run(['ls', '-q'])).stdout).toBe('');
    for (const command of ['start', 'inspect', 'ip', 'env', 'ssh']) {
      const result = await standin.run([command, 'dm-2']);
      expect([command, result.code, result.stderr.trim()]).toEqual([
        command,
        1,
        `open ${config}: no such file or directory`,
      ]);
    }

    const rm = await standin.run(['rm', '-y', 'dm-2']);
    expect([rm.code, rm.stderr.trim()]).toEqual([
      1,
      `Error removing host "dm-2": open ${config}: no such file or directory`,
    ]);
    expect(await fs.readdir(path.join(standin.store, 'machines'))).toEqual(['dm-2', 'other-1']);
    const forced = await standin.run(['rm', '-f', '-y', 'dm-2']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Successfully removed dm-2');
    expect(await fs.readdir(path.join(standin.store, 'machines'))).toEqual(['other-1']);
  });

  test('ls of an empty store asks Docker nothing', async () => {
    const ls = await standin.run(['ls']);
    expect([ls.code, ls.stdout.split(/\s+/).filter(Boolean)]).toEqual([
      0,
      ['NAME', 'ACTIVE', 'DRIVER', 'STATE', 'URL', 'SWARM', 'DOCKER', 'ERRORS'],
    ]);
  });
});

test('a generic machine cannot be started, stopped or killed', async () => {
  const dir = path.join(standin.store, 'machines', 'g1');
  await fs.mkdir(dir, { recursive: true });
  // One key a line, as the stand-in writes config.json.
  await fs.writeFile(path.join(dir, 'config.json'), '{\n    "DriverName": "generic",\n    "Name": "g1"\n}\n');
  for (const command of ['start', 'stop', 'kill']) {
    const result = await standin.run([command, 'g1']);
    expect([result.code, result.stderr.trim()]).toEqual([1, `generic driver does not support ${command}`]);
  }
});
