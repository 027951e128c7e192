import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../src/config';
import { StatusReporter } from '../src/cluster/status';
import { down } from '../src/cluster/teardown';

/**
 * For integration tests: clusters of their own. A fresh state directory, prefixes unique to this
 * process, only the test's own variables (no `.env` is read: there is none in the state directory),
 * and one `remove()` that takes every cluster made here down and deletes the directory. Outside src/,
 * so not in the published dist; type-checked with the tests by the root tsconfig.json.
 */
export class TempClusters {
  private readonly configs: Config[] = [];

  private constructor(readonly stateDir: string) {}

  static async create(name: string): Promise<TempClusters> {
    return new TempClusters(await fs.mkdtemp(path.join(os.tmpdir(), `dtrha-${name}-test-`)));
  }

  /** A configuration for cluster `<prefix><pid>` (4 machines unless `extra` says otherwise). */
  config(prefix: string, extra: Record<string, string> = {}): Config {
    const config = loadConfig({
      env: {
        ...process.env,
        MACHINE_PREFIX: `${prefix}${process.pid}`,
        NUM_MACHINES: '4',
        DTR_HA_STATE_DIR: this.stateDir,
        ...extra,
      },
      cwd: this.stateDir,
    });
    this.configs.push(config);
    return config;
  }

  /** The variables `config()` sets, for a child process (the CLI) to get the same cluster. */
  env(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      MACHINE_PREFIX: `${prefix}${process.pid}`,
      NUM_MACHINES: '4',
      DTR_HA_STATE_DIR: this.stateDir,
      ...extra,
    };
  }

  async remove(): Promise<void> {
    const quiet = new StatusReporter(() => undefined);
    for (const config of this.configs) await down(config, { reporter: quiet }).catch(() => undefined);
    await fs.rm(this.stateDir, { recursive: true, force: true });
  }
}
