import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand, type CommandResult } from '../src/util/run-command';

/** The docker-machine stand-in (README.md beside it) and its folder, to put first on PATH. */
export const standinDir = path.resolve(__dirname, 'docker-machine-standin');
export const standinPath = path.join(standinDir, 'docker-machine');

/**
 * For unit tests: the stand-in with a store of its own and no Docker. What is tested here fails, or
 * ends, before the stand-in would ask Docker anything; to prove it, a `docker` comes first on PATH
 * that asks nothing of any engine, only notes that it was run and fails (`dockerCalls()` reads the
 * notes). `HOME` is the temporary folder too, so that no ~/.aws/credentials of this machine counts.
 */
export class OfflineStandin {
  private constructor(
    readonly dir: string,
    /** MACHINE_STORAGE_PATH. */
    readonly store: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(): Promise<OfflineStandin> {
    const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-standin-unit-')));
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(
      path.join(bin, 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "docker $*" >> '${dir}/docker-calls'\necho 'not in a unit test' >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(AWS_|MACHINE_|DOCKER_MACHINE|DOCKER_HOST$|VIRTUALBOX_|GENERIC_)/.test(key),
      ),
    );
    const store = path.join(dir, 'store');
    return new OfflineStandin(dir, store, {
      ...env,
      PATH: [bin, standinDir, process.env.PATH ?? ''].join(path.delimiter),
      HOME: dir,
      MACHINE_STORAGE_PATH: store,
      // The stand-in's waits for the logs and for a crash report's upload, which prove nothing here.
      DOCKER_MACHINE_STANDIN_LOG_SECONDS: '0',
      DOCKER_MACHINE_STANDIN_CRASH_REPORT_SECONDS: '0',
    });
  }

  /** Runs the stand-in (as `binary`, default docker-machine on PATH) with this environment and `env`. */
  run(args: string[], env: NodeJS.ProcessEnv = {}, binary = 'docker-machine'): Promise<CommandResult> {
    return runCommand(binary, args, { env: { ...this.env, ...env }, allowFailure: true });
  }

  /** What the `docker` of this PATH was asked, one line a run; '' when nothing. */
  async dockerCalls(): Promise<string> {
    return fs.readFile(path.join(this.dir, 'docker-calls'), 'utf8').catch(() => '');
  }

  /** The stand-in's record of crash reports it would have uploaded ('' when none). */
  async crashReports(): Promise<string> {
    return fs.readFile(path.join(this.store, '.standin-crash-reports'), 'utf8').catch(() => '');
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A fresh OfflineStandin for each test of the calling file (or describe block), checked after the test
 * to have asked Docker nothing, then removed. Returns the current one.
 */
export function offlineStandinEachTest(): () => OfflineStandin {
  let current: OfflineStandin | undefined;
  beforeEach(async () => {
    current = await OfflineStandin.create();
  });
  afterEach(async () => {
    const standin = current!;
    current = undefined;
    try {
      // Everything tested with it ends before the stand-in would run a container.
      expect(await standin.dockerCalls()).toBe('');
    } finally {
      await standin.remove();
    }
  });
  return () => current!;
}
