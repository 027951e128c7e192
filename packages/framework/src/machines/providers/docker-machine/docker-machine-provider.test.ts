import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MachineSpec } from '../../types';
import {
  checkedMachineIp,
  DockerMachineProvider,
  machineState,
  ownNamePattern,
  parseLsOutput,
  recordFromInspect,
} from './docker-machine-provider';

const spec: MachineSpec = { name: 'dtrha-2', role: 'replica', index: 2 };

/** `docker-machine inspect` of an amazonec2 machine, shaped as docker-machine 0.16 prints it. */
function inspectJson(
  overrides: { driver?: Record<string, unknown>; auth?: Record<string, unknown> } = {},
): string {
  const store = '/home/ci/.docker/machine';
  return JSON.stringify(
    {
      ConfigVersion: 3,
      Driver: {
        IPAddress: '52.90.113.128',
        MachineName: 'dtrha-2',
        SSHUser: 'ubuntu',
        SSHPort: 22,
        SSHKeyPath: `${store}/machines/dtrha-2/id_rsa`,
        StorePath: store,
        SwarmMaster: false,
        SwarmHost: 'tcp://0.0.0.0:3376',
        SwarmDiscovery: '',
        Region: 'us-east-1',
        InstanceType: 't2.micro',
        ...overrides.driver,
      },
      DriverName: 'amazonec2',
      HostOptions: {
        Driver: '',
        Memory: 0,
        Disk: 0,
        EngineOptions: { ArbitraryFlags: [], InsecureRegistry: [], Labels: [], TlsVerify: true },
        AuthOptions: {
          CertDir: `${store}/certs`,
          CaCertPath: `${store}/certs/ca.pem`,
          CaPrivateKeyPath: `${store}/certs/ca-key.pem`,
          CaCertRemotePath: '',
          ServerCertPath: `${store}/machines/dtrha-2/server.pem`,
          ServerKeyPath: `${store}/machines/dtrha-2/server-key.pem`,
          ClientKeyPath: `${store}/certs/key.pem`,
          ServerCertRemotePath: '',
          ServerKeyRemotePath: '',
          ClientCertPath: `${store}/certs/cert.pem`,
          ServerCertSANs: [],
          StorePath: `${store}/machines/dtrha-2`,
          ...overrides.auth,
        },
      },
      Name: 'dtrha-2',
    },
    null,
    4,
  );
}

describe('ls output', () => {
  test('keeps only <prefix>-<n>, in machine order, with their states', () => {
    const stdout = [
      'dtrha-10\tRunning',
      'dtrha-2\tStopped',
      'dtrha-1\tRunning',
      'dtrha-3\tSaved',
      'dtrha-4\tPaused',
      'dtrha-5\tTimeout',
      'dtrha-6\tError',
      'dtrha-7\tStarting',
      'dtrha-x\tRunning',
      'dtrha-1-old\tRunning',
      'dtrha-two-1\tRunning',
      'other-1\tRunning',
      'default\tRunning',
      '',
    ].join('\n');
    expect(parseLsOutput(stdout, 'dtrha')).toEqual([
      { name: 'dtrha-1', state: 'running', providerId: 'dtrha-1' },
      { name: 'dtrha-2', state: 'stopped', providerId: 'dtrha-2' },
      { name: 'dtrha-3', state: 'stopped', providerId: 'dtrha-3' },
      { name: 'dtrha-4', state: 'stopped', providerId: 'dtrha-4' },
      { name: 'dtrha-5', state: 'unknown', providerId: 'dtrha-5' },
      { name: 'dtrha-6', state: 'unknown', providerId: 'dtrha-6' },
      { name: 'dtrha-7', state: 'unknown', providerId: 'dtrha-7' },
      { name: 'dtrha-10', state: 'running', providerId: 'dtrha-10' },
    ]);
  });

  test('empty output, Windows line ends and a missing state column', () => {
    expect(parseLsOutput('', 'dtrha')).toEqual([]);
    expect(parseLsOutput('dtrha-1\tRunning\r\ndtrha-2\r\n', 'dtrha')).toEqual([
      { name: 'dtrha-1', state: 'running', providerId: 'dtrha-1' },
      { name: 'dtrha-2', state: 'unknown', providerId: 'dtrha-2' },
    ]);
  });

  test('a prefix that is the start of another prefix does not take its machines', () => {
    expect(
      parseLsOutput('ci-1\tRunning\nci-2-1\tRunning\nci2-1\tRunning\n', 'ci').map((m) => m.name),
    ).toEqual(['ci-1']);
  });

  test('the name filter given to the CLI is anchored', () => {
    expect(ownNamePattern('dtrha')).toBe('^dtrha-[0-9]+$');
    expect(new RegExp(ownNamePattern('a.b')).test('axb-1')).toBe(false);
  });

  test('states', () => {
    expect(machineState('Running')).toBe('running');
    expect(machineState('running ')).toBe('running');
    expect(machineState('Stopped')).toBe('stopped');
    expect(machineState('')).toBe('unknown');
    expect(machineState('Stopping')).toBe('unknown');
  });
});

describe('inspect JSON', () => {
  test('gives the record: driver IP and SSH, AuthOptions TLS files, engine port 2376', () => {
    expect(recordFromInspect(inspectJson(), spec)).toEqual({
      name: 'dtrha-2',
      role: 'replica',
      ip: '52.90.113.128',
      ssh: {
        host: '52.90.113.128',
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/home/ci/.docker/machine/machines/dtrha-2/id_rsa',
      },
      engine: {
        host: '52.90.113.128',
        port: 2376,
        caPath: '/home/ci/.docker/machine/certs/ca.pem',
        certPath: '/home/ci/.docker/machine/certs/cert.pem',
        keyPath: '/home/ci/.docker/machine/certs/key.pem',
      },
      providerId: 'dtrha-2',
    });
  });

  test("libmachine's defaults when the driver leaves SSH fields out; the key under the store", () => {
    const record = recordFromInspect(
      inspectJson({ driver: { SSHUser: undefined, SSHPort: undefined, SSHKeyPath: '' } }),
      spec,
    );
    expect(record.ssh).toEqual({
      host: '52.90.113.128',
      port: 22,
      user: 'root',
      privateKeyPath: '/home/ci/.docker/machine/machines/dtrha-2/id_rsa',
    });
  });

  test('a non-default SSH port (virtualbox forwards one) and an engine port of the generic driver', () => {
    const record = recordFromInspect(inspectJson({ driver: { SSHPort: 55834, EnginePort: 3376 } }), spec);
    expect(record.ssh.port).toBe(55834);
    expect(record.engine.port).toBe(3376);
  });

  test('clear errors for a machine without IP, without TLS files, or output that is not JSON', () => {
    expect(() => recordFromInspect(inspectJson({ driver: { IPAddress: '' } }), spec)).toThrow(
      /no IP address for dtrha-2.*is it running/,
    );
    expect(() => recordFromInspect(inspectJson({ auth: { ClientKeyPath: '' } }), spec)).toThrow(
      /dtrha-2 lacks HostOptions\.AuthOptions\.ClientKeyPath/,
    );
    expect(() => recordFromInspect('Host does not exist: "dtrha-2"', spec)).toThrow(
      /docker-machine inspect dtrha-2 did not print JSON/,
    );
  });
});

describe('inspect JSON from a tampered store', () => {
  test('an IP that is not a string is refused, naming the machine and the field', () => {
    for (const IPAddress of [1234, ['1.2.3.4'], { ip: '1.2.3.4' }, true, null]) {
      expect(() => recordFromInspect(inspectJson({ driver: { IPAddress } }), spec)).toThrow(
        /^docker-machine inspect dtrha-2: Driver\.IPAddress is .*, not a string$/,
      );
    }
  });

  test('an IP carrying a shell command is refused before it reaches one', () => {
    for (const IPAddress of ['1.2.3.4; rm -rf /', '1.2.3.4 && id', '$(id)', 'dtrha-2.example.com', '1.2.3']) {
      expect(() => recordFromInspect(inspectJson({ driver: { IPAddress } }), spec)).toThrow(
        `docker-machine inspect dtrha-2: Driver.IPAddress is ${JSON.stringify(IPAddress)}, not an IP address`,
      );
    }
    expect(() => checkedMachineIp('dtrha-3', '1.2.3.4; rm -rf /')).toThrow(
      'docker-machine inspect dtrha-3: Driver.IPAddress is "1.2.3.4; rm -rf /", not an IP address',
    );
  });

  test('a good record passes, IPv4 or IPv6', () => {
    expect(recordFromInspect(inspectJson(), spec).ip).toBe('52.90.113.128');
    const v6 = recordFromInspect(inspectJson({ driver: { IPAddress: 'fd00::12' } }), spec);
    expect([v6.ip, v6.ssh.host, v6.engine.host]).toEqual(['fd00::12', 'fd00::12', 'fd00::12']);
    expect(checkedMachineIp('dtrha-3', ' 10.0.0.3\n')).toBe('10.0.0.3');
  });

  test.each([
    ['Driver.SSHUser', { driver: { SSHUser: 0 } }, /Driver\.SSHUser is 0, not a string/],
    ['Driver.SSHKeyPath', { driver: { SSHKeyPath: ['/k'] } }, /Driver\.SSHKeyPath is an array, not a string/],
    [
      'Driver.StorePath',
      { driver: { SSHKeyPath: '', StorePath: 7 } },
      /Driver\.StorePath is 7, not a string/,
    ],
    ['Driver.SSHPort', { driver: { SSHPort: '22; id' } }, /Driver\.SSHPort is "22; id", not a TCP port/],
    ['Driver.SSHPort', { driver: { SSHPort: 70000 } }, /Driver\.SSHPort is 70000, not a TCP port/],
    ['Driver.EnginePort', { driver: { EnginePort: 2.5 } }, /Driver\.EnginePort is 2\.5, not a TCP port/],
    [
      'HostOptions.AuthOptions.CaCertPath',
      { auth: { CaCertPath: { path: '/ca' } } },
      /HostOptions\.AuthOptions\.CaCertPath is of type object, not a string/,
    ],
    // cluster.json keeps absolute paths only: a relative one would be written, then refused on reading.
    ['Driver.SSHKeyPath', { driver: { SSHKeyPath: ' ' } }, /Driver\.SSHKeyPath is " ", not an absolute path/],
    [
      'Driver.StorePath',
      { driver: { SSHKeyPath: '', StorePath: 'machine' } },
      /Driver\.StorePath is "machine", not an absolute path/,
    ],
    [
      'HostOptions.AuthOptions.ClientCertPath',
      { auth: { ClientCertPath: 'certs/cert.pem' } },
      /HostOptions\.AuthOptions\.ClientCertPath is "certs\/cert\.pem", not an absolute path/,
    ],
  ])('a bad %s is refused', (_field, overrides, pattern) => {
    expect(() => recordFromInspect(inspectJson(overrides), spec)).toThrow(pattern);
    expect(() => recordFromInspect(inspectJson(overrides), spec)).toThrow(
      /^docker-machine inspect dtrha-2: /,
    );
  });

  test('objects where objects belong', () => {
    expect(() => recordFromInspect('[]', spec)).toThrow(
      'docker-machine inspect dtrha-2: its output is an array',
    );
    expect(() => recordFromInspect(JSON.stringify({ Driver: 'x' }), spec)).toThrow(
      'docker-machine inspect dtrha-2: Driver is "x", not an object',
    );
    expect(() => recordFromInspect(JSON.stringify({ Driver: {}, HostOptions: null }), spec)).toThrow(
      'docker-machine inspect dtrha-2: HostOptions is null, not an object',
    );
  });
});

describe('power, against the docker-machine stand-in', () => {
  // A machine the store does not have fails before the stand-in asks Docker anything.
  const standin = path.resolve(__dirname, '../../../../test-support/docker-machine-standin/docker-machine');
  let store: string;
  beforeAll(async () => {
    store = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-docker-machine-unit-'));
  });
  afterAll(async () => {
    await fs.rm(store, { recursive: true, force: true });
  });

  test('stop and start of a machine docker-machine does not have carry its error', async () => {
    const provider = new DockerMachineProvider({
      prefix: 'dtrha',
      driver: 'virtualbox',
      createFlags: [],
      binary: standin,
      env: { ...process.env, MACHINE_STORAGE_PATH: store },
    });
    await expect(provider.stopMachine('dtrha-9')).rejects.toThrow(
      'docker-machine stop dtrha-9 exited with 1:\nHost does not exist: "dtrha-9"',
    );
    await expect(provider.startMachine('dtrha-9')).rejects.toThrow(
      /exited with 1:\nHost does not exist: "dtrha-9"$/,
    );
  });
});
