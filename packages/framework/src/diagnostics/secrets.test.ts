import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils as ssh2Utils } from 'ssh2';
import { loadConfig } from '../config';
import type { MachineRecord } from '../machines/types';
import { redact, REDACTED } from './redact';
import { diagnosticSecrets } from './secrets';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-secrets-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;

async function write(file: string, text: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

test("the CA keys, DTR's key, every TLS and SSH key, the passwords and MACHINE_CREATE_FLAGS secrets", async () => {
  const clusterDir = path.join(dir, 'cluster');
  const keys = {
    ca: pem(),
    dtrCa: pem(),
    dtr: pem(),
    client: pem(),
    server: pem(),
    ssh: ssh2Utils.generateKeyPairSync('ed25519').private,
    docker: pem(), // docker-machine's client key, in its own store
  };
  await write(path.join(clusterDir, 'tls', 'ca-key.pem'), keys.ca);
  await write(path.join(clusterDir, 'tls', 'key.pem'), keys.client);
  await write(path.join(clusterDir, 'tls', 'machines', 'm-1', 'server-key.pem'), keys.server);
  await write(path.join(clusterDir, 'dtr-tls', 'ca-key.pem'), keys.dtrCa);
  await write(path.join(clusterDir, 'dtr-tls', 'machines', 'dtr', 'server-key.pem'), keys.dtr);
  await write(path.join(clusterDir, 'ssh', 'id_ed25519'), keys.ssh);
  await write(
    path.join(clusterDir, 'tls', 'ca.pem'),
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  );
  const record = {
    ssh: { privateKeyPath: path.join(clusterDir, 'ssh', 'id_ed25519') },
    engine: { keyPath: await write(path.join(dir, 'store', 'certs', 'key.pem'), keys.docker) },
  } as MachineRecord;
  const config = loadConfig({
    env: {
      REGISTRY_PASSWORD: 'r',
      MACHINE_DRIVER: 'amazonec2',
      MACHINE_CREATE_FLAGS: '--amazonec2-secret-key aws-secret-value',
    },
    cwd: '/nonexistent-dir-for-dotenv',
  });

  const secrets = await diagnosticSecrets({
    config,
    clusterDir,
    adminPassword: 'generated-admin',
    machines: [{ record }],
  });
  expect(secrets.sort()).toEqual(
    [...Object.values(keys), 'r', 'aws-secret-value', 'generated-admin'].map((k) => k.trim()).sort(),
  );
  // What a DTR 2.7 installer's inspect shows (DTR_KEY in its environment) is removed.
  const inspect = JSON.stringify({ Config: { Env: [`DTR_KEY=${keys.dtr}`, 'A=1'] } }, null, 2);
  expect(redact(inspect, secrets)).toContain(`"DTR_KEY=${REDACTED}\\n"`);
});

test('a cluster with no state yet has only the configured secrets', async () => {
  const config = loadConfig({
    env: { UCP_ADMIN_PASSWORD: 'admin-secret' },
    cwd: '/nonexistent-dir-for-dotenv',
  });
  expect(await diagnosticSecrets({ config, clusterDir: path.join(dir, 'none') })).toEqual(['admin-secret']);
});
