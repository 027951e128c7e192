import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { dtr20, dtr27, ucp11, ucp3x, type ReleaseContract } from '../../contracts';
import { recipeDir } from '../lab-image';

// The stand-ins' pure parts, loaded from the recipe folders as the images run them (plain CommonJS).

const ucpRoot = path.join(recipeDir('ucp-standin'), 'rootfs/opt/ucp-standin');
const dtrRoot = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin');
const commonRoot = path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common');
/* eslint-disable @typescript-eslint/no-explicit-any */
const load = (file: string): Promise<any> => import(file);

describe('flag parsing follows Go flag / urfave/cli', () => {
  const command = {
    name: 'install',
    flags: [
      { name: 'url', type: 'string', env: ['UCP_URL'], usage: 'the URL' },
      { name: 'port', type: 'int', value: 443, usage: 'a port' },
      { name: 'san', type: 'strings', usage: 'names' },
      { name: 'fresh', type: 'bool', usage: 'fresh' },
      { name: 'interactive', aliases: ['i'], type: 'bool', usage: 'prompt' },
    ],
  };
  let cli: any;
  beforeAll(async () => {
    cli = await load(path.join(commonRoot, 'cli.js'));
  });

  test('values in every documented form, defaults and environment fallbacks', () => {
    const parsed = cli.parse(
      command,
      ['--url=https://a', '-port', '8443', '--san', 'x', '--san=y', '--fresh', '-i'],
      {},
    );
    expect(parsed.values).toEqual({
      url: 'https://a',
      port: 8443,
      san: ['x', 'y'],
      fresh: true,
      interactive: true,
    });
    expect(cli.parse(command, ['--fresh=false'], { UCP_URL: 'https://env' }).values).toMatchObject({
      url: 'https://env',
      port: 443,
      fresh: false,
    });
    expect(cli.parse(command, ['--url', 'https://flag'], { UCP_URL: 'https://env' }).values.url).toBe(
      'https://flag',
    );
    expect(cli.parse(command, ['-h'], {}).help).toBe(true);
  });

  test.each([
    [['--bogus'], 'flag provided but not defined: -bogus'],
    [['-bogus=1'], 'flag provided but not defined: -bogus'],
    [['--url'], 'flag needs an argument: -url'],
    [['--port', 'x'], 'invalid value "x" for flag -port: parse error'],
    [['--fresh=maybe'], 'invalid boolean value "maybe" for -fresh: parse error'],
    [['stray'], 'unexpected argument: stray'],
  ])('%j → %s', (args, message) => {
    expect(() => cli.parse(command, args, {})).toThrow(new cli.UsageError(message));
  });
});

test('certificates: a CA and a server certificate for DNS names and IP addresses, and the fingerprint', async () => {
  const pki = await load(path.join(commonRoot, 'pki.js'));
  const ca = pki.createCA('Test CA', { organization: 'dtr-ha' });
  const leaf = pki.issueCertificate(ca, 'leaf', ['dtr.example', '10.1.2.3', '::1', '10.1.2.3']);
  const caCert = new X509Certificate(ca.certPem);
  const leafCert = new X509Certificate(leaf.certPem);
  expect(caCert.ca).toBe(true);
  expect(leafCert.ca).toBe(false);
  expect(leafCert.checkIssued(caCert)).toBe(true);
  expect(leafCert.verify(caCert.publicKey)).toBe(true);
  expect(leafCert.subjectAltName).toBe('DNS:dtr.example, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1');
  expect(leafCert.checkIP('10.1.2.3')).toBe('10.1.2.3');
  expect(pki.fingerprint(ca.certPem)).toBe(caCert.fingerprint256);
  expect(pki.fingerprint(ca.certPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('tar archives for the Engine API round-trip', async () => {
  const tar = await load(path.join(commonRoot, 'tar.js'));
  const archive = tar.pack([
    { name: 'kv', dir: true },
    { name: 'kv/instance.json', content: '{"id":"X"}' },
    { name: 'kv/empty', content: '' },
    { name: 'big', content: Buffer.alloc(1000, 7), mode: 0o600 },
  ]);
  expect(archive.length % 512).toBe(0);
  const files = tar.unpack(archive).map((f: { name: string; content: Buffer }) => [f.name, f.content.length]);
  expect(files).toEqual([
    ['kv/instance.json', 10],
    ['kv/empty', 0],
    ['big', 1000],
  ]);
});

test('UCP fingerprints are compared whatever their case and separators', async () => {
  const { normalizeFingerprint } = await load(path.join(ucpRoot, 'lib/app.js'));
  expect(normalizeFingerprint('SHA-256 Fingerprint=ab:cd:ef')).toBe('AB:CD:EF');
  expect(normalizeFingerprint('abcdef')).toBe('AB:CD:EF');
});

test('DTR --extra-envs and --dtr-external-url are read as documented', async () => {
  const { parseExtraEnvs, externalUrl } = await load(path.join(dtrRoot, 'lib/app.js'));
  expect(parseExtraEnvs('A=1&B=x\\&y&constraint:node==n1')).toEqual(['A=1', 'B=x&y', 'constraint:node==n1']);
  expect(parseExtraEnvs('')).toEqual([]);
  expect(() => parseExtraEnvs('A=1&oops')).toThrow('Invalid --extra-envs entry "oops": expected NAME=VALUE');
  expect(externalUrl('https://dtr.example:8443/path')).toBe('dtr.example:8443');
  expect(externalUrl('10.0.0.1')).toBe('10.0.0.1');
});

test('replica names: what belongs to a replica, and which replicas an engine has', async () => {
  const { belongsTo, replicaIdsOf } = await load(path.join(dtrRoot, 'lib/names.js'));
  expect(belongsTo('/dtr-nginx-0123456789ab', '0123456789ab')).toBe(true);
  expect(belongsTo('dtr-phase2-0123456789ab', '0123456789ab')).toBe(true);
  expect(belongsTo('dtr-nginx-0123456789abc', '0123456789ab')).toBe(false);
  expect(belongsTo('ucp-0123456789ab', '0123456789ab')).toBe(false);
  expect(
    replicaIdsOf(['/dtr-nginx-0123456789ab', '/other'], ['dtr-registry-ba9876543210', 'dtr-registry-x']),
  ).toEqual(['0123456789ab', 'ba9876543210']);
});

// ---- component images ----------------------------------------------------------------------------
// Both stand-ins start their product containers from component images named after the installer's
// own reference, list them (`images --list`, `images`) and pull the missing ones before creating
// anything. The actions run against a fake Engine API on a Unix socket (DOCKER_SOCKET): it answers
// the installer's own container (Config.Image as it was run), which images are present, and pulls.

interface FakeEngine {
  /** Config.Image and Image of the installer's own container. */
  own: { image: string; imageId: string };
  present: Set<string>;
  /** How a pull answers: a status and a body (the engine's JSON stream on 200). */
  pull: { status: number; body: string };
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
}

let fake: FakeEngine;
let server: http.Server;
let socketDir: string;
const savedSocket = process.env.DOCKER_SOCKET;
const savedContract = process.env.STANDIN_CONTRACT;

beforeAll(async () => {
  socketDir = await fs.mkdtemp(path.join(os.tmpdir(), 'standin-engine-'));
  server = http.createServer((req, res) => {
    fake.requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    const url = new URL(req.url!, 'http://engine');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const image = /^\/images\/(.+)\/json$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/info') {
      reply(200, { Name: 'node-1', ID: 'ENGINE', Swarm: { LocalNodeState: 'inactive' } });
    } else if (req.method === 'GET' && /^\/containers\/[^/]+\/json$/.test(url.pathname)) {
      reply(200, { Id: 'c'.repeat(64), Image: fake.own.imageId, Config: { Image: fake.own.image } });
    } else if (req.method === 'GET' && image) {
      const name = decodeURIComponent(image[1]);
      if (fake.present.has(name)) reply(200, { Id: 'sha256:x', RepoTags: [name] });
      else reply(404, { message: `No such image: ${name}` });
    } else if (req.method === 'POST' && url.pathname === '/images/create') {
      reply(fake.pull.status, fake.pull.body);
    } else reply(404, { message: `page not found: ${req.method} ${url.pathname}` });
  });
  const socket = path.join(socketDir, 'docker.sock');
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  process.env.DOCKER_SOCKET = socket;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  if (savedSocket === undefined) delete process.env.DOCKER_SOCKET;
  else process.env.DOCKER_SOCKET = savedSocket;
  if (savedContract === undefined) delete process.env.STANDIN_CONTRACT;
  else process.env.STANDIN_CONTRACT = savedContract;
  await fs.rm(socketDir, { recursive: true, force: true });
});

beforeEach(() => {
  fake = {
    own: { image: 'dtrha-lab/x:1.0.0-standin', imageId: `sha256:${'ab12'.repeat(16)}` },
    present: new Set(),
    pull: { status: 500, body: '{"message":"not expected"}' },
    requests: [],
  };
});

/** Runs `argv` through the stand-in app of `contract`: exit code, stdout, and stderr with the log. */
async function runStandin(root: string, contract: ReleaseContract, argv: string[], env = {}) {
  const file = path.join(socketDir, `${contract.product}-${contract.line}.json`);
  await fs.writeFile(file, JSON.stringify(contract));
  process.env.STANDIN_CONTRACT = file;
  const [cli, log, appModule] = await Promise.all([
    load(path.join(commonRoot, 'cli.js')),
    load(path.join(commonRoot, 'log.js')),
    load(path.join(root, 'lib/app.js')),
  ]);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((c: any) => !!out.push(String(c)));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => !!err.push(String(c)));
  try {
    const logger = log.createLogger();
    const code = await cli.run(appModule.app(logger), argv, logger, env);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** The message of the `level=fatal` line (logfmt-quoted), or ''. */
function fatalOf(stderr: string): string {
  const match = /level=fatal msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(stderr);
  if (!match) return '';
  return match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
}

describe('component image names come from the installer’s reference as it was run', () => {
  const own = (image: string) => ({ image, imageId: `sha256:${'ab12'.repeat(16)}` });
  test.each([
    ['dtrha-lab/dtr:2.0.0-standin', 'dtr-nginx', 'dtrha-lab/dtr-nginx:2.0.0-standin'],
    ['10.0.0.9:5000/team/dtr:2.7.0-standin', 'dtr-nginx', '10.0.0.9:5000/team/dtr-nginx:2.7.0-standin'],
    ['dtrha-lab/ucp:3.2.0-standin', 'ucp-controller', 'dtrha-lab/ucp-controller:3.2.0-standin'],
    ['dtrha-lab/ucp-1.1-standin:2457ff8b968f', 'ucp-controller', 'dtrha-lab/ucp-controller:2457ff8b968f'],
    ['docker/ucp', 'ucp-controller', 'docker/ucp-controller:latest'],
    ['localhost:5000/dtr', 'dtr-registry', 'localhost:5000/dtr-registry:latest'],
    ['ucp:1.1.4', 'ucp-controller', 'ucp-controller:1.1.4'],
    [`docker/dtr:2.7.5@sha256:${'0'.repeat(64)}`, 'dtr-registry', 'docker/dtr-registry:2.7.5'],
  ])('%s → %s: %s', async (image, name, expected) => {
    const { componentReference } = await load(path.join(commonRoot, 'components.js'));
    expect(componentReference(own(image), name)).toBe(expected);
  });

  test.each([
    [
      'ab12ab12ab12',
      /^This installer was run by image ID \(ab12ab12ab12\), which names no repository or tag/,
    ],
    [`sha256:${'ab12'.repeat(16)}`, /^This installer was run by image ID/],
    [`docker/dtr@sha256:${'0'.repeat(64)}`, /^This installer was run by digest .*, which names no tag/],
  ])('%s: fails clearly', async (image, message) => {
    const { componentReference } = await load(path.join(commonRoot, 'components.js'));
    expect(() => componentReference(own(image), 'dtr-nginx')).toThrow(message);
  });

  test('credentials go to the image’s registry, base64url with its padding', async () => {
    const { registryAuthHeader, registryOf } = await load(path.join(commonRoot, 'components.js'));
    expect(registryOf('10.0.0.9:5000/team/ucp-controller:1')).toBe('10.0.0.9:5000');
    expect(registryOf('docker/ucp-controller:1')).toBe('https://index.docker.io/v1/');
    expect(registryOf('ucp-controller:1')).toBe('https://index.docker.io/v1/');
    const header = registryAuthHeader('10.0.0.9:5000/team/ucp-controller:1', {
      username: 'u',
      password: 'p?>',
    });
    expect(header).not.toMatch(/[+/]/);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      username: 'u',
      password: 'p?>',
      serveraddress: '10.0.0.9:5000',
    });
  });
});

describe('UCP images: --list prints the component images; without it the missing ones are pulled', () => {
  test.each([
    ['1.1', ucp11],
    ['3.x', ucp3x],
  ])('UCP %s images --list: ucp-controller, one line on stdout', async (_line, contract) => {
    fake.own.image = '10.0.0.9:5000/team/ucp:3.2.0-standin';
    const listed = await runStandin(ucpRoot, contract, ['images', '--list']);
    expect(listed).toMatchObject({ code: 0, stdout: '10.0.0.9:5000/team/ucp-controller:3.2.0-standin\n' });
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('run by image ID, --list fails clearly and prints nothing', async () => {
    fake.own.image = 'ab12ab12';
    const listed = await runStandin(ucpRoot, ucp11, ['images', '--list']);
    expect(listed).toMatchObject({ code: 1, stdout: '' });
    expect(fatalOf(listed.stderr)).toMatch(/^This installer was run by image ID \(ab12ab12\)/);
  });

  test('present: nothing is pulled', async () => {
    fake.present.add('dtrha-lab/ucp-controller:1.0.0-standin');
    const checked = await runStandin(ucpRoot, ucp3x, ['images']);
    expect(checked).toMatchObject({ code: 0, stdout: '' });
    expect(checked.stderr).toContain('All UCP images are present on this node');
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  test('missing: pulled through the Engine API with --registry-username/--registry-password', async () => {
    fake.own.image = '10.0.0.9:5000/team/ucp:1.1.0-standin';
    fake.pull = { status: 200, body: '{"status":"Pulling from team/ucp-controller"}\n{"status":"Done"}\n' };
    const pulled = await runStandin(ucpRoot, ucp11, ['images'], {
      REGISTRY_USERNAME: 'puller',
      REGISTRY_PASSWORD: 'pull-secret',
    });
    expect(pulled).toMatchObject({ code: 0, stdout: '' });
    const [pull] = fake.requests.filter((r) => r.method === 'POST');
    const query = new URL(pull.url, 'http://engine').searchParams;
    expect([query.get('fromImage'), query.get('tag')]).toEqual([
      '10.0.0.9:5000/team/ucp-controller',
      '1.1.0-standin',
    ]);
    const auth = JSON.parse(Buffer.from(String(pull.headers['x-registry-auth']), 'base64url').toString());
    expect(auth).toEqual({ username: 'puller', password: 'pull-secret', serveraddress: '10.0.0.9:5000' });
    expect(pulled.stderr).toContain('Pulled 10.0.0.9:5000/team/ucp-controller:1.1.0-standin');
  });

  const lookup =
    'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';
  test.each([
    [
      200,
      '{"status":"Pulling"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n',
      'manifest unknown',
    ],
    [500, JSON.stringify({ message: lookup }), lookup],
  ])(
    'a failed pull (HTTP %s) is one fatal line naming the image and the error, exit 1',
    async (status, body, said) => {
      fake.pull = { status, body };
      const failed = await runStandin(ucpRoot, ucp3x, ['images']);
      expect(failed.code).toBe(1);
      expect(fatalOf(failed.stderr)).toBe(
        `Unable to pull image dtrha-lab/ucp-controller:1.0.0-standin: ${said}`,
      );
      expect(fake.requests.find((r) => r.method === 'POST')!.headers['x-registry-auth']).toBeUndefined();
    },
  );

  test('install checks the images before anything else touches the engine', async () => {
    fake.pull = { status: 404, body: '{"message":"pull access denied for dtrha-lab/ucp-controller"}' };
    const failed = await runStandin(ucpRoot, ucp11, ['install', '--host-address', '10.0.0.1'], {
      UCP_ADMIN_PASSWORD: 'standin-admin-1',
    });
    expect(failed.code).toBe(1);
    expect(fatalOf(failed.stderr)).toBe(
      'Unable to pull image dtrha-lab/ucp-controller:1.0.0-standin: pull access denied for dtrha-lab/ucp-controller',
    );
    // Only reads and the pull: no volume, no container.
    expect(
      fake.requests
        .map((r) => `${r.method} ${new URL(r.url, 'http://e').pathname}`)
        .filter((r) => !r.startsWith('GET')),
    ).toEqual(['POST /images/create']);
  });
});

describe('DTR images: the component images, one per line on stdout', () => {
  test.each([
    ['2.0', dtr20, 'dtr-etcd'],
    ['2.7', dtr27, 'dtr-rethinkdb'],
  ])('DTR %s images: dtr-nginx, dtr-registry and its store, %s', async (_line, contract, store) => {
    fake.own.image = '10.0.0.9:5000/team/dtr:2.7.0-standin';
    const listed = await runStandin(dtrRoot, contract, ['images']);
    expect(listed).toMatchObject({
      code: 0,
      stdout:
        '10.0.0.9:5000/team/dtr-nginx:2.7.0-standin\n10.0.0.9:5000/team/dtr-registry:2.7.0-standin\n' +
        `10.0.0.9:5000/team/${store}:2.7.0-standin\n`,
    });
  });

  test('run by image ID, images fails clearly', async () => {
    fake.own.image = fake.own.imageId;
    const listed = await runStandin(dtrRoot, dtr27, ['images']);
    expect(listed).toMatchObject({ code: 1, stdout: '' });
    expect(fatalOf(listed.stderr)).toMatch(/^This installer was run by image ID/);
  });
});
