/**
 * `suite.util`: what HA tests do over and over — wait for a condition, make an image on a node, push
 * and pull it through the load balancer with a node's own Docker engine, read image IDs, watch
 * replica health, tell from HAProxy's statistics which replicas took connections.
 */
import { randomBytes } from 'node:crypto';
import {
  DtrApiError,
  haproxyServerStats,
  type DtrApiClient,
  type HaproxyServerStats,
  type Machine,
  type ReplicaHealth,
} from '@dtr-ha/framework';

export interface WaitOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Default 500 ms. */
  intervalMs?: number;
}

/** What the util needs of its suite (kept narrow so the util can be tested on its own). */
export interface SuiteForUtil {
  readonly admin: { username: string; password: string };
  readonly api: DtrApiClient;
  readonly lb: { host: string; port: number; url: string; machine: Machine };
  readonly controller: Machine;
  readonly replicas: ReadonlyArray<{ id: string }>;
}

/** What HAProxy did with one replica while `connectionsPerReplica` connected. */
export interface ReplicaConnections {
  /** The sessions (client connections) HAProxy sent the replica meanwhile: its `stot` after minus before. */
  sessions: number;
  /** Its server's status in HAProxy afterwards (`UP`, `DOWN`…). */
  status: string;
  /** How HAProxy's last check of it ended (`L7OK`, `L7STS`, `L4TOUT`…; `INI` before the first). */
  check: string;
}

/**
 * What each replica took between two readings of HAProxy's statistics. Its counters only grow while
 * it runs: one that went down means HAProxy restarted in between, and the difference would be a lie.
 */
export function connectionsBetween(
  before: ReadonlyMap<string, HaproxyServerStats>,
  after: ReadonlyMap<string, HaproxyServerStats>,
): Map<string, ReplicaConnections> {
  const result = new Map<string, ReplicaConnections>();
  for (const [id, stats] of after) {
    const sessions = stats.totalSessions - (before.get(id)?.totalSessions ?? 0);
    if (sessions < 0) {
      throw new Error(
        `HAProxy's session counter of replica ${id} went down (${sessions}): HAProxy restarted`,
      );
    }
    result.set(id, { sessions, status: stats.status, check: stats.checkStatus });
  }
  return result;
}

/**
 * `id: sessions (status, last check)` per replica, for a summary:
 * `suite.summary('sessions', describeConnections(served))`.
 */
export function describeConnections(connections: ReadonlyMap<string, ReplicaConnections>): string {
  return [...connections]
    .map(([id, { sessions, status, check }]) => `${id}: ${sessions} (${status}, ${check})`)
    .join(', ');
}

export interface DockerResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** One argument for a POSIX shell, single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Polls `probe` until it returns something other than undefined, null or false, and returns that.
 * Errors thrown by the probe count as "not yet"; at the deadline the last one is reported.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 500;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export class SuiteUtil {
  constructor(private readonly suite: SuiteForUtil) {}

  /** See the module-level `waitFor`. */
  waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
    options: WaitOptions = {},
  ): Promise<T> {
    return waitFor(what, probe, options);
  }

  /** A name nobody used yet (lowercase, fit for repositories and tags): `<prefix>-<time><random>`. */
  uniqueName(prefix = 'ha'): string {
    return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  }

  /** The registry address images are named with: the load balancer's host (and port unless 443). */
  get registry(): string {
    const { host, port } = this.suite.lb;
    return port === 443 ? host : `${host}:${port}`;
  }

  /** `<registry>/<namespace>/<repository>:<tag>`; the namespace defaults to the admin user. */
  imageRef(repository: string, tag = 'latest', namespace = this.suite.admin.username): string {
    return `${this.registry}/${namespace}/${repository}:${tag}`;
  }

  /** Runs the `docker` CLI on a node over SSH (its own engine). Non-zero exits throw unless allowed. */
  async docker(
    machine: Machine,
    args: string[],
    options: { stdin?: string; allowFailure?: boolean } = {},
  ): Promise<DockerResult> {
    const command = ['docker', ...args].map(shellQuote).join(' ');
    const result = await machine.ssh(command, { stdin: options.stdin });
    if (result.code !== 0 && !options.allowFailure) {
      throw new Error(
        `on ${machine.name}: \`${command}\` exited with ${result.code}: ${(result.stderr || result.stdout).trim()}`,
      );
    }
    return result;
  }

  /**
   * `docker login` on a node to DTR through the load balancer, as the admin (the password goes through
   * stdin, never on a command line). DTR's CA is trusted by every node's engine after `suite.setup()`.
   */
  async login(machine: Machine): Promise<void> {
    await this.docker(
      machine,
      ['login', '--username', this.suite.admin.username, '--password-stdin', this.registry],
      {
        stdin: this.suite.admin.password,
      },
    );
  }

  /**
   * Makes a small, unique image on a node without any registry: one file holding `content` (default:
   * a random string), imported with `docker import`. Returns its image ID.
   */
  async createImage(
    machine: Machine,
    ref: string,
    content = randomBytes(16).toString('hex'),
  ): Promise<string> {
    const script =
      'set -e; d=$(mktemp -d); trap \'rm -rf "$d"\' EXIT; cat > "$d/dtr-ha-content"; ' +
      `tar -C "$d" -c . | docker import - ${shellQuote(ref)} >/dev/null`;
    const result = await machine.ssh(script, { stdin: content });
    if (result.code !== 0) {
      throw new Error(
        `on ${machine.name}: creating image ${ref} failed: ${(result.stderr || result.stdout).trim()}`,
      );
    }
    const id = await this.imageId(machine, ref);
    if (!id) throw new Error(`on ${machine.name}: image ${ref} was imported but is not there`);
    return id;
  }

  /** Creates the repository through the load balancer unless it exists; returns nothing. */
  async ensureRepository(name: string, namespace = this.suite.admin.username): Promise<void> {
    try {
      await this.suite.api.getRepository(namespace, name);
    } catch (error) {
      if (!(error instanceof DtrApiError) || error.status !== 404) throw error;
      await this.suite.api.createRepository(namespace, name);
    }
  }

  /** Logs in (unless told not to) and pushes `ref` from the node's engine. */
  async pushImage(machine: Machine, ref: string, options: { login?: boolean } = {}): Promise<void> {
    if (options.login ?? true) await this.login(machine);
    await this.docker(machine, ['push', ref]);
  }

  /**
   * The repository (made unless it exists) with one new image per tag, each made on `machine`
   * (default: the controller) and pushed through the load balancer: the image IDs by reference.
   */
  async pushNewImages(
    repository: string,
    tags: readonly string[],
    machine: Machine = this.suite.controller,
  ): Promise<Map<string, string>> {
    await this.ensureRepository(repository);
    const images = new Map<string, string>();
    for (const tag of tags) {
      const ref = this.imageRef(repository, tag);
      images.set(ref, await this.createImage(machine, ref));
      await this.pushImage(machine, ref, { login: images.size === 1 });
    }
    return images;
  }

  /**
   * Each of `refs` pulled afresh into `machine` (removed first, so the registry really serves it),
   * after one login: the pulled image IDs by reference.
   */
  async pullAgain(machine: Machine, refs: Iterable<string>): Promise<Map<string, string>> {
    await this.login(machine);
    const pulled = new Map<string, string>();
    for (const ref of refs) {
      await this.removeImage(machine, ref);
      pulled.set(ref, await this.pullImage(machine, ref, { login: false }));
    }
    return pulled;
  }

  /** Logs in (unless told not to) and pulls `ref` into the node's engine; returns the pulled image's ID. */
  async pullImage(machine: Machine, ref: string, options: { login?: boolean } = {}): Promise<string> {
    if (options.login ?? true) await this.login(machine);
    await this.docker(machine, ['pull', ref]);
    const id = await this.imageId(machine, ref);
    if (!id) throw new Error(`on ${machine.name}: ${ref} was pulled but is not there`);
    return id;
  }

  /** The image ID (`sha256:…`) of `ref` on the node, or undefined when the node does not have it. */
  async imageId(machine: Machine, ref: string): Promise<string | undefined> {
    const result = await this.docker(machine, ['image', 'inspect', '--format', '{{.Id}}', ref], {
      allowFailure: true,
    });
    return result.code === 0 ? result.stdout.trim() || undefined : undefined;
  }

  /** Removes `ref` from the node (missing is fine), so a following pull really fetches it. */
  async removeImage(machine: Machine, ref: string): Promise<void> {
    await this.docker(machine, ['image', 'rm', '--force', ref], { allowFailure: true });
  }

  /** `cluster_status`'s replica_health through the load balancer. */
  async replicaHealth(): Promise<ReplicaHealth> {
    return (await this.suite.api.clusterStatus()).replica_health;
  }

  /**
   * HAProxy's own statistics of the load balancer, per replica ID (the servers are named after the
   * replicas): status, `totalSessions` (stot), `currentSessions`, `checkStatus`, `downTransitions`.
   * The only way to tell which replica served a client: DTR's answers do not say.
   */
  loadBalancerStats(): Promise<Map<string, HaproxyServerStats>> {
    return haproxyServerStats(this.suite.lb.machine);
  }

  /**
   * Opens `count` connections through the load balancer one after another, each a new client's (a
   * `/_ping` on a connection of its own, so HAProxy chooses a server for each), and tells from
   * HAProxy's statistics, read before and after, how many each replica took. Throws if a request
   * fails.
   */
  async connectionsPerReplica(count: number): Promise<Map<string, ReplicaConnections>> {
    const before = await this.loadBalancerStats();
    for (let i = 0; i < count; i++) await this.suite.api.ping();
    return connectionsBetween(before, await this.loadBalancerStats());
  }

  /** Waits until cluster_status reports every replica of the suite (or those given) as OK. */
  async waitForHealthy(
    replicaIds: string[] = this.suite.replicas.map((r) => r.id),
    options: WaitOptions = {},
  ): Promise<ReplicaHealth> {
    return this.waitFor(
      `replicas ${replicaIds.join(', ')} to be OK in cluster_status`,
      async () => {
        const health = await this.replicaHealth();
        return replicaIds.every((id) => health[id] === 'OK') ? health : undefined;
      },
      { timeoutMs: 120_000, ...options },
    );
  }
}
