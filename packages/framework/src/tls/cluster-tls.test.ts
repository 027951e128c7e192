import { X509Certificate } from 'crypto';
import { promises as fs } from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { certificateFingerprint, createCertificateAuthority, issueClientCertificate } from './certificates';
import { ensureClusterTls, ensureServerCertificate, type ClusterTls } from './cluster-tls';

const mode = async (p: string): Promise<number> => (await fs.stat(p)).mode & 0o777;

const verifiedBy = (certPem: string, caPem: string): boolean => {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
};

/** The subjectAltNames as Node prints them, sorted: `DNS:x`, `IP Address:y`. */
const altNames = (certPem: string): string[] =>
  (new X509Certificate(certPem).subjectAltName ?? '').split(', ').filter(Boolean).sort();

describe('cluster TLS', () => {
  let root: string;
  let oldUmask: number;

  beforeAll(async () => {
    oldUmask = process.umask(0o022);
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dtr-ha-tls-'));
  });
  afterAll(async () => {
    process.umask(oldUmask);
    await fs.rm(root, { recursive: true, force: true });
  });

  describe('ensureClusterTls', () => {
    let dir: string;
    let first: ClusterTls;

    beforeAll(async () => {
      dir = path.join(root, 'state', 'dtr', 'tls');
      first = await ensureClusterTls(dir, 'dtr');
    });

    it('creates a CA and a client certificate issued by it', () => {
      expect(first).toMatchObject({
        dir,
        caPath: path.join(dir, 'ca.pem'),
        caKeyPath: path.join(dir, 'ca-key.pem'),
        certPath: path.join(dir, 'cert.pem'),
        keyPath: path.join(dir, 'key.pem'),
      });
      expect(new X509Certificate(first.ca.cert).ca).toBe(true);
      expect(verifiedBy(first.client.cert, first.ca.cert)).toBe(true);
      expect(new X509Certificate(first.client.cert).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    });

    it('writes the PEM files 0600 in a 0700 directory, matching what it returns', async () => {
      expect(await mode(dir)).toBe(0o700);
      expect((await fs.readdir(dir)).sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem']);
      for (const file of [first.caPath, first.caKeyPath, first.certPath, first.keyPath]) {
        expect(await mode(file)).toBe(0o600);
      }
      expect(await fs.readFile(first.caPath, 'utf8')).toBe(first.ca.cert);
      expect(await fs.readFile(first.caKeyPath, 'utf8')).toBe(first.ca.key);
      expect(await fs.readFile(first.certPath, 'utf8')).toBe(first.client.cert);
      expect(await fs.readFile(first.keyPath, 'utf8')).toBe(first.client.key);
    });

    it('is idempotent: a second call reuses the same CA and client certificate', async () => {
      const second = await ensureClusterTls(dir, 'dtr');
      expect(certificateFingerprint(second.ca.cert)).toBe(certificateFingerprint(first.ca.cert));
      expect(certificateFingerprint(second.client.cert)).toBe(certificateFingerprint(first.client.cert));
      expect(second).toEqual(first);
    });

    it('tightens loosened modes when reusing', async () => {
      await fs.chmod(dir, 0o755);
      await fs.chmod(first.caKeyPath, 0o644);
      await fs.chmod(first.keyPath, 0o666);
      await ensureClusterTls(dir, 'dtr');
      expect(await mode(dir)).toBe(0o700);
      expect(await mode(first.caKeyPath)).toBe(0o600);
      expect(await mode(first.keyPath)).toBe(0o600);
    });
  });

  describe('ensureClusterTls replacing bad material', () => {
    it('creates a new CA and client certificate when a CA file is missing', async () => {
      const dir = path.join(root, 'missing-ca-key');
      const first = await ensureClusterTls(dir, 'c1');
      await fs.rm(first.caKeyPath);
      const second = await ensureClusterTls(dir, 'c1');
      expect(certificateFingerprint(second.ca.cert)).not.toBe(certificateFingerprint(first.ca.cert));
      expect(certificateFingerprint(second.client.cert)).not.toBe(certificateFingerprint(first.client.cert));
      expect(verifiedBy(second.client.cert, second.ca.cert)).toBe(true);
      expect(await mode(second.caKeyPath)).toBe(0o600);
    });

    it('reissues the client certificate when it was not issued by this CA', async () => {
      const dir = path.join(root, 'foreign-client');
      const first = await ensureClusterTls(dir, 'c2');
      const foreign = await issueClientCertificate(await createCertificateAuthority('foreign'), 'foreign');
      await fs.writeFile(first.certPath, foreign.cert);
      await fs.writeFile(first.keyPath, foreign.key);
      const second = await ensureClusterTls(dir, 'c2');
      expect(verifiedBy(second.client.cert, second.ca.cert)).toBe(true);
      expect(second.client.cert).not.toBe(foreign.cert);
      expect(await fs.readFile(second.certPath, 'utf8')).toBe(second.client.cert);
      expect(await fs.readFile(second.keyPath, 'utf8')).toBe(second.client.key);
    });

    it('replaces a CA whose key does not match its certificate, or garbage', async () => {
      const dir = path.join(root, 'garbage');
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'ca.pem'), 'not a certificate');
      await fs.writeFile(path.join(dir, 'ca-key.pem'), 'not a key');
      await fs.writeFile(path.join(dir, 'cert.pem'), 'nope');
      await fs.writeFile(path.join(dir, 'key.pem'), 'nope');
      const tls = await ensureClusterTls(dir, 'c3');
      expect(new X509Certificate(tls.ca.cert).ca).toBe(true);
      expect(verifiedBy(tls.client.cert, tls.ca.cert)).toBe(true);
      expect(await mode(path.join(dir, 'ca.pem'))).toBe(0o600);
    });
  });

  describe('ensureServerCertificate', () => {
    let tls: ClusterTls;

    beforeAll(async () => {
      tls = await ensureClusterTls(path.join(root, 'servers', 'tls'), 'servers');
    });

    it('issues a server certificate for the IPs, the machine name, localhost and 127.0.0.1', async () => {
      const server = await ensureServerCertificate(tls, 'dtr-1', ['10.1.0.11']);
      const machineDir = path.join(tls.dir, 'machines', 'dtr-1');
      expect(server.certPath).toBe(path.join(machineDir, 'server.pem'));
      expect(server.keyPath).toBe(path.join(machineDir, 'server-key.pem'));
      expect(await fs.readFile(server.certPath, 'utf8')).toBe(server.cert);
      expect(await fs.readFile(server.keyPath, 'utf8')).toBe(server.key);
      expect(await mode(server.certPath)).toBe(0o600);
      expect(await mode(server.keyPath)).toBe(0o600);
      expect(await mode(machineDir)).toBe(0o700);
      expect(await mode(path.dirname(machineDir))).toBe(0o700);

      expect(verifiedBy(server.cert, tls.ca.cert)).toBe(true);
      const x = new X509Certificate(server.cert);
      expect(x.checkIP('10.1.0.11')).toBe('10.1.0.11');
      expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(altNames(server.cert)).toEqual([
        'DNS:dtr-1',
        'DNS:localhost',
        'IP Address:10.1.0.11',
        'IP Address:127.0.0.1',
      ]);
      expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    });

    it('reuses the certificate for the same IPs, in any order or spelling', async () => {
      const first = await ensureServerCertificate(tls, 'dtr-2', ['10.1.0.12', 'fd00::12']);
      const again = await ensureServerCertificate(tls, 'dtr-2', ['fd00:0:0:0:0:0:0:12', '10.1.0.12']);
      expect(certificateFingerprint(again.cert)).toBe(certificateFingerprint(first.cert));
      expect(again.key).toBe(first.key);
      // 127.0.0.1 is always there, so asking for it explicitly changes nothing.
      const withLoopback = await ensureServerCertificate(tls, 'dtr-2', [
        '127.0.0.1',
        '10.1.0.12',
        'fd00::12',
      ]);
      expect(certificateFingerprint(withLoopback.cert)).toBe(certificateFingerprint(first.cert));
    });

    it('reissues when the IP changes', async () => {
      const first = await ensureServerCertificate(tls, 'dtr-3', ['10.1.0.13']);
      const moved = await ensureServerCertificate(tls, 'dtr-3', ['10.1.0.99']);
      expect(certificateFingerprint(moved.cert)).not.toBe(certificateFingerprint(first.cert));
      expect(moved.key).not.toBe(first.key);
      const x = new X509Certificate(moved.cert);
      expect(x.checkIP('10.1.0.99')).toBe('10.1.0.99');
      expect(x.checkIP('10.1.0.13')).toBeUndefined();
      expect(await fs.readFile(moved.certPath, 'utf8')).toBe(moved.cert);
      // Dropping an IP is a change too: the SANs must be exactly the wanted ones.
      const grown = await ensureServerCertificate(tls, 'dtr-3', ['10.1.0.99', '10.1.0.100']);
      const shrunk = await ensureServerCertificate(tls, 'dtr-3', ['10.1.0.99']);
      expect(certificateFingerprint(shrunk.cert)).not.toBe(certificateFingerprint(grown.cert));
      expect(new X509Certificate(shrunk.cert).checkIP('10.1.0.100')).toBeUndefined();
    });

    it('carries a host name given besides the IPs as a DNS name; adding or dropping it reissues', async () => {
      const plain = await ensureServerCertificate(tls, 'dtr-6', ['10.1.0.16']);
      const named = await ensureServerCertificate(tls, 'dtr-6', ['10.1.0.16'], ['node-6.example.com']);
      expect(altNames(named.cert)).toEqual([
        'DNS:dtr-6',
        'DNS:localhost',
        'DNS:node-6.example.com',
        'IP Address:10.1.0.16',
        'IP Address:127.0.0.1',
      ]);
      expect(new X509Certificate(named.cert).checkHost('node-6.example.com')).toBe('node-6.example.com');
      expect(certificateFingerprint(named.cert)).not.toBe(certificateFingerprint(plain.cert));
      const again = await ensureServerCertificate(tls, 'dtr-6', ['10.1.0.16'], ['NODE-6.example.com']);
      expect(certificateFingerprint(again.cert)).toBe(certificateFingerprint(named.cert));
      const dropped = await ensureServerCertificate(tls, 'dtr-6', ['10.1.0.16']);
      expect(altNames(dropped.cert)).not.toContain('DNS:node-6.example.com');
    });

    it('reissues when the certificate was signed by another CA', async () => {
      const otherTls = await ensureClusterTls(path.join(root, 'other', 'tls'), 'other');
      const foreign = await ensureServerCertificate(otherTls, 'dtr-4', ['10.1.0.14']);
      const machineDir = path.join(tls.dir, 'machines', 'dtr-4');
      await fs.mkdir(machineDir, { recursive: true });
      await fs.writeFile(path.join(machineDir, 'server.pem'), foreign.cert);
      await fs.writeFile(path.join(machineDir, 'server-key.pem'), foreign.key);
      const server = await ensureServerCertificate(tls, 'dtr-4', ['10.1.0.14']);
      expect(server.cert).not.toBe(foreign.cert);
      expect(verifiedBy(server.cert, tls.ca.cert)).toBe(true);
    });

    it('rejects unsafe machine names and non-IPs', async () => {
      await expect(ensureServerCertificate(tls, '../escape', ['10.0.0.1'])).rejects.toThrow(/machine name/);
      await expect(ensureServerCertificate(tls, '', ['10.0.0.1'])).rejects.toThrow(/machine name/);
      await expect(ensureServerCertificate(tls, 'dtr-5', ['dtr-5.example'])).rejects.toThrow(/IP/);
    });

    it('gives an engine and the framework what they need for a mutual-TLS handshake', async () => {
      const server = await ensureServerCertificate(tls, 'dtr-1', ['10.1.0.11']);
      const [ca, cert, key, serverCert, serverKey] = await Promise.all(
        [tls.caPath, tls.certPath, tls.keyPath, server.certPath, server.keyPath].map((p) =>
          fs.readFile(p, 'utf8'),
        ),
      );
      const srv = https.createServer(
        { cert: serverCert, key: serverKey, ca, requestCert: true, rejectUnauthorized: true },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = srv.address() as AddressInfo;
        const request = (opts: https.RequestOptions): Promise<number> =>
          new Promise((resolve, reject) => {
            const req = https.request({ host: '127.0.0.1', port, agent: false, ...opts }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            });
            req.on('error', reject);
            req.end();
          });
        expect(await request({ ca, cert, key })).toBe(200);
        expect(await request({ ca, cert, key, servername: 'dtr-1' })).toBe(200);
        await expect(request({ ca })).rejects.toThrow();
      } finally {
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
    });
  });
});
