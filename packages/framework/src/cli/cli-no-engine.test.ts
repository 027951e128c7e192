/**
 * `up` on a host whose engine does not answer stops before it makes anything, with the command to
 * run, and the engine's own exit code. The command runs from source (ts-node) with DOCKER_HOST at a
 * socket that does not exist: no engine is reached, so this is a unit test.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

jest.setTimeout(60_000);

test('up with no engine exits 4 at once, saying what to run, and makes no key or certificate', async () => {
  const stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-no-engine-'));
  try {
    const socket = path.join(stateDir, 'no-engine.sock');
    const result = await runCommand(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'main.ts'), 'up'],
      {
        allowFailure: true,
        cwd: stateDir,
        env: {
          ...process.env,
          MACHINE_PREFIX: 'noengine',
          MACHINE_DRIVER: 'local',
          DTR_HA_STATE_DIR: stateDir,
          DOCKER_HOST: `unix://${socket}`,
          TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs' }),
        },
      },
    );
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
