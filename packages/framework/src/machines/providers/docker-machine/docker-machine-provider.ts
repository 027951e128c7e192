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
import { newSecurityGroups, securityGroupPlan, securityGroupsInUse } from './amazonec2-groups';
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
  /**
   * The CLI: a name looked up on PATH or a path. Default: env DOCKER_MACHINE_BINARY, else
   * `docker-machine`. rancher-machine, the maintained fork of the archived docker-machine, has the same
   * commands, output and store.
   */
  binary?: string;
  /** The CLI's environment (MACHINE_STORAGE_PATH, PATH, …). Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

/** docker-machine provisions every engine with TLS on this port (libmachine's engine.DefaultPort). */
export const dockerMachineEnginePort = 2376;
const engineWaitMs = 60_000;

export const missingBinaryMessage =
  'docker-machine was not found on PATH: install it (docker-machine v0.16.2; the project is archived, ' +
  'its maintained fork rancher-machine has the same commands: DOCKER_MACHINE_BINARY=rancher-machine), ' +
  'or set DOCKER_MACHINE_BINARY to the CLI, or use MACHINE_DRIVER=local|generic';

const logCommand = 'cat /var/log/dockerd.log 2>/dev/null || journalctl -u docker --no-pager';

/**
 * `ls` prints these for each machine. The engine probe `ls` makes of every running machine (even with
 * --format) can end in the state Timeout; a machine the store cannot load has the driver "not found"
 * and its load error.
 */
const lsFormat = '{{.Name}}\\t{{.State}}\\t{{.DriverName}}\\t{{.Error}}';

/**
 * What `docker-machine env` says when the engine's certificate does not verify (Go's crypto/x509:
 * `x509: certificate is valid for 10.0.0.2, not 10.0.0.3`, `x509: certificate signed by unknown
 * authority`…), or when the engine refuses this client's certificate (`remote error: tls: bad
 * certificate`). regenerate-certs mends these. The CLI prints its regenerate hint for any failed TLS
 * dial, refused and timed out included; those are not certificate problems, and regenerating would only
 * restart a dockerd that is slow or out of reach.
 */
export function isCertificateError(output: string): boolean {
  return /x509: |certificate is valid for|tls: bad certificate/.test(output);
}

/**
 * libmachine's crash reporter (libmachine/crashreport) uploads the log of a failed create to Bugsnag
 * and waits for the upload before the CLI exits. Its API token `no-report` opts out; the variable is
 * the one --bugsnag-api-token reads (cmd/docker-machine/machine.go), honoured by docker-machine v0.16.2
 * and rancher-machine alike. The other opt-out, a file `no-error-report` in the store, would change
 * the user's store for every use of it.
 */
const crashReportOptOut = { MACHINE_BUGSNAG_API_TOKEN: 'no-report' } as const;

/** Real hosts (VMs, cloud instances) that docker-machine made for this cluster. */
const dockerMachineCapabilities: ProviderCapabilities = {
  ownsMachines: true,
  storage: 'nfs',
  extraImages: [],
};

/** A machine as `ls` lists it. */
export interface ListedMachine extends FoundMachine {
  providerId: string;
  /** The state as `ls` printed it: Running, Stopped, Timeout, Error, … */
  lsState: string;
  /**
   * Why docker-machine cannot load the machine from its store (`open …/config.json: no such file or
   * directory`): set for a machine that `ls` lists with the driver "not found".
   */
  loadError?: string;
}

/**
 * Machines made and kept by the `docker-machine` CLI (or rancher-machine) with any of its drivers.
 * docker-machine owns the machines, their SSH keys and their TLS certificates (its store,
 * MACHINE_STORAGE_PATH); the framework only drives the CLI and reads its output, so what it hands on is
 * what docker-machine made.
 */
export class DockerMachineProvider implements Provider {
  readonly name = 'docker-machine';
  readonly capabilities = dockerMachineCapabilities;
  private readonly binary: string;
  /** How messages name the CLI: docker-machine, rancher-machine. */
  private readonly cli: string;
  private readonly env: NodeJS.ProcessEnv;
  /** MACHINE_CREATE_FLAGS for `create`: the command line's part and the environment's. */
  private readonly createFlags: CreateFlagsSplit;
  /** Whether what `create` moves and leaves exposed was reported (once per provider). */
  private createFlagsReported = false;

  constructor(private readonly options: DockerMachineOptions) {
    this.env = options.env ?? process.env;
    this.binary = options.binary || this.env.DOCKER_MACHINE_BINARY || 'docker-machine';
    this.cli = path.basename(this.binary);
    this.createFlags = splitCreateFlags(options.driver, options.createFlags);
  }

  async list(): Promise<FoundMachine[]> {
    return (await this.listed()).map(({ name, state, providerId }) => ({ name, state, providerId }));
  }

  /**
   * This cluster's machines as `ls` lists them. A running machine whose engine is slow to answer shows
   * the state Timeout (ls gives each machine 10 s): with `resolve`, `status` (which asks the driver
   * only) says what such a machine is.
   */
  private async listed(resolve = true): Promise<ListedMachine[]> {
    const { stdout } = await this.run([
      'ls',
      '--filter',
      `name=${ownNamePattern(this.options.prefix)}`,
      '--format',
      // A literal \t: the CLI turns it into a tab (commands/ls.go parseFormat).
      lsFormat,
    ]);
    const machines = parseLsOutput(stdout, this.options.prefix);
    if (!resolve) return machines;
    return Promise.all(
      machines.map(async (machine) =>
        machine.lsState.toLowerCase() === 'timeout'
          ? { ...machine, state: await this.stateFromStatus(machine.name) }
          : machine,
      ),
    );
  }

  /** `docker-machine status NAME`: the driver's state of the machine, no engine involved. */
  private async stateFromStatus(name: string): Promise<MachineState> {
    const status = await this.run(['status', name], { allowFailure: true });
    return status.code === 0 ? machineState(status.stdout) : 'unknown';
  }

  async ensure(specs: MachineSpec[], progress: Progress = () => undefined): Promise<EnsureResult> {
    const listed = await this.listed();
    const found = new Map(listed.map((m) => [m.name, m]));
    // Before anything is made: a machine of this cluster that docker-machine cannot load.
    const broken = specs.flatMap((spec) => found.get(spec.name) ?? []).filter((m) => m.loadError);
    if (broken.length > 0) throw new Error(brokenMachinesMessage(this.cli, broken));
    const actions: EnsureResult['actions'] = {};
    const notes = new Map<string, string>();
    const limit = pLimit(8);

    const missing = specs.filter((spec) => !found.has(spec.name));
    const first = missing.length > 1 ? await this.firstAlone(missing[0], listed, progress) : undefined;
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

  /**
   * The machine to create before the others, alone, when creating them side by side would race:
   * - on the store's CA and client certificate, which the first create makes, and parallel first
   *   creates can each make their own (docker/machine#3634);
   * - with amazonec2, on a security group no machine of the cluster uses yet (amazonec2-groups.ts).
   */
  private async firstAlone(
    spec: MachineSpec,
    listed: readonly ListedMachine[],
    progress: Progress,
  ): Promise<MachineSpec | undefined> {
    if (!(await this.storeHasCertificates())) return spec;
    if (this.options.driver !== 'amazonec2') return undefined;
    const plan = securityGroupPlan(this.options.createFlags, { ...this.env, ...this.createFlags.env });
    const inUse = await Promise.all(
      listed
        .filter((m) => !m.loadError)
        .map(async (m) => securityGroupsInUse((await this.run(['inspect', m.name])).stdout)),
    );
    const fresh = newSecurityGroups(
      plan,
      inUse.filter((used) => used !== undefined),
    );
    if (fresh.length === 0) return undefined;
    progress(
      `${spec.name}: created first and alone, as it makes the security group ${fresh.join(', ')}: ` +
        'parallel amazonec2 creates race to make a new group (InvalidGroup.Duplicate)',
    );
    return spec;
  }

  /**
   * `rm -y` takes a machine and its instance. A machine of this cluster whose store entry is broken
   * (its config.json is missing) makes `rm -y` fail and stay: docker-machine cannot load its driver,
   * so it cannot remove its instance either. Only its local entry can go, with `rm -f -y`, which is
   * what is done for those, and said: their instance, if there is one, is left for the user to find.
   * `-f` is never used for the others, as it would also drop the entry of one whose instance could not
   * be removed.
   */
  async remove(names?: string[], progress: Progress = () => undefined): Promise<string[]> {
    const existing = await this.listed(false);
    const doomed = names ? existing.filter((m) => names.includes(m.name)) : existing;
    if (doomed.length === 0) return [];
    const whole = doomed.filter((m) => !m.loadError).map((m) => m.name);
    const broken = doomed.filter((m) => m.loadError).map((m) => m.name);
    if (whole.length > 0) await this.run(['rm', '-y', ...whole]);
    if (broken.length > 0) {
      await this.run(['rm', '-f', '-y', ...broken]);
      progress(
        `${broken.join(', ')}: removed from ${this.cli}'s store only (its config.json was missing, so ` +
          `${this.cli} could not reach its instance): check your provider for an instance of that name`,
      );
    }
    return doomed.map((m) => m.name);
  }

  /** `docker-machine stop NAME`: the machine and its engine go down (the stand-in stops its container). */
  async stopMachine(name: string): Promise<void> {
    await this.run(['stop', name]);
  }

  /**
   * `docker-machine start NAME`; its engine may answer a moment later. A machine that comes back at
   * another IP than `knownIp` (a VM's new lease, an EC2 instance's new public IP) is an error: the
   * cluster knows it at the old one, and its certificates name that one. `up` mends both
   * (regenerate-certs, UCP and DTR made again). The IP is `docker-machine ip`'s: inspect's
   * Driver.IPAddress is what amazonec2 recorded at create, and stays so (docker/machine#1254, #4705).
   */
  async startMachine(name: string, knownIp?: string): Promise<void> {
    await this.run(['start', name]);
    if (knownIp === undefined) return;
    const now = await this.currentIp(name);
    if (now !== knownIp) {
      throw new Error(
        `${name} runs again, but ${this.cli} gave it another IP (${now}, was ${knownIp}): the ` +
          "cluster knows it at the old one; 'dtr-ha up' brings the cluster to the new one",
      );
    }
  }

  /** `docker-machine ip NAME`: the address the driver reports now (the cloud's, the VM's lease). */
  private async currentIp(name: string): Promise<string> {
    return checkedMachineIp(name, (await this.run(['ip', name])).stdout);
  }

  async collectLogs(): Promise<ProviderLog[]> {
    const running = (await this.list()).filter((m) => m.state === 'running');
    const logs: ProviderLog[] = [];
    for (const machine of running) {
      const result = await this.run(['ssh', machine.name, logCommand], { allowFailure: true });
      const failure =
        result.code === 0
          ? ''
          : `\n# ${this.cli} ssh ${machine.name} exited with ${result.code}:\n${result.stderr}`;
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
      progress(`${spec.name}: ${this.cli} create --driver ${this.options.driver}`);
      await this.run(['create', '--driver', this.options.driver, ...this.createFlags.args, spec.name], {
        env: { ...this.createFlags.env, ...crashReportOptOut },
      });
      return 'created';
    }
    let action: EnsureResult['actions'][string] = 'reused';
    if (existing.state !== 'running') {
      progress(`${spec.name}: ${this.cli} start`);
      const started = await this.run(['start', spec.name], { allowFailure: true });
      // A machine in a passing state (Starting, …) may be running by now.
      if (started.code !== 0 && !/already running/i.test(started.stderr)) {
        throw new Error(
          `${this.cli} start ${spec.name} failed (it was ${existing.state}): ${tail(started.stderr)}\n` +
            `Fix it, or remove it with '${this.cli} rm -y ${spec.name}' and run again.`,
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
        `${this.cli} create: MACHINE_CREATE_FLAGS ${pairs.join(', ')} passed in its environment, ` +
          'not on its command line',
      );
    }
    for (const flag of exposed) progress(exposedFlagWarning(this.options.driver, flag));
  }

  /**
   * `docker-machine env` checks the machine's certificates over TLS first. A machine that came back
   * with another IP fails that check with a certificate error, and the CLI's remedy is
   * regenerate-certs. Any other failure (the engine refuses, or does not answer yet) is left to the
   * engine wait, which says what env said if the engine never answers.
   */
  private async checkCertificates(
    name: string,
    progress: Progress,
    notes: Map<string, string>,
  ): Promise<void> {
    const env = await this.run(['env', '--shell', 'bash', name], { allowFailure: true });
    if (env.code === 0) return;
    const output = `${env.stderr}\n${env.stdout}`.trim();
    if (isCertificateError(output)) {
      progress(`${name}: its TLS certificates do not verify; ${this.cli} regenerate-certs --force ${name}`);
      await this.run(['regenerate-certs', '--force', name]);
      return;
    }
    progress(`${name}: its engine did not answer ${this.cli}'s TLS check yet; its certificates are kept`);
    notes.set(name, `${this.cli} env ${name} said: ${tail(output)}`);
  }

  /**
   * The machine's record once its engine answers with docker-machine's files: the address from
   * `docker-machine ip` (what the driver reports now), the rest from `docker-machine inspect`.
   */
  private async readyRecord(spec: MachineSpec, note: string | undefined): Promise<MachineRecord> {
    const [inspect, ip] = await Promise.all([this.run(['inspect', spec.name]), this.currentIp(spec.name)]);
    const record = recordFromInspect(inspect.stdout, spec, ip);
    const { host, port, caPath, certPath } = record.engine;
    await waitFor(
      `${spec.name}'s engine`,
      async () => ((await engineAnswers(record.engine, 2_000)) ? true : undefined),
      { timeoutMs: engineWaitMs, intervalMs: 500 },
    ).catch(() => {
      throw new Error(
        `${this.cli} machine ${spec.name}: its Docker engine did not answer over TLS at ${host}:${port} ` +
          `within ${engineWaitMs / 1000} s with ${this.cli}'s certificates (CA ${caPath}, client ${certPath}). ` +
          `Check '${this.cli} env ${spec.name}' and that port ${port} is open to this host; if it reports a ` +
          `certificate error, '${this.cli} regenerate-certs --force ${spec.name}' may fix it.${note ? `\n${note}` : ''}`,
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
        `${this.cli} ${maskSecretFlags(args).join(' ')} exited with ${result.code}${stderr ? `:\n${stderr}` : ''}`,
      );
    }
    return result;
  }
}

/** Why ensure stops at machines docker-machine cannot load; what to do about them. */
function brokenMachinesMessage(cli: string, broken: readonly ListedMachine[]): string {
  const names = broken.map((m) => m.name);
  return (
    `${cli} cannot load ${names.join(', ')} from its store (${broken[0].loadError}), so it can neither ` +
    `use nor replace ${names.length > 1 ? 'them' : 'it'}, nor remove ${names.length > 1 ? 'their instances' : 'its instance'}. ` +
    `Check your provider for ${names.length > 1 ? 'instances' : 'an instance'} named ${names.join(', ')} and remove ` +
    `${names.length > 1 ? 'them' : 'it'} there; then '${cli} rm -f -y ${names.join(' ')}' removes the ` +
    'broken entries, and the next run creates the machines again.'
  );
}

/** Any MACHINE_DRIVER but local and generic: a docker-machine driver name. */
export const dockerMachine: ProviderRegistration = {
  capabilities: dockerMachineCapabilities,
  configure: (config) => () => dockerMachineOf(config),
  find: (config) => dockerMachineOf(config).list(),
  // Making one reads and makes nothing: it only drives the CLI.
  power: (config) => dockerMachineOf(config),
};

function dockerMachineOf(config: Config): DockerMachineProvider {
  return new DockerMachineProvider({
    prefix: config.machinePrefix,
    driver: config.machineDriver,
    createFlags: config.machineCreateFlags,
    binary: config.dockerMachineBinary,
  });
}

/** The `ls --filter name=` regular expression (Go RE2) of exactly this cluster's machines. */
export function ownNamePattern(prefix: string): string {
  return `^${escapeRegExp(prefix)}-[0-9]+$`;
}

/**
 * docker-machine's states (libmachine/state) as the framework's. Timeout (ls could not learn the state
 * in time) says nothing of the machine: `ls` callers ask `status` (DockerMachineProvider.listed).
 */
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

/**
 * Parses `ls --format '{{.Name}}\t{{.State}}\t{{.DriverName}}\t{{.Error}}'`: only `<prefix>-<n>`
 * names, in machine order. `ls` lists the machines it cannot load whatever the filter, with the driver
 * "not found" and the load error (persist.LoadAllHosts).
 */
export function parseLsOutput(stdout: string, prefix: string): ListedMachine[] {
  const own = new RegExp(ownNamePattern(prefix));
  const found = new Map<string, ListedMachine>();
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [rawName, rawState = '', driver = '', ...error] = line.split('\t');
    const name = rawName.trim();
    if (!own.test(name)) continue;
    const lsState = rawState.trim();
    const machine: ListedMachine = { name, state: machineState(lsState), providerId: name, lsState };
    if (driver.trim() === 'not found') machine.loadError = error.join('\t').trim() || 'it cannot be loaded';
    found.set(name, machine);
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
 * What `docker-machine ip NAME` printed, as an IP address: anything else (a tampered store's or a
 * driver's `1.2.3.4; rm -rf /`) is refused before it reaches a command.
 */
export function checkedMachineIp(machine: string, text: string): string {
  const ip = text.trim();
  if (net.isIP(ip) === 0) {
    throw new Error(`docker-machine ip ${machine} printed ${JSON.stringify(ip)}, not an IP address`);
  }
  return ip;
}

/**
 * A MachineRecord from `docker-machine inspect NAME` and the machine's address (`docker-machine ip`,
 * checkedMachineIp): its SSH user, port and key, and the TLS files docker-machine connects to the
 * engine with. Driver.IPAddress is not read: amazonec2 records it at create only, so after a stop and
 * start it is the instance's old address (docker/machine#1254, #4705). Missing SSH user and port take
 * libmachine's defaults (root, 22), as its BaseDriver does. Every field read is checked (InspectReader).
 */
export function recordFromInspect(inspectJson: string, spec: MachineSpec, address: string): MachineRecord {
  const ip = checkedMachineIp(spec.name, address);
  let parsed: unknown;
  try {
    parsed = JSON.parse(inspectJson);
  } catch {
    // Not the parser's message: it quotes the text around the fault, and config.json holds the
    // driver's credentials (amazonec2 keeps AccessKey and SecretKey there).
    const firstLine = inspectJson.trimStart().split('\n')[0];
    throw new Error(
      firstLine.startsWith('{') || firstLine === ''
        ? `docker-machine inspect ${spec.name} printed JSON that does not parse`
        : `docker-machine inspect ${spec.name} did not print JSON: ${firstLine.slice(0, 200)}`,
    );
  }
  const read = new InspectReader(spec.name);
  const top = read.object({ top: parsed }, 'top', 'its output');
  const driver = read.object(top, 'Driver', 'Driver');
  const hostOptions = read.object(top, 'HostOptions', 'HostOptions');
  const auth = read.object(hostOptions, 'AuthOptions', 'HostOptions.AuthOptions');
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
