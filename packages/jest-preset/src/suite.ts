/**
 * DTRHATestSuite: what a test file holds (named after ha-integration's DTRHATestSuite). `load()` reads the handoff that
 * globalSetup wrote and the configuration (for secrets); `setup()` installs DTR for the file, `teardown()`
 * removes it again — machines and UCP stay for the next file.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  DtrApiClient,
  DtrOperations,
  FaultJournal,
  Faults,
  adminPassword,
  collectDiagnostics,
  configuredPower,
  diagnosticSecrets,
  diagnosticsDir,
  lackedRecoveryCommand,
  loadConfig,
  redact,
  releaseProfileOf,
  secretValues,
  uninstallDtr,
  up,
  type ClusterInfo,
  type Config,
  type DtrBackup,
  type DtrReplica,
  type Machine,
  type StatusReporter,
} from '@dtr-ha/framework';
import {
  acquireLock,
  clusterLockPath,
  handoffConfig,
  lockHeldBy,
  handoffMachines,
  readHandoff,
  readHandoffSync,
  type Handoff,
  type HeldLock,
  type LockCheck,
  type ReadHandoffOptions,
} from '@dtr-ha/framework';
import { defaultReporter } from './run';
import { SuiteUtil } from './suite-util';
import { failureFlag } from './failure-flag';
import { appendSummary, clearSummaries, summaryFile } from './summaries';

/** Set (1/true/yes/on) to keep DTR installed after a test file (quicker reruns from an IDE). */
export const KEEP_DTR_ENV = 'DTR_HA_KEEP_DTR';

/** The cluster's machines, and the configuration it was built from. */
export interface HAFramework {
  /** Every machine, the controller first. Nothing connects before first use. */
  readonly machines: Machine[];
  readonly config: Config;
  /** `<DTR_HA_STATE_DIR>/<MACHINE_PREFIX>`. */
  readonly clusterDir: string;
}

export interface SuiteReplica {
  id: string;
  machine: Machine;
  /** This replica's own API (not through the load balancer). */
  api: DtrApiClient;
  url: string;
}

export interface LoadBalancer {
  host: string;
  port: number;
  url: string;
  machine: Machine;
}

export interface LoadOptions extends ReadHandoffOptions {
  /** The handoff file; defaults to $DTR_HA_HANDOFF. */
  handoffPath?: string;
  /** Where secrets are read from (default `process.env`, then `.env`). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  reporter?: StatusReporter;
}

interface DtrState {
  replicas: SuiteReplica[];
  api: DtrApiClient;
  lb: LoadBalancer;
  caPem: string;
}

export class DTRHATestSuite {
  readonly framework: HAFramework;
  /**
   * The UCP admin, for the DTR API and `docker login`. The password comes from the environment or the
   * state dir (empty before UCP exists; `setup()` fills it in). It reads as `suite.admin.password` but
   * is not enumerable: the suite printed, serialised or shown in a failed test's diff never holds it
   * (nor does `{ ...suite.admin }`).
   */
  readonly admin: { username: string; password: string };
  readonly util: SuiteUtil;
  /**
   * Faults a test causes on purpose (kill, stop, pause a replica; partition a machine; stop a whole
   * machine where its provider can: the local lab, docker-machine). `teardown()` undoes whatever is
   * still in place, also after a failure.
   */
  readonly faults: Faults;
  private dtr: DtrState | undefined;
  private suiteLock: HeldLock | undefined;
  /**
   * That the cluster's run lock is still held by the Jest run that wrote the handoff (its main process,
   * from globalSetup to globalTeardown): checked before each step of `setup()` and before `teardown()`
   * removes DTR, so a file of a run that lost the lock does not change the cluster another run now has.
   */
  private readonly runLock: LockCheck;
  private installed = false;
  private readonly reporter: StatusReporter;
  /** Where `summary()` records, when this suite was loaded in a Jest test file. */
  private readonly summaries: string | undefined;
  /** DTR's recovery commands and replica changes, opened on first use after `setup()`. */
  private operations: Promise<DtrOperations> | undefined;

  private constructor(
    readonly handoff: Handoff,
    config: Config,
    password: string,
    machines: Machine[],
    reporter?: StatusReporter,
  ) {
    this.framework = { machines, config, clusterDir: handoff.cluster.dir };
    this.admin = adminAccount(config.admin.username, password);
    this.util = new SuiteUtil(this);
    this.faults = new Faults(machines, configuredPower(config), new FaultJournal(handoff.cluster.dir));
    this.reporter = reporter ?? defaultReporter(config);
    this.runLock = lockHeldBy(clusterLockPath(handoff.cluster.stateDir, handoff.cluster.prefix), {
      pid: handoff.pid,
      what: `cluster ${handoff.cluster.prefix}`,
    });
    if (handoff.dtr && handoff.loadBalancer) {
      this.dtr = this.dtrState({ dtr: handoff.dtr, loadBalancer: handoff.loadBalancer });
    }
    const testPath = currentTestPath();
    this.summaries = testPath && summaryFile(handoff.cluster.dir, handoff.runId, testPath);
    // A file run again in the same Jest run (watch mode) reports what this run of it finds.
    if (this.summaries) clearSummaries(this.summaries);
  }

  /**
   * Reads the handoff ($DTR_HA_HANDOFF) and the configuration. No network unless `checkEngines`:
   * machines connect on first use. The handoff names the cluster (prefix, state dir, number of machines,
   * admin user, images, constraints); passwords come from the environment / `.env` or the cluster's
   * state directory, never from the handoff.
   */
  static async load(options: LoadOptions = {}): Promise<DTRHATestSuite> {
    const handoff = await readHandoff(options.handoffPath, options);
    return DTRHATestSuite.fromHandoff(handoff, options);
  }

  /**
   * `load()` without the engine check, synchronously, for the top level of a CommonJS test file:
   * `const suite = DTRHATestSuite.loadSync();` then `beforeAll(() => suite.setup())`.
   */
  static loadSync(options: Omit<LoadOptions, 'checkEngines' | 'engineTimeoutMs'> = {}): DTRHATestSuite {
    return DTRHATestSuite.fromHandoff(readHandoffSync(options.handoffPath, options), options);
  }

  private static fromHandoff(handoff: Handoff, options: LoadOptions): DTRHATestSuite {
    // The environment (and .env) gives what the handoff does not carry: secrets, the test knobs, the
    // driver's own settings. The cluster itself — prefix, machines, state dir, images — is the handoff's.
    const fromEnvironment = loadConfig({ cwd: options.cwd, env: options.env ?? process.env });
    if (fromEnvironment.machineDriver !== handoff.cluster.driver) {
      throw new Error(
        `MACHINE_DRIVER is ${fromEnvironment.machineDriver} in this test process but the cluster ${handoff.cluster.prefix} ` +
          `was set up with ${handoff.cluster.driver}: run the tests with the environment (and .env) jest's ` +
          'globalSetup saw.',
      );
    }
    const config = handoffConfig(handoff, fromEnvironment);
    const password = readAdminPassword(config, handoff.cluster.dir);
    return new DTRHATestSuite(handoff, config, password, handoffMachines(handoff), options.reporter);
  }

  /** The UCP controller (the first machine). */
  get controller(): Machine {
    const controller = this.framework.machines.find((m) => m.role === 'controller');
    if (!controller) throw new Error('the cluster has no controller machine');
    return controller;
  }

  /** One entry per DTR replica, each with its own API client. After `setup()`. */
  get replicas(): SuiteReplica[] {
    return this.requireDtr('suite.replicas').replicas;
  }

  /** The DTR API through the load balancer, as the admin. After `setup()`. */
  get api(): DtrApiClient {
    return this.requireDtr('suite.api').api;
  }

  /** The load balancer in front of the replicas. After `setup()`. */
  get lb(): LoadBalancer {
    return this.requireDtr('suite.lb').lb;
  }

  /** DTR's CA certificate (PEM), trusted by every node's engine. After `setup()`. */
  get dtrCaPem(): string {
    return this.requireDtr('suite.dtrCaPem').caPem;
  }

  /** Whether DTR is there for this file (after `setup()`, or when globalSetup built it). */
  get hasDtr(): boolean {
    return this.dtr !== undefined;
  }

  /** The machine called `name`. */
  machine(name: string): Machine {
    const machine = this.framework.machines.find((m) => m.name === name);
    if (!machine) {
      throw new Error(`no machine ${name} in ${this.framework.machines.map((m) => m.name).join(', ')}`);
    }
    return machine;
  }

  /** The replica with this ID, or the one on this machine. */
  replica(idOrMachine: string | Machine): SuiteReplica {
    const found = this.replicas.find((r) =>
      typeof idOrMachine === 'string' ? r.id === idOrMachine : r.machine.name === idOrMachine.name,
    );
    if (!found)
      throw new Error(
        `no DTR replica ${typeof idOrMachine === 'string' ? idOrMachine : `on ${idOrMachine.name}`}`,
      );
    return found;
  }

  /**
   * Installs DTR for this test file: replicas, HAProxy and shared storage on top of the machines and
   * UCP that globalSetup made ready (what is there already is reused). HA files never run at the same
   * time: this waits for the cluster's suite lock, which `teardown()` releases.
   */
  async setup(): Promise<void> {
    if (!this.suiteLock) {
      this.suiteLock = await acquireLock(path.join(this.handoff.cluster.dir, 'suite.lock'), {
        what: `the HA suites of cluster ${this.handoff.cluster.prefix}`,
        purpose: `test file ${currentTestPath() ?? `pid ${process.pid}`}`,
        timeoutMs: 0,
        onWait: (message) => this.reporter.info(` … ${message}`),
      });
    }
    this.installed = true;
    const result = await up(this.framework.config, {
      until: 'dtr',
      reporter: this.reporter,
      lock: this.runLock,
    });
    // `up` may have replaced machines (recreated, new host keys): use its handles from now on.
    const old = this.framework.machines.splice(0, this.framework.machines.length, ...result.handles);
    old.forEach((m) => m.dispose());
    // The password may have been generated by `up` (a cluster set up only to its machines so far).
    this.admin.password = await adminPassword(this.framework.config, this.handoff.cluster.dir);
    this.dtr = this.dtrState(result.info);
    this.operations = undefined;
  }

  // ---- DTR's recovery commands and replica changes ------------------------------------------------
  // Each runs the release's own command lines (the suite's release profile, from UCP_TAG/DTR_TAG),
  // then puts HAProxy in front of the replicas there are and updates `suite.replicas`, so that
  // `suite.api`, `suite.util.waitForHealthy()` and the load balancer's statistics follow the change.

  /**
   * `backup` of DTR read through `through` (default: the first replica), which must be healthy: its
   * configuration, repository metadata, certificates and keys, not the images (they stay on the
   * shared storage). Keep it in memory: it holds private keys.
   */
  async backup(options: { through?: SuiteReplica } = {}): Promise<DtrBackup> {
    const through = options.through ?? this.replicas[0];
    return (await this.dtrOperations()).backup(through);
  }

  /**
   * `restore` of `from` on `machine` (default: the first replica's machine): DTR's restore is "a fresh
   * installation", so what is left of the old cluster is taken apart first (every replica still on
   * the machines), then a cluster of one new replica is restored there from the backup. The suite's
   * replicas are that one from then on; join others with `joinReplica`.
   */
  async restore(from: DtrBackup, options: { machine?: Machine } = {}): Promise<SuiteReplica> {
    const machine = options.machine ?? this.replicas[0].machine;
    const operations = await this.dtrOperations();
    const restored = await operations.restore(from, machine);
    return (await this.replicasAre(operations, [restored]))[0];
  }

  /**
   * DTR 2.7's `emergency-repair` from `replica`, for a cluster that lost its quorum: the cluster is
   * reverted to that one replica ("The containers for all the other DTR replicas are stopped and
   * removed", their volumes too: `--prune`). The suite's replicas are that one from then on. DTR 2.0
   * has no emergency-repair: there this throws, before anything runs, saying to restore a backup.
   */
  async emergencyRepair(replica: SuiteReplica): Promise<void> {
    const lacking = lackedRecoveryCommand(releaseProfileOf(this.framework.config), 'emergency-repair');
    if (lacking) throw new Error(lacking);
    const operations = await this.dtrOperations();
    const lost = this.replicas.filter((r) => r.id !== replica.id);
    await operations.emergencyRepair(replica, lost);
    await this.replicasAre(operations, [replica]);
  }

  /**
   * A new replica on `machine` (one with no replica: its registry volume is made shared storage),
   * joined through `through` (default: the first replica), which must be healthy. Returns it.
   */
  async joinReplica(machine: Machine, options: { through?: SuiteReplica } = {}): Promise<SuiteReplica> {
    const through = options.through ?? this.replicas[0];
    const operations = await this.dtrOperations();
    const joined = await operations.join(machine, through);
    const replicas = await this.replicasAre(operations, [...this.replicas, joined]);
    return replicas[replicas.length - 1];
  }

  /**
   * `remove` of `replica` (healthy or not) through `through` (default: the first other replica),
   * which must be healthy; what it left on its machine is reaped.
   */
  async removeReplica(replica: SuiteReplica, options: { through?: SuiteReplica } = {}): Promise<void> {
    const through = options.through ?? this.replicas.find((r) => r.id !== replica.id);
    if (!through) throw new Error(`removeReplica: no other replica to remove ${replica.id} through`);
    const operations = await this.dtrOperations();
    await operations.remove(replica, through);
    await this.replicasAre(
      operations,
      this.replicas.filter((r) => r.id !== replica.id),
    );
  }

  /**
   * `replica` lost for good, as when its machine's disk dies: its containers killed and removed and
   * its volumes deleted (the shared storage unmounted from its registry volume first, so the images
   * stay). The cluster is not told: the replica stays in `suite.replicas`, and in the cluster, until
   * it is removed or the cluster repaired or restored. Not a fault: teardown does not undo it.
   */
  async loseReplica(replica: SuiteReplica): Promise<void> {
    await (await this.dtrOperations()).lose(replica);
  }

  private dtrOperations(): Promise<DtrOperations> {
    this.requireDtr('DTR recovery');
    if (!this.operations) {
      const opened = DtrOperations.open(this.framework.config, this.framework.machines, {
        adminPassword: this.admin.password,
        lock: this.runLock,
        reporter: this.reporter,
      });
      // A failed opening is tried again on the next call.
      opened.catch(() => (this.operations = undefined));
      this.operations = opened;
    }
    return this.operations;
  }

  /** `suite.replicas` are `replicas` from now on, and HAProxy sends clients to exactly them. */
  private async replicasAre(operations: DtrOperations, replicas: DtrReplica[]): Promise<SuiteReplica[]> {
    const dtr = this.requireDtr('DTR recovery');
    await operations.balance(replicas);
    dtr.replicas = replicas.map((r) => this.suiteReplica(r.id, r.machine, operations.replicaUrl(r.machine)));
    return dtr.replicas;
  }

  /**
   * Records what a check found — `suite.summary('sessions per replica', 'a1: 4, b2: 3')` — for the
   * record: printed with the test's output (`console.log`, so jest-junit's `includeConsoleOutput` has
   * it too) and kept for the JUnit report, where `@dtr-ha/jest-preset/junit` attaches it to the test
   * file's `<testsuite>` as a property. Objects are written as JSON. Secrets of the configuration and
   * the admin password are removed, in every form they take.
   */
  summary(name: string, value: string | number | boolean | object): void {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new Error(`suite.summary: the name must be a non-empty string, not ${JSON.stringify(name)}`);
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const secrets = secretValues(this.framework.config, this.admin.password);
    const entry = { test: currentTestName(), name: redact(name, secrets), value: redact(text, secrets) };
    console.log(`dtr-ha summary: ${entry.name}: ${entry.value}`);
    if (this.summaries) appendSummary(this.summaries, entry);
  }

  /**
   * Every machine's dockerd log and the logs and inspect of every UCP, DTR and HAProxy container, in
   * one folder of the cluster's state directory (secrets removed); prints and returns its path.
   */
  async collectDiagnostics(): Promise<string> {
    const name = path.basename(currentTestPath() ?? 'suite').replace(/[^A-Za-z0-9._-]/g, '_');
    const result = await collectDiagnostics(this.framework.machines, {
      dir: diagnosticsDir(this.framework.clusterDir, name),
      secrets: await diagnosticSecrets({
        config: this.framework.config,
        clusterDir: this.framework.clusterDir,
        adminPassword: this.admin.password,
        machines: this.framework.machines,
      }),
    });
    process.stderr.write(`dtr-ha: a test failed; diagnostics of the cluster are in ${result.dir}\n`);
    return result.dir;
  }

  /**
   * Removes DTR again when `setup()` installed it (machines and UCP stay; DTR_HA_KEEP_DTR keeps it too),
   * closes the machines' connections and lets the next HA file go.
   */
  async teardown(): Promise<void> {
    const problems: unknown[] = [];
    // Diagnostics first, while the failed state is still there (before faults are undone, DTR removed).
    if ((globalThis as unknown as Record<string, number>)[failureFlag]) {
      await this.collectDiagnostics().catch((error: unknown) => problems.push(error));
    }
    await this.faults.undoAll().catch((error: unknown) => problems.push(error));
    try {
      if (this.installed && !this.framework.config.tests.keepDtr) {
        await uninstallDtr(this.framework.config, { reporter: this.reporter, lock: this.runLock });
        this.dtr = undefined;
        this.operations = undefined;
      }
      this.installed = false;
    } finally {
      this.framework.machines.forEach((m) => m.dispose());
      const lock = this.suiteLock;
      this.suiteLock = undefined;
      await lock?.release();
    }
    if (problems.length) throw problems[0];
  }

  private requireDtr(what: string): DtrState {
    if (!this.dtr) {
      throw new Error(
        `${what}: DTR is not installed for this test file — call \`await suite.setup()\` in beforeAll ` +
          `(globalSetup built the cluster until "${this.handoff.built}")`,
      );
    }
    return this.dtr;
  }

  /** A replica with its own API client, as the admin. */
  private suiteReplica(id: string, machine: Machine, url: string, caPem = this.dtrCaPem): SuiteReplica {
    const auth = { username: this.admin.username, password: this.admin.password };
    return { id, machine, url, api: new DtrApiClient(url, caPem, auth, this.apiOptions()) };
  }

  /** The health path of the release UCP_TAG/DTR_TAG name (`/_ping` in 2.7, `/load_balancer_status` in 2.0). */
  private apiOptions() {
    return { healthPath: releaseProfileOf(this.framework.config).driver.dtr.healthPath };
  }

  private dtrState(info: Pick<ClusterInfo, 'dtr' | 'loadBalancer'>): DtrState | undefined {
    if (!info.dtr || !info.loadBalancer) return undefined;
    const caPem = readFileSync(info.dtr.caPath, 'utf8');
    const auth = { username: this.admin.username, password: this.admin.password };
    const replicas = info.dtr.replicas.map((r) =>
      this.suiteReplica(r.id, this.machine(r.machine), r.url, caPem),
    );
    const lbInfo = info.loadBalancer;
    return {
      caPem,
      replicas,
      api: new DtrApiClient(lbInfo.url, caPem, auth, this.apiOptions()),
      lb: { host: lbInfo.host, port: lbInfo.port, url: lbInfo.url, machine: this.machine(lbInfo.machine) },
    };
  }
}

/**
 * The admin account with a password that reads and sets like a property but is not enumerable, so
 * JSON.stringify, util.inspect and Jest's diffs (which print enumerable keys only) leave it out.
 */
function adminAccount(username: string, password: string): { username: string; password: string } {
  let current = password;
  const admin = { username } as { username: string; password: string };
  Object.defineProperty(admin, 'password', {
    get: () => current,
    set: (value: string) => {
      current = value;
    },
    enumerable: false,
  });
  return admin;
}

/**
 * The admin password as `adminPassword()` of the framework keeps it — UCP_ADMIN_PASSWORD, else the
 * cluster's `admin-password` file — but only read: when neither is there yet (a cluster not built
 * to UCP so far) it is empty until `setup()` builds UCP and reads it again.
 */
function readAdminPassword(config: Config, clusterDir: string): string {
  if (config.admin.password) return config.admin.password;
  try {
    return readFileSync(path.join(clusterDir, 'admin-password'), 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** What Jest's `expect` knows of the test running, when called inside Jest. */
function jestState(): { testPath?: string; currentTestName?: string } | undefined {
  type JestState = { testPath?: string; currentTestName?: string };
  const jestExpect = (globalThis as { expect?: { getState?: () => JestState } }).expect;
  return jestExpect?.getState?.();
}

/** The test file being run, when called inside Jest. */
function currentTestPath(): string | undefined {
  return jestState()?.testPath;
}

/** The test running (its full name), when called inside one. */
function currentTestName(): string | undefined {
  return jestState()?.currentTestName;
}
