import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readClusterFile, writeClusterFile } from '../cluster/cluster-file';
import type { ClusterInfo } from '../cluster/cluster-info';
import { loadConfig } from '../config';
import type { MachineRecord } from '../machines/types';
import {
  HANDOFF_ENV,
  HANDOFF_VERSION,
  HandoffError,
  buildHandoff,
  handoffConfig,
  handoffMachines,
  handoffPath,
  newRunId,
  parseHandoff,
  readHandoff,
  readHandoffSync,
  removeStaleHandoffs,
  writeHandoff,
  type Handoff,
} from './handoff';

const REGISTRY_PASSWORD = 'registry-Secret-4711';
const ADMIN_PASSWORD = 'admin-Secret-0815';

/** A file's JSON, to break on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let stateDir: string;
let clusterDir: string;

beforeEach(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-handoff-'));
  clusterDir = path.join(stateDir, 'unit');
  await fs.mkdir(path.join(clusterDir, 'tls'), { recursive: true });
  for (const file of ['ca.pem', 'cert.pem', 'key.pem', 'ucp-ca.pem', 'dtr-ca.pem', 'id_ed25519']) {
    await fs.writeFile(path.join(clusterDir, 'tls', file), 'not a real pem\n');
  }
});

afterEach(async () => {
  await fs.rm(stateDir, { recursive: true, force: true });
});

function config() {
  return loadConfig({
    env: {
      HOME: stateDir,
      MACHINE_PREFIX: 'unit',
      NUM_MACHINES: '3',
      DTR_HA_STATE_DIR: stateDir,
      UCP_PULL_IMAGES: '1',
      REGISTRY_USERNAME: 'puller',
      REGISTRY_PASSWORD,
      UCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      UCP_REPO: 'docker/ucp-images',
      UCP_TAG: '1.1.0',
      DTR_TAG: '2.0.3',
      DTR_CONSTRAINTS: 'constraint:node!=unit-1',
    },
    cwd: stateDir,
  });
}

function record(n: number, port = 2376): MachineRecord {
  const tls = path.join(clusterDir, 'tls');
  return {
    name: `unit-${n}`,
    role: n === 1 ? 'controller' : 'replica',
    ip: `10.0.0.${n}`,
    providerId: `container-${n}`,
    ssh: { host: `10.0.0.${n}`, port: 22, user: 'root', privateKeyPath: path.join(tls, 'id_ed25519') },
    engine: {
      host: `10.0.0.${n}`,
      port,
      caPath: path.join(tls, 'ca.pem'),
      certPath: path.join(tls, 'cert.pem'),
      keyPath: path.join(tls, 'key.pem'),
    },
  };
}

function fullInfo(): ClusterInfo {
  const tls = path.join(clusterDir, 'tls');
  return {
    machines: [record(1), record(2), record(3)],
    ucp: { url: 'https://10.0.0.1:8443', caPath: path.join(tls, 'ucp-ca.pem') },
    loadBalancer: { machine: 'unit-1', host: '10.0.0.1', port: 443, url: 'https://10.0.0.1' },
    dtr: {
      caPath: path.join(tls, 'dtr-ca.pem'),
      replicas: [
        { id: 'aaaaaaaaaaaa', machine: 'unit-2', url: 'https://10.0.0.2:443' },
        { id: 'bbbbbbbbbbbb', machine: 'unit-3', url: 'https://10.0.0.3:443' },
      ],
    },
    madeFor: { ucp: { ucpFingerprint: 'ab:cd', addresses: { 'unit-1': '10.0.0.1' }, image: 'u:1' } },
  };
}

async function written(info: ClusterInfo = fullInfo(), built: Handoff['built'] = 'dtr') {
  const runId = newRunId();
  const file = handoffPath(clusterDir, runId);
  const handoff = buildHandoff({ config: config(), clusterDir, info, built, runId });
  await writeHandoff(file, handoff);
  return { file, handoff };
}

async function readError(
  file: string | undefined,
  text?: string,
): Promise<InstanceType<typeof HandoffError>> {
  if (file && text !== undefined) await fs.writeFile(file, text);
  const error = await readHandoff(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandoffError);
  return error as InstanceType<typeof HandoffError>;
}

describe('writing and reading', () => {
  test('round trip: what was written is read back, versioned, file mode 0600', async () => {
    const { file, handoff } = await written();
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const read = await readHandoff(file);
    expect(read).toEqual(handoff);
    expect(read.version).toBe(HANDOFF_VERSION);
    expect(read.cluster).toEqual({
      prefix: 'unit',
      driver: 'local',
      numMachines: 3,
      stateDir,
      dir: clusterDir,
      adminUsername: 'admin',
      images: {
        ucp: { repo: 'docker/ucp-images', tag: '1.1.0', image: 'docker/ucp-images/ucp:1.1.0' },
        dtr: { repo: 'dtrha-lab', tag: '2.0.3', image: 'dtrha-lab/dtr:2.0.3' },
      },
      dtrLbConstraints: [],
      dtrConstraints: [{ key: 'node', operator: '!=', value: 'unit-1' }],
    });
    // The cluster record itself, as `up` returned it — all but madeFor, which stays in cluster.json.
    const { madeFor, ...record } = fullInfo();
    expect(madeFor).toBeDefined();
    expect(read).toMatchObject(record);
    expect(read).not.toHaveProperty('madeFor');
    expect(await fs.readFile(file, 'utf8')).not.toContain('madeFor');
  });

  test('its machines are the records of cluster.json, field for field', async () => {
    await writeClusterFile(clusterDir, fullInfo());
    const { file } = await written((await readClusterFile(clusterDir))!);
    expect((await readHandoff(file)).machines).toEqual((await readClusterFile(clusterDir))!.machines);
  });

  test('the configuration of a test process: the cluster from the handoff, the rest from the environment', async () => {
    const { handoff } = await written();
    // The test process's environment names another cluster; only what it alone knows is taken from it.
    const fromEnvironment = loadConfig({
      env: {
        HOME: stateDir,
        MACHINE_PREFIX: 'other',
        NUM_MACHINES: '5',
        UCP_ADMIN_USERNAME: 'someone',
        UCP_TAG: '3.2.5',
        DTR_TAG: '2.7.6',
        DTR_LB_CONSTRAINTS: 'constraint:node==unit-2',
        REGISTRY_USERNAME: 'puller',
        REGISTRY_PASSWORD,
        UCP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        DTR_HA_KEEP_DTR: '1',
      },
      cwd: stateDir,
    });
    const config = handoffConfig(handoff, fromEnvironment);
    expect(config).toMatchObject({
      machinePrefix: 'unit',
      machineDriver: 'local',
      numMachines: 3,
      stateDir,
      admin: { username: 'admin', password: ADMIN_PASSWORD },
      ucp: { image: 'docker/ucp-images/ucp:1.1.0' },
      dtr: { image: 'dtrha-lab/dtr:2.0.3' },
      dtrLbConstraints: [],
      dtrConstraints: [{ key: 'node', operator: '!=', value: 'unit-1' }],
      registry: { username: 'puller', password: REGISTRY_PASSWORD },
      tests: { keepDtr: true },
    });
    // The secrets stay as loadConfig keeps them: readable, never enumerable.
    expect(JSON.stringify(config)).not.toMatch(new RegExp(`${ADMIN_PASSWORD}|${REGISTRY_PASSWORD}`));
  });

  test('DTR_HA_HANDOFF is the default path', async () => {
    const { file } = await written();
    const before = process.env[HANDOFF_ENV];
    process.env[HANDOFF_ENV] = file;
    try {
      expect((await readHandoff()).runId).toMatch(/^[a-z0-9]+-\d+-[0-9a-f]{8}$/);
    } finally {
      if (before === undefined) delete process.env[HANDOFF_ENV];
      else process.env[HANDOFF_ENV] = before;
    }
  });

  test('readHandoffSync reads and rejects the same way', async () => {
    const { file, handoff } = await written();
    expect(readHandoffSync(file)).toEqual(handoff);
    expect(() => readHandoffSync(path.join(clusterDir, 'handoff-gone.json'))).toThrow(
      /does not exist .*run jest with the dtr-ha preset, or set DTR_HA_HANDOFF/,
    );
    await fs.writeFile(file, '{"version": 1, "machi');
    expect(() => readHandoffSync(file)).toThrow(/not valid JSON \(truncated\?\)/);
  });

  test('one path per run, inside the cluster directory', () => {
    const a = handoffPath(clusterDir, newRunId());
    const b = handoffPath(clusterDir, newRunId());
    expect(a).not.toBe(b);
    expect(path.dirname(a)).toBe(clusterDir);
    expect(path.basename(a)).toMatch(/^handoff-.+\.json$/);
    expect(() => handoffPath(clusterDir, '../escape')).toThrow(/invalid run id/);
  });

  test('holds no secret: neither REGISTRY_PASSWORD, the admin password, nor key material', async () => {
    const { file } = await written();
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain(REGISTRY_PASSWORD);
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|password/i);
    // Keys and certificates are referenced by path only.
    expect(text).toContain(path.join(clusterDir, 'tls', 'key.pem'));
  });

  test('a cluster built only to its machines has no UCP, load balancer or DTR', async () => {
    const { file } = await written({ machines: [record(1), record(2)] }, 'machines');
    const read = await readHandoff(file);
    expect(read.machines).toEqual([record(1), record(2)]);
    expect(read.built).toBe('machines');
    expect(read.ucp).toBeUndefined();
    expect(read.loadBalancer).toBeUndefined();
    expect(read.dtr).toBeUndefined();
  });

  test('machines are made from it without connecting', async () => {
    const { handoff } = await written();
    const machines = handoffMachines(handoff);
    expect(machines.map((m) => [m.name, m.role, m.getIP()])).toEqual([
      ['unit-1', 'controller', '10.0.0.1'],
      ['unit-2', 'replica', '10.0.0.2'],
      ['unit-3', 'replica', '10.0.0.3'],
    ]);
    machines.forEach((m) => m.dispose());
  });

  test('removeStaleHandoffs removes other runs’ files only', async () => {
    const keep = await written();
    const old = await written();
    await fs.writeFile(path.join(clusterDir, 'cluster.json'), '{}');
    expect(await removeStaleHandoffs(clusterDir, keep.file)).toEqual([path.basename(old.file)]);
    expect((await fs.readdir(clusterDir)).sort()).toEqual(
      ['cluster.json', path.basename(keep.file), 'tls'].sort(),
    );
    expect(await removeStaleHandoffs(path.join(stateDir, 'nothing-here'))).toEqual([]);
  });
});

describe('errors say what to do', () => {
  test('DTR_HA_HANDOFF unset', async () => {
    const before = process.env[HANDOFF_ENV];
    delete process.env[HANDOFF_ENV];
    try {
      const error = await readError(undefined);
      expect(error.reason).toBe('unset');
      expect(error.message).toContain('DTR_HA_HANDOFF is not set');
      expect(error.message).toContain('run jest with the dtr-ha preset');
      expect(error.message).toContain('or set DTR_HA_HANDOFF');
    } finally {
      if (before !== undefined) process.env[HANDOFF_ENV] = before;
    }
  });

  test('missing file', async () => {
    const file = path.join(clusterDir, 'handoff-gone.json');
    const error = await readError(file);
    expect(error.reason).toBe('missing');
    expect(error.file).toBe(file);
    expect(error.message).toContain(`${file} does not exist`);
    expect(error.message).toContain('run jest with the dtr-ha preset, or set DTR_HA_HANDOFF');
  });

  test('truncated JSON', async () => {
    const { file } = await written();
    const text = await fs.readFile(file, 'utf8');
    const error = await readError(file, text.slice(0, Math.floor(text.length / 2)));
    expect(error.reason).toBe('invalid-json');
    expect(error.message).toContain('not valid JSON (truncated?)');
    expect(error.message).toContain('run jest again');
  });

  test('empty file', async () => {
    const { file } = await written();
    const error = await readError(file, '');
    expect(error.reason).toBe('invalid-json');
    expect(error.message).toContain('is empty');
  });

  test('another schema version: older or newer', async () => {
    const { file, handoff } = await written();
    for (const version of [HANDOFF_VERSION - 1, HANDOFF_VERSION + 1]) {
      const error = await readError(file, JSON.stringify({ ...handoff, version }));
      expect(error.reason).toBe('version');
      expect(error.message).toContain(
        `has version ${version}, but this @dtr-ha/framework reads version ${HANDOFF_VERSION}`,
      );
      expect(error.message).toContain('npm ls @dtr-ha/framework');
    }
    const none = await readError(file, JSON.stringify({ machines: [] }));
    expect(none.reason).toBe('version');
    expect(none.message).toContain('has no version');
  });

  /** The handoff as written, changed by `change`, read back: the error. */
  async function broken(change: (h: Json) => void) {
    const { file, handoff } = await written();
    const copy = JSON.parse(JSON.stringify(handoff)) as Json;
    change(copy);
    const error = await readError(file, JSON.stringify(copy));
    expect(error.reason).toBe('schema');
    expect(error.message).toContain(`does not match schema version ${HANDOFF_VERSION}`);
    expect(error.message).toContain('run jest again');
    return error.message;
  }

  test('wrong shape: missing fields and wrong types, every problem named by its path', async () => {
    const message = await broken((h) => {
      h.machines[1].engine.port = 'x';
      h.machines[0].ssh.port = 70000;
      delete h.machines[2].ssh.privateKeyPath;
      h.machines[2].engine.caPath = 'relative/ca.pem';
      delete h.cluster.prefix;
      h.cluster.images.dtr = 'dtr:latest';
      h.ucp.url = 'ftp://x';
      h.built = 'everything';
    });
    expect(message).toContain('machines[1].engine.port must be a port (1 to 65535)');
    expect(message).toContain('machines[0].ssh.port must be a port (1 to 65535)');
    expect(message).toContain('machines[2].ssh.privateKeyPath is missing (must be an absolute path)');
    expect(message).toContain('machines[2].engine.caPath must be an absolute path');
    expect(message).toContain('cluster.prefix is missing (must be a non-empty string)');
    expect(message).toContain('cluster.images.dtr must be an object');
    expect(message).toContain('ucp.url must be an http(s) URL');
    expect(message).toContain('built must be one of "machines", "ucp", "dtr"');
    expect(() => parseHandoff('[]', 'x.json')).toThrow(/the top level must be a JSON object/);
  });

  test('wrong references: machines that are not in it, parts that built says are there', async () => {
    const unknown = await broken((h) => {
      h.dtr.replicas[0].machine = 'unit-9';
      h.loadBalancer.machine = 'unit-8';
    });
    expect(unknown).toContain('dtr.replicas[0].machine "unit-9" is not one of the machines');
    expect(unknown).toContain('loadBalancer.machine "unit-8" is not one of the machines');
    const noController = await broken((h) => {
      h.machines = h.machines.slice(1);
      delete h.loadBalancer;
      delete h.dtr;
    });
    expect(noController).toContain('machines must include the controller');
    expect(noController).toContain('loadBalancer is required when built is "dtr"');
    expect(noController).toContain('dtr is required when built is "dtr"');
    expect(await broken((h) => (h.machines = []))).toContain('machines must be a non-empty array');
  });

  test('the files it refers to are gone', async () => {
    const { file } = await written();
    await fs.rm(path.join(clusterDir, 'tls', 'key.pem'));
    const error = await readError(file);
    expect(error.reason).toBe('gone');
    expect(error.message).toContain(path.join(clusterDir, 'tls', 'key.pem'));
    expect(error.message).toContain('run jest again');
    await expect(readHandoff(file, { checkFiles: false })).resolves.toBeDefined();
  });

  test('machines that are gone (optional engine check)', async () => {
    // Port 1 on the loopback: nothing listens, so the engine "does not answer" at once.
    const info = fullInfo();
    info.machines = info.machines.map((m) => ({ ...m, engine: { ...m.engine, host: '127.0.0.1', port: 1 } }));
    const { file } = await written(info);
    await expect(readHandoff(file)).resolves.toBeDefined();
    const error = await readHandoff(file, { checkEngines: true, engineTimeoutMs: 1_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HandoffError);
    expect((error as Error).message).toContain('do not answer: unit-1 (tcp://127.0.0.1:1)');
    expect((error as Error).message).toContain('run jest again to rebuild or reuse it');
  });
});
