/**
 * A cluster's TLS material on disk, under `<clusterStateDir>/tls`:
 *
 *   ca.pem, ca-key.pem               the cluster CA (every engine trusts only this)
 *   cert.pem, key.pem                the framework's client certificate
 *   machines/<name>/server.pem       one engine's server certificate ...
 *   machines/<name>/server-key.pem   ... and its key
 *
 * Directories are 0700, files 0600. Existing material is reused while it is still valid, so reruns keep
 * the engines' trust; whatever is missing, mismatched or about to expire is issued anew.
 */
import { createPrivateKey, X509Certificate } from 'crypto';
import { promises as fs } from 'fs';
import { isIP } from 'net';
import * as path from 'path';
import * as forge from 'node-forge';
import { ensurePrivateDir, readTextIfExists, writePrivateFile } from '../state/private-files';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type PemPair,
} from './certificates';

export interface ClusterTls {
  dir: string;
  caPath: string;
  caKeyPath: string;
  /** The client certificate the framework presents to every engine. */
  certPath: string;
  keyPath: string;
  ca: PemPair;
  client: PemPair;
}

export interface ServerCertificateFiles {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/** Material that expires within this window is replaced rather than reused. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;
const PRIVATE_FILE_MODE = 0o600;
/** A machine name becomes a directory and a DNS subjectAltName: keep it to one safe path segment. */
const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Load the cluster CA and client certificate from `dir`, or create them. A CA that is intact (parses, is a
 * CA, matches its key, is not about to expire) is kept; the client certificate is kept only when it was
 * issued by that CA, matches its key and is not about to expire, and is reissued from the CA otherwise.
 * A new CA always comes with a new client certificate. Everything is written 0600 in a 0700 directory.
 */
export async function ensureClusterTls(dir: string, clusterName: string): Promise<ClusterTls> {
  if (!clusterName) throw new Error('ensureClusterTls: clusterName must not be empty');
  const tls = {
    dir,
    caPath: path.join(dir, 'ca.pem'),
    caKeyPath: path.join(dir, 'ca-key.pem'),
    certPath: path.join(dir, 'cert.pem'),
    keyPath: path.join(dir, 'key.pem'),
  };
  await ensurePrivateDir(dir);

  let ca = await readPair(tls.caPath, tls.caKeyPath);
  let freshCa = false;
  if (ca && isUsableCa(ca)) {
    await tightenModes(tls.caPath, tls.caKeyPath);
  } else {
    ca = await createCertificateAuthority(`dtr-ha CA (${clusterName})`);
    // Key first: a crash between the two writes leaves a mismatched pair, which the next run replaces.
    await writePrivateFile(tls.caKeyPath, ca.key);
    await writePrivateFile(tls.caPath, ca.cert);
    freshCa = true;
  }

  let client = freshCa ? undefined : await readPair(tls.certPath, tls.keyPath);
  if (client && isUsableLeaf(client, ca, 'clientAuth')) {
    await tightenModes(tls.certPath, tls.keyPath);
  } else {
    client = await issueClientCertificate(ca, `dtr-ha client (${clusterName})`);
    await writePrivateFile(tls.keyPath, client.key);
    await writePrivateFile(tls.certPath, client.cert);
  }

  return { ...tls, ca, client };
}

/**
 * The server certificate of one engine, `<dir>/machines/<machineName>/server.pem` (+ `server-key.pem`).
 * Its subjectAltNames are exactly the given IPs plus 127.0.0.1, and the DNS names `machineName`,
 * `localhost` and the given `dnsNames` (a generic host's listed name). Existing files are reused only when they were signed by the current CA, match their key,
 * carry exactly those names and are not about to expire; otherwise a new certificate is issued.
 */
export async function ensureServerCertificate(
  tls: ClusterTls,
  machineName: string,
  ips: string[],
  dnsNames: readonly string[] = [],
): Promise<ServerCertificateFiles> {
  if (!MACHINE_NAME.test(machineName)) {
    throw new Error(`Invalid machine name ${JSON.stringify(machineName)} for a server certificate`);
  }
  for (const ip of ips) {
    if (isIP(ip) === 0) throw new Error(`Not an IP address: ${JSON.stringify(ip)} (machine ${machineName})`);
  }
  const machineDir = path.join(tls.dir, 'machines', machineName);
  const certPath = path.join(machineDir, 'server.pem');
  const keyPath = path.join(machineDir, 'server-key.pem');
  const wantedIps = [...ips, '127.0.0.1'];
  const wantedDns = [...new Set([machineName, 'localhost', ...dnsNames])];

  const existing = await readPair(certPath, keyPath);
  if (
    existing &&
    isUsableLeaf(existing, tls.ca, 'serverAuth') &&
    sameAltNames(existing.cert, wantedIps, wantedDns)
  ) {
    await ensurePrivateDir(machineDir);
    await tightenModes(certPath, keyPath);
    return { certPath, keyPath, ...existing };
  }

  const server = await issueServerCertificate(tls.ca, {
    commonName: machineName,
    ips: wantedIps,
    dnsNames: wantedDns,
  });
  await writePrivateFile(keyPath, server.key);
  await writePrivateFile(certPath, server.cert);
  return { certPath, keyPath, ...server };
}

async function readPair(certPath: string, keyPath: string): Promise<PemPair | undefined> {
  const [cert, key] = await Promise.all([readTextIfExists(certPath), readTextIfExists(keyPath)]);
  return cert && key ? { cert, key } : undefined;
}

async function tightenModes(...files: string[]): Promise<void> {
  await Promise.all(files.map((file) => fs.chmod(file, PRIVATE_FILE_MODE)));
}

function notExpiringSoon(cert: X509Certificate): boolean {
  const now = Date.now();
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  return notBefore <= now && notAfter - RENEW_BEFORE_MS > now;
}

function isUsableCa(ca: PemPair): boolean {
  try {
    const cert = new X509Certificate(ca.cert);
    return (
      cert.ca &&
      cert.checkIssued(cert) &&
      cert.verify(cert.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(ca.key)) &&
      notExpiringSoon(cert)
    );
  } catch {
    return false;
  }
}

function isUsableLeaf(leaf: PemPair, ca: PemPair, usage: 'serverAuth' | 'clientAuth'): boolean {
  try {
    const cert = new X509Certificate(leaf.cert);
    const caCert = new X509Certificate(ca.cert);
    const ext = forge.pki.certificateFromPem(leaf.cert).getExtension('extKeyUsage') as Record<
      string,
      unknown
    > | null;
    return (
      cert.checkIssued(caCert) &&
      cert.verify(caCert.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(leaf.key)) &&
      notExpiringSoon(cert) &&
      ext?.[usage] === true
    );
  } catch {
    return false;
  }
}

interface ParsedAltName {
  type: number;
  value?: string;
  ip?: string;
}

/** True when the certificate's subjectAltNames are exactly these IPs and DNS names (as sets). */
function sameAltNames(certPem: string, ips: string[], dnsNames: string[]): boolean {
  try {
    return altNamesMatch(certPem, ips, dnsNames);
  } catch {
    return false;
  }
}

function altNamesMatch(certPem: string, ips: string[], dnsNames: string[]): boolean {
  const ext = forge.pki.certificateFromPem(certPem).getExtension('subjectAltName') as {
    altNames?: ParsedAltName[];
  } | null;
  const have = new Set<string>();
  for (const altName of ext?.altNames ?? []) {
    if (altName.type === 7 && altName.ip) have.add(`ip:${canonicalIp(altName.ip)}`);
    else if (altName.type === 2 && altName.value) have.add(`dns:${altName.value.toLowerCase()}`);
    else return false; // a kind of name this framework never issues
  }
  const want = new Set([
    ...ips.map((ip) => `ip:${canonicalIp(ip)}`),
    ...dnsNames.map((dns) => `dns:${dns.toLowerCase()}`),
  ]);
  return have.size === want.size && [...want].every((name) => have.has(name));
}

/** One spelling per address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname : ip;
}
