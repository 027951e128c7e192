import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dtr20, dtr27, type ReleaseContract } from '../../contracts';
import { ucp11Dtr20 } from '../../releases/ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from '../../releases/ucp-3.x+dtr-2.7';
import type { CommandLine } from '../../releases/profile';
import { recipeDir } from '../lab-image';

// The DTR stand-in's commands per release: built from each release's contract, written as the lab
// writes it into the image (/opt/standin-release/contract.json; STANDIN_CONTRACT points elsewhere).
// The command lines it must accept are those of the framework's own builders (src/releases).

const dtrRoot = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin');
const commonRoot = path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common');
/* eslint-disable @typescript-eslint/no-explicit-any */
const load = (file: string): Promise<any> => import(file);

let dir: string;
let cli: any;
let dtrApp: any;
let createLogger: any;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtr-standin-contracts-'));
  cli = await load(path.join(commonRoot, 'cli.js'));
  ({ createLogger } = await load(path.join(commonRoot, 'log.js')));
  ({ app: dtrApp } = await load(path.join(dtrRoot, 'lib/app.js')));
});
afterAll(async () => {
  delete process.env.STANDIN_CONTRACT;
  await fs.rm(dir, { recursive: true, force: true });
});

/** The app as the image of `contract` builds it: read from the JSON file, through STANDIN_CONTRACT. */
async function appOf(contract: ReleaseContract): Promise<any> {
  const file = path.join(dir, `${contract.product}-${contract.line}.json`);
  await fs.writeFile(file, `${JSON.stringify(contract, null, 2)}\n`);
  process.env.STANDIN_CONTRACT = file;
  return dtrApp(createLogger());
}

/** cli.js's run of `args`: its exit code and what it printed (no action runs: every case fails first). */
async function run(app: any, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((c: any) => !!out.push(String(c)));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => !!err.push(String(c)));
  try {
    const code = await cli.run(app, args, createLogger(), {});
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Parses a command line as the image would, with its environment: the values an action gets. */
function parse(app: any, line: CommandLine) {
  const [name, ...rest] = line.args;
  const command = app.commands.find((c: any) => c.name === name);
  expect(command).toBeDefined();
  return cli.parse(command, rest, line.env).values;
}

const access = {
  ucpUrl: 'https://10.0.0.2:8443',
  ucpCaPem: '-----BEGIN CERTIFICATE-----\nUCP\n-----END CERTIFICATE-----',
  ucpUsername: 'admin',
  ucpPassword: 's3cret',
};
const replica = { ...access, node: 'node-3', replicaId: '0123456789ab', httpPort: 81, httpsPort: 4443 };
/** What both releases' install gets of `replica`, however each passes the password. */
const installValues = {
  'ucp-url': access.ucpUrl,
  'ucp-username': 'admin',
  'ucp-password': 's3cret',
  'ucp-ca': access.ucpCaPem,
  'ucp-node': 'node-3',
  'replica-id': '0123456789ab',
};

describe('DTR 2.0', () => {
  let app: any;
  beforeAll(async () => {
    app = await appOf(dtr20);
  });
  const { commands } = ucp11Dtr20;

  test('refuses --dtr-ca on install, and destroy, as the 2.0 CLI does', async () => {
    const caFlag = await run(app, ['install', '--dtr-ca', 'x']);
    expect(caFlag.code).toBe(1);
    expect(caFlag.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -dtr-ca\n/);
    expect(await run(app, ['destroy', '--replica-id', '0123456789ab'])).toMatchObject({
      code: 3,
      stderr: "No help topic for 'destroy'\n",
    });
    for (const flag of ['--dtr-cert', '--dtr-key', '--replica-ids', '--nfs-storage-url'])
      expect((await run(app, ['install', flag, 'x'])).code).toBe(1);
  });

  test('accepts the install, join and remove lines the framework builds', () => {
    const install = commands.dtrInstall({
      ...replica,
      constraints: [],
      external: { host: 'dtr.lab', port: 4443 },
    });
    expect(parse(app, install)).toMatchObject({
      ...installValues,
      'dtr-external-url': 'dtr.lab:4443',
      'replica-http-port': '81',
      'replica-https-port': '4443',
    });
    const placed = commands.dtrInstall({
      ...replica,
      constraints: [{ key: 'zone', operator: '==', value: 'a' }],
      external: { host: 'dtr.lab' },
    });
    expect(parse(app, placed)).toMatchObject({
      'ucp-node': undefined,
      'extra-envs': 'constraint:zone==a&constraint:node==node-3',
    });
    const join = commands.dtrJoin({ ...replica, constraints: [], existingReplicaId: 'ba9876543210' });
    expect(parse(app, join)).toMatchObject({
      'ucp-password': 's3cret',
      'ucp-node': 'node-3',
      'existing-replica-id': 'ba9876543210',
      'replica-id': '0123456789ab',
      'replica-https-port': '4443',
    });
    const remove = commands.dtrRemove({
      ...access,
      replicaId: '0123456789ab',
      existingReplicaId: 'ba9876543210',
    });
    expect(parse(app, remove)).toMatchObject({ 'replica-id': '0123456789ab', 'force-remove': false });
    const last = commands.dtrRemove({
      ...access,
      replicaId: '0123456789ab',
      existingReplicaId: '0123456789ab',
    });
    expect(parse(app, last)['force-remove']).toBe(true);
  });

  test('no flag reads the environment: the 2.0 pages name no variable', () => {
    const values = parse(app, { args: ['remove'], env: { UCP_PASSWORD: 'x', UCP_URL: 'https://u' } });
    expect(values['ucp-password']).toBeUndefined();
    expect(values['ucp-url']).toBeUndefined();
  });

  test('documented commands it does not implement say so', async () => {
    const result = await run(app, ['backup']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("The DTR 2.0 stand-in does not implement 'backup'");
  });
});

describe('DTR 2.7', () => {
  let app: any;
  beforeAll(async () => {
    app = await appOf(dtr27);
  });
  const { commands } = ucp3xDtr27;
  const tls = { caPem: 'CA PEM', certPem: 'CERT PEM', keyPem: 'KEY PEM' };

  test('refuses --extra-envs, which 2.7 does not document', async () => {
    const result = await run(app, ['install', '--extra-envs', 'x']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -extra-envs\n/);
    expect((await run(app, ['remove', '--force-remove'])).code).toBe(1);
  });

  test('accepts install, join, remove and destroy as the framework builds them, secrets from the environment', () => {
    const install = commands.dtrInstall({ ...replica, external: { host: 'dtr.lab', port: 4443 }, tls });
    expect(install.args).not.toContain('s3cret');
    expect(install.args).not.toContain('KEY PEM');
    expect(parse(app, install)).toMatchObject({
      ...installValues,
      'dtr-external-url': 'https://dtr.lab:4443',
      'replica-http-port': '81',
      'replica-https-port': '4443',
      'dtr-ca': 'CA PEM',
      'dtr-cert': 'CERT PEM',
      'dtr-key': 'KEY PEM',
    });
    const join = commands.dtrJoin({ ...replica, existingReplicaId: 'ba9876543210' });
    expect(parse(app, join)).toMatchObject({
      'ucp-password': 's3cret',
      'ucp-node': 'node-3',
      'existing-replica-id': 'ba9876543210',
      'replica-id': '0123456789ab',
      'replica-http-port': '81',
    });
    const remove = commands.dtrRemove({
      ...access,
      replicaId: '0123456789ab',
      existingReplicaId: 'ba9876543210',
    });
    expect(parse(app, remove)).toMatchObject({
      'ucp-password': 's3cret',
      'existing-replica-id': 'ba9876543210',
      'replica-ids': '0123456789ab',
    });
    // The deprecated alias is still accepted.
    expect(parse(app, { args: ['remove', '--replica-id', '0123456789ab'], env: {} })['replica-id']).toBe(
      '0123456789ab',
    );
    const destroy = commands.dtrDestroy({ ...access, replicaId: '0123456789ab' });
    expect(parse(app, destroy)).toMatchObject({ 'replica-id': '0123456789ab', 'ucp-password': 's3cret' });
  });
});

test('the hidden internals are there for both releases, and not in the help', async () => {
  for (const contract of [dtr20, dtr27]) {
    const app = await appOf(contract);
    const hidden = app.commands.filter((c: any) => c.hidden).map((c: any) => c.name);
    expect(hidden).toEqual(['phase2', 'front', 'registry', 'release-volume']);
    const help = await run(app, ['--help']);
    expect(help.stdout).toContain(`Docker Trusted Registry ${contract.line}`);
    expect(help.stdout).not.toContain('phase2');
  }
});

test('--extra-envs constraints select this engine: node by name, other keys by engine label', async () => {
  const { constraintsOf, engineMeets, parseExtraEnvs } = await load(path.join(dtrRoot, 'lib/app.js'));
  const constraints = constraintsOf(parseExtraEnvs('A=1&constraint:zone==a&constraint:node==node-3'));
  expect(constraints).toEqual([
    { key: 'zone', operator: '==', value: 'a' },
    { key: 'node', operator: '==', value: 'node-3' },
  ]);
  const info = { Name: 'node-3', Labels: ['zone=a', 'disk=ssd'] };
  expect(constraints.map((c: unknown) => engineMeets(c, info))).toEqual([true, true]);
  expect(engineMeets({ key: 'node', operator: '==', value: 'node-4' }, info)).toBe(false);
  expect(engineMeets({ key: 'disk', operator: '!=', value: 'hdd' }, info)).toBe(true);
  expect(() => constraintsOf(['constraint:zone~a'])).toThrow('Invalid --extra-envs constraint');
});

describe("the metadata store's check of a membership change (etcd's, on the members' /health)", () => {
  /** A store client whose members and their health are `cluster` ({ name: healthy }; '' = added, not started). */
  async function storeOf(cluster: Array<[string, boolean]>) {
    const { Etcd } = await load(path.join(dtrRoot, 'lib/etcd.js'));
    const etcd = new Etcd([], {});
    etcd.members = async () =>
      cluster.map(([name], i) => ({
        id: String(i + 1),
        name,
        peerURLs: [`https://10.0.0.${i + 1}:2380`],
        clientURLs: name ? [`https://10.0.0.${i + 1}:2379`] : [],
      }));
    const healthy = new Map(cluster.map(([, ok], i) => [`https://10.0.0.${i + 1}:2379`, ok]));
    etcd.memberHealth = async (url: string) =>
      healthy.get(url) ? { healthy: true } : { healthy: false, reason: 'ECONNREFUSED' };
    return etcd;
  }
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'allowed',
      (e: Error) => `${e.name}: ${e.message}`,
    );

  test('a member is added only while every member has started and is healthy', async () => {
    const add = async (cluster: Array<[string, boolean]>) =>
      outcome((await storeOf(cluster)).checkReconfiguration('add'));
    const cases: Array<[Array<[string, boolean]>, string]> = [
      [[['a', true]], 'allowed'],
      [
        [
          ['a', true],
          ['b', true],
        ],
        'allowed',
      ],
      [
        [
          ['a', true],
          ['b', true],
          ['c', false],
        ],
        'NoQuorum: etcdserver: unhealthy cluster (members not healthy: c: ECONNREFUSED)',
      ],
      [
        [
          ['a', true],
          ['', false],
        ],
        'NoQuorum: etcdserver: unhealthy cluster (members not healthy: 2: added but not started)',
      ],
    ];
    for (const [cluster, expected] of cases) expect(await add(cluster)).toBe(expected);
  });

  test('a member that is down may go; one that is up only if a quorum of the rest stays healthy', async () => {
    const three = (down: string[]) =>
      storeOf(['a', 'b', 'c'].map((name): [string, boolean] => [name, !down.includes(name)]));
    // All three up: removing one leaves 2 of 2.
    expect(await outcome((await three([])).checkReconfiguration({ remove: '2' }))).toBe('allowed');
    // c down: removing c is safe; removing b would leave a alone of a and c.
    expect(await outcome((await three(['c'])).checkReconfiguration({ remove: '3' }))).toBe('allowed');
    expect(await outcome((await three(['c'])).checkReconfiguration({ remove: '2' }))).toBe(
      'NoQuorum: etcdserver: re-configuration failed due to not enough started members ' +
        '(removing a healthy member would leave 1 of 2; not healthy: c: ECONNREFUSED)',
    );
    // Two of two up: removing one leaves one of one.
    const two = await storeOf([
      ['a', true],
      ['b', true],
    ]);
    expect(await outcome(two.checkReconfiguration({ remove: '2' }))).toBe('allowed');
  });
});
