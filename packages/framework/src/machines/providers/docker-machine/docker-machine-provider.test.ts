import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  offlineStandinEachTest,
  type OfflineStandin,
  standinPath,
} from '../../../../test-support/docker-machine-standin';
import { machineSpecs, type MachineSpec } from '../../types';
import {
  checkedMachineIp,
  DockerMachineProvider,
  type DockerMachineOptions,
  isCertificateError,
  machineState,
  missingBinaryMessage,
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
  const row = (name: string, state: string, driver = 'amazonec2', error = '') =>
    [name, state, driver, error].join('\t');

  test('keeps only <prefix>-<n>, in machine order, with their states', () => {
    const stdout = [
      row('dtrha-10', 'Running'),
      row('dtrha-2', 'Stopped'),
      row('dtrha-1', 'Running'),
      row('dtrha-3', 'Saved'),
      row('dtrha-4', 'Paused'),
      row('dtrha-5', 'Timeout'),
      row('dtrha-6', 'Error'),
      row('dtrha-7', 'Starting'),
      row('dtrha-x', 'Running'),
      row('dtrha-1-old', 'Running'),
      row('dtrha-two-1', 'Running'),
      row('other-1', 'Running'),
      row('default', 'Running'),
      '',
    ].join('\n');
    expect(parseLsOutput(stdout, 'dtrha').map((m) => [m.name, m.state, m.lsState])).toEqual([
      ['dtrha-1', 'running', 'Running'],
      ['dtrha-2', 'stopped', 'Stopped'],
      ['dtrha-3', 'stopped', 'Saved'],
      ['dtrha-4', 'stopped', 'Paused'],
      // ls gave up on it (its engine took longer than the timeout): the provider asks `status`.
      ['dtrha-5', 'unknown', 'Timeout'],
      ['dtrha-6', 'unknown', 'Error'],
      ['dtrha-7', 'unknown', 'Starting'],
      ['dtrha-10', 'running', 'Running'],
    ]);
  });

  test('a machine the store cannot load carries its load error', () => {
    const stdout = [
      row('dtrha-1', 'Running'),
      row('dtrha-2', 'Error', 'not found', 'open /s/machines/dtrha-2/config.json: no such file or directory'),
      // ls lists the machines it cannot load whatever the filter: not ours, not kept.
      row('other-2', 'Error', 'not found', 'open /s/machines/other-2/config.json: no such file or directory'),
    ].join('\n');
    expect(parseLsOutput(stdout, 'dtrha')).toEqual([
      { name: 'dtrha-1', state: 'running', providerId: 'dtrha-1', lsState: 'Running' },
      {
        name: 'dtrha-2',
        state: 'unknown',
        providerId: 'dtrha-2',
        lsState: 'Error',
        loadError: 'open /s/machines/dtrha-2/config.json: no such file or directory',
      },
    ]);
  });

  test('empty output, Windows line ends and missing columns', () => {
    expect(parseLsOutput('', 'dtrha')).toEqual([]);
    expect(parseLsOutput('dtrha-1\tRunning\r\ndtrha-2\r\n', 'dtrha')).toEqual([
      { name: 'dtrha-1', state: 'running', providerId: 'dtrha-1', lsState: 'Running' },
      { name: 'dtrha-2', state: 'unknown', providerId: 'dtrha-2', lsState: '' },
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
    expect(machineState('Timeout')).toBe('unknown');
  });
});

describe('which failed TLS checks regenerate the certificates', () => {
  // What `docker-machine env` prints (libmachine/check ErrCertInvalid around Go's dial error): the
  // hint to regenerate comes with every failure, so it says nothing.
  const envError = (cause: string) =>
    'Error checking TLS connection: Error checking and/or regenerating the certs: There was an error ' +
    `validating certificates for host "10.0.0.3:2376": ${cause}\n` +
    "You can attempt to regenerate them using 'docker-machine regenerate-certs [name]'.\n" +
    'Be advised that this will trigger a Docker daemon restart which might stop running containers.';

  test.each([
    ['x509: certificate is valid for 10.0.0.2, not 10.0.0.3', true],
    ['x509: certificate signed by unknown authority', true],
    [
      'x509: certificate has expired or is not yet valid: current time 2026-12-02T00:00:00Z is after 2026-01-01T00:00:00Z',
      true,
    ],
    ['remote error: tls: bad certificate', true],
    ['dial tcp 10.0.0.3:2376: connect: connection refused', false],
    ['dial tcp 10.0.0.3:2376: i/o timeout', false],
    ['tls: DialWithDialer timed out', false],
    ['dial tcp 10.0.0.3:2376: connect: no route to host', false],
  ])('%s: a certificate error? %s', (cause, certificate) => {
    expect(isCertificateError(envError(cause))).toBe(certificate);
  });

  test('a stopped machine is no certificate error either', () => {
    expect(isCertificateError('Error checking TLS connection: Host is not running')).toBe(false);
  });
});

describe('inspect JSON and the address of `docker-machine ip`', () => {
  // What `docker-machine ip dtrha-2` printed: after a stop and start the instance's new address, while
  // inspect's Driver.IPAddress still says where amazonec2 created it.
  const now = '54.201.7.9';

  test('gives the record: the address of `ip`, SSH from the driver, AuthOptions TLS files, port 2376', () => {
    expect(recordFromInspect(inspectJson(), spec, now)).toEqual({
      name: 'dtrha-2',
      role: 'replica',
      ip: now,
      ssh: {
        host: now,
        port: 22,
        user: 'ubuntu',
        privateKeyPath: '/home/ci/.docker/machine/machines/dtrha-2/id_rsa',
      },
      engine: {
        host: now,
        port: 2376,
        caPath: '/home/ci/.docker/machine/certs/ca.pem',
        certPath: '/home/ci/.docker/machine/certs/cert.pem',
        keyPath: '/home/ci/.docker/machine/certs/key.pem',
      },
      providerId: 'dtrha-2',
    });
  });

  test('Driver.IPAddress is not read: stale, empty or absent, it changes nothing', () => {
    for (const IPAddress of ['52.90.113.128', '', undefined, 'not an address']) {
      expect(recordFromInspect(inspectJson({ driver: { IPAddress } }), spec, now).ip).toBe(now);
    }
  });

  test("libmachine's defaults when the driver leaves SSH fields out; the key under the store", () => {
    const record = recordFromInspect(
      inspectJson({ driver: { SSHUser: undefined, SSHPort: undefined, SSHKeyPath: '' } }),
      spec,
      now,
    );
    expect(record.ssh).toEqual({
      host: now,
      port: 22,
      user: 'root',
      privateKeyPath: '/home/ci/.docker/machine/machines/dtrha-2/id_rsa',
    });
  });

  test('a non-default SSH port (virtualbox forwards one) and an engine port of the generic driver', () => {
    const record = recordFromInspect(
      inspectJson({ driver: { SSHPort: 55834, EnginePort: 3376 } }),
      spec,
      now,
    );
    expect(record.ssh.port).toBe(55834);
    expect(record.engine.port).toBe(3376);
  });

  test('clear errors for a machine without TLS files, or output that is not JSON', () => {
    expect(() => recordFromInspect(inspectJson({ auth: { ClientKeyPath: '' } }), spec, now)).toThrow(
      /dtrha-2 lacks HostOptions\.AuthOptions\.ClientKeyPath/,
    );
    expect(() => recordFromInspect('Host does not exist: "dtrha-2"', spec, now)).toThrow(
      'docker-machine inspect dtrha-2 did not print JSON: Host does not exist: "dtrha-2"',
    );
  });

  test("broken JSON is reported without quoting it: amazonec2's config.json holds the AWS keys", () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const broken = inspectJson({ driver: { SecretKey: secret } }).replace(`"${secret}"`, `"${secret}`);
    const error = (() => {
      try {
        recordFromInspect(broken, spec, now);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('docker-machine inspect dtrha-2 printed JSON that does not parse');
    expect(error?.message).not.toContain(secret.slice(0, 8));
  });
});

describe('the address from `docker-machine ip` and inspect from a tampered store', () => {
  test('an address carrying a shell command is refused before it reaches one', () => {
    for (const printed of [
      '1.2.3.4; rm -rf /',
      '1.2.3.4 && id',
      '$(id)',
      'dtrha-2.example.com',
      '1.2.3',
      '',
    ]) {
      expect(() => recordFromInspect(inspectJson(), spec, printed)).toThrow(
        `docker-machine ip dtrha-2 printed ${JSON.stringify(printed)}, not an IP address`,
      );
    }
    expect(() => checkedMachineIp('dtrha-3', '1.2.3.4; rm -rf /')).toThrow(
      'docker-machine ip dtrha-3 printed "1.2.3.4; rm -rf /", not an IP address',
    );
  });

  test('a good address passes, IPv4 or IPv6', () => {
    const v6 = recordFromInspect(inspectJson(), spec, 'fd00::12');
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
    expect(() => recordFromInspect(inspectJson(overrides), spec, '10.0.0.2')).toThrow(pattern);
    expect(() => recordFromInspect(inspectJson(overrides), spec, '10.0.0.2')).toThrow(
      /^docker-machine inspect dtrha-2: /,
    );
  });

  test('objects where objects belong', () => {
    expect(() => recordFromInspect('[]', spec, '10.0.0.2')).toThrow(
      'docker-machine inspect dtrha-2: its output is an array',
    );
    expect(() => recordFromInspect(JSON.stringify({ Driver: 'x' }), spec, '10.0.0.2')).toThrow(
      'docker-machine inspect dtrha-2: Driver is "x", not an object',
    );
    expect(() =>
      recordFromInspect(JSON.stringify({ Driver: {}, HostOptions: null }), spec, '10.0.0.2'),
    ).toThrow('docker-machine inspect dtrha-2: HostOptions is null, not an object');
  });
});

describe('against the docker-machine stand-in, as far as it goes without Docker', () => {
  const current = offlineStandinEachTest();
  let standin: OfflineStandin;
  beforeEach(() => {
    standin = current();
  });

  const provider = (options: Partial<DockerMachineOptions> = {}) =>
    new DockerMachineProvider({
      prefix: 'dtrha',
      driver: 'virtualbox',
      createFlags: [],
      env: standin.env,
      ...options,
    });

  test('stop and start of a machine docker-machine does not have carry its error', async () => {
    const machines = provider({ binary: standinPath });
    await expect(machines.stopMachine('dtrha-9')).rejects.toThrow(
      'docker-machine stop dtrha-9 exited with 1:\nHost does not exist: "dtrha-9"',
    );
    await expect(machines.startMachine('dtrha-9', '10.0.0.9')).rejects.toThrow(
      /exited with 1:\nHost does not exist: "dtrha-9"$/,
    );
  });

  test('a missing CLI gives a clear error, naming what was tried', async () => {
    const notOnPath = provider({ env: { ...standin.env, PATH: path.join(standin.dir, 'no-such-dir') } });
    await expect(notOnPath.list()).rejects.toThrow(missingBinaryMessage);
    expect(missingBinaryMessage).toBe(
      'docker-machine was not found on PATH: install it (docker-machine v0.16.2; the project is archived, its ' +
        'maintained fork rancher-machine has the same commands: DOCKER_MACHINE_BINARY=rancher-machine), or set ' +
        'DOCKER_MACHINE_BINARY to the CLI, or use MACHINE_DRIVER=local|generic',
    );
    const badVariable = provider({
      env: { ...standin.env, DOCKER_MACHINE_BINARY: path.join(standin.dir, 'no-such-docker-machine') },
    });
    await expect(badVariable.ensure(machineSpecs('dtrha', 1))).rejects.toThrow(
      /^docker-machine was not found on PATH.*\(tried .*no-such-docker-machine\)$/,
    );
  });

  test('rancher-machine, the maintained fork, through DOCKER_MACHINE_BINARY', async () => {
    await fs.symlink(standinPath, path.join(standin.dir, 'bin', 'rancher-machine'));
    const machines = provider({ env: { ...standin.env, DOCKER_MACHINE_BINARY: 'rancher-machine' } });
    expect(await machines.list()).toEqual([]);
    // Its messages name the CLI that ran.
    await expect(machines.stopMachine('dtrha-9')).rejects.toThrow(
      'rancher-machine stop dtrha-9 exited with 1:\nHost does not exist: "dtrha-9"',
    );
    // The configuration's value (a .env file's too) wins over this process's variable.
    const configured = provider({
      binary: 'rancher-machine',
      env: { ...standin.env, DOCKER_MACHINE_BINARY: 'nope' },
    });
    expect(await configured.list()).toEqual([]);
  });

  test('a typo in MACHINE_CREATE_FLAGS fails the create as the real CLI does', async () => {
    const machines = provider({ driver: 'amazonec2', createFlags: ['--amazonec2-regoin', 'us-west-2'] });
    const error = await machines.ensure(machineSpecs('dtrha', 1)).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'docker-machine create --driver amazonec2 --amazonec2-regoin us-west-2 dtrha-1 exited with 1:\n' +
        'flag provided but not defined: -amazonec2-regoin',
    );
    const unknown = await provider({ driver: 'amazon' })
      .ensure(machineSpecs('dtrha', 1))
      .catch((e: Error) => e);
    expect((unknown as Error).message).toContain(
      'Driver "amazon" not found. Do you have the plugin binary "docker-machine-driver-amazon" accessible in your PATH?',
    );
  });

  test('AWS keys given as flags reach the driver through its environment; a failed create uploads no crash report', async () => {
    const keys = ['--amazonec2-access-key', 'AKIDEXAMPLE', '--amazonec2-secret-key=S3CR3T'];
    const progress: string[] = [];
    const error = await provider({
      driver: 'amazonec2',
      createFlags: [...keys, '--amazonec2-region', 'eu-west-1'],
    })
      .ensure(machineSpecs('dtrha', 1), (line) => progress.push(line))
      .catch((e: Error) => e);
    // Past the driver's credential check (keys from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the
    // stand-in's pre-create check fails: there is no Docker here.
    expect((error as Error).message).toMatch(
      /^docker-machine create --driver amazonec2 --amazonec2-region eu-west-1 dtrha-1 exited with 3:\nError with pre-create check: /,
    );
    expect(`${(error as Error).message}\n${progress.join('\n')}`).not.toMatch(/S3CR3T|AKIDEXAMPLE/);
    expect(await standin.crashReports()).toBe('');
    // Without keys the driver refuses before its pre-create check.
    const without = await provider({ driver: 'amazonec2' })
      .ensure(machineSpecs('dtrha', 1))
      .catch((e: Error) => e);
    expect((without as Error).message).toContain('amazonec2 driver requires AWS credentials');
  });

  describe('a machine of the cluster whose config.json is missing', () => {
    async function brokenMachine(name: string): Promise<void> {
      await fs.mkdir(path.join(standin.store, 'machines', name), { recursive: true });
    }

    test('stops ensure before anything is made, naming it and what to do', async () => {
      await brokenMachine('dtrha-2');
      const machines = provider();
      expect(await machines.list()).toEqual([{ name: 'dtrha-2', state: 'unknown', providerId: 'dtrha-2' }]);
      const error = await machines.ensure(machineSpecs('dtrha', 3)).catch((e: Error) => e);
      expect((error as Error).message).toBe(
        `docker-machine cannot load dtrha-2 from its store (open ${standin.store}/machines/dtrha-2/config.json: ` +
          'no such file or directory), so it can neither use nor replace it, nor remove its instance. Check ' +
          "your provider for an instance named dtrha-2 and remove it there; then 'docker-machine rm -f -y " +
          "dtrha-2' removes the broken entries, and the next run creates the machines again.",
      );
      // Nothing was created: not even the store's certificates.
      expect(await fs.readdir(standin.store)).toEqual(['machines']);
    });

    test('is removed with rm -f -y, and said so; the broken machine of another prefix stays', async () => {
      await brokenMachine('dtrha-2');
      await brokenMachine('dtrha-3');
      await brokenMachine('other-1');
      const progress: string[] = [];
      expect(await provider().remove(['dtrha-3'], (line) => progress.push(line))).toEqual(['dtrha-3']);
      expect(await provider().remove(undefined, (line) => progress.push(line))).toEqual(['dtrha-2']);
      expect(await fs.readdir(path.join(standin.store, 'machines'))).toEqual(['other-1']);
      expect(progress).toEqual([
        "dtrha-3: removed from docker-machine's store only (its config.json was missing, so docker-machine " +
          'could not reach its instance): check your provider for an instance of that name',
        "dtrha-2: removed from docker-machine's store only (its config.json was missing, so docker-machine " +
          'could not reach its instance): check your provider for an instance of that name',
      ]);
    });
  });
});
