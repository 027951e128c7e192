import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEndpoint } from '../machines/types';
import {
  createCertificateAuthority,
  issueClientCertificate,
  issueServerCertificate,
  type PemPair,
} from '../tls';
import { probeEngine } from './engine-client';

// Real TLS servers on loopback answering the Engine API's ping as dockerd does (`GET /_ping` → OK),
// each with a certificate that a machine's engine could be serving after a move or a state reset.
let dir: string;
let clusterCa: PemPair;
let endpointBase: Omit<EngineEndpoint, 'port'>;
const servers: https.Server[] = [];

async function engineServing(cert: PemPair, ca: PemPair): Promise<number> {
  const server = https.createServer(
    { cert: cert.cert, key: cert.key, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
    (req, res) => res.end(req.url === '/_ping' ? 'OK' : ''),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-probe-test-'));
  clusterCa = await createCertificateAuthority('probe-test cluster');
  const client = await issueClientCertificate(clusterCa, 'dtr-ha');
  const write = async (name: string, text: string) => {
    await fs.writeFile(path.join(dir, name), text, { mode: 0o600 });
    return path.join(dir, name);
  };
  endpointBase = {
    host: '127.0.0.1',
    caPath: await write('ca.pem', clusterCa.cert),
    certPath: await write('cert.pem', client.cert),
    keyPath: await write('key.pem', client.key),
  };
});

afterAll(async () => {
  servers.forEach((s) => s.close());
  await fs.rm(dir, { recursive: true, force: true });
});

test('an engine whose certificate names its address and chains to the cluster CA answers', async () => {
  const cert = await issueServerCertificate(clusterCa, {
    commonName: 'node',
    ips: ['127.0.0.1'],
    dnsNames: [],
  });
  const port = await engineServing(cert, clusterCa);
  expect(await probeEngine({ ...endpointBase, port })).toBe('answers');
});

test('a certificate for another address (the machine moved) is untrusted, not silence', async () => {
  const cert = await issueServerCertificate(clusterCa, {
    commonName: 'node',
    ips: ['10.9.9.9'],
    dnsNames: [],
  });
  const port = await engineServing(cert, clusterCa);
  expect(await probeEngine({ ...endpointBase, port })).toBe('untrusted-certificate');
});

test('a certificate of another CA (the cluster state was made again) is untrusted, not silence', async () => {
  const otherCa = await createCertificateAuthority('an older cluster');
  const cert = await issueServerCertificate(otherCa, {
    commonName: 'node',
    ips: ['127.0.0.1'],
    dnsNames: [],
  });
  const port = await engineServing(cert, otherCa);
  expect(await probeEngine({ ...endpointBase, port })).toBe('untrusted-certificate');
});

test('nothing listening is no answer', async () => {
  const server = https.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  expect(await probeEngine({ ...endpointBase, port }, 1_000)).toBe('no-answer');
});
