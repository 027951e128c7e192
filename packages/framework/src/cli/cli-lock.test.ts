/**
 * The commands that change a cluster wait for its run lock, held here by another real process, and
 * give up after --lock-timeout with a message that names the holder and says what to do. The command
 * runs from source (ts-node) with DOCKER_HOST pointing nowhere: should it ever get past the lock, it
 * could not reach an engine.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { holdersInFreshDir } from '../../test-support/lock-holders';
import { runCommand } from '../util/run-command';
import { clusterLockPath } from '../util/lock';

jest.setTimeout(60_000);

const fresh = holdersInFreshDir('cli-lock');
const mainTs = path.join(__dirname, 'main.ts');

function dtrHa(args: string[]) {
  return runCommand(
    process.execPath,
    ['-r', require.resolve('ts-node/register/transpile-only'), mainTs, ...args],
    {
      allowFailure: true,
      cwd: fresh.dir,
      env: {
        ...process.env,
        MACHINE_PREFIX: 'locked',
        DTR_HA_STATE_DIR: fresh.dir,
        DOCKER_HOST: `unix://${path.join(fresh.dir, 'no-engine.sock')}`,
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: 'commonjs' }),
      },
    },
  );
}

test('up, down and fault wait for the holder of the cluster lock, then say who it is and what to do', async () => {
  const holder = fresh.holders.hold({
    lockPath: clusterLockPath(fresh.dir, 'locked'),
    staleMs: 10_000,
    holdMs: -1,
    purpose: 'jest run (ucp)',
  });
  await holder.next('acquired');
  const commands = [['up', '--until', 'machines'], ['down'], ['fault', 'partition', 'locked-2']];
  const results = await Promise.all(commands.map((args) => dtrHa([...args, '--lock-timeout', '1'])));
  const holderText = `jest run \\(ucp\\) \\(pid ${holder.pid} on ${os.hostname()}, since \\d{4}-[^)]*\\)`;
  for (const result of results) {
    // The exit code of a cluster another run holds (cli/exit-codes.ts).
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(new RegExp(`^dtr-ha: waiting for cluster locked: locked by ${holderText}`));
    expect(result.stderr).toMatch(
      new RegExp(
        `error: timed out after 1 s waiting for the lock of cluster locked \\(.*run\\.lock\\), held by ${holderText}\\. ` +
          'Let that command finish and try again, or stop it if it hangs: .* To wait longer, give ' +
          '--lock-timeout <seconds> \\(0: no limit\\)\\.\\n$',
      ),
    );
  }
});

test('--lock-timeout takes a number of seconds', async () => {
  const result = await dtrHa(['down', '--lock-timeout', 'soon']);
  // A usage error's exit code (cli/exit-codes.ts).
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(
    /--lock-timeout <seconds>' argument 'soon' is invalid\. a number of seconds, 0 or more/,
  );
});
