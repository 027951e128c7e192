import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { Config } from '../../../config';
import { maskSecretFlags } from '../../../config/secret-flags';
import { engineAnswers } from '../../../engine/engine-client';
import { runCommand, type CommandResult } from '../../../util/run-command';
import { waitFor } from '../../../util/wait';
import type {
  EnsureResult,
  FoundMachine,
  MachineRecord,
  MachineSpec,
  MachineState,
  Progress,
  Provider,
  ProviderCapabilities,
  ProviderLog,
} from '../../types';
import type { ProviderRegistration } from '../registration';
import { exposedFlagWarning, splitCreateFlags, type CreateFlagsSplit } from './driver-secret-env';

export interface DockerMachineOptions {
  prefix: string;
  /** A docker-machine driver name: amazonec2, virtualbox, … */
  driver: string;
  /**
   * MACHINE_CREATE_FLAGS, passed to `docker-machine create` as they are, except the documented secret
   * flags of the driver (driver-secret-env.ts), whose values go in its environment instead.
   */
  createFlags: string[];
  /** Default: env DOCKER_MACHINE_BINARY, else `docker-machine` on PATH. */
  binary?: string;
  /** The CLI's environment (MACHINE_STORAGE_PATH, PATH, …). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

/** docker-machine provisions every engine with TLS on this port (libmachine's engine.DefaultPort). */
export const dockerMachineEnginePort = 2376;
const engineWaitMs = 60_000;

export const missingBinaryMessage =
  'docker-machine was not found on PATH: install it, or set DOCKER_MACHINE_BINARY, or use MACHINE_DRIVER=local|generic';

const logCommand = 'cat /var/log/dockerd.log 2>/dev/null || journalctl -u docker --no-pager';

/** Real hosts (VMs, cloud instances) that docker-machine made for this cluster. */
const dockerMachineCapabilities: ProviderCapabilities = {
  ownsMachines: true,
  storage: 'nfs',
  extraImages: [],
};

/**
 * Machines made and kept by the `docker-machine` CLI with any of its drivers. docker-machine owns the
 * machines, their SSH keys and their TLS certificates (its store, MACHINE_STORAGE_PATH); the framework
 * only drives the CLI and reads `docker-machine inspect`, so what it hands on is what docker-machine made.
 */
export class DockerMachineProvider implements Provider {
  readonly name = 'docker-machine';
  readonly capabilities = dockerMachineCapabilities;
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  /** MACHINE_CREATE_FLAGS for `create`: the command line's part and the environment's. */
  private readonly createFlags: CreateFlagsSplit;
  /** Whether what `create` moves and leaves exposed was reported (once per provider). */
  private createFlagsReported = false;

  constructor(private readonly options: DockerMachineOptions) {
    this.env = options.env ?? process.env;
    this.binary = options.binary ?? (this.env.DOCKER_MACHINE_BINARY || 'docker-machine');
    this.createFlags = splitCreateFlags(options.driver, options.createFlags);
  }

  async list(): Promise<FoundMachine[]> {
    const { stdout } = await this.run([
      'ls',
      '--filter',
      `name=${ownNamePattern(this.options.prefix)}`,
      '--format',
      // A literal \t: the CLI turns it into a tab (commands/ls.go parseFormat).
      '{{.Name}}\\t{{.State}}',
    ]);
    return parseLsOutput(stdout, this.options.prefix);
  }

  async ensure(specs: MachineSpec[], progress: Progress = () => undefined): Promise<EnsureResult> {
    const found = new Map((await this.list()).map((m) => [m.name, m]));
    const actions: EnsureResult['actions'] = {};
    const notes = new Map<string, string>();
    const limit = pLimit(8);

    // The CLI makes its store's CA and client certificate on the first create, and parallel first
    // creates can each make their own (docker/machine#3634): then one create goes first, alone.
    const missing = specs.filter((spec) => !found.has(spec.name));
    const first = missing.length > 1 && !(await this.storeHasCertificates()) ? missing[0] : undefined;
    const batches = first ? [[first], specs.filter((spec) => spec !== first)] : [specs];
    for (const batch of batches) {
      await Promise.all(
        batch.map((spec) =>
          limit(async () => {
            actions[spec.name] = await this.bringUp(spec, found.get(spec.name), progress, notes);
          }),
        ),
      );
    }

    const machines = await Promise.all(
      specs.map((spec) =>
        limit(async () => {
          const record = await this.readyRecord(spec, notes.get(spec.name));
          progress(`${spec.name} ${actions[spec.name]} (${record.ip})`);
          return record;
        }),
      ),
    );
    return { machines, actions };
  }

  async remove(names?: string[]): Promise<string[]> {
    const existing = (await this.list()).map((m) => m.name);
    const doomed = names ? existing.filter((name) => names.includes(name)) : existing;
    if (doomed.length === 0) return [];
    await this.run(['rm', '-y', ...doomed]);
    return doomed;
  }

  /** `docker-machine stop NAME`: the machine and its engine go down (the stand-in stops its container). */
  async stopMachine(name: string): Promise<void> {
    await this.run(['stop', name]);
  }

  /**
   * `docker-machine start NAME`; its engine may answer a moment later. A machine that comes back at
   * another IP (a VM's new lease) is an error: the cluster knows it at the old one, and its
   * certificates name that one. `up` mends both (regenerate-certs, UCP and DTR made again).
   */
  async startMachine(name: string): Promise<void> {
    const before = await this.recordedIp(name);
    await this.run(['start', name]);
    const after = await this.recordedIp(name);
    if (after !== before) {
      throw new Error(
        `${name} runs again, but docker-machine gave it another IP (${after}, was ${before}): the ` +
          "cluster knows it at the old one; 'dtr-ha up' brings the cluster to the new one",
      );
    }
  }

  /** The IP docker-machine recorded for a machine (kept while it is stopped), checked; '' when none. */
  private async recordedIp(name: string): Promise<string> {
    const ip = (await this.run(['inspect', '--format', '{{.Driver.IPAddress}}', name])).stdout.trim();
    return ip === '' ? ip : checkedMachineIp(name, ip);
  }

  async collectLogs(): Promise<ProviderLog[]> {
    const running = (await this.list()).filter((m) => m.state === 'running');
    const logs: ProviderLog[] = [];
    for (const machine of running) {
      const result = await this.run(['ssh', machine.name, logCommand], { allowFailure: true });
      const failure =
        result.code === 0
          ? ''
          : `\n# docker-machine ssh ${machine.name} exited with ${result.code}:\n${result.stderr}`;
      logs.push({ name: `${machine.name}.log`, text: result.stdout + failure });
    }
    return logs;
  }

  /** Makes one machine exist and run; says what it took. */
  private async bringUp(
    spec: MachineSpec,
    existing: FoundMachine | undefined,
    progress: Progress,
    notes: Map<string, string>,
  ): Promise<EnsureResult['actions'][string]> {
    if (!existing) {
      this.reportCreateFlags(progress);
      progress(`${spec.name}: docker-machine create --driver ${this.options.driver}`);
      await this.run(['create', '--driver', this.options.driver, ...this.createFlags.args, spec.name], {
        env: this.createFlags.env,
      });
      return 'created';
    }
    let action: EnsureResult['actions'][string] = 'reused';
    if (existing.state !== 'running') {
      progress(`${spec.name}: docker-machine start`);
      const started = await this.run(['start', spec.name], { allowFailure: true });
      // A machine in a passing state (Starting, Timeout, …) may be running by now.
      if (started.code !== 0 && !/already running/i.test(started.stderr)) {
        throw new Error(
          `docker-machine start ${spec.name} failed (it was ${existing.state}): ${tail(started.stderr)}\n` +
            `Fix it, or remove it with 'docker-machine rm -y ${spec.name}' and run again.`,
        );
      }
      action = 'started';
    }
    await this.checkCertificates(spec.name, progress, notes);
    return action;
  }

  /**
   * Says, before the first create, which secret flags of MACHINE_CREATE_FLAGS go in docker-machine's
   * environment and warns of each secret-looking one whose value stays on its command line. Names
   * flags and variables only, never a value.
   */
  private reportCreateFlags(progress: Progress): void {
    if (this.createFlagsReported) return;
    this.createFlagsReported = true;
    const { moved, exposed } = this.createFlags;
    const pairs = [...new Map(moved.map(({ flag, variable }) => [flag, `${flag} as ${variable}`])).values()];
    if (pairs.length > 0) {
      progress(
        `docker-machine create: MACHINE_CREATE_FLAGS ${pairs.join(', ')} passed in its environment, ` +
          'not on its command line',
      );
    }
    for (const flag of exposed) progress(exposedFlagWarning(this.options.driver, flag));
  }

  /**
   * `docker-machine env` checks the machine's certificates over TLS first. A machine that came back
   * with another IP fails that check, and the CLI's own remedy is regenerate-certs.
   */
  private async checkCertificates(
    name: string,
    progress: Progress,
    notes: Map<string, string>,
  ): Promise<void> {
    const env = await this.run(['env', '--shell', 'bash', name], { allowFailure: true });
    if (env.code === 0) return;
    const output = `${env.stderr}\n${env.stdout}`.trim();
    if (/regenerate-certs/.test(output)) {
      progress(
        `${name}: its TLS certificates do not verify; docker-machine regenerate-certs --force ${name}`,
      );
      await this.run(['regenerate-certs', '--force', name]);
      return;
    }
    notes.set(name, `docker-machine env ${name} said: ${tail(output)}`);
  }

  /** The machine's record from `docker-machine inspect`, once its engine answers with those files. */
  private async readyRecord(spec: MachineSpec, note: string | undefined): Promise<MachineRecord> {
    const { stdout } = await this.run(['inspect', spec.name]);
    const record = recordFromInspect(stdout, spec);
    const { host, port, caPath, certPath } = record.engine;
    await waitFor(
      `${spec.name}'s engine`,
      async () => ((await engineAnswers(record.engine, 2_000)) ? true : undefined),
      { timeoutMs: engineWaitMs, intervalMs: 500 },
    ).catch(() => {
      throw new Error(
        `docker-machine machine ${spec.name}: its Docker engine did not answer over TLS at ${host}:${port} ` +
          `within ${engineWaitMs / 1000} s with docker-machine's certificates (CA ${caPath}, client ${certPath}). ` +
          `Check 'docker-machine env ${spec.name}'; 'docker-machine regenerate-certs --force ${spec.name}' ` +
          `may fix it.${note ? `\n${note}` : ''}`,
      );
    });
    return record;
  }

  /** Whether docker-machine's store already has its CA and client certificate. */
  private async storeHasCertificates(): Promise<boolean> {
    const store =
      this.env.MACHINE_STORAGE_PATH || path.join(this.env.HOME || os.homedir(), '.docker', 'machine');
    const exists = (file: string) =>
      fs.access(path.join(store, 'certs', file)).then(
        () => true,
        () => false,
      );
    return (await exists('ca.pem')) && (await exists('cert.pem'));
  }

  /**
   * Runs the CLI, with `env` added to its environment; a failure carries its stderr, and never the
   * values of secret flags (API keys…). `env` is never shown.
   */
  private async run(
    args: string[],
    options: { allowFailure?: boolean; env?: Record<string, string> } = {},
  ): Promise<CommandResult> {
    let result: CommandResult;
    const env = options.env ? { ...this.env, ...options.env } : this.env;
    try {
      result = await runCommand(this.binary, args, { env, allowFailure: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/^cannot run .*ENOENT/.test(message)) {
        const tried = this.binary === 'docker-machine' ? '' : ` (tried ${this.binary})`;
        throw new Error(`${missingBinaryMessage}${tried}`);
      }
      throw error;
    }
    if (result.code !== 0 && !options.allowFailure) {
      const stderr = tail(result.stderr);
      throw new Error(
        `docker-machine ${maskSecretFlags(args).join(' ')} exited with ${result.code}${stderr ? `:\n${stderr}` : ''}`,
      );
    }
    return result;
  }
}

/** Any MACHINE_DRIVER but local and generic: a docker-machine driver name. */
export const dockerMachine: ProviderRegistration = {
  capabilities: dockerMachineCapabilities,
  configure: (config) => () => dockerMachineOf(config),
  // Making one reads and makes nothing: it only drives the CLI.
  power: (config) => dockerMachineOf(config),
};

function dockerMachineOf(config: Config): DockerMachineProvider {
  return new DockerMachineProvider({
    prefix: config.machinePrefix,
    driver: config.machineDriver,
    createFlags: config.machineCreateFlags,
  });
}

/** The `ls --filter name=` regular expression (Go RE2) of exactly this cluster's machines. */
export function ownNamePattern(prefix: string): string {
  return `^${escapeRegExp(prefix)}-[0-9]+$`;
}

/** docker-machine's states (libmachine/state) as the framework's. */
export function machineState(state: string): MachineState {
  switch (state.trim().toLowerCase()) {
    case 'running':
      return 'running';
    case 'stopped':
    case 'saved':
    case 'paused':
      return 'stopped';
    default:
      return 'unknown';
  }
}

/** Parses `ls --format '{{.Name}}\t{{.State}}'`: only `<prefix>-<n>` names, in machine order. */
export function parseLsOutput(stdout: string, prefix: string): FoundMachine[] {
  const own = new RegExp(ownNamePattern(prefix));
  const found = new Map<string, FoundMachine>();
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [rawName, rawState = ''] = line.split('\t');
    const name = rawName.trim();
    if (!own.test(name)) continue;
    found.set(name, { name, state: machineState(rawState), providerId: name });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/**
 * What `docker-machine inspect` printed is the machine's config.json, which anyone who can write the
 * store can change; its IP goes into commands run over SSH. Each field the framework reads is checked
 * here for its type, and the IP for being one: the error names the machine and the field.
 */
class InspectReader {
  constructor(private readonly machine: string) {}

  fail(field: string, problem: string): never {
    throw new Error(`docker-machine inspect ${this.machine}: ${field} ${problem}`);
  }

  /** An object, or {} when the field is absent. */
  object(parent: Record<string, unknown>, key: string, field: string): Record<string, unknown> {
    const value = parent[key];
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, `is ${describeValue(value)}, not an object`);
    }
    return value as Record<string, unknown>;
  }

  /** A string, or '' when the field is absent. */
  string(parent: Record<string, unknown>, key: string, field: string): string {
    const value = parent[key];
    if (value === undefined) return '';
    if (typeof value !== 'string') this.fail(field, `is ${describeValue(value)}, not a string`);
    return value;
  }

  /**
   * An absolute path, or '' when the field is absent or empty: the record keeps only absolute paths
   * (cluster.json refuses others), and docker-machine writes its store's paths absolute.
   */
  absolutePath(parent: Record<string, unknown>, key: string, field: string): string {
    const value = this.string(parent, key, field);
    if (value !== '' && !path.isAbsolute(value)) {
      this.fail(field, `is ${describeValue(value)}, not an absolute path`);
    }
    return value;
  }

  /** A TCP port, or undefined when the field is absent or 0 (libmachine's "use the default"). */
  port(parent: Record<string, unknown>, key: string, field: string): number | undefined {
    const value = parent[key];
    if (value === undefined || value === 0) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
      this.fail(field, `is ${describeValue(value)}, not a TCP port (a whole number from 1 to 65535)`);
    }
    return value;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string' || typeof value === 'number') return JSON.stringify(value);
  return `of type ${typeof value}`;
}

/**
 * The IP docker-machine recorded for a machine, as an IP address: anything else (a tampered store's
 * `1.2.3.4; rm -rf /`) is refused before it reaches a command.
 */
export function checkedMachineIp(machine: string, text: string): string {
  const ip = text.trim();
  if (net.isIP(ip) === 0) {
    throw new Error(
      `docker-machine inspect ${machine}: Driver.IPAddress is ${JSON.stringify(ip)}, not an IP address`,
    );
  }
  return ip;
}

/**
 * A MachineRecord from `docker-machine inspect NAME`: the driver's IP, SSH user, port and key, and the
 * TLS files docker-machine connects to the engine with. Missing SSH user and port take libmachine's
 * defaults (root, 22), as its BaseDriver does. Every field read is checked (InspectReader).
 */
export function recordFromInspect(inspectJson: string, spec: MachineSpec): MachineRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(inspectJson);
  } catch (error) {
    throw new Error(`docker-machine inspect ${spec.name} did not print JSON: ${(error as Error).message}`);
  }
  const read = new InspectReader(spec.name);
  const top = read.object({ top: parsed }, 'top', 'its output');
  const driver = read.object(top, 'Driver', 'Driver');
  const hostOptions = read.object(top, 'HostOptions', 'HostOptions');
  const auth = read.object(hostOptions, 'AuthOptions', 'HostOptions.AuthOptions');
  const rawIp = read.string(driver, 'IPAddress', 'Driver.IPAddress');
  if (!rawIp.trim()) {
    throw new Error(
      `docker-machine knows no IP address for ${spec.name} (Driver.IPAddress is empty): is it running?`,
    );
  }
  const ip = checkedMachineIp(spec.name, rawIp);
  const sshUser = read.string(driver, 'SSHUser', 'Driver.SSHUser');
  const sshPort = read.port(driver, 'SSHPort', 'Driver.SSHPort');
  const enginePort = read.port(driver, 'EnginePort', 'Driver.EnginePort');
  const sshKeyPath = read.absolutePath(driver, 'SSHKeyPath', 'Driver.SSHKeyPath');
  const storePath = read.absolutePath(driver, 'StorePath', 'Driver.StorePath');
  const keyPath = sshKeyPath || (storePath ? path.join(storePath, 'machines', spec.name, 'id_rsa') : '');
  if (!keyPath) {
    throw new Error(`docker-machine inspect ${spec.name} has neither Driver.SSHKeyPath nor Driver.StorePath`);
  }
  const tlsFields = ['CaCertPath', 'ClientCertPath', 'ClientKeyPath'] as const;
  const [caPath, certPath, tlsKeyPath] = tlsFields.map((key) =>
    read.absolutePath(auth, key, `HostOptions.AuthOptions.${key}`),
  );
  const missing = tlsFields
    .filter((_, i) => ![caPath, certPath, tlsKeyPath][i])
    .map((key) => `HostOptions.AuthOptions.${key}`);
  if (missing.length > 0) {
    throw new Error(
      `docker-machine inspect ${spec.name} lacks ${missing.join(', ')}: cannot reach its engine`,
    );
  }
  return {
    name: spec.name,
    role: spec.role,
    ip,
    ssh: {
      host: ip,
      port: sshPort ?? 22,
      user: sshUser || 'root',
      privateKeyPath: keyPath,
    },
    engine: {
      host: ip,
      port: enginePort ?? dockerMachineEnginePort,
      caPath,
      certPath,
      keyPath: tlsKeyPath,
    },
    providerId: spec.name,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
