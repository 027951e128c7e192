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

/** Each of `lines` (a command and an undefined flag first) is refused as urfave/cli refuses it. */
async function expectUndefinedFlags(app: any, lines: string[][]) {
  for (const args of lines) {
    const refused = await run(app, args);
    expect([args, refused.code, refused.stdout.split('\n')[0]]).toEqual([
      args,
      1,
      `Incorrect Usage: flag provided but not defined: -${args[1].slice(2)}`,
    ]);
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
    const result = await run(app, ['upgrade']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("The DTR 2.0 stand-in does not implement 'upgrade'");
  });

  test('accepts the backup and restore lines the framework builds; has no emergency-repair, as 2.0 has none', async () => {
    const backup = commands.dtrBackup({ ...access, existingReplicaId: 'ba9876543210', configOnly: true });
    expect(parse(app, backup)).toMatchObject({
      'ucp-password': 's3cret',
      'ucp-ca': access.ucpCaPem,
      'existing-replica-id': 'ba9876543210',
      'config-only': true,
    });
    const restore = commands.dtrRestore({ ...replica, external: { host: 'dtr.lab', port: 4443 } });
    expect(parse(app, restore)).toMatchObject({
      ...installValues,
      'dtr-external-url': 'dtr.lab:4443',
      'replica-https-port': '4443',
      'config-only': false,
    });
    expect(await run(app, ['emergency-repair', '--y'])).toMatchObject({
      code: 3,
      stderr: "No help topic for 'emergency-repair'\n",
    });
    // 2.7's flags of these commands are not 2.0's.
    await expectUndefinedFlags(app, [
      ['backup', '--offline-backup'],
      ['restore', '--dtr-use-default-storage'],
      ['restore', '--extra-envs', 'x'],
    ]);
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

describe('DTR 2.7 recovery commands', () => {
  let app: any;
  beforeAll(async () => {
    app = await appOf(dtr27);
  });
  const { commands } = ucp3xDtr27;
  const tls = { caPem: 'CA PEM', certPem: 'CERT PEM', keyPem: 'KEY PEM' };

  test('accepts emergency-repair, backup and restore as the framework builds them, secrets from the environment', () => {
    const repair = commands.dtrEmergencyRepair({ ...access, existingReplicaId: 'ba9876543210', prune: true });
    expect(repair.args).not.toContain('s3cret');
    expect(parse(app, repair)).toMatchObject({
      'ucp-password': 's3cret',
      'existing-replica-id': 'ba9876543210',
      prune: true,
      y: true,
    });
    const backup = commands.dtrBackup({ ...access, existingReplicaId: 'ba9876543210' });
    expect(parse(app, backup)).toMatchObject({
      'ucp-password': 's3cret',
      'existing-replica-id': 'ba9876543210',
      'offline-backup': false,
    });
    const restore = commands.dtrRestore({ ...replica, external: { host: 'dtr.lab', port: 4443 }, tls });
    expect(restore.args).not.toContain('KEY PEM');
    expect(parse(app, restore)).toMatchObject({
      ...installValues,
      'dtr-external-url': 'https://dtr.lab:4443',
      'dtr-ca': 'CA PEM',
      'dtr-cert': 'CERT PEM',
      'dtr-key': 'KEY PEM',
      'dtr-use-default-storage': true,
    });
  });

  test('emergency-repair stops before anything changes unless --y answers its prompt', async () => {
    const result = await run(app, ['emergency-repair', '--existing-replica-id', '0123456789ab']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/level=fatal msg=".*confirm with --y \(the stand-in does not prompt\)"/);
    // `yes` is the page's other spelling of the flag.
    expect(parse(app, { args: ['emergency-repair', '--yes'], env: {} }).y).toBe(true);
  });

  test('restore needs exactly one storage flag, the storage the backed-up cluster used', async () => {
    for (const args of [[], ['--dtr-use-default-storage', '--nfs-storage-url', 'nfs://h/p']]) {
      const result = await run(app, ['restore', ...args]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'restore needs exactly one of --dtr-use-default-storage, --dtr-storage-volume, --nfs-storage-url',
      );
    }
  });

  test("flags of 2.0's recovery commands are refused", async () => {
    await expectUndefinedFlags(app, [
      ['backup', '--config-only'],
      ['restore', '--config-only'],
      ['emergency-repair', '--force'],
    ]);
  });
});

describe('what a backup holds', () => {
  let archive: any;
  beforeAll(async () => {
    archive = await load(path.join(dtrRoot, 'lib/backup.js'));
  });
  const manifest = {
    release: '2.0',
    cluster_id: 'c0ffee',
    taken_from: '0123456789ab',
    taken_at: '2024-01-01T00:00:00Z',
    store_revision: '42',
    config_only: false,
  };
  const cluster = { cluster_id: 'c0ffee', external_url: 'dtr.lab', replicas: { '0123456789ab': {} } };
  const repositories = [{ key: '/dtr/repositories/admin/web', value: { name: 'web' } }];
  const meta = {
    'http-secret': Buffer.from('s\n'),
    'ca/ca.pem': Buffer.from('CA'),
    'ca/ca-key.pem': Buffer.from('K'),
  };

  test('a tar of the configuration, the repositories and the keys under dtr-backup-v<version>/, no images', async () => {
    const tar = await load(path.join(commonRoot, 'tar.js'));
    const packed = archive.pack({ manifest, cluster, repositories, meta });
    const names = tar.unpack(packed).map((f: any) => f.name);
    expect(names).toEqual([
      'dtr-backup-v2.0.0/manifest.json',
      'dtr-backup-v2.0.0/etcd/cluster.json',
      'dtr-backup-v2.0.0/rethink/repositories.json',
      'dtr-backup-v2.0.0/meta/http-secret',
      'dtr-backup-v2.0.0/meta/ca/ca.pem',
      'dtr-backup-v2.0.0/meta/ca/ca-key.pem',
    ]);
    const back = archive.unpack(packed, '2.0');
    expect(back).toMatchObject({ cluster, repositories, manifest: { ...manifest, format: archive.format } });
    expect(Object.fromEntries(Object.entries(back.meta).map(([k, v]: any) => [k, v.toString()]))).toEqual({
      'http-secret': 's\n',
      'ca/ca.pem': 'CA',
      'ca/ca-key.pem': 'K',
    });
    // Without --config-only's database: no repositories.
    const configOnly = archive.pack({
      manifest: { ...manifest, config_only: true },
      cluster,
      repositories,
      meta,
    });
    expect(tar.unpack(configOnly).map((f: any) => f.name)).not.toContain(
      'dtr-backup-v2.0.0/rethink/repositories.json',
    );
    expect(archive.unpack(configOnly, '2.0').repositories).toEqual([]);
  });

  test('restore refuses what is not a backup of its release, saying what it is not', () => {
    const packed = archive.pack({ manifest, cluster, repositories, meta });
    const message = (input: Buffer, line: string) => {
      try {
        archive.unpack(input, line);
        return 'read';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message(packed, '2.7')).toBe(
      'This is a backup of DTR 2.0, and this is DTR 2.7: restore it with the release that made it',
    );
    expect(message(Buffer.from('not a tar'), '2.0')).toBe(
      'The standard input is not a DTR backup (a tar archive made by docker/dtr backup)',
    );
    expect(message(Buffer.alloc(0), '2.0')).toMatch(
      /^restore reads the backup on its standard input, and got nothing/,
    );
  });

  test('emergency-repair starts the member once with --force-new-cluster, on the data it has', async () => {
    const store = await load(path.join(dtrRoot, 'lib/store.js'));
    const p = {
      replicaId: '0123456789ab',
      node: { name: 'node-3', address: '10.0.0.3' },
      components: { store: 'dtrha-lab/dtr-rethinkdb:2.7.0-standin' },
    };
    const settings = {
      initialCluster: { '0123456789ab': 'https://10.0.0.3:2380' },
      state: 'existing',
      clusterId: 'c',
    };
    const forced = store.memberContainer(p, '2.7', { ...settings, forceNewCluster: true });
    expect(forced.Cmd).toContain('--force-new-cluster');
    expect(forced.Cmd).toContain(`--data-dir=${store.dataDir()}`);
    expect(store.memberContainer(p, '2.7', settings).Cmd).not.toContain('--force-new-cluster');
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
