'use strict';
// X.509 certificates with Node's crypto only (Node 18 can sign but has no API to build a
// certificate): a few DER encoders and the TBSCertificate of RFC 5280, signed with ECDSA P-256 /
// SHA-256. Enough for a CA and TLS server certificates that Go (dockerd, the docker CLI) and OpenSSL
// verify: version 3, basic constraints, key usage, extended key usage, subject/authority key IDs and
// subject alternative names (DNS names and IP addresses).

const crypto = require('node:crypto');
const net = require('node:net');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');

function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag, content) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const seq = (...items) => tlv(0x30, Buffer.concat(items));
const set = (...items) => tlv(0x31, Buffer.concat(items));
const octets = (buf) => tlv(0x04, buf);
const bitString = (buf, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), buf]));
const explicit = (n, content) => tlv(0xa0 + n, content);
const bool = (v) => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(value) {
  let buf = Buffer.isBuffer(value) ? value : Buffer.from([value]);
  while (buf.length > 1 && buf[0] === 0 && buf[1] < 0x80) buf = buf.subarray(1);
  if (buf[0] >= 0x80) buf = Buffer.concat([Buffer.from([0]), buf]);
  return tlv(0x02, buf);
}

function oid(text) {
  const arcs = text.split('.').map(Number);
  const bytes = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date) {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

function name(commonName, organization) {
  const rdns = [];
  if (organization) rdns.push(set(seq(oid(OID.organization), tlv(0x0c, Buffer.from(organization)))));
  rdns.push(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName)))));
  return seq(...rdns);
}

const extension = (id, critical, value) =>
  critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));

function ipBytes(ip) {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  const full = new URL(`http://[${ip}]`).hostname.slice(1, -1);
  const [head, tail = ''] = full.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

/** Splits names into the DNS names and IP addresses of a subjectAltName (duplicates dropped). */
function altNames(names) {
  const unique = [...new Set(names.filter(Boolean).map((n) => String(n).replace(/^\[|\]$/g, '')))];
  return seq(...unique.map((n) => (net.isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n)))));
}

function keyId(publicKey) {
  return crypto
    .createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function sign(tbs, issuerKey) {
  const signature = crypto.sign('sha256', tbs, issuerKey);
  const certificate = seq(tbs, seq(oid(OID.ecdsaWithSha256)), bitString(signature));
  const b64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function serial() {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return integer(bytes);
}

function tbsCertificate({ subject, issuer, publicKey, issuerKeyId, days, extensions }) {
  const now = Date.now();
  return seq(
    explicit(0, integer(2)),
    serial(),
    seq(oid(OID.ecdsaWithSha256)),
    issuer,
    // An hour back, for clocks that differ a little between nodes.
    seq(time(new Date(now - 3600e3)), time(new Date(now + days * 86400e3))),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(
        ...extensions,
        extension(OID.subjectKeyId, false, octets(keyId(publicKey))),
        extension(OID.authorityKeyId, false, seq(tlv(0x80, issuerKeyId))),
      ),
    ),
  );
}

function newKey() {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

const keyPem = (privateKey) => privateKey.export({ type: 'pkcs8', format: 'pem' });

/** A self-signed CA: { certPem, keyPem }. */
function createCA(commonName, { organization, days = 3650 } = {}) {
  const { publicKey, privateKey } = newKey();
  const subject = name(commonName, organization);
  const tbs = tbsCertificate({
    subject,
    issuer: subject,
    publicKey,
    issuerKeyId: keyId(publicKey),
    days,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      // digitalSignature, keyCertSign, cRLSign
      extension(OID.keyUsage, true, bitString(Buffer.from([0x86]), 1)),
    ],
  });
  return { certPem: sign(tbs, privateKey), keyPem: keyPem(privateKey) };
}

/** A TLS server (and client) certificate signed by `ca` ({ certPem, keyPem }), valid for `names`. */
function issueCertificate(ca, commonName, names, { organization, days = 825 } = {}) {
  const caCert = new crypto.X509Certificate(ca.certPem);
  const caKey = crypto.createPrivateKey(ca.keyPem);
  const { publicKey, privateKey } = newKey();
  const tbs = tbsCertificate({
    subject: name(commonName, organization),
    issuer: subjectOf(caCert),
    publicKey,
    issuerKeyId: keyId(caCert.publicKey),
    days,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      // digitalSignature, keyEncipherment
      extension(OID.keyUsage, true, bitString(Buffer.from([0xa0]), 5)),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth))),
      extension(OID.subjectAltName, false, altNames(names)),
    ],
  });
  return { certPem: sign(tbs, caKey), keyPem: keyPem(privateKey) };
}

/** The DER subject of a certificate, read from its TBSCertificate (the issuer of what it signs). */
function subjectOf(cert) {
  const der = cert.raw;
  const read = (offset) => {
    let len = der[offset + 1];
    let header = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[offset + 2 + i];
      header += n;
    }
    return { start: offset, contentStart: offset + header, end: offset + header + len };
  };
  const certificate = read(0);
  const tbs = read(certificate.contentStart);
  const fields = [];
  for (
    let offset = tbs.contentStart;
    offset < tbs.end && fields.length < 6;
    offset = fields[fields.length - 1].end
  ) {
    fields.push(read(offset));
  }
  // version, serial, signature algorithm, issuer, validity, subject
  const subject = fields[5];
  return der.subarray(subject.start, subject.end);
}

/** `AA:BB:…`, the SHA-256 fingerprint of a PEM certificate (what `ucp fingerprint` prints). */
function fingerprint(certPem) {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

module.exports = { createCA, issueCertificate, fingerprint };
