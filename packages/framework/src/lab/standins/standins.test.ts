import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';
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
  const tar = await load(path.join(ucpRoot, 'lib/tar.js'));
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
