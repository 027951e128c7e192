import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// Shared storage: a blob written through one replica is served by the others.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

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

  // The layer's digest, from the manifest the writer replica serves. Registry calls answer the
  // challenge the replica sends, as the docker client does (DTR's token flow).
  const manifest = await writer.api.registryGet(`/v2/${suite.admin.username}/${name}/manifests/blob`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(manifest.status).toBe(200);
  const digest: string = manifest.data.layers[0].digest;

  const blob = `/v2/${suite.admin.username}/${name}/blobs/${digest}`;
  const original = await writer.api.registryGet(blob, { responseType: 'arraybuffer' });
  expect(original.status).toBe(200);
  for (const reader of readers) {
    const copy = await reader.api.registryGet(blob, { responseType: 'arraybuffer' });
    expect(copy.status).toBe(200);
    expect(Buffer.from(copy.data).equals(Buffer.from(original.data))).toBe(true);
  }
});
