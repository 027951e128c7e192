import { promises as dns } from 'node:dns';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCluster } from '../../../cluster/cluster-context';
import { ConfigError, loadConfig } from '../../../config';
import { prepareHost } from '../../host-preparation';
import { configureGenericHosts } from './generic-provider';
import { resolveGenericHosts, type HostLookup } from './generic-hosts';

// The engine setup over SSH is the integration tests'; here, what ensure asks of it.
jest.mock('../../host-preparation', () => ({
  prepareHost: jest.fn(async (spec: { name: string }, host: { ip: string }) => ({
    name: spec.name,
    ip: host.ip,
  })),
}));

let dir: string;
let key: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-generic-hosts-'));
  key = path.join(dir, 'id_rsa');
  fs.writeFileSync(key, 'not really a key\n', { mode: 0o600 });
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A resolver that knows only `names`; any other name is ENOTFOUND, as getaddrinfo says it. */
function fakeLookup(names: Record<string, string>): HostLookup & { asked: string[] } {
  const asked: string[] = [];
  const lookup = async (hostname: string) => {
    asked.push(hostname);
    if (Object.hasOwn(names, hostname)) return { address: names[hostname] };
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  return Object.assign(lookup, { asked });
}

function configError(promise: Promise<unknown>): Promise<ConfigError> {
  return promise.then(
    () => {
      throw new Error('expected a ConfigError');
    },
    (error: unknown) => {
      if (error instanceof ConfigError) return error;
      throw error;
    },
  );
}

function genericConfig(list: string, flags = `--generic-ssh-key ${key}`) {
  return loadConfig({
    env: {
      HOME: dir,
      DTR_HA_STATE_DIR: path.join(dir, 'state'),
      MACHINE_DRIVER: 'generic',
      GENERIC_MACHINE_LIST: list,
      MACHINE_CREATE_FLAGS: flags,
    },
    cwd: dir,
  });
}

describe('GENERIC_MACHINE_LIST host names are resolved up front', () => {
  test('an address is kept as it is, without a lookup; a name gets the address it resolves to', async () => {
    const lookup = fakeLookup({ 'node-2.example.com': '10.0.0.2' });
    expect(await resolveGenericHosts(['10.0.0.1', 'node-2.example.com'], { lookup })).toEqual([
      { host: '10.0.0.1', ip: '10.0.0.1' },
      { host: 'node-2.example.com', ip: '10.0.0.2' },
    ]);
    expect(lookup.asked).toEqual(['node-2.example.com']);
  });

  test('localhost resolves here, through the system resolver (no network)', async () => {
    expect(await resolveGenericHosts(['localhost'])).toEqual([{ host: 'localhost', ip: '127.0.0.1' }]);
  });

  test('every name that does not resolve is a problem of GENERIC_MACHINE_LIST naming the host', async () => {
    const lookup = fakeLookup({ 'good.example.com': '10.0.0.3' });
    const error = await configError(
      resolveGenericHosts(['gone-1.example.com', 'good.example.com', 'gone-2.example.com'], { lookup }),
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['GENERIC_MACHINE_LIST', 'GENERIC_MACHINE_LIST']);
    expect(error.message).toMatch(
      /^GENERIC_MACHINE_LIST: host "gone-1.example.com" does not resolve to an IPv4 address \(no such name/,
    );
    expect(error.message).toContain('host "gone-2.example.com" does not resolve');
    expect(error.message).not.toContain('good.example.com');
  });

  test('a resolver that does not answer in time, or answers with no IPv4 address, is refused', async () => {
    const never: HostLookup = () => new Promise(() => undefined);
    await expect(resolveGenericHosts(['slow.example.com'], { lookup: never, timeoutMs: 20 })).rejects.toThrow(
      /^GENERIC_MACHINE_LIST: host "slow.example.com" does not resolve to an IPv4 address \(no answer within 0.02 s\)/,
    );
    const odd = fakeLookup({ 'odd.example.com': 'fd00::1' });
    await expect(resolveGenericHosts(['odd.example.com'], { lookup: odd })).rejects.toThrow(
      /host "odd.example.com" does not resolve to an IPv4 address \(it gave "fd00::1"\)/,
    );
  });

  test('two entries that are the same address are refused, naming both', async () => {
    const lookup = fakeLookup({ 'a.example.com': '10.0.0.1', 'b.example.com': '10.0.0.2' });
    await expect(
      resolveGenericHosts(['10.0.0.1', 'b.example.com', 'a.example.com'], { lookup }),
    ).rejects.toThrow(
      /^GENERIC_MACHINE_LIST: "10.0.0.1" and "a.example.com" are the same host \(10.0.0.1\): list each host once$/,
    );
  });

  test('configure: a bad flag and a bad host in one ConfigError; openCluster makes no state', async () => {
    const config = genericConfig('10.0.0.1,gone.example.com', '--generic-ssh-port 0');
    const lookup = fakeLookup({});
    const error = await configError(configureGenericHosts(config, { lookup }));
    expect(error.problems.map((p) => p.variable).sort()).toEqual([
      'GENERIC_MACHINE_LIST',
      'MACHINE_CREATE_FLAGS',
      'MACHINE_CREATE_FLAGS', // the port, and the default key that does not exist in this HOME
    ]);
    expect(error.message).toContain('host "gone.example.com" does not resolve');

    // openCluster asks the system resolver, told here to know no name (a test needs no network).
    const spy = jest.spyOn(dns, 'lookup').mockImplementation(fakeLookup({}) as unknown as typeof dns.lookup);
    try {
      const unresolvable = genericConfig('10.0.0.1,no-such-host.example.com');
      await expect(openCluster(unresolvable)).rejects.toThrow(
        /^GENERIC_MACHINE_LIST: host "no-such-host.example.com" does not resolve/,
      );
      expect(spy).toHaveBeenCalledWith('no-such-host.example.com', { family: 4 });
      expect(fs.existsSync(unresolvable.stateDir)).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  test('the provider reaches the address (SSH, engine, record) and keeps the name as identity and DNS name', async () => {
    const config = genericConfig('10.0.0.1,Node-2.example.com');
    const lookup = fakeLookup({ 'Node-2.example.com': '10.0.0.2' });
    const make = await configureGenericHosts(config, { lookup });
    const provider = await make({ dir, tls: undefined as never, knownHosts: undefined as never });
    expect(await provider.list()).toEqual([
      { name: 'dtrha-1', state: 'unknown', providerId: '10.0.0.1' },
      { name: 'dtrha-2', state: 'unknown', providerId: 'Node-2.example.com' },
    ]);
    const said: string[] = [];
    const { machines } = await provider.ensure(
      [
        { name: 'dtrha-1', role: 'controller', index: 1 },
        { name: 'dtrha-2', role: 'replica', index: 2 },
      ],
      (line) => said.push(line),
    );
    expect(machines.map((m) => m.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    const hosts = jest.mocked(prepareHost).mock.calls.map(([, host]) => host);
    expect(hosts).toEqual([
      expect.objectContaining({ ip: '10.0.0.1', providerId: '10.0.0.1', dnsNames: [] }),
      expect.objectContaining({
        ip: '10.0.0.2',
        providerId: 'Node-2.example.com',
        dnsNames: ['node-2.example.com'],
        ssh: expect.objectContaining({ host: '10.0.0.2', privateKeyPath: key }),
      }),
    ]);
    expect(said.sort()).toEqual(['dtrha-1 ready (10.0.0.1)', 'dtrha-2 ready (Node-2.example.com, 10.0.0.2)']);
  });
});
