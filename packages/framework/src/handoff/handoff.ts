/**
 * The handoff: the one thing that crosses from the Jest preset's globalSetup (which builds or reuses the
 * cluster) to every test process (where DTRHATestSuite.load() reads it). Both sides import this module,
 * so the schema, the writer and the reader cannot drift apart.
 *
 * It holds addresses and PATHS only — never a password, a token or key material. Test processes read
 * secrets again from the environment / `.env` and the cluster's state directory.
 */
import { existsSync, readFileSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ClusterInfo } from '../cluster/cluster-info';
import type { Config, UpTarget } from '../config';
import { engineAnswers } from '../engine/engine-client';
import { Machine } from '../machines/machine';
import type { MachineRecord, MachineRole } from '../machines/types';
import { KnownHosts } from '../ssh/known-hosts';
import { writePrivateFile } from '../state/private-files';

/** Bumped on any change a reader of the previous version would misread. */
export const HANDOFF_VERSION = 1;

/** The environment variable through which globalSetup tells test processes where the handoff is. */
export const HANDOFF_ENV = 'DTR_HA_HANDOFF';

/** How far the cluster was built before the handoff was written (the `until` of `up`). */
export type HandoffTarget = UpTarget;

export interface HandoffEngine {
  host: string;
  port: number;
  /** `tcp://host:port`, as DOCKER_HOST. */
  url: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

export interface HandoffSsh {
  host: string;
  port: number;
  user: string;
  privateKeyPath: string;
}

export interface HandoffMachine {
  name: string;
  role: MachineRole;
  ip: string;
  providerId: string;
  engine: HandoffEngine;
  ssh: HandoffSsh;
}

export interface Handoff {
  version: typeof HANDOFF_VERSION;
  /** Unique per Jest run; also in the file name. */
  runId: string;
  /** ISO 8601. */
  createdAt: string;
  /** The process that wrote it (Jest's main process). */
  pid: number;
  built: HandoffTarget;
  /** The configuration's non-secret identity of the cluster. */
  cluster: {
    prefix: string;
    driver: string;
    numMachines: number;
    /** DTR_HA_STATE_DIR, absolute. */
    stateDir: string;
    /** `<stateDir>/<prefix>`: keys, certificates, known hosts, the admin password file. */
    dir: string;
    /** The UCP admin user name (the password is NOT here). */
    adminUsername: string;
  };
  machines: HandoffMachine[];
  ucp?: { url: string; caPath: string };
  loadBalancer?: { machine: string; host: string; port: number; url: string };
  dtr?: { caPath: string; replicas: Array<{ id: string; machine: string; url: string }> };
}

/** A handoff that cannot be used, with a message that says what to do about it. */
export class HandoffError extends Error {
  constructor(
    message: string,
    readonly reason: 'unset' | 'missing' | 'unreadable' | 'invalid-json' | 'version' | 'schema' | 'gone',
    readonly file?: string,
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

const HOW_TO_GET_ONE =
  `run jest with the dtr-ha preset, or set ${HANDOFF_ENV} to the handoff file of a run that is still ` +
  "going (the preset: `preset: '@dtr-ha/jest-preset'` in the jest config)";

/** A fresh, unique run id: time, process, randomness (file-name safe). */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** `<clusterDir>/handoff-<runId>.json`: one file per run, so parallel runs of other prefixes never meet. */
export function handoffPath(clusterDir: string, runId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new Error(`invalid run id ${JSON.stringify(runId)}`);
  return path.join(clusterDir, `handoff-${runId}.json`);
}

export const HANDOFF_FILE_PATTERN = /^handoff-[A-Za-z0-9_-]+\.json$/;

/** Builds the handoff from what `up` returned. Pure: nothing is read or written. */
export function buildHandoff(input: {
  config: Config;
  clusterDir: string;
  info: ClusterInfo;
  built: HandoffTarget;
  runId: string;
  now?: Date;
}): Handoff {
  const { config, info } = input;
  const handoff: Handoff = {
    version: HANDOFF_VERSION,
    runId: input.runId,
    createdAt: (input.now ?? new Date()).toISOString(),
    pid: process.pid,
    built: input.built,
    cluster: {
      prefix: config.machinePrefix,
      driver: config.machineDriver,
      numMachines: config.numMachines,
      stateDir: config.stateDir,
      dir: input.clusterDir,
      adminUsername: config.admin.username,
    },
    machines: info.machines.map(toHandoffMachine),
  };
  if (info.ucp) handoff.ucp = { url: info.ucp.url, caPath: info.ucp.caPath };
  if (info.loadBalancer) handoff.loadBalancer = { ...info.loadBalancer };
  if (info.dtr) {
    handoff.dtr = { caPath: info.dtr.caPath, replicas: info.dtr.replicas.map((r) => ({ ...r })) };
  }
  return handoff;
}

function toHandoffMachine(record: MachineRecord): HandoffMachine {
  const { engine, ssh } = record;
  return {
    name: record.name,
    role: record.role,
    ip: record.ip,
    providerId: record.providerId,
    engine: {
      host: engine.host,
      port: engine.port,
      url: `tcp://${engine.host}:${engine.port}`,
      caPath: engine.caPath,
      certPath: engine.certPath,
      keyPath: engine.keyPath,
    },
    ssh: { host: ssh.host, port: ssh.port, user: ssh.user, privateKeyPath: ssh.privateKeyPath },
  };
}

/** The machine records again (what `Machine` and the rest of the framework take). */
export function handoffRecords(handoff: Handoff): MachineRecord[] {
  return handoff.machines.map((m) => ({
    name: m.name,
    role: m.role,
    ip: m.ip,
    providerId: m.providerId,
    engine: {
      host: m.engine.host,
      port: m.engine.port,
      caPath: m.engine.caPath,
      certPath: m.engine.certPath,
      keyPath: m.engine.keyPath,
    },
    ssh: { ...m.ssh },
  }));
}

/** The ClusterInfo the handoff was built from. */
export function handoffClusterInfo(handoff: Handoff): ClusterInfo {
  const info: ClusterInfo = { machines: handoffRecords(handoff) };
  if (handoff.ucp) info.ucp = { ...handoff.ucp };
  if (handoff.loadBalancer) info.loadBalancer = { ...handoff.loadBalancer };
  if (handoff.dtr)
    info.dtr = { caPath: handoff.dtr.caPath, replicas: handoff.dtr.replicas.map((r) => ({ ...r })) };
  return info;
}

/**
 * Machines for a test process: nothing connects until first use (SSH on the first `ssh()`, the engine
 * on the first call through `getClient()`). Host keys are checked against the cluster's known hosts.
 * The caller disposes them.
 */
export function handoffMachines(handoff: Handoff): Machine[] {
  const knownHosts = new KnownHosts(handoff.cluster.dir);
  return handoffRecords(handoff).map((record) => new Machine(record, knownHosts));
}

/** Writes the handoff atomically, mode 0600 in a 0700 directory. */
export async function writeHandoff(file: string, handoff: Handoff): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(handoff, null, 2)}\n`);
}

/** Removes a handoff file; a missing one is fine. */
export async function removeHandoff(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}

/**
 * Removes the handoff files in a cluster directory other than `keep`: leftovers of runs that died
 * before their globalTeardown. Only call it while holding the cluster's run lock (then no other run
 * of this cluster can be using one). Returns the names removed.
 */
export async function removeStaleHandoffs(clusterDir: string, keep?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(clusterDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = names.filter(
    (name) => HANDOFF_FILE_PATTERN.test(name) && path.join(clusterDir, name) !== keep,
  );
  await Promise.all(stale.map((name) => fs.rm(path.join(clusterDir, name), { force: true })));
  return stale;
}

export interface ReadHandoffOptions {
  /** Check that every file the handoff refers to (TLS files, SSH key, CAs) exists. Default true. */
  checkFiles?: boolean;
  /** Ping every machine's Docker engine over verified TLS (network: off by default). */
  checkEngines?: boolean;
  /** Per-engine timeout of that check. */
  engineTimeoutMs?: number;
}

/**
 * Reads and validates a handoff. `file` defaults to `$DTR_HA_HANDOFF`. Every failure is a HandoffError
 * whose message says what to do.
 */
export async function readHandoff(file?: string, options: ReadHandoffOptions = {}): Promise<Handoff> {
  const target = handoffTarget(file);
  let text: string;
  try {
    text = await fs.readFile(target, 'utf8');
  } catch (error) {
    throw readError(error, target);
  }
  const handoff = parseHandoff(text, target);
  if (options.checkFiles ?? true) checkHandoffFiles(handoff, target);
  if (options.checkEngines)
    await checkHandoffEngines(handoff, { file: target, timeoutMs: options.engineTimeoutMs });
  return handoff;
}

/**
 * readHandoff without the engine check, synchronously: for a test file that loads its suite at the top
 * level of a CommonJS module (no top-level await there).
 */
export function readHandoffSync(
  file?: string,
  options: Pick<ReadHandoffOptions, 'checkFiles'> = {},
): Handoff {
  const target = handoffTarget(file);
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (error) {
    throw readError(error, target);
  }
  const handoff = parseHandoff(text, target);
  if (options.checkFiles ?? true) checkHandoffFiles(handoff, target);
  return handoff;
}

function handoffTarget(file: string | undefined): string {
  const target = file ?? process.env[HANDOFF_ENV];
  if (target === undefined || target.trim() === '') {
    throw new HandoffError(
      `${HANDOFF_ENV} is not set, so this test process does not know which cluster to use: ${HOW_TO_GET_ONE}.`,
      'unset',
    );
  }
  return target;
}

function readError(error: unknown, target: string): HandoffError {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new HandoffError(
      `The handoff file ${target} does not exist (its run may have ended: globalTeardown removes it): ` +
        `${HOW_TO_GET_ONE}.`,
      'missing',
      target,
    );
  }
  return new HandoffError(
    `The handoff file ${target} cannot be read (${(error as Error).message}): it is written 0600 for the ` +
      'user who ran jest; run the tests as that user.',
    'unreadable',
    target,
  );
}

/** Parses and validates the text of a handoff (`source` names it in messages). */
export function parseHandoff(text: string, source = 'the handoff'): Handoff {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const empty = text.trim() === '';
    throw new HandoffError(
      `The handoff file ${source} is ${empty ? 'empty' : 'not valid JSON (truncated?)'}` +
        `${empty ? '' : `: ${(error as Error).message}`}. It is written by the preset's globalSetup: run jest ` +
        'again so it is written anew.',
      'invalid-json',
      source,
    );
  }
  if (!isObject(value)) {
    throw schemaError(source, ['the top level must be a JSON object']);
  }
  if (value.version !== HANDOFF_VERSION) {
    const found = value.version === undefined ? 'no version' : `version ${JSON.stringify(value.version)}`;
    throw new HandoffError(
      `The handoff file ${source} has ${found}, but this @dtr-ha/framework reads version ${HANDOFF_VERSION}: ` +
        'the preset that wrote it and the framework reading it differ. Install matching versions of ' +
        '@dtr-ha/jest-preset and @dtr-ha/framework (`npm ls @dtr-ha/framework` shows them), then run jest again.',
      'version',
      source,
    );
  }
  const problems = validate(value);
  if (problems.length) throw schemaError(source, problems);
  return value as unknown as Handoff;
}

function schemaError(source: string, problems: string[]): HandoffError {
  const shown = problems.slice(0, 10);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new HandoffError(
    `The handoff file ${source} does not match schema version ${HANDOFF_VERSION}:\n  ${shown.join('\n  ')}${more}\n` +
      "It is written by the preset's globalSetup, not by hand: run jest again so it is written anew.",
    'schema',
    source,
  );
}

function checkHandoffFiles(handoff: Handoff, source: string): void {
  const files = new Set<string>();
  for (const m of handoff.machines) {
    files.add(m.engine.caPath).add(m.engine.certPath).add(m.engine.keyPath).add(m.ssh.privateKeyPath);
  }
  if (handoff.ucp) files.add(handoff.ucp.caPath);
  if (handoff.dtr) files.add(handoff.dtr.caPath);
  const missing = [...files].filter((f) => !existsSync(f));
  if (missing.length) {
    throw new HandoffError(
      `The handoff file ${source} refers to files that are gone: ${missing.join(', ')}. The cluster's state ` +
        `directory (${handoff.cluster.dir}) was removed or changed since globalSetup ran: run jest again to ` +
        'rebuild or reuse the cluster.',
      'gone',
      source,
    );
  }
}

/**
 * Pings every machine's Docker engine over verified TLS; throws a HandoffError naming the machines that
 * do not answer (the cluster was removed or stopped since globalSetup ran).
 */
export async function checkHandoffEngines(
  handoff: Handoff,
  options: { file?: string; timeoutMs?: number } = {},
): Promise<void> {
  const answers = await Promise.all(
    handoff.machines.map(async (m) => ({ m, ok: await engineAnswers(m.engine, options.timeoutMs ?? 3_000) })),
  );
  const gone = answers.filter((a) => !a.ok).map((a) => `${a.m.name} (${a.m.engine.url})`);
  if (gone.length) {
    throw new HandoffError(
      `Machines of the handoff${options.file ? ` ${options.file}` : ''} do not answer: ${gone.join(', ')}. The ` +
        `cluster ${handoff.cluster.prefix} was removed or stopped since globalSetup ran (dtr-ha down? ` +
        'PURGE_MACHINES?): run jest again to rebuild or reuse it.',
      'gone',
      options.file,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Validation: a small hand-written checker that names the path of every problem.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly problems: string[] = [];

  object(value: unknown, at: string): Json | undefined {
    if (isObject(value)) return value;
    this.problems.push(`${at} must be an object`);
    return undefined;
  }

  string(obj: Json, key: string, at: string, nonEmpty = true): void {
    const v = obj[key];
    if (typeof v !== 'string' || (nonEmpty && v === '')) {
      this.problems.push(`${at}.${key} must be a${nonEmpty ? ' non-empty' : ''} string`);
    }
  }

  absolutePath(obj: Json, key: string, at: string): void {
    const v = obj[key];
    if (typeof v !== 'string' || !path.isAbsolute(v))
      this.problems.push(`${at}.${key} must be an absolute path`);
  }

  port(obj: Json, key: string, at: string): void {
    const v = obj[key];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 65535) {
      this.problems.push(`${at}.${key} must be a port (1 to 65535)`);
    }
  }

  oneOf(obj: Json, key: string, at: string, allowed: readonly string[]): void {
    if (!allowed.includes(obj[key] as string)) {
      this.problems.push(`${at}.${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
  }

  url(obj: Json, key: string, at: string): void {
    const v = obj[key];
    if (typeof v !== 'string' || !/^https?:\/\/[^\s/]+/.test(v))
      this.problems.push(`${at}.${key} must be an http(s) URL`);
  }
}

function validate(h: Json): string[] {
  const c = new Checker();
  c.string(h, 'runId', 'handoff');
  c.string(h, 'createdAt', 'handoff');
  if (!Number.isInteger(h.pid)) c.problems.push('handoff.pid must be an integer');
  c.oneOf(h, 'built', 'handoff', ['machines', 'ucp', 'dtr']);

  const cluster = c.object(h.cluster, 'handoff.cluster');
  if (cluster) {
    c.string(cluster, 'prefix', 'cluster');
    c.string(cluster, 'driver', 'cluster');
    if (!Number.isInteger(cluster.numMachines) || (cluster.numMachines as number) < 1) {
      c.problems.push('cluster.numMachines must be a positive integer');
    }
    c.absolutePath(cluster, 'stateDir', 'cluster');
    c.absolutePath(cluster, 'dir', 'cluster');
    c.string(cluster, 'adminUsername', 'cluster');
  }

  const names = new Set<string>();
  if (!Array.isArray(h.machines) || h.machines.length === 0) {
    c.problems.push('handoff.machines must be a non-empty array');
  } else {
    h.machines.forEach((value, i) => {
      const at = `machines[${i}]`;
      const m = c.object(value, at);
      if (!m) return;
      c.string(m, 'name', at);
      if (typeof m.name === 'string') names.add(m.name);
      c.oneOf(m, 'role', at, ['controller', 'replica']);
      c.string(m, 'ip', at);
      c.string(m, 'providerId', at, false);
      const engine = c.object(m.engine, `${at}.engine`);
      if (engine) {
        c.string(engine, 'host', `${at}.engine`);
        c.port(engine, 'port', `${at}.engine`);
        c.string(engine, 'url', `${at}.engine`);
        for (const key of ['caPath', 'certPath', 'keyPath']) c.absolutePath(engine, key, `${at}.engine`);
      }
      const ssh = c.object(m.ssh, `${at}.ssh`);
      if (ssh) {
        c.string(ssh, 'host', `${at}.ssh`);
        c.port(ssh, 'port', `${at}.ssh`);
        c.string(ssh, 'user', `${at}.ssh`);
        c.absolutePath(ssh, 'privateKeyPath', `${at}.ssh`);
      }
    });
    if (!h.machines.some((m) => isObject(m) && m.role === 'controller')) {
      c.problems.push('handoff.machines must include the controller');
    }
  }

  if (h.ucp !== undefined) {
    const ucp = c.object(h.ucp, 'handoff.ucp');
    if (ucp) {
      c.url(ucp, 'url', 'ucp');
      c.absolutePath(ucp, 'caPath', 'ucp');
    }
  }
  if (h.loadBalancer !== undefined) {
    const lb = c.object(h.loadBalancer, 'handoff.loadBalancer');
    if (lb) {
      c.string(lb, 'machine', 'loadBalancer');
      c.string(lb, 'host', 'loadBalancer');
      c.port(lb, 'port', 'loadBalancer');
      c.url(lb, 'url', 'loadBalancer');
    }
  }
  if (h.dtr !== undefined) {
    const dtr = c.object(h.dtr, 'handoff.dtr');
    if (dtr) {
      c.absolutePath(dtr, 'caPath', 'dtr');
      if (!Array.isArray(dtr.replicas)) c.problems.push('dtr.replicas must be an array');
      else {
        dtr.replicas.forEach((value, i) => {
          const at = `dtr.replicas[${i}]`;
          const r = c.object(value, at);
          if (!r) return;
          c.string(r, 'id', at);
          c.string(r, 'machine', at);
          c.url(r, 'url', at);
          if (typeof r.machine === 'string' && names.size && !names.has(r.machine)) {
            c.problems.push(`${at}.machine ${JSON.stringify(r.machine)} is not one of handoff.machines`);
          }
        });
      }
    }
  }
  if (h.built === 'ucp' && h.ucp === undefined)
    c.problems.push('handoff.ucp is required when built is "ucp"');
  if (h.built === 'dtr') {
    for (const key of ['ucp', 'loadBalancer', 'dtr']) {
      if (h[key] === undefined) c.problems.push(`handoff.${key} is required when built is "dtr"`);
    }
  }
  return c.problems;
}
