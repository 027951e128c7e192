/**
 * X.509 material for mutually-verified Docker engine TLS (the same shape docker-machine sets up): one
 * CA per cluster, a server certificate per engine, one client certificate for the framework.
 *
 * Certificates are built and signed with node-forge; the RSA keys come from Node's native (async, fast)
 * `crypto.generateKeyPair` and are handed to forge as PEM. Nothing shells out to openssl.
 */
import { createHash, generateKeyPair, randomBytes, X509Certificate } from 'crypto';
import { isIP } from 'net';
import { promisify } from 'util';
import * as forge from 'node-forge';

/** A certificate and its private key, both PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

export interface ServerCertificateOptions {
  commonName: string;
  /** Every IP address (v4 or v6) clients may dial; each becomes an IP subjectAltName. */
  ips: string[];
  /** Every host name clients may dial; each becomes a DNS subjectAltName. */
  dnsNames: string[];
}

const generateKeyPairAsync = promisify(generateKeyPair);

const RSA_BITS = 2048;
const CA_VALIDITY_YEARS = 10;
const LEAF_VALIDITY_YEARS = 3;
/** Backdate `notBefore` a little so a peer whose clock runs slightly behind still accepts a fresh cert. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

interface ForgeKeyPair {
  /** PEM of the private key, as written to disk (PKCS#1 `RSA PRIVATE KEY`, like docker-machine). */
  pem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

async function newRsaKey(): Promise<ForgeKeyPair> {
  const { privateKey: pem } = await generateKeyPairAsync('rsa', {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(pem);
  const publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  return { pem, privateKey, publicKey };
}

/** 16 random bytes, top bit clear (a positive INTEGER) and first byte non-zero (minimal DER encoding). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - CLOCK_SKEW_MS);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  cert.validity.notAfter = notAfter;
}

function subject(commonName: string): forge.pki.CertificateField[] {
  if (!commonName) throw new Error('A certificate needs a non-empty common name');
  return [{ name: 'commonName', value: commonName }];
}

/** The CA's subjectKeyIdentifier bytes (from its extension when present), for authorityKeyIdentifier. */
function keyIdentifierOf(caCert: forge.pki.Certificate): string {
  const ext = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  return ext?.subjectKeyIdentifier
    ? forge.util.hexToBytes(ext.subjectKeyIdentifier)
    : caCert.generateSubjectKeyIdentifier().getBytes();
}

/** A new self-signed CA: basicConstraints cA (critical), keyCertSign + cRLSign, 10 years, SHA-256. */
export async function createCertificateAuthority(commonName: string): Promise<PemPair> {
  const keys = await newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, CA_VALIDITY_YEARS);
  cert.setSubject(subject(commonName));
  cert.setIssuer(subject(commonName));
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

type AltName = { type: 2; value: string } | { type: 7; ip: string };

async function issueLeaf(
  ca: PemPair,
  commonName: string,
  extKeyUsage: { serverAuth?: true; clientAuth?: true },
  altNames: AltName[],
): Promise<PemPair> {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const keys = await newRsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  validity(cert, LEAF_VALIDITY_YEARS);
  cert.setSubject(subject(commonName));
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', ...extKeyUsage },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifierOf(caCert) },
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keys.pem };
}

/**
 * A server (engine) certificate signed by `ca`: every IP and DNS name as a subjectAltName, serverAuth,
 * digitalSignature + keyEncipherment, 3 years.
 */
export async function issueServerCertificate(ca: PemPair, opts: ServerCertificateOptions): Promise<PemPair> {
  const altNames: AltName[] = [];
  for (const ip of unique(opts.ips)) {
    if (isIP(ip) === 0) throw new Error(`Not an IP address: ${JSON.stringify(ip)}`);
    altNames.push({ type: 7, ip });
  }
  for (const dns of unique(opts.dnsNames)) {
    if (!dns) throw new Error('Empty DNS name');
    altNames.push({ type: 2, value: dns });
  }
  return issueLeaf(ca, opts.commonName, { serverAuth: true }, altNames);
}

/** A client certificate signed by `ca` (clientAuth), for the framework to present to every engine. */
export async function issueClientCertificate(ca: PemPair, commonName: string): Promise<PemPair> {
  return issueLeaf(ca, commonName, { clientAuth: true }, []);
}

/** SHA-256 of the certificate's DER, uppercase hex bytes joined by colons (`AB:CD:…`). */
export function certificateFingerprint(certPem: string): string {
  const der = new X509Certificate(certPem).raw;
  return createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
