import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEndpoint } from './engine-endpoint';
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

test.each([
  ['names its address and chains to the cluster CA', 'answers', 'cluster', '127.0.0.1'],
  ['names another address (the machine moved)', 'untrusted-certificate', 'cluster', '10.9.9.9'],
  ['chains to another CA (the state was made again)', 'untrusted-certificate', 'other', '127.0.0.1'],
] as const)('an engine whose certificate %s: %s', async (_case, expected, issuer, address) => {
  const ca = issuer === 'cluster' ? clusterCa : await createCertificateAuthority('an older cluster');
  const cert = await issueServerCertificate(ca, { commonName: 'node', ips: [address], dnsNames: [] });
  const port = await engineServing(cert, ca);
  expect(await probeEngine({ ...endpointBase, port })).toBe(expected);
});

test('nothing listening is no answer', async () => {
  const server = https.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  expect(await probeEngine({ ...endpointBase, port }, 1_000)).toBe('no-answer');
});
