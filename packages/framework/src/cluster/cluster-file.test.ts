import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clusterFilePath, readClusterFile, readMachinesFile, writeClusterFile } from './cluster-file';
import type { ClusterInfo } from './cluster-info';

/** A file's JSON, to break on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let clusterDir: string;

beforeEach(async () => {
  clusterDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-cluster-file-'));
});

afterEach(async () => {
  await fs.rm(clusterDir, { recursive: true, force: true });
});

function info(): ClusterInfo {
  const machine = (n: number) => ({
    name: `unit-${n}`,
    role: n === 1 ? ('controller' as const) : ('replica' as const),
    ip: `10.0.0.${n}`,
    providerId: `c${n}`,
    ssh: { host: `10.0.0.${n}`, port: 22, user: 'root', privateKeyPath: path.join(clusterDir, 'id') },
    engine: {
      host: `10.0.0.${n}`,
      port: 2376,
      caPath: path.join(clusterDir, 'ca.pem'),
      certPath: path.join(clusterDir, 'cert.pem'),
      keyPath: path.join(clusterDir, 'key.pem'),
    },
  });
  return {
    machines: [machine(1), machine(2)],
    ucp: { url: 'https://10.0.0.1:8443', caPath: path.join(clusterDir, 'ucp-ca.pem') },
    madeFor: { ucp: { ucpFingerprint: 'ab:cd', addresses: { 'unit-1': '10.0.0.1' }, image: 'u/ucp:1' } },
  };
}

/** Writes the cluster file as `up` does, changed by `change`, and reads it back: the error. */
async function broken(change: (file: Json) => void): Promise<string> {
  await writeClusterFile(clusterDir, info());
  const file = JSON.parse(await fs.readFile(clusterFilePath(clusterDir), 'utf8')) as Json;
  change(file);
  await fs.writeFile(clusterFilePath(clusterDir), JSON.stringify(file));
  const error = (await readClusterFile(clusterDir).catch((e: unknown) => e)) as Error;
  expect(error).toBeInstanceOf(Error);
  expect(error.message).toContain(`${clusterFilePath(clusterDir)} is not a cluster file of version 1`);
  expect(error.message).toContain('run `dtr-ha up` again');
  return error.message;
}

test('round trip: what up wrote is read back, madeFor included, file mode 0600', async () => {
  await writeClusterFile(clusterDir, info());
  expect((await fs.stat(clusterFilePath(clusterDir))).mode & 0o777).toBe(0o600);
  expect(await readClusterFile(clusterDir)).toEqual(info());
  expect(await readMachinesFile(clusterDir)).toEqual(info().machines);
});

test('no cluster file yet: undefined', async () => {
  expect(await readClusterFile(clusterDir)).toBeUndefined();
});

test('another version, or none', async () => {
  expect(await broken((f) => (f.version = 2))).toContain('(version 2)');
  expect(await broken((f) => delete f.version)).toContain('(no version)');
});

test('not JSON', async () => {
  await fs.writeFile(clusterFilePath(clusterDir), '{"version": 1, "machi');
  await expect(readClusterFile(clusterDir)).rejects.toThrow(/not valid JSON.*run `dtr-ha up` again/);
});

test('a missing field or a wrong type is named by its path, as in the handoff', async () => {
  const message = await broken((f) => {
    delete f.machines[0].engine.keyPath;
    f.machines[1].ssh.port = '22';
    f.madeFor.ucp.addresses = ['10.0.0.1'];
  });
  expect(message).toContain('machines[0].engine.keyPath is missing (must be an absolute path)');
  expect(message).toContain('machines[1].ssh.port must be a port (1 to 65535)');
  expect(message).toContain('madeFor.ucp.addresses must be an object of machine names and addresses');
});
