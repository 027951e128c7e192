import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Faults, type Machine } from '@dtr-ha/framework';
import { LockLostError, clusterLockPath, loadConfig, type Handoff } from '@dtr-ha/framework';
import { writeHandoffFixture } from '../test-support/handoff-fixture';
import { defaultReporter } from './run';
import { DTRHATestSuite } from './suite';
import {
  SuiteUtil,
  connectionsBetween,
  describeConnections,
  shellQuote,
  waitFor,
  type SuiteForUtil,
} from './suite-util';

let stateDir: string;
let clusterDir: string;

beforeEach(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-suite-'));
  clusterDir = path.join(stateDir, 'unit');
});

afterEach(async () => {
  await fs.rm(stateDir, { recursive: true, force: true });
});

const baseEnv = (): NodeJS.ProcessEnv => ({ HOME: stateDir, DTR_HA_QUIET: '1' });

/** The handoff of a "globalSetup" process, whose prefix is another than the test process would pick. */
async function writeFixture(built: Handoff['built']): Promise<string> {
  return (await writeHandoffFixture(stateDir, built)).file;
}

describe('DTRHATestSuite.load', () => {
  test('reads the handoff fast, names the cluster from it, and connects to nothing', async () => {
    const file = await writeFixture('machines');
    const started = process.hrtime.bigint();
    const suite = await DTRHATestSuite.load({
      handoffPath: file,
      env: { ...baseEnv(), UCP_ADMIN_PASSWORD: 'from-the-env-1' },
      cwd: stateDir,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(100);
    expect(suite.framework.config.machinePrefix).toBe('unit');
    expect(suite.framework.config.numMachines).toBe(3);
    expect(suite.framework.clusterDir).toBe(clusterDir);
    expect(suite.framework.machines.map((m) => m.name)).toEqual(['unit-1', 'unit-2', 'unit-3']);
    expect(suite.controller.name).toBe('unit-1');
    expect(suite.admin.username).toBe('admin');
    expect(suite.admin.password).toBe('from-the-env-1');
    expect(suite.hasDtr).toBe(false);
    expect(suite.faults).toBeInstanceOf(Faults);
    expect(() => suite.api).toThrow(/call `await suite.setup\(\)` in beforeAll .*until "machines"/);
    expect(() => suite.replicas).toThrow(/DTR is not installed/);
    expect(() => suite.lb).toThrow(/DTR is not installed/);
    await suite.teardown();
  });

  test('the admin password comes from the cluster’s state directory when the environment has none', async () => {
    const file = await writeFixture('machines');
    await fs.writeFile(path.join(clusterDir, 'admin-password'), 'kept-in-state-dir\n', { mode: 0o600 });
    const suite = await DTRHATestSuite.load({ handoffPath: file, env: baseEnv(), cwd: stateDir });
    expect(suite.admin.password).toBe('kept-in-state-dir');
    await suite.teardown();
  });

  test('loadSync: the same, for the top level of a CommonJS test file; no password yet before UCP', async () => {
    const file = await writeFixture('machines');
    const started = process.hrtime.bigint();
    const suite = DTRHATestSuite.loadSync({ handoffPath: file, env: baseEnv(), cwd: stateDir });
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
    expect(suite.framework.machines).toHaveLength(3);
    expect(suite.admin.username).toBe('admin');
    expect(suite.admin.password).toBe('');
    // Reading never creates the password file: that is up()'s job when it builds UCP.
    await expect(fs.stat(path.join(clusterDir, 'admin-password'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() =>
      DTRHATestSuite.loadSync({ handoffPath: path.join(stateDir, 'gone.json'), env: baseEnv() }),
    ).toThrow(/does not exist .*run jest with the dtr-ha preset/);
    await suite.teardown();
  });

  test('with DTR in the handoff: replicas, per-replica APIs and the load balancer are there at once', async () => {
    const file = await writeFixture('dtr');
    const suite = await DTRHATestSuite.load({
      handoffPath: file,
      env: { ...baseEnv(), UCP_ADMIN_PASSWORD: 'from-the-env-1' },
      cwd: stateDir,
    });
    expect(suite.hasDtr).toBe(true);
    expect(suite.lb).toMatchObject({ host: '10.0.0.1', port: 443, url: 'https://10.0.0.1' });
    expect(suite.lb.machine).toBe(suite.controller);
    expect(suite.api.baseURL).toBe('https://10.0.0.1');
    expect(suite.replicas.map((r) => [r.id, r.machine.name, r.api.baseURL])).toEqual([
      ['aaaaaaaaaaaa', 'unit-2', 'https://10.0.0.2:443'],
      ['bbbbbbbbbbbb', 'unit-3', 'https://10.0.0.3:443'],
    ]);
    expect(suite.replica('bbbbbbbbbbbb').machine.name).toBe('unit-3');
    expect(suite.replica(suite.machine('unit-2')).id).toBe('aaaaaaaaaaaa');
    expect(suite.dtrCaPem).toBe('DTR CA PEM\n');
    // Every request of the API client carries the admin's credentials (answered here by a stub).
    const sent = await suite.api.axios.get('/api/v0/meta/settings', {
      adapter: async (config) => ({ data: config.auth, status: 200, statusText: 'OK', headers: {}, config }),
    });
    expect(sent.data).toEqual({ username: 'admin', password: 'from-the-env-1' });
    expect(suite.util.registry).toBe('10.0.0.1');
    expect(suite.util.imageRef('app', 'v1')).toBe('10.0.0.1/admin/app:v1');
    await suite.teardown();
  });

  test('the admin password is nowhere in the suite printed, serialised or diffed by Jest', async () => {
    const password = 'Zq7-suite-secret';
    const file = await writeFixture('dtr');
    const suite = await DTRHATestSuite.load({
      handoffPath: file,
      env: { ...baseEnv(), UCP_ADMIN_PASSWORD: password },
      cwd: stateDir,
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { inspect } = require('node:util') as typeof import('node:util');
    let diff = '';
    try {
      expect(suite).toEqual({ admin: {} });
    } catch (error) {
      diff = (error as Error).message;
    }
    expect(diff).toContain('"username": "admin"');
    // (JSON.stringify(suite) itself throws: suite.util points back at the suite.)
    for (const text of [
      JSON.stringify(suite.admin),
      JSON.stringify({ ...suite.admin }),
      inspect(suite, { depth: 12 }),
      inspect(suite.admin),
      diff,
    ]) {
      expect(text).not.toContain(password);
    }
    // Still there to read, and to set (setup() sets it once UCP has one).
    expect(suite.admin.password).toBe(password);
    suite.admin.password = 'changed-by-setup';
    expect(suite.admin.password).toBe('changed-by-setup');
    await suite.teardown();
  });

  test('the cluster is the handoff’s even where the environment names another; secrets come from the environment', async () => {
    const file = await writeFixture('machines');
    const suite = await DTRHATestSuite.load({
      handoffPath: file,
      env: {
        ...baseEnv(),
        MACHINE_PREFIX: 'elsewhere',
        NUM_MACHINES: '6',
        UCP_TAG: '3.2.5',
        DTR_TAG: '2.7.6',
        DTR_CONSTRAINTS: 'constraint:node!=elsewhere-1',
        UCP_ADMIN_PASSWORD: 'from-the-env-1',
      },
      cwd: stateDir,
    });
    expect(suite.framework.config).toMatchObject({
      machinePrefix: 'unit',
      numMachines: 3,
      stateDir,
      ucp: { image: 'dtrha-lab/ucp:1.1.0-standin' },
      dtrConstraints: [],
    });
    expect(suite.admin.password).toBe('from-the-env-1');
    expect(suite.framework.config.admin.password).toBe('from-the-env-1');
    await suite.teardown();
  });

  test('a different machine driver in the test process is an error that says why', async () => {
    const file = await writeFixture('machines');
    await expect(
      DTRHATestSuite.load({
        handoffPath: file,
        env: { ...baseEnv(), MACHINE_DRIVER: 'amazonec2' },
        cwd: stateDir,
      }),
    ).rejects.toThrow(
      /MACHINE_DRIVER is amazonec2 in this test process but the cluster unit was set up with local/,
    );
  });

  test('no handoff: the error says to use the preset', async () => {
    await expect(
      DTRHATestSuite.load({ handoffPath: path.join(stateDir, 'nope.json'), env: baseEnv(), cwd: stateDir }),
    ).rejects.toThrow(/run jest with the dtr-ha preset, or set DTR_HA_HANDOFF/);
  });
});

describe("DTR's recovery commands, by the suite's release", () => {
  test('DTR 2.0 has no emergency-repair: the error says so and what to do instead, before anything runs', async () => {
    const suite = await DTRHATestSuite.load({
      handoffPath: await writeFixture('dtr'),
      env: baseEnv(),
      cwd: stateDir,
    });
    const error = await suite.emergencyRepair(suite.replicas[0]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(
      'emergency-repair: DTR 2.0 (release profile ucp-1.1+dtr-2.0) has no emergency-repair command ' +
        '(the command table of datacenter/dtr/2.0/reference/index.md lists none); a cluster that lost its ' +
        'majority for good is restored instead, from a backup taken before the loss (backup, then restore)',
    );
    // Nothing was opened, so nothing is held: the replicas are those of the handoff still.
    expect(suite.replicas.map((r) => r.id)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
    await suite.teardown();
  });

  test('before DTR is there for the file, every one of them says to call setup() first', async () => {
    const suite = await DTRHATestSuite.load({
      handoffPath: await writeFixture('machines'),
      env: baseEnv(),
      cwd: stateDir,
    });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['backup', () => suite.backup()],
      ['joinReplica', () => suite.joinReplica(suite.machine('unit-2'))],
      ['loseReplica', () => suite.loseReplica({ id: 'aaaaaaaaaaaa' } as never)],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: Error) => e,
      );
      expect([name, error?.message]).toEqual([name, expect.stringContaining('call `await suite.setup()`')]);
    }
    await suite.teardown();
  });
});

describe('the run lock, held by the Jest run that wrote the handoff', () => {
  // Should setup() ever get past its lock check, it could not reach an engine.
  const dockerHost = process.env.DOCKER_HOST;
  beforeEach(() => {
    process.env.DOCKER_HOST = `unix://${path.join(stateDir, 'no-engine.sock')}`;
  });
  afterEach(() => {
    if (dockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = dockerHost;
  });

  test('a test file whose run no longer holds it changes nothing: setup() and teardown() stop at once', async () => {
    // The handoff names this process as its run; the lock is held by another (as after a takeover).
    const file = await writeFixture('machines');
    const lockPath = clusterLockPath(stateDir, 'unit');
    await fs.mkdir(lockPath);
    const owner = { token: 't', pid: process.pid + 1, host: os.hostname(), since: new Date().toISOString() };
    await fs.writeFile(
      path.join(lockPath, 'owner.json'),
      JSON.stringify({ ...owner, purpose: 'dtr-ha up --until dtr' }),
    );
    const suite = await DTRHATestSuite.load({ handoffPath: file, env: baseEnv(), cwd: stateDir });
    await expect(suite.setup()).rejects.toThrow(
      new RegExp(
        `lock of cluster unit .* is no longer held by the process this one works for \\(pid ${process.pid}\\): ` +
          'it is held by dtr-ha up --until dtr',
      ),
    );
    await expect(suite.teardown()).rejects.toBeInstanceOf(LockLostError);
    await fs.rm(lockPath, { recursive: true });
    const free = await DTRHATestSuite.load({ handoffPath: file, env: baseEnv(), cwd: stateDir });
    await expect(free.setup()).rejects.toThrow(
      /no longer held by the process this one works for .*: it is free/,
    );
    await free.teardown().catch(() => undefined);
  });
});

describe('suite.util', () => {
  function fakeMachine(
    name: string,
    answer: (command: string) => { stdout?: string; code?: number } = () => ({}),
  ) {
    const calls: Array<{ command: string; stdin?: string }> = [];
    const machine = {
      name,
      ssh: async (command: string, options: { stdin?: string } = {}) => {
        calls.push({ command, stdin: options.stdin });
        const { stdout = '', code = 0 } = answer(command);
        return { stdout, stderr: code ? 'failed' : '', code };
      },
    } as unknown as Machine;
    return { machine, calls };
  }

  function util(port = 443): SuiteUtil {
    const suite = {
      admin: { username: 'admin', password: "p@ss w'rd" },
      lb: { host: '10.0.0.1', port, url: 'https://10.0.0.1' },
    } as unknown as SuiteForUtil;
    return new SuiteUtil(suite);
  }

  test('push logs in with the password on stdin only, then pushes', async () => {
    const { machine, calls } = fakeMachine('unit-2');
    await util().pushImage(machine, '10.0.0.1/admin/app:v1');
    expect(calls).toEqual([
      { command: 'docker login --username admin --password-stdin 10.0.0.1', stdin: "p@ss w'rd" },
      { command: 'docker push 10.0.0.1/admin/app:v1', stdin: undefined },
    ]);
    expect(calls.every((c) => !c.command.includes("w'rd") && !c.command.includes('p@ss'))).toBe(true);
  });

  test('pushNewImages makes the repository, then an image per tag, logging in once; pullAgain pulls each afresh', async () => {
    const ids = new Map([
      ['10.0.0.1/admin/app:a', 'sha256:aa'],
      ['10.0.0.1/admin/app:b', 'sha256:bb'],
    ]);
    const { machine, calls } = fakeMachine('unit-1', (command) => {
      const ref = /--format '\{\{\.Id\}\}' (\S+)$/.exec(command)?.[1];
      return { stdout: ref ? ids.get(ref) : '' };
    });
    const made: string[] = [];
    const suite = {
      admin: { username: 'admin', password: 'pw' },
      lb: { host: '10.0.0.1', port: 443, url: 'https://10.0.0.1' },
      controller: machine,
      api: {
        getRepository: async () => ({}),
        createRepository: async (_: string, name: string) => made.push(name),
      },
    } as unknown as SuiteForUtil;
    const pushed = await new SuiteUtil(suite).pushNewImages('app', ['a', 'b']);
    expect([...pushed]).toEqual([...ids]);
    const commands = calls.map((c) => c.command.split(' ').slice(0, 2).join(' '));
    expect(commands.filter((c) => c === 'docker login')).toHaveLength(1);
    expect(commands.filter((c) => c === 'docker push')).toHaveLength(2);
    calls.length = 0;
    const pulled = await new SuiteUtil(suite).pullAgain(machine, ids.keys());
    expect([...pulled]).toEqual([...ids]);
    expect(calls.map((c) => c.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'docker login --username',
      'docker image rm',
      'docker pull 10.0.0.1/admin/app:a',
      'docker image inspect',
      'docker image rm',
      'docker pull 10.0.0.1/admin/app:b',
      'docker image inspect',
    ]);
  });

  test('pull returns the image id; imageId is undefined for an image the node lacks', async () => {
    const { machine } = fakeMachine('unit-3', (command) =>
      command.includes('inspect') && command.includes(':v1')
        ? { stdout: 'sha256:abc\n' }
        : command.includes('inspect')
          ? { code: 1 }
          : {},
    );
    expect(await util().pullImage(machine, '10.0.0.1/admin/app:v1', { login: false })).toBe('sha256:abc');
    expect(await util().imageId(machine, '10.0.0.1/admin/app:v2')).toBeUndefined();
  });

  test('a failing docker command names the machine and the command', async () => {
    const { machine } = fakeMachine('unit-2', () => ({ code: 1 }));
    await expect(util().pushImage(machine, 'x/y:z', { login: false })).rejects.toThrow(
      /on unit-2: `docker push x\/y:z` exited with 1: failed/,
    );
  });

  test('createImage imports a one-file image from stdin content', async () => {
    const { machine, calls } = fakeMachine('unit-1', (command) =>
      command.includes('inspect') ? { stdout: 'sha256:new' } : {},
    );
    expect(await util().createImage(machine, '10.0.0.1/admin/app:v1', 'hello')).toBe('sha256:new');
    expect(calls[0].command).toContain('docker import - 10.0.0.1/admin/app:v1');
    expect(calls[0].stdin).toBe('hello');
  });

  test('registry address carries the port unless it is 443', () => {
    expect(util(443).registry).toBe('10.0.0.1');
    expect(util(8443).registry).toBe('10.0.0.1:8443');
    expect(util().uniqueName('repo')).toMatch(/^repo-[a-z0-9]+$/);
  });

  test('shellQuote', () => {
    expect(shellQuote('plain-arg:1.0')).toBe('plain-arg:1.0');
    expect(shellQuote('{{.Id}}')).toBe("'{{.Id}}'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  test('waitFor returns the first real value and reports the last error at the deadline', async () => {
    let n = 0;
    expect(await waitFor('n to reach 3', () => (++n >= 3 ? n : false), { intervalMs: 1 })).toBe(3);
    await expect(
      waitFor(
        'never',
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(/timed out after 0.03 s waiting for never; last error: still down/);
  });

  test('connections per replica: the growth of HAProxy’s session counters, and the status after', () => {
    const server = (status: string, totalSessions: number) => ({
      status,
      totalSessions,
      currentSessions: 0,
      checkStatus: status === 'UP' ? 'L7OK' : 'L4CON',
      downTransitions: 0,
    });
    const before = new Map([
      ['aaaaaaaaaaaa', server('UP', 10)],
      ['bbbbbbbbbbbb', server('UP', 4)],
    ]);
    const after = new Map([
      ['aaaaaaaaaaaa', server('DOWN', 10)],
      ['bbbbbbbbbbbb', server('UP', 9)],
      ['cccccccccccc', server('UP', 2)],
    ]);
    expect(connectionsBetween(before, after)).toEqual(
      new Map([
        ['aaaaaaaaaaaa', { sessions: 0, status: 'DOWN', check: 'L4CON' }],
        ['bbbbbbbbbbbb', { sessions: 5, status: 'UP', check: 'L7OK' }],
        // A server HAProxy did not have before counts from 0.
        ['cccccccccccc', { sessions: 2, status: 'UP', check: 'L7OK' }],
      ]),
    );
    expect(describeConnections(connectionsBetween(before, after))).toBe(
      'aaaaaaaaaaaa: 0 (DOWN, L4CON), bbbbbbbbbbbb: 5 (UP, L7OK), cccccccccccc: 2 (UP, L7OK)',
    );
    // Counters that went down: HAProxy restarted in between, so no difference is true.
    expect(() => connectionsBetween(before, new Map([['aaaaaaaaaaaa', server('UP', 1)]]))).toThrow(
      /replica aaaaaaaaaaaa went down \(-9\): HAProxy restarted/,
    );
  });
});

describe('preset settings', () => {
  test('DTR_HA_UNTIL and DTR_HA_QUIET come from the configuration, .env included', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'preset-settings-'));
    try {
      await fs.writeFile(path.join(dir, '.env'), 'DTR_HA_UNTIL=machines\nDTR_HA_QUIET=1\n');
      const config = loadConfig({ env: {}, cwd: dir });
      expect(config.tests).toMatchObject({ until: 'machines', quiet: true });
      const written = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        defaultReporter(config).info('quiet, please');
        expect(written).not.toHaveBeenCalled();
        defaultReporter(loadConfig({ env: {}, cwd: '/nonexistent-dir-for-dotenv' })).info('loud');
        expect(written).toHaveBeenCalledWith('loud\n');
      } finally {
        written.mockRestore();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
