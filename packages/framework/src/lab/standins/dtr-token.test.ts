import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { recipeDir } from '../lab-image';

// The DTR stand-in's registry tokens (lab/dtr-standin/.../lib/token.js): JWTs as Distribution's token
// verifier wants them (docker/docs registry/spec/auth/jwt.md): an ES256 signature of r || s, the
// signing certificate in the header's x5c, and the claims iss/sub/aud/exp/nbf/iat/jti/access.

const dtrRoot = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin');
/* eslint-disable @typescript-eslint/no-explicit-any */
let token: any;
let meta: any;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtr-standin-token-'));
  process.env.DTR_STORAGE_ROOT = dir; // meta.js reads it when first loaded
  token = await import(path.join(dtrRoot, 'lib/token.js'));
  meta = await import(path.join(dtrRoot, 'lib/meta.js'));
});
afterAll(async () => {
  delete process.env.DTR_STORAGE_ROOT;
  await fs.rm(dir, { recursive: true, force: true });
});

const part = (jwt: string, i: number): any =>
  JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString());

test('the signing key is made once per cluster, in the metadata on the shared storage', async () => {
  expect(meta.metaDir).toBe(path.join(dir, 'dtr-meta'));
  const first = await token.ensureSigningKey('cluster-1');
  expect(await token.ensureSigningKey('cluster-1')).toEqual(first);
  expect(await fs.readFile(path.join(dir, 'dtr-meta/token/signing.pem'), 'utf8')).toBe(first.certPem);
  expect((await fs.stat(path.join(dir, 'dtr-meta/token/signing-key.pem'))).mode & 0o777).toBe(0o600);
  expect(new X509Certificate(first.certPem).subject).toContain('CN=DTR token signing cluster-1');
  // A new cluster on the same storage (an install over a dead one) gets a new key.
  const second = await token.ensureSigningKey('cluster-2');
  expect(second.certPem).not.toBe(first.certPem);
});

test('registryEnv: the realm and service of the external URL, the key made before the registry starts', async () => {
  await fs.mkdir(meta.metaDir, { recursive: true });
  // The cluster document, as the registry launcher reads it from the metadata store.
  const cluster = {
    cluster_id: 'cluster-3',
    external_url: 'dtr.example.com:4443',
    replicas: { a: { address: '10.0.0.2', https_port: 443 } },
  };
  expect(await token.registryEnv('a', cluster)).toEqual({
    REGISTRY_AUTH_TOKEN_REALM: 'https://dtr.example.com:4443/auth/token',
    REGISTRY_AUTH_TOKEN_SERVICE: 'dtr.example.com:4443',
  });
  expect(new X509Certificate(token.readSigningKey().certPem).subject).toContain('cluster-3');
  expect(token.endpoints({ external_url: '' }, { address: '10.0.0.2', https_port: 8443 })).toEqual({
    realm: 'https://10.0.0.2:8443/auth/token',
    service: '10.0.0.2:8443',
  });
  expect(token.endpoints({ external_url: 'https://lb' }).service).toBe('lb');
});

test('a JWT with the x5c header and the claims, whose ES256 signature Node verifies', async () => {
  const signing = await token.ensureSigningKey('cluster-4');
  const now = Date.UTC(2030, 0, 1);
  const access = [{ type: 'repository', name: 'admin/tiny', actions: ['pull', 'push'] }];
  const signed = token.sign(signing, { service: 'dtr.example.com', subject: 'admin', access, now });
  const jwt: string = signed.token;
  expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // base64url, no padding
  const cert = new X509Certificate(signing.certPem);
  expect(part(jwt, 0)).toEqual({ typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] });
  const claims = part(jwt, 1);
  const iat = now / 1000;
  expect(claims).toEqual({
    iss: 'docker-trusted-registry',
    sub: 'admin',
    aud: 'dtr.example.com',
    exp: iat + token.expiresIn,
    nbf: iat - 1,
    iat,
    jti: expect.stringMatching(/^[0-9a-f]{32}$/),
    access,
  });
  // r || s, 64 bytes (JWS), verified with the key of the certificate in x5c.
  const [head, body, signature] = jwt.split('.');
  const raw = Buffer.from(signature, 'base64url');
  expect(raw).toHaveLength(64);
  const x5cKey = new X509Certificate(Buffer.from(part(jwt, 0).x5c[0], 'base64')).publicKey;
  expect(
    verify('sha256', Buffer.from(`${head}.${body}`), { key: x5cKey, dsaEncoding: 'ieee-p1363' }, raw),
  ).toBe(true);
  expect(createPublicKey(signing.keyPem).export({ format: 'jwk' })).toEqual(x5cKey.export({ format: 'jwk' }));
  // Every token has its own ID.
  expect(token.sign(signing, { service: 'x', now }).claims.jti).not.toBe(claims.jti);
  expect(token.tokenResponse(signed)).toEqual({
    token: jwt,
    access_token: jwt,
    expires_in: token.expiresIn,
    issued_at: '2030-01-01T00:00:00.000Z',
  });
});

test('verify: our tokens for our service within their time; forged, foreign or expired ones fail', async () => {
  const signing = await token.ensureSigningKey('cluster-5');
  const now = Date.now();
  const { token: jwt } = token.sign(signing, { service: 'dtr', subject: 'admin', now });
  expect(token.verify(jwt, signing.certPem, { service: 'dtr', now }).sub).toBe('admin');
  expect(() => token.verify(jwt, signing.certPem, { service: 'other', now })).toThrow(/another service/);
  expect(() => token.verify(jwt, signing.certPem, { service: 'dtr', now: now + 3600_000 })).toThrow(
    /expired/,
  );
  const [head, body] = jwt.split('.');
  const tampered = Buffer.from(JSON.stringify({ ...part(jwt, 1), sub: 'someone' })).toString('base64url');
  expect(() => token.verify(`${head}.${tampered}.${jwt.split('.')[2]}`, signing.certPem)).toThrow(
    /signature/,
  );
  const other = await token.ensureSigningKey('cluster-6');
  expect(() => token.verify(jwt, other.certPem, { service: 'dtr', now })).toThrow(/signing key/);
  expect(() => token.verify(`${head}.${body}`, signing.certPem)).toThrow(/malformed/);
});

test('scopes and grants: the admin gets what it asks for, anonymous clients nothing', () => {
  const requested = token.parseScopes([
    'repository:admin/tiny:pull,push',
    'registry:catalog:* repository:other/x:pull',
    'repository:admin/tiny:bogus',
    'nonsense',
  ]);
  expect(requested).toEqual([
    { type: 'repository', name: 'admin/tiny', actions: ['pull', 'push'] },
    { type: 'registry', name: 'catalog', actions: ['*'] },
    { type: 'repository', name: 'other/x', actions: ['pull'] },
    { type: 'repository', name: 'admin/tiny', actions: ['bogus'] },
  ]);
  expect(token.grant('admin', requested)).toEqual(requested.slice(0, 3));
  expect(token.grant('', requested)).toEqual([]);
  expect(token.grant('admin', token.parseScopes(['registry:other:*']))).toEqual([]);
});
