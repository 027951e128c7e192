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
import { z } from 'zod';
import { clusterRecordWith, type ClusterInfo } from '../cluster/cluster-info';
import { field, validateRecord } from '../util/record-fields';
import {
  UP_TARGETS,
  dropUndefined,
  hideSecret,
  type Config,
  type Constraint,
  type ImageConfig,
  type UpTarget,
} from '../config';
import { engineAnswers } from '../engine/engine-client';
import { Machine } from '../machines/machine';
import type { MachineRecord } from '../machines/types';
import { KnownHosts } from '../ssh/known-hosts';
import { writePrivateFile } from '../state/private-files';

/**
 * Bumped on any change a reader of the previous version would misread or reject. 2: the machines are
 * the records of `cluster.json` (no `engine.url`), and the cluster's images and constraints are in it.
 */
export const HANDOFF_VERSION = 2;

/** The environment variable through which globalSetup tells test processes where the handoff is. */
export const HANDOFF_ENV = 'DTR_HA_HANDOFF';

const imageSchema = field.object({
  repo: field.text(),
  tag: field.text(),
  /** `<repo>/ucp:<tag>` or `<repo>/dtr:<tag>`. */
  image: field.text(),
}) satisfies z.ZodType<ImageConfig>;

const constraintSchema = field.object({
  key: field.text(),
  operator: field.oneOf(['==', '!=']),
  value: field.anyText(),
}) satisfies z.ZodType<Constraint>;

/**
 * The handoff's envelope around the cluster record (the machines, UCP, the load balancer and DTR, as in
 * `cluster.json`). It does not carry `madeFor` (that is `up`'s business, in `cluster.json` only), nor
 * any secret.
 */
const handoffSchema = clusterRecordWith({
  version: z.literal(HANDOFF_VERSION),
  /** Unique per Jest run; also in the file name. */
  runId: field.text(),
  /** ISO 8601. */
  createdAt: field.text(),
  /** The process that wrote it (Jest's main process). */
  pid: field.integer(),
  /** How far the cluster was built before the handoff was written (the `until` of `up`). */
  built: field.oneOf(UP_TARGETS),
  /** The configuration's non-secret identity of the cluster: what a test process takes from here. */
  cluster: field.object({
    prefix: field.text(),
    driver: field.text(),
    numMachines: field.positiveInteger(),
    /** DTR_HA_STATE_DIR, absolute. */
    stateDir: field.absolutePath(),
    /** `<stateDir>/<prefix>`: keys, certificates, known hosts, the admin password file. */
    dir: field.absolutePath(),
    /** The UCP admin user name (the password is NOT here). */
    adminUsername: field.text(),
    /** The images UCP and DTR are made from. */
    images: field.object({ ucp: imageSchema, dtr: imageSchema }),
    /** DTR_LB_CONSTRAINTS and DTR_CONSTRAINTS. */
    dtrLbConstraints: field.array(constraintSchema),
    dtrConstraints: field.array(constraintSchema),
  }),
}).superRefine((h, ctx) => {
  const required = {
    machines: [],
    ucp: ['ucp'],
    dtr: ['ucp', 'loadBalancer', 'dtr'],
  } as const satisfies Record<UpTarget, readonly string[]>;
  for (const key of required[h.built]) {
    if (h[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is required when built is "${h.built}"` });
    }
  }
});

export type Handoff = z.infer<typeof handoffSchema>;

/** How far the cluster was built before the handoff was written (the `until` of `up`). */
export type HandoffTarget = Handoff['built'];

/** A machine of the handoff: the record of `cluster.json` itself (the name is kept for existing callers). */
export type HandoffMachine = MachineRecord;

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
  const { config } = input;
  // The record as `cluster.json` has it, but not `madeFor`: that stays with `up`.
  const { machines, ucp, loadBalancer, dtr } = input.info;
  return {
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
      images: { ucp: config.ucp, dtr: config.dtr },
      dtrLbConstraints: config.dtrLbConstraints,
      dtrConstraints: config.dtrConstraints,
    },
    machines,
    ...(ucp && { ucp }),
    ...(loadBalancer && { loadBalancer }),
    ...(dtr && { dtr }),
  };
}

/**
 * The configuration of a test process: what the handoff says of the cluster (the same fields
 * `buildHandoff` took from globalSetup's configuration) over `fromEnvironment`, which gives the rest —
 * secrets (REGISTRY_*, UCP_ADMIN_PASSWORD), the test knobs, a driver's own settings.
 */
export function handoffConfig(handoff: Handoff, fromEnvironment: Config): Config {
  const { cluster } = handoff;
  // The password kept as loadConfig keeps it: readable, but never spread, logged or written.
  const admin = hideSecret(
    dropUndefined({ username: cluster.adminUsername, password: fromEnvironment.admin.password }),
    'password',
  );
  return {
    ...fromEnvironment,
    machinePrefix: cluster.prefix,
    machineDriver: cluster.driver,
    numMachines: cluster.numMachines,
    stateDir: cluster.stateDir,
    admin,
    ucp: cluster.images.ucp,
    dtr: cluster.images.dtr,
    dtrLbConstraints: cluster.dtrLbConstraints,
    dtrConstraints: cluster.dtrConstraints,
  };
}

/**
 * Machines for a test process: nothing connects until first use (SSH on the first `ssh()`, the engine
 * on the first call through `getClient()`). Host keys are checked against the cluster's known hosts.
 * The caller disposes them.
 */
export function handoffMachines(handoff: Handoff): Machine[] {
  const knownHosts = new KnownHosts(handoff.cluster.dir);
  return handoff.machines.map((record) => new Machine(record, knownHosts));
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
  const version = isObject(value) ? value.version : undefined;
  if (isObject(value) && version !== HANDOFF_VERSION) {
    const found = version === undefined ? 'no version' : `version ${JSON.stringify(version)}`;
    throw new HandoffError(
      `The handoff file ${source} has ${found}, but this @dtr-ha/framework reads version ${HANDOFF_VERSION}: ` +
        'the preset that wrote it and the framework reading it differ. Install matching versions of ' +
        '@dtr-ha/jest-preset and @dtr-ha/framework (`npm ls @dtr-ha/framework` shows them), then run jest again.',
      'version',
      source,
    );
  }
  const checked = validateRecord(handoffSchema, value);
  if (!checked.ok) throw schemaError(source, checked.problems);
  return checked.value;
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
  const gone = answers
    .filter((a) => !a.ok)
    .map((a) => `${a.m.name} (tcp://${a.m.engine.host}:${a.m.engine.port})`);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
