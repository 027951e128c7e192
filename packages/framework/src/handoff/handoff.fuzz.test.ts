/**
 * Fuzzing the readers of the cluster record (cluster/cluster-info.ts): the handoff (parseHandoff) and
 * cluster.json (readClusterFile), with random JSON, truncated files and good records changed at
 * random places. Each either reads or fails with the reader's own error, naming the file.
 */
import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FUZZ_TIMEOUT_MS,
  fuzzRuns,
  jsonFileText,
  parsesOrNamedError,
  parsesOrNamedErrorAsync,
  type Json,
} from '../../test-support/fuzz';
import { readClusterFile } from '../cluster/cluster-file';
import { HANDOFF_VERSION, HandoffError, parseHandoff } from './handoff';

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-handoff-fuzz-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const machine = (n: number): Json => ({
  name: `unit-${n}`,
  role: n === 1 ? 'controller' : 'replica',
  ip: `10.0.0.${n}`,
  providerId: `container-${n}`,
  ssh: { host: `10.0.0.${n}`, port: 22, user: 'root', privateKeyPath: '/state/unit/id_ed25519' },
  engine: {
    host: `10.0.0.${n}`,
    port: 2376,
    caPath: '/state/unit/tls/ca.pem',
    certPath: '/state/unit/tls/cert.pem',
    keyPath: '/state/unit/tls/key.pem',
  },
});

/** A whole cluster record, as both files carry it. */
const clusterRecord = (): Record<string, Json> => ({
  machines: [machine(1), machine(2), machine(3)],
  ucp: { url: 'https://10.0.0.1:8443', caPath: '/state/unit/ucp-ca.pem' },
  loadBalancer: { machine: 'unit-1', host: '10.0.0.1', port: 443, url: 'https://10.0.0.1' },
  dtr: {
    caPath: '/state/unit/dtr-ca.pem',
    replicas: [
      { id: 'aaaaaaaaaaaa', machine: 'unit-2', url: 'https://10.0.0.2:443' },
      { id: 'bbbbbbbbbbbb', machine: 'unit-3', url: 'https://10.0.0.3:443' },
    ],
  },
});

const constraint: Json = { key: 'node', operator: '!=', value: 'unit-1' };
const image = (name: string): Json => ({ repo: 'dtrha-lab', tag: '1.0.0', image: `dtrha-lab/${name}:1.0.0` });

const goodHandoff = (): Json => ({
  version: HANDOFF_VERSION,
  runId: 'run-1',
  createdAt: '2024-01-01T00:00:00.000Z',
  pid: 4711,
  built: 'dtr',
  cluster: {
    prefix: 'unit',
    driver: 'local',
    numMachines: 3,
    stateDir: '/state',
    dir: '/state/unit',
    adminUsername: 'admin',
    images: { ucp: image('ucp'), dtr: image('dtr') },
    dtrLbConstraints: [],
    dtrConstraints: [constraint],
  },
  ...clusterRecord(),
});

const goodClusterFile = (): Json => ({
  version: 1,
  madeFor: {
    ucp: { ucpFingerprint: 'ab:cd', addresses: { 'unit-1': '10.0.0.1' }, image: 'u:1' },
    dtr: { addresses: {} },
  },
  ...clusterRecord(),
});

test(
  'parseHandoff: every text is a handoff or a HandoffError naming the file',
  () => {
    const source = '/state/unit/handoff-fuzz.json';
    fc.assert(
      fc.property(
        jsonFileText(goodHandoff(), [
          '{"__proto__": {"version": 2}}',
          `{"version": ${HANDOFF_VERSION}, "__proto__": []}`,
          `{"version": ${HANDOFF_VERSION}, "built": "toString", "machines": []}`,
        ]),
        (text) => {
          parsesOrNamedError(
            () => parseHandoff(text, source),
            (error) => error instanceof HandoffError && error.message.includes(source),
          );
        },
      ),
      fuzzRuns(3000),
    );
  },
  FUZZ_TIMEOUT_MS,
);

test(
  'readClusterFile: every cluster.json is a record or an error naming the file',
  async () => {
    const clusterDir = path.join(dir, 'cluster');
    await fs.mkdir(clusterDir, { recursive: true });
    const file = path.join(clusterDir, 'cluster.json');
    await fc.assert(
      fc.asyncProperty(
        jsonFileText(goodClusterFile(), [
          '{"version": 1, "machines": {"length": 1}}',
          '{"version": 1, "__proto__": 1}',
        ]),
        async (text) => {
          await fs.writeFile(file, text);
          await parsesOrNamedErrorAsync(
            () => readClusterFile(clusterDir),
            (error) =>
              error.constructor === Error && error.message.startsWith(`${file} is not a cluster file`),
          );
        },
      ),
      fuzzRuns(300),
    );
  },
  FUZZ_TIMEOUT_MS,
);
