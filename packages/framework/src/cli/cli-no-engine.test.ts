/**
 * The command where no engine or machine is reached: `up` on a host whose engine does not answer
 * stops before it makes anything, with the command to run and the engine's own exit code; `status`
 * on a fresh state directory makes nothing. It runs from source (ts-node) with DOCKER_HOST at a socket
 * that does not exist, so this is a unit test.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

jest.setTimeout(60_000);

function dtrHa(args: string[], stateDir: string, env: Record<string, string>) {
  return runCommand(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'main.ts'), ...args],
    {
      allowFailure: true,
      cwd: stateDir,
      env: {
        ...process.env,
        DTR_HA_STATE_DIR: stateDir,
        DOCKER_HOST: `unix://${path.join(stateDir, 'no-engine.sock')}`,
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs' }),
        ...env,
      },
    },
  );
}

test('up with no engine exits 4 at once, saying what to run, and makes no key or certificate', async () => {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-no-engine-'));
  try {
    const socket = path.join(stateDir, 'no-engine.sock');
    const result = await dtrHa(['up'], stateDir, { MACHINE_PREFIX: 'noengine', MACHINE_DRIVER: 'local' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: no Docker engine answers at DOCKER_HOST=unix://${socket} \\(connect ENOENT ${socket}\\)`,
      ),
    );
    expect(result.stderr).toMatch(/To go on, (start it|install what the lab needs)[^\n]*:\n {2}\S/);
    expect(result.stderr).not.toMatch(/Preparing cluster state/);
    const made = await fs.readdir(path.join(stateDir, 'noengine')).catch(() => []);
    expect(made).toEqual([]);
  } finally {
    await fs.rm(stateDir, { recursive: true, force: true });
  }
});

test('status on a fresh state directory makes nothing there: no CA, no SSH key, no folder', async () => {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-status-fresh-'));
  try {
    const key = path.join(stateDir, 'id_test');
    await fs.writeFile(key, 'not a key: never read by status\n', { mode: 0o600 });
    // Generic hosts of TEST-NET-1 (RFC 5737): with nothing recorded, none is contacted.
    const result = await dtrHa(['status', '--json'], stateDir, {
      MACHINE_PREFIX: 'fresh',
      MACHINE_DRIVER: 'generic',
      GENERIC_MACHINE_LIST: '192.0.2.1,192.0.2.2',
      NUM_MACHINES: '2',
      MACHINE_CREATE_FLAGS: `--generic-ssh-key ${key}`,
    });
    expect(result).toMatchObject({ code: 0 });
    expect(JSON.parse(result.stdout)).toMatchObject({
      prefix: 'fresh',
      driver: 'generic',
      machines: [
        { name: 'fresh-1', state: 'unknown', engine: { status: 'not-recorded' } },
        { name: 'fresh-2', state: 'unknown', engine: { status: 'not-recorded' } },
      ],
    });
    expect((await fs.readdir(stateDir)).sort()).toEqual(['id_test']);
  } finally {
    await fs.rm(stateDir, { recursive: true, force: true });
  }
});
