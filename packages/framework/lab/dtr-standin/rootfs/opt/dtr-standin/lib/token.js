'use strict';
// The registry token flow of a DTR stand-in (docker/docs registry/spec/auth/token.md and jwt.md), as
// DTR serves it: the registry of every replica (CNCF Distribution, `auth: token:` in
// /etc/dtr-standin/registry.yml) answers a request without a valid token with
//   401  WWW-Authenticate: Bearer realm="https://<external host>/auth/token",service="<external host>"[,scope=…]
// and the front serves that realm: GET /auth/token?service=…&scope=… with Basic credentials (checked
// against UCP) returns {"token", "access_token", "expires_in", "issued_at"}, a JWT the registry checks.
//
// The JWT is ES256, signed by the cluster's token signing key; its self-signed certificate is both the
// registry's rootcertbundle and the `x5c` of every token's header. Key and certificate live in the
// cluster metadata on the shared storage (dtr-meta/token/), so every replica signs with the same key
// and every replica's registry trusts it: a token from one replica works on every other one.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const pki = require('standin-common/pki');
const meta = require('./meta');

/** The `iss` of every token; registry.yml's `auth.token.issuer`. */
const issuer = 'docker-trusted-registry';
/** Seconds a token is valid (the spec's minimum is 60). */
const expiresIn = 300;

const files = {
  cert: path.join(meta.metaDir, 'token', 'signing.pem'),
  key: path.join(meta.metaDir, 'token', 'signing-key.pem'),
};
const subjectPrefix = 'DTR token signing';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const fromB64url = (text) => Buffer.from(String(text), 'base64url');

/**
 * The realm and service of a cluster: its external URL's host[:port] (the metadata keeps
 * `--dtr-external-url` as host[:port]), or else the replica's address.
 */
function endpoints(cluster, replica) {
  let host = '';
  try {
    const external = String((cluster && cluster.external_url) || '');
    if (external) host = new URL(/^[a-z]+:\/\//i.test(external) ? external : `https://${external}`).host;
  } catch {
    host = '';
  }
  if (!host && replica) {
    const address = replica.address.includes(':') ? `[${replica.address}]` : replica.address;
    host = replica.https_port && replica.https_port !== 443 ? `${address}:${replica.https_port}` : address;
  }
  return { realm: `https://${host}/auth/token`, service: host };
}

function readSigningKey() {
  try {
    return { certPem: fs.readFileSync(files.cert, 'utf8'), keyPem: fs.readFileSync(files.key, 'utf8') };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

const subjectFor = (clusterId) => `${subjectPrefix} ${clusterId}`;
const belongsTo = (signing, clusterId) =>
  !!signing && new crypto.X509Certificate(signing.certPem).subject.includes(`CN=${subjectFor(clusterId)}`);

/**
 * The cluster's signing key and certificate, made (under the metadata lock) when the cluster has none
 * yet, or only one left by a cluster an install replaced: { certPem, keyPem }.
 */
async function ensureSigningKey(clusterId) {
  const existing = readSigningKey();
  if (belongsTo(existing, clusterId)) return existing;
  return meta.withLock(() => {
    const current = readSigningKey();
    if (belongsTo(current, clusterId)) return current;
    const made = pki.createCA(subjectFor(clusterId), { organization: `DTR ${clusterId}` });
    meta.writeFileAtomic(files.key, made.keyPem, 0o600);
    meta.writeFileAtomic(files.cert, made.certPem, 0o644);
    return made;
  });
}

/**
 * What the registry launcher adds to the registry's environment: the realm and service known only at
 * install (registry.yml holds the issuer and the rootcertbundle), from `cluster`, the cluster document
 * read from the metadata store. Makes the signing key first, so the
 * rootcertbundle exists when the registry starts.
 */
async function registryEnv(id, cluster) {
  if (!cluster) throw new Error('no cluster metadata');
  await ensureSigningKey(cluster.cluster_id);
  const { realm, service } = endpoints(cluster, cluster.replicas && cluster.replicas[id]);
  return { REGISTRY_AUTH_TOKEN_REALM: realm, REGISTRY_AUTH_TOKEN_SERVICE: service };
}

/** `type:name:actions` scopes (a scope parameter may hold several, space separated) → access entries. */
function parseScopes(scopes) {
  const access = [];
  for (const scope of [].concat(scopes || []).flatMap((s) => String(s).split(' ').filter(Boolean))) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    const type = scope.slice(0, first);
    const name = scope.slice(first + 1, last);
    const actions = scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean);
    if (name && actions.length) access.push({ type, name, actions });
  }
  return access;
}

/**
 * What the stand-in grants: the UCP admin (every user UCP accepts) everything it asks for on any
 * repository and the catalog; anonymous clients nothing (the stand-in has no public pulls).
 */
function grant(user, requested) {
  if (!user) return [];
  const allowed = { repository: ['pull', 'push', 'delete', '*'], registry: ['*'] };
  return requested
    .map((r) => ({
      ...r,
      actions: [...new Set(r.actions.filter((a) => (allowed[r.type] || []).includes(a)))],
    }))
    .filter((r) => r.actions.length && (r.type !== 'registry' || r.name === 'catalog'));
}

/** A signed JWT for `subject` with `access`, as Distribution's token verifier wants it. */
function sign(signing, { service, subject = '', access = [], now = Date.now(), ttl = expiresIn }) {
  const cert = new crypto.X509Certificate(signing.certPem);
  const header = { typ: 'JWT', alg: 'ES256', x5c: [cert.raw.toString('base64')] };
  const iat = Math.floor(now / 1000);
  const claims = {
    iss: issuer,
    sub: subject,
    aud: service,
    exp: iat + ttl,
    nbf: iat - 1,
    iat,
    jti: crypto.randomBytes(16).toString('hex'),
    access,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  // JWS ES256 signatures are r || s (RFC 7518 3.4), not DER.
  const signature = crypto.sign('sha256', Buffer.from(input), {
    key: crypto.createPrivateKey(signing.keyPem),
    dsaEncoding: 'ieee-p1363',
  });
  return { token: `${input}.${b64url(signature)}`, claims };
}

/** The answer of /auth/token for a signed token. */
function tokenResponse(signed) {
  return {
    token: signed.token,
    access_token: signed.token,
    expires_in: signed.claims.exp - signed.claims.iat,
    issued_at: new Date(signed.claims.iat * 1000).toISOString(),
  };
}

/**
 * The claims of `jwt` if it is a token of ours (signed by the key of `certPem`, which its x5c names,
 * for `service`, within its validity; 60 s leeway as Distribution's), else throws.
 */
function verify(jwt, certPem, { service, now = Date.now() } = {}) {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) throw new Error('malformed token');
  const header = JSON.parse(fromB64url(parts[0]).toString());
  const claims = JSON.parse(fromB64url(parts[1]).toString());
  const cert = new crypto.X509Certificate(certPem);
  if (header.alg !== 'ES256') throw new Error(`unexpected algorithm ${header.alg}`);
  if (!Array.isArray(header.x5c) || header.x5c[0] !== cert.raw.toString('base64')) {
    throw new Error('the token is not signed with the cluster signing key');
  }
  const ok = crypto.verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    { key: cert.publicKey, dsaEncoding: 'ieee-p1363' },
    fromB64url(parts[2]),
  );
  if (!ok) throw new Error('bad signature');
  const seconds = Math.floor(now / 1000);
  if (claims.iss !== issuer) throw new Error(`untrusted issuer ${claims.iss}`);
  if (service !== undefined && claims.aud !== service)
    throw new Error(`token for another service: ${claims.aud}`);
  if (seconds > claims.exp + 60) throw new Error('token expired');
  if (seconds < claims.nbf - 60) throw new Error('token not yet valid');
  return claims;
}

module.exports = {
  issuer,
  expiresIn,
  files,
  endpoints,
  readSigningKey,
  ensureSigningKey,
  registryEnv,
  parseScopes,
  grant,
  sign,
  tokenResponse,
  verify,
};
