import { createPrivateKey, X509Certificate } from 'crypto';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { TLSSocket } from 'tls';
import * as forge from 'node-forge';
import {
  certificateFingerprint,
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type PemPair,
} from './certificates';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

interface TestServer {
  port: number;
  requests: string[];
  close(): Promise<void>;
}

/** An HTTPS server that, like a TLS-verified Docker engine, demands a client certificate from `ca`. */
async function startServer(server: PemPair, ca: string): Promise<TestServer> {
  const requests: string[] = [];
  const srv = https.createServer(
    { cert: server.cert, key: server.key, ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      requests.push(String(peer.subject.CN));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello ${peer.subject.CN}`);
    },
  );
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    requests,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

function get(
  port: number,
  opts: { ca: string; cert?: string; key?: string; servername?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/', method: 'GET', agent: false, ...opts },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function extension(certPem: string, name: string): Record<string, unknown> | null {
  return forge.pki.certificateFromPem(certPem).getExtension(name) as Record<string, unknown> | null;
}

/** The keyIdentifier of a certificate's authorityKeyIdentifier, hex. */
function authorityKeyId(certPem: string): string {
  const ext = extension(certPem, 'authorityKeyIdentifier');
  if (!ext) throw new Error('no authorityKeyIdentifier');
  const seq = forge.asn1.fromDer(ext.value as string);
  const keyId = (seq.value as forge.asn1.Asn1[]).find(
    (v) => v.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && v.type === 0,
  );
  return forge.util.bytesToHex(keyId?.value as string);
}

describe('certificates', () => {
  let ca: PemPair;
  let otherCa: PemPair;
  let server: PemPair;
  let client: PemPair;
  let otherClient: PemPair;

  beforeAll(async () => {
    [ca, otherCa] = await Promise.all([
      createCertificateAuthority('dtr-ha test CA'),
      createCertificateAuthority('some other CA'),
    ]);
    [server, client, otherClient] = await Promise.all([
      issueServerCertificate(ca, {
        commonName: 'node-1',
        ips: ['10.0.0.5', '127.0.0.1', 'fd00::5'],
        dnsNames: ['node-1', 'localhost'],
      }),
      issueClientCertificate(ca, 'dtr-ha client'),
      issueClientCertificate(otherCa, 'intruder'),
    ]);
  });

  describe('createCertificateAuthority', () => {
    it('is a self-signed CA with a 2048-bit RSA key', () => {
      const x = new X509Certificate(ca.cert);
      expect(x.ca).toBe(true);
      expect(x.subject).toBe('CN=dtr-ha test CA');
      expect(x.issuer).toBe(x.subject);
      expect(x.verify(x.publicKey)).toBe(true);
      expect(x.checkPrivateKey(createPrivateKey(ca.key))).toBe(true);
      expect(x.publicKey.asymmetricKeyType).toBe('rsa');
      expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
      expect(ca.key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    });

    it('has critical basicConstraints cA and keyUsage keyCertSign + cRLSign', () => {
      const bc = extension(ca.cert, 'basicConstraints');
      expect(bc).toMatchObject({ cA: true, critical: true });
      const ku = extension(ca.cert, 'keyUsage');
      expect(ku).toMatchObject({ keyCertSign: true, cRLSign: true, critical: true });
      expect(ku?.digitalSignature).toBeFalsy();
      expect(extension(ca.cert, 'subjectKeyIdentifier')).not.toBeNull();
    });

    it('is valid for 10 years, signed with SHA-256, with a random positive 16-byte serial', () => {
      const x = new X509Certificate(ca.cert);
      const from = Date.parse(x.validFrom);
      const to = Date.parse(x.validTo);
      expect(from).toBeLessThanOrEqual(Date.now());
      expect((to - Date.now()) / YEAR_MS).toBeGreaterThan(9.9);
      expect((to - Date.now()) / YEAR_MS).toBeLessThan(10.1);
      expect(forge.pki.certificateFromPem(ca.cert).siginfo.algorithmOid).toBe(
        forge.pki.oids.sha256WithRSAEncryption,
      );
      expect(x.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
      expect(new X509Certificate(otherCa.cert).serialNumber).not.toBe(x.serialNumber);
    });
  });

  describe('issueServerCertificate', () => {
    it('chains to the CA and only to the CA', () => {
      const x = new X509Certificate(server.cert);
      const caX = new X509Certificate(ca.cert);
      expect(x.ca).toBe(false);
      expect(x.verify(caX.publicKey)).toBe(true);
      expect(x.checkIssued(caX)).toBe(true);
      expect(x.issuer).toBe(caX.subject);
      expect(x.verify(new X509Certificate(otherCa.cert).publicKey)).toBe(false);
      expect(x.checkPrivateKey(createPrivateKey(server.key))).toBe(true);
    });

    it('carries every IP and DNS name as a subjectAltName', () => {
      const x = new X509Certificate(server.cert);
      expect(x.checkIP('10.0.0.5')).toBe('10.0.0.5');
      expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(x.checkIP('fd00::5')).toBeDefined();
      expect(x.checkIP('10.0.0.6')).toBeUndefined();
      expect(x.checkHost('node-1')).toBe('node-1');
      expect(x.checkHost('localhost')).toBe('localhost');
      expect(x.checkHost('node-2')).toBeUndefined();
      const altNames = extension(server.cert, 'subjectAltName')?.altNames as { type: number }[];
      expect(altNames.filter((n) => n.type === 7)).toHaveLength(3);
      expect(altNames.filter((n) => n.type === 2)).toHaveLength(2);
    });

    it('is for serverAuth, digitalSignature + keyEncipherment, 3 years, with key identifiers', () => {
      const x = new X509Certificate(server.cert);
      expect(x.keyUsage).toEqual([SERVER_AUTH]);
      expect(extension(server.cert, 'keyUsage')).toMatchObject({
        digitalSignature: true,
        keyEncipherment: true,
      });
      expect(extension(server.cert, 'keyUsage')?.keyCertSign).toBeFalsy();
      const years = (Date.parse(x.validTo) - Date.now()) / YEAR_MS;
      expect(years).toBeGreaterThan(2.9);
      expect(years).toBeLessThan(3.1);
      expect(extension(server.cert, 'subjectKeyIdentifier')).not.toBeNull();
      expect(authorityKeyId(server.cert)).toBe(
        extension(ca.cert, 'subjectKeyIdentifier')?.subjectKeyIdentifier,
      );
    });

    it('rejects something that is not an IP address', async () => {
      await expect(
        issueServerCertificate(ca, { commonName: 'x', ips: ['not-an-ip'], dnsNames: [] }),
      ).rejects.toThrow(/IP/);
    });
  });

  describe('issueClientCertificate', () => {
    it('is a clientAuth certificate issued by the CA', () => {
      const x = new X509Certificate(client.cert);
      const caX = new X509Certificate(ca.cert);
      expect(x.subject).toBe('CN=dtr-ha client');
      expect(x.keyUsage).toEqual([CLIENT_AUTH]);
      expect(x.verify(caX.publicKey)).toBe(true);
      expect(x.checkIssued(caX)).toBe(true);
      expect(authorityKeyId(client.cert)).toBe(
        extension(ca.cert, 'subjectKeyIdentifier')?.subjectKeyIdentifier,
      );
    });
  });

  describe('certificateFingerprint', () => {
    it('is the uppercase, colon-separated SHA-256 of the DER', () => {
      const fp = certificateFingerprint(ca.cert);
      expect(fp).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(fp).toBe(new X509Certificate(ca.cert).fingerprint256);
      expect(certificateFingerprint(server.cert)).not.toBe(fp);
    });
  });

  describe('a real mutual-TLS handshake', () => {
    let srv: TestServer;

    beforeAll(async () => {
      srv = await startServer(server, ca.cert);
    });
    afterAll(async () => {
      await srv.close();
    });

    it('succeeds for a client presenting its certificate and trusting the CA', async () => {
      const res = await get(srv.port, { ca: ca.cert, cert: client.cert, key: client.key });
      expect(res).toEqual({ status: 200, body: 'hello dtr-ha client' });
      // The DNS names verify too, not only the IP.
      const byName = await get(srv.port, {
        ca: ca.cert,
        cert: client.cert,
        key: client.key,
        servername: 'localhost',
      });
      expect(byName.status).toBe(200);
    });

    it('is refused by a client trusting a different CA', async () => {
      await expect(
        get(srv.port, { ca: otherCa.cert, cert: client.cert, key: client.key }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER_CERT/),
      });
    });

    it('is refused by a client for a name the certificate does not carry', async () => {
      await expect(
        get(srv.port, { ca: ca.cert, cert: client.cert, key: client.key, servername: 'node-2' }),
      ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    });

    it('refuses a client without a certificate', async () => {
      const before = srv.requests.length;
      await expect(get(srv.port, { ca: ca.cert })).rejects.toThrow();
      expect(srv.requests.length).toBe(before);
    });

    it('refuses a client whose certificate comes from another CA', async () => {
      const before = srv.requests.length;
      await expect(
        get(srv.port, { ca: ca.cert, cert: otherClient.cert, key: otherClient.key }),
      ).rejects.toThrow();
      expect(srv.requests.length).toBe(before);
    });

    it('refuses a server-only certificate used as a client certificate', async () => {
      const before = srv.requests.length;
      await expect(get(srv.port, { ca: ca.cert, cert: server.cert, key: server.key })).rejects.toThrow();
      expect(srv.requests.length).toBe(before);
    });
  });
});
