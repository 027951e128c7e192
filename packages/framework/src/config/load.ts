import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseShell, type ParseEntry } from 'shell-quote';
import { registryHost } from './image-ref';
import {
  BOOLEAN_OFF,
  BOOLEAN_ON,
  MAX_MACHINES,
  MIN_MACHINES,
  VariableName,
  variable,
  variables,
} from './schema';

/** Where a value came from: the process environment, the dotenv file, or the schema's default. */
export type ValueSource = 'env' | 'file' | 'default';

export interface Constraint {
  key: string;
  operator: '==' | '!=';
  value: string;
}

export interface ImageConfig {
  repo: string;
  tag: string;
  /** `<repo>/ucp:<tag>` or `<repo>/dtr:<tag>`. */
  image: string;
}

/** The docker-machine generic driver's SSH settings, read from MACHINE_CREATE_FLAGS. */
export interface GenericDriverConfig {
  sshUser: string;
  /** Absolute; checked to exist and be readable. */
  sshKeyPath: string;
  sshPort: number;
}

export interface Config {
  numMachines: number;
  testArgs: string[];
  /** `local`, `generic`, or a docker-machine driver name. */
  machineDriver: 'local' | 'generic' | (string & {});
  machineCreateFlags: string[];
  machinePrefix: string;
  /** Empty unless GENERIC_MACHINE_LIST is set. */
  genericMachineList: string[];
  /** Only for MACHINE_DRIVER=generic. */
  generic?: GenericDriverConfig;
  ucpPullImages: boolean;
  dtrPullImages: boolean;
  purgeMachines: boolean;
  /** How the Jest preset runs: DTR_HA_UNTIL, DTR_HA_KEEP_DTR, DTR_HA_QUIET. */
  tests: { until: 'machines' | 'ucp' | 'dtr'; keepDtr: boolean; quiet: boolean };
  registry: { username?: string; password?: string; email?: string };
  ucp: ImageConfig;
  dtr: ImageConfig;
  dtrLbConstraints: Constraint[];
  dtrConstraints: Constraint[];
  admin: { username: string; password?: string };
  /** Absolute, `~` expanded. */
  stateDir: string;
  debianMirror?: string;
  /** Absolute path of the dotenv file that was (or would have been) read. */
  envFile: string;
  /** Whether that file existed and was read. */
  envFileFound: boolean;
  sources: Record<VariableName, ValueSource>;
}

export interface ConfigProblem {
  variable: string;
  /** The offending value as given; `<hidden>` for secrets; absent when not worth or not safe to show. */
  value?: string;
  message: string;
}

export const HIDDEN = '<hidden>';

/** Every problem of a configuration at once, one line each, each line starting with its variable. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatProblem(problem: ConfigProblem): string {
  let shown = '';
  if (problem.value === HIDDEN) shown = `=${HIDDEN}`;
  else if (problem.value !== undefined) {
    const value = problem.value.length > 120 ? `${problem.value.slice(0, 117)}...` : problem.value;
    shown = `=${JSON.stringify(value)}`;
  }
  return `${problem.variable}${shown}: ${problem.message}`;
}

export interface LoadConfigOptions {
  /** Defaults to `process.env`. Never modified. */
  env?: NodeJS.ProcessEnv;
  /** Where a relative DTR_HA_ENV_FILE (and a relative --generic-ssh-key) is resolved. Defaults to `process.cwd()`. */
  cwd?: string;
  /** The dotenv file to read; like DTR_HA_ENV_FILE (which it overrides), it must exist. */
  envFile?: string;
}

/** Variables whose value is never quoted in a problem: it may carry credentials (e.g. --amazonec2-secret-key). */
const UNQUOTED: ReadonlySet<VariableName> = new Set<VariableName>(['MACHINE_CREATE_FLAGS']);

const DEFAULT_SSH_KEY = '~/.ssh/id_rsa';

/**
 * Reads the environment and the dotenv file, validates everything, and returns the typed configuration,
 * or throws one ConfigError listing every problem. Nothing but reading happens before validation passes.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = env.HOME || os.homedir();
  const problems: ConfigProblem[] = [];
  const raw = {} as Record<VariableName, string | undefined>;
  const sources = {} as Record<VariableName, ValueSource>;

  const problem = (name: VariableName, message: string, showValue = true): void => {
    const value = raw[name];
    let shown: string | undefined;
    if (showValue && value !== undefined && !UNQUOTED.has(name))
      shown = variable(name).secret ? HIDDEN : value;
    problems.push(
      shown === undefined ? { variable: name, message } : { variable: name, value: shown, message },
    );
  };

  // The dotenv file: named by the caller, by DTR_HA_ENV_FILE (environment only), or `.env`.
  const explicitEnvFile = nonEmpty(options.envFile) ?? nonEmpty(env.DTR_HA_ENV_FILE?.trim());
  raw.DTR_HA_ENV_FILE = explicitEnvFile;
  sources.DTR_HA_ENV_FILE = explicitEnvFile === undefined ? 'default' : 'env';
  const envFile = path.resolve(
    cwd,
    expandHome(explicitEnvFile ?? variable('DTR_HA_ENV_FILE').default!, home),
  );
  let fileValues: Record<string, string> = {};
  let envFileFound = false;
  try {
    fileValues = parseDotenv(fs.readFileSync(envFile));
    envFileFound = true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (explicitEnvFile !== undefined) problem('DTR_HA_ENV_FILE', `the file ${envFile} does not exist`);
    } else {
      problem('DTR_HA_ENV_FILE', `cannot read ${envFile}: ${(err as Error).message}`);
    }
  }

  // Raw values: the environment beats the file; an empty value counts as unset.
  for (const spec of variables) {
    if (spec.name === 'DTR_HA_ENV_FILE') continue;
    let value: string | undefined;
    let source: ValueSource = 'default';
    if (env[spec.name] !== undefined) {
      value = env[spec.name];
      source = 'env';
    } else if (Object.hasOwn(fileValues, spec.name)) {
      value = fileValues[spec.name];
      source = 'file';
    }
    if (value !== undefined && !spec.secret) value = value.trim();
    if (value === undefined || value === '') {
      raw[spec.name] = undefined;
      sources[spec.name] = 'default';
    } else {
      raw[spec.name] = value;
      sources[spec.name] = source;
    }
  }
  const get = (name: VariableName): string => raw[name] ?? variable(name).default ?? '';

  // Machines
  let numMachines = parseMachineCount(get('NUM_MACHINES'));
  if (numMachines === undefined) {
    problem(
      'NUM_MACHINES',
      `must be a whole number from ${MIN_MACHINES} to ${MAX_MACHINES} (1 UCP controller + 1 to ${MAX_MACHINES - 1} DTR replicas)`,
    );
  }

  const machineDriver = get('MACHINE_DRIVER');
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(machineDriver)) {
    problem(
      'MACHINE_DRIVER',
      'must be local, generic or a docker-machine driver name (lowercase letters, digits, - and _)',
    );
  }

  const flags = splitShellWords(get('MACHINE_CREATE_FLAGS'));
  if (!flags.ok) for (const error of flags.errors) problem('MACHINE_CREATE_FLAGS', error);
  const machineCreateFlags = flags.ok ? flags.words : [];

  const machinePrefix = get('MACHINE_PREFIX');
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(machinePrefix)) {
    problem(
      'MACHINE_PREFIX',
      'must be a lowercase letter followed by up to 30 lowercase letters, digits or "-" ' +
        '(it names containers and hosts <prefix>-<n>)',
    );
  } else if (machinePrefix.endsWith('-')) {
    problem('MACHINE_PREFIX', 'must not end with "-" (it names containers and hosts <prefix>-<n>)');
  }

  let genericMachineList: string[] = [];
  let listOk = false;
  if (raw.GENERIC_MACHINE_LIST !== undefined) {
    const hosts = parseHostList(raw.GENERIC_MACHINE_LIST);
    for (const error of hosts.errors) problem('GENERIC_MACHINE_LIST', error);
    genericMachineList = hosts.hosts;
    listOk = hosts.errors.length === 0;
  }

  let generic: GenericDriverConfig | undefined;
  if (machineDriver === 'generic') {
    if (raw.GENERIC_MACHINE_LIST === undefined) {
      problem(
        'GENERIC_MACHINE_LIST',
        'is required when MACHINE_DRIVER=generic: list the hosts (IPv4 addresses or hostnames), comma-separated, ' +
          'one per machine',
      );
    } else if (listOk) {
      const count = genericMachineList.length;
      const hosts = `${count} ${count === 1 ? 'host' : 'hosts'}`;
      if (raw.NUM_MACHINES !== undefined) {
        if (numMachines !== undefined && count !== numMachines) {
          problem(
            'GENERIC_MACHINE_LIST',
            `has ${hosts} but NUM_MACHINES=${numMachines}: give one host per machine, ` +
              "or unset NUM_MACHINES to use the list's length",
          );
        }
      } else if (count < MIN_MACHINES || count > MAX_MACHINES) {
        problem(
          'GENERIC_MACHINE_LIST',
          `has ${hosts}; a cluster needs ${MIN_MACHINES} to ${MAX_MACHINES} machines`,
        );
      } else {
        numMachines = count;
      }
    }
    if (flags.ok) {
      const parsed = parseGenericFlags(flags.words);
      for (const error of parsed.errors) problem('MACHINE_CREATE_FLAGS', error);
      const sshUser = parsed.values['--generic-ssh-user'] ?? 'root';
      if (!/^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}$/.test(sshUser)) {
        problem(
          'MACHINE_CREATE_FLAGS',
          `--generic-ssh-user ${JSON.stringify(sshUser)} is not a valid user name`,
        );
      }
      const portText = parsed.values['--generic-ssh-port'] ?? '22';
      const sshPort = parsePort(portText);
      if (sshPort === undefined) {
        problem(
          'MACHINE_CREATE_FLAGS',
          `--generic-ssh-port ${JSON.stringify(portText)} is not a port (a whole number from 1 to 65535)`,
        );
      }
      const keyGiven = parsed.values['--generic-ssh-key'];
      const sshKeyPath = path.resolve(cwd, expandHome(keyGiven ?? DEFAULT_SSH_KEY, home));
      if (!isReadableFile(sshKeyPath)) {
        problem(
          'MACHINE_CREATE_FLAGS',
          keyGiven === undefined
            ? `the SSH key ${sshKeyPath} (default of --generic-ssh-key) does not exist or is not readable: ` +
                'pass --generic-ssh-key <path>'
            : `the SSH key ${sshKeyPath} (--generic-ssh-key) does not exist or is not readable`,
        );
      }
      generic = { sshUser, sshKeyPath, sshPort: sshPort ?? 22 };
    }
  }

  const bool = (name: VariableName): boolean => {
    const value = parseBoolean(get(name));
    if (value === undefined) {
      problem(
        name,
        `must be on (${BOOLEAN_ON.join(', ')}) or off (empty, ${BOOLEAN_OFF.slice(1).join(', ')})`,
      );
    }
    return value ?? false;
  };
  const purgeMachines = bool('PURGE_MACHINES');
  const ucpPullImages = bool('UCP_PULL_IMAGES');
  const dtrPullImages = bool('DTR_PULL_IMAGES');

  // Registry credentials
  const registry = {
    username: raw.REGISTRY_USERNAME,
    password: raw.REGISTRY_PASSWORD,
    email: raw.REGISTRY_EMAIL,
  };
  const pulling = [ucpPullImages && 'UCP_PULL_IMAGES', dtrPullImages && 'DTR_PULL_IMAGES'].filter(
    (name): name is string => typeof name === 'string',
  );
  if (pulling.length > 0) {
    const why =
      `${pulling.join(' and ')} ${pulling.length > 1 ? 'are' : 'is'} on, ` +
      'and images are pulled with the registry credentials';
    if (registry.username === undefined) problem('REGISTRY_USERNAME', `is required because ${why}`);
    if (registry.password === undefined) problem('REGISTRY_PASSWORD', `is required because ${why}`);
  }
  if (registry.email !== undefined && !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(registry.email)) {
    problem('REGISTRY_EMAIL', 'must look like an email address (name@example.com)');
  }

  // Images
  const image = (repoName: VariableName, tagName: VariableName, component: string): ImageConfig => {
    const repo = get(repoName);
    const tag = get(tagName);
    if (!isRepositoryPath(repo, component)) {
      problem(
        repoName,
        'must be a Docker repository path: lowercase components of letters and digits, joined by ".", "_", "__" ' +
          'or "-", separated by "/", optionally after a registry host[:port]',
      );
    }
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
      problem(
        tagName,
        'must be a Docker tag: 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
      );
    }
    return { repo, tag, image: `${repo}/${component}:${tag}` };
  };
  const ucp = image('UCP_REPO', 'UCP_TAG', 'ucp');
  const dtr = image('DTR_REPO', 'DTR_TAG', 'dtr');

  // DTR
  const constraints = (name: VariableName): Constraint[] => {
    const parsed = parseConstraints(get(name));
    for (const error of parsed.errors) problem(name, error);
    return parsed.constraints;
  };
  const dtrLbConstraints = constraints('DTR_LB_CONSTRAINTS');
  const dtrConstraints = constraints('DTR_CONSTRAINTS');

  // UCP
  const admin = { username: get('UCP_ADMIN_USERNAME'), password: raw.UCP_ADMIN_PASSWORD };
  if (!/^[a-zA-Z0-9_.-]{1,64}$/.test(admin.username)) {
    problem('UCP_ADMIN_USERNAME', 'must be 1 to 64 letters, digits, "_", "." or "-"');
  }
  if (admin.password !== undefined && [...admin.password].length < 8) {
    problem(
      'UCP_ADMIN_PASSWORD',
      'must be at least 8 characters (UCP requires it); unset it to have one generated per cluster',
    );
  }

  // Tests
  const args = splitShellWords(get('TEST_ARGS'));
  if (!args.ok) for (const error of args.errors) problem('TEST_ARGS', error);
  const testArgs = args.ok ? args.words : [];
  const until = get('DTR_HA_UNTIL');
  if (!['machines', 'ucp', 'dtr'].includes(until)) problem('DTR_HA_UNTIL', 'must be machines, ucp or dtr');
  const tests = {
    until: until as 'machines' | 'ucp' | 'dtr',
    keepDtr: bool('DTR_HA_KEEP_DTR'),
    quiet: bool('DTR_HA_QUIET'),
  };

  // Project
  const stateDirExpanded = expandHome(get('DTR_HA_STATE_DIR'), home);
  let stateDir = stateDirExpanded;
  if (!path.isAbsolute(stateDirExpanded)) {
    problem('DTR_HA_STATE_DIR', 'must be an absolute path (a leading ~/ stands for the home directory)');
  } else {
    stateDir = path.resolve(stateDirExpanded);
  }

  const debianMirror = raw.DTR_HA_DEBIAN_MIRROR;
  if (debianMirror !== undefined && !isHttpUrl(debianMirror)) {
    problem('DTR_HA_DEBIAN_MIRROR', 'must be an http:// or https:// URL');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const config: Config = {
    numMachines: numMachines!,
    testArgs,
    machineDriver,
    machineCreateFlags,
    machinePrefix,
    genericMachineList,
    ucpPullImages,
    dtrPullImages,
    purgeMachines,
    tests,
    registry: hideSecret(dropUndefined(registry), 'password'),
    ucp,
    dtr,
    dtrLbConstraints,
    dtrConstraints,
    admin: hideSecret(dropUndefined(admin), 'password'),
    stateDir,
    envFile,
    envFileFound,
    sources,
  };
  if (generic) config.generic = generic;
  if (debianMirror !== undefined) config.debianMirror = debianMirror;
  return config;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Keeps a secret readable as `object.password` but not enumerable, so `console.log(config)`,
 * `JSON.stringify(config)` and spreading never carry it into output, logs or files by accident.
 */
function hideSecret<T extends object>(value: T, key: keyof T & string): T {
  if (!(key in value)) return value;
  const secret = value[key];
  delete value[key];
  Object.defineProperty(value, key, { value: secret, enumerable: false, writable: false });
  return value;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `~` and `~/...` become the home directory; anything else (including `~user`) is left alone. */
export function expandHome(value: string, home: string = os.homedir()): string {
  if (value === '~') return home;
  if (value.startsWith('~/')) return path.join(home, value.slice(2));
  return value;
}

function parseMachineCount(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= MIN_MACHINES && n <= MAX_MACHINES ? n : undefined;
}

function parsePort(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Seed semantics, made strict: known spellings of on and off, in any case; anything else is undefined. */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if ((BOOLEAN_ON as readonly string[]).includes(value)) return true;
  if ((BOOLEAN_OFF as readonly string[]).includes(value)) return false;
  return undefined;
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export type ShellWords = { ok: true; words: string[] } | { ok: false; errors: string[] };

/**
 * Splits a shell-quoted string into words, the way a shell would for one simple command, and refuses
 * whatever a shell would do more with: operators, redirects, globs, comments, variables, line breaks.
 */
export function splitShellWords(text: string): ShellWords {
  const quoting = checkQuoting(text);
  if ('error' in quoting) return { ok: false, errors: [quoting.error] };
  const variablesSeen: string[] = [];
  let entries: ParseEntry[];
  try {
    entries = parseShell<string>(quoting.text, (key: string) => {
      if (key === '') return undefined; // a lone `$` stays literal
      variablesSeen.push(key);
      return '';
    });
  } catch (err) {
    return { ok: false, errors: [`cannot be parsed: ${(err as Error).message}`] };
  }
  const errors: string[] = [];
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') words.push(entry);
    else if ('comment' in entry) {
      errors.push('contains "#", which starts a shell comment: quote it if it is part of a value');
    } else if (entry.op === 'glob') {
      errors.push(
        'contains an unquoted * or ?, a glob: quote it, nothing is expanded (no shell is involved)',
      );
    } else {
      errors.push(
        `contains the shell operator ${JSON.stringify(entry.op)}: only arguments are allowed ` +
          '(no shell is involved); quote it if it is part of a value',
      );
    }
  }
  for (const name of new Set(variablesSeen)) {
    errors.push(
      `refers to the variable $${name}: variables are not expanded; write the value itself, ` +
        'or quote the $ with single quotes or a backslash',
    );
  }
  return errors.length > 0 ? { ok: false, errors: [...new Set(errors)] } : { ok: true, words };
}

/**
 * shell-quote silently drops an unterminated quote, so scan the quoting first, as a POSIX shell does
 * (plus bash's `$'...'`). Also escapes an unquoted `#` inside a word, which a shell keeps literal but
 * shell-quote would read as a comment, and single-quotes an escaped `*` or `?`. Returns the text to parse, or the problem.
 */
function checkQuoting(text: string): { text: string } | { error: string } {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const start = i;
    if (c === '\\') {
      if (i + 1 >= text.length) return { error: 'ends with a lone backslash' };
      if (text[i + 1] === '*' || text[i + 1] === '?') {
        // shell-quote takes an escaped * or ? for a glob; single quotes mean the same and it gets them right.
        out += `'${text[i + 1]}'`;
        i += 2;
        continue;
      }
      i += 2;
    } else if (c === '$' && text[i + 1] === "'") {
      let j = i + 2;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length)
        return { error: `has an unterminated $'...' quote (opened at character ${i + 1})` };
      i = j + 1;
    } else if (c === "'") {
      const j = text.indexOf("'", i + 1);
      if (j < 0) return { error: `has an unterminated single quote (opened at character ${i + 1})` };
      i = j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length)
        return { error: `has an unterminated double quote (opened at character ${i + 1})` };
      i = j + 1;
    } else if (c === '\n' || c === '\r') {
      return { error: 'contains a line break outside quotes, which a shell reads as the end of a command' };
    } else if (c === '#' && i > 0 && !/\s/.test(text[i - 1])) {
      out += '\\#';
      i += 1;
      continue;
    } else {
      i += 1;
    }
    out += text.slice(start, i);
  }
  return { text: out };
}

const GENERIC_FLAGS = ['--generic-ssh-user', '--generic-ssh-key', '--generic-ssh-port'] as const;
type GenericFlag = (typeof GENERIC_FLAGS)[number];

/** Reads the generic driver's SSH flags, in both `--flag value` and `--flag=value` forms. */
export function parseGenericFlags(words: readonly string[]): {
  values: Partial<Record<GenericFlag, string>>;
  errors: string[];
} {
  const values: Partial<Record<GenericFlag, string>> = {};
  const errors: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    for (const flag of GENERIC_FLAGS) {
      let value: string | undefined;
      if (word === flag) {
        const next = words[i + 1];
        if (next === undefined || next.startsWith('--')) {
          errors.push(`${flag} needs a value`);
          break;
        }
        value = next;
        i += 1;
      } else if (word.startsWith(`${flag}=`)) {
        value = word.slice(flag.length + 1);
        if (value === '') {
          errors.push(`${flag} needs a value`);
          break;
        }
      } else {
        continue;
      }
      if (values[flag] !== undefined) errors.push(`${flag} is given more than once`);
      values[flag] = value;
      break;
    }
  }
  return { values, errors };
}

const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?';
const HOSTNAME = new RegExp(`^${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** An IPv4 address or an RFC 1123 hostname (an all-numeric name must be a valid IPv4 address). */
export function isHostAddress(text: string): boolean {
  if (net.isIPv4(text)) return true;
  if (/^[0-9.]+$/.test(text)) return false;
  return text.length <= 253 && HOSTNAME.test(text);
}

function parseHostList(text: string): { hosts: string[]; errors: string[] } {
  const hosts: string[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') {
      errors.push('has an empty entry (entries are separated by single commas)');
      continue;
    }
    if (!isHostAddress(entry)) {
      errors.push(`entry ${JSON.stringify(entry)} is neither an IPv4 address nor a hostname`);
      continue;
    }
    const key = entry.toLowerCase();
    if (seen.has(key)) {
      if (!reported.has(key)) errors.push(`lists ${JSON.stringify(entry)} more than once`);
      reported.add(key);
      continue;
    }
    seen.add(key);
    hosts.push(entry);
  }
  return { hosts, errors: [...new Set(errors)] };
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]{1,5})?$`);

/**
 * A Docker repository path as in the reference grammar: an optional registry host (see registryHost),
 * then lowercase path components. `component`
 * (`ucp`/`dtr`) is appended to form the image name, which must stay within 255 characters.
 */
export function isRepositoryPath(repo: string, component = ''): boolean {
  const parts = repo.split('/');
  let rest = parts;
  // A repository is always followed by `/<component>` in an image name: decide on the host as for one.
  const host = registryHost(`${repo}/`);
  if (host === parts[0]) {
    if (!DOMAIN.test(host)) return false;
    rest = parts.slice(1);
  }
  return rest.every((part) => PATH_COMPONENT.test(part)) && repo.length + component.length + 1 <= 255;
}

const CONSTRAINT = /^constraint:([A-Za-z0-9_][A-Za-z0-9_./-]*)(==|!=)([^\s|=!~][^\s|]*)$/;

/** The seed's swarm form: `constraint:<key>==<value>|constraint:<key>!=<value>|...`. */
export function parseConstraints(text: string): { constraints: Constraint[]; errors: string[] } {
  const constraints: Constraint[] = [];
  const errors: string[] = [];
  if (text.trim() === '') return { constraints, errors };
  for (const entry of text.split('|').map((e) => e.trim())) {
    if (entry === '') {
      errors.push('has an empty entry (entries are separated by single "|")');
      continue;
    }
    const match = CONSTRAINT.exec(entry);
    if (!match) {
      errors.push(
        `entry ${JSON.stringify(entry)} is not constraint:<key>==<value> or constraint:<key>!=<value>`,
      );
      continue;
    }
    constraints.push({ key: match[1], operator: match[2] as Constraint['operator'], value: match[3] });
  }
  return { constraints, errors: [...new Set(errors)] };
}

/** The inverse of parseConstraints. */
export function formatConstraints(constraints: readonly Constraint[]): string {
  return constraints.map((c) => `constraint:${c.key}${c.operator}${c.value}`).join('|');
}
