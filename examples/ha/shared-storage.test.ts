import https from 'node:https';
import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// Shared storage: a blob written through one replica is served by the others.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

function getBlob(url: string, ca: string, auth: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca, agent: false, headers: { Authorization: `Basic ${auth}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
  });
}

test('a layer pushed to one replica is served, byte for byte, by every other replica', async () => {
  const [writer, ...readers] = suite.replicas;
  const name = suite.util.uniqueName('storage');
  await suite.util.ensureRepository(name);
  const address = writer.machine.getIP();
  const ref = `${address}/${suite.admin.username}/${name}:blob`;
  const machine = writer.machine;
  await suite.util.createImage(machine, ref, 'the same bytes on every replica');
  await suite.util.docker(machine, ['login', '-u', suite.admin.username, '--password-stdin', address], {
    stdin: suite.admin.password,
  });
  await suite.util.docker(machine, ['push', ref]);

  // The layer's digest, from the manifest the writer replica serves.
  const auth = Buffer.from(`${suite.admin.username}:${suite.admin.password}`).toString('base64');
  const manifest = await writer.api.axios.get(`/v2/${suite.admin.username}/${name}/manifests/blob`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(manifest.status).toBe(200);
  const digest: string = manifest.data.layers[0].digest;

  const original = await getBlob(
    `${writer.url}/v2/${suite.admin.username}/${name}/blobs/${digest}`,
    suite.dtrCaPem,
    auth,
  );
  expect(original.status).toBe(200);
  for (const reader of readers) {
    const copy = await getBlob(
      `${reader.url}/v2/${suite.admin.username}/${name}/blobs/${digest}`,
      suite.dtrCaPem,
      auth,
    );
    expect(copy.status).toBe(200);
    expect(copy.body.equals(original.body)).toBe(true);
  }
});
