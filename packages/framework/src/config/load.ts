import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseShell, type ParseEntry } from 'shell-quote';
import { registryHost } from './image-ref';
import { checkReleasePair } from './release-pair';
import { secretWordNames, withMaskedSecrets } from './secret-flags';
import type { UpTarget } from './up-target';
import {
  BOOLEAN_OFF,
  BOOLEAN_ON,
  MAX_MACHINES,
  MIN_MACHINES,
  type DefaultedName,
  type KindOf,
  type VariableKind,
  type VariableName,
  type VariableSpec,
  defaultFor,
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

export interface Config {
  numMachines: number;
  testArgs: string[];
  /** `local`, `generic`, or a docker-machine driver name. */
  machineDriver: 'local' | 'generic' | (string & {});
  /**
   * The words of MACHINE_CREATE_FLAGS, as they are: each provider reads its own flags. Serialised or
   * printed, the array shows its secrets masked (MaskedFlagWords).
   */
  machineCreateFlags: string[];
  machinePrefix: string;
  /** Empty unless GENERIC_MACHINE_LIST is set. */
  genericMachineList: string[];
  /** DOCKER_MACHINE_BINARY; unset: `docker-machine` on PATH. */
  dockerMachineBinary?: string;
  ucpPullImages: boolean;
  dtrPullImages: boolean;
  /** PURGE_MACHINES: the preset's globalTeardown removes the machines (default: on CI only). */
  purgeMachines: boolean;
  /** REUSE_MACHINES: the preset's globalSetup reuses the machines there (default: except on CI). */
  reuseMachines: boolean;
  /** LAB_ENGINE_SEED (the local lab only). */
  labEngineSeed: boolean;
  /** The lab may install and start what its host lacks (LAB_HOST_SETUP): root on Debian or Ubuntu. */
  labHostSetup: boolean;
  /** How the Jest preset runs: DTR_HA_UNTIL, DTR_HA_KEEP_DTR, DTR_HA_QUIET. */
  tests: { until: UpTarget; keepDtr: boolean; quiet: boolean };
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
  /** Where relative paths of the configuration are resolved (a provider's flags): `LoadConfigOptions.cwd`. */
  cwd: string;
  /** What `~` stands for: HOME of the environment read, else the user's home directory. */
  home: string;
  sources: Record<VariableName, ValueSource>;
}

export interface ConfigProblem {
  variable: string;
  /** The offending value as given; `<hidden>` for secrets; absent when not worth or not safe to show. */
  value?: string;
  /** For a problem between variables (UCP_TAG and DTR_TAG), the others it is about, shown after the first. */
  also?: { variable: string; value?: string }[];
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
  const about = [problem, ...(problem.also ?? [])].map(formatVariable).join(' and ');
  return `${about}: ${problem.message}`;
}

function formatVariable({ variable, value }: { variable: string; value?: string }): string {
  if (value === HIDDEN) return `${variable}=${HIDDEN}`;
  if (value === undefined) return variable;
  const shown = value.length > 120 ? `${value.slice(0, 117)}...` : value;
  return `${variable}=${JSON.stringify(shown)}`;
}

export interface LoadConfigOptions {
  /** Defaults to `process.env`. Never modified. */
  env?: NodeJS.ProcessEnv;
  /** Where a relative DTR_HA_ENV_FILE (and a relative --generic-ssh-key) is resolved. Defaults to `process.cwd()`. */
  cwd?: string;
  /** The dotenv file to read; like DTR_HA_ENV_FILE (which it overrides), it must exist. */
  envFile?: string;
}

/** What a value of each kind becomes. */
interface KindValue {
  integer: number;
  boolean: boolean;
  string: string;
  'shell-words': string[];
  'host-list': string[];
  constraints: Constraint[];
  'image-repo': string;
  'image-tag': string;
  email: string;
  /** Absolute, `~` expanded. */
  path: string;
  url: string;
}

/** Reports one problem of the value being parsed; returns undefined, the parse's result for a bad value. */
type Bad = (message: string) => undefined;

/** Parses a value (set, or the default) of one kind, as its spec refines it: undefined when it is bad. */
type Parser<K extends VariableKind> = (
  text: string,
  spec: VariableSpec,
  bad: Bad,
  context: { cwd: string; home: string },
) => KindValue[K] | undefined;

function reportAll(errors: readonly string[], bad: Bad): undefined {
  for (const error of errors) bad(error);
  return undefined;
}

/** The parser of each kind of the schema: the one place a variable's text becomes its value. */
const parsers: { [K in VariableKind]: Parser<K> } = {
  integer: (text, spec, bad) => {
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = spec;
    const n = Number(text);
    if (/^\d+$/.test(text) && n >= min && n <= max) return n;
    return bad(spec.invalid ?? `must be a whole number from ${min} to ${max}`);
  },
  boolean: (text, _spec, bad) =>
    parseBoolean(text) ??
    bad(`must be on (${BOOLEAN_ON.join(', ')}) or off (empty, ${BOOLEAN_OFF.slice(1).join(', ')})`),
  string: (text, spec, bad) => {
    const broken = spec.checks?.find(
      ({ test }) => !(typeof test === 'function' ? test(text) : test.test(text)),
    );
    return broken ? bad(broken.message) : text;
  },
  'shell-words': (text, spec, bad, { home }) => {
    const split = splitShellWords(text, { home, secretFlags: spec.secretFlags });
    return split.ok ? split.words : reportAll(split.errors, bad);
  },
  'host-list': (text, _spec, bad) => {
    const { hosts, errors } = parseHostList(text);
    return errors.length === 0 ? hosts : reportAll(errors, bad);
  },
  constraints: (text, _spec, bad) => {
    const { constraints, errors } = parseConstraints(text);
    return errors.length === 0 ? constraints : reportAll(errors, bad);
  },
  'image-repo': (text, spec, bad) =>
    isRepositoryPath(text, spec.image)
      ? text
      : bad(
          'must be a Docker repository path: lowercase components of letters and digits, joined by ".", "_", "__" ' +
            'or "-", separated by "/", optionally after a registry host[:port]',
        ),
  'image-tag': (text, _spec, bad) =>
    /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(text)
      ? text
      : bad('must be a Docker tag: 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"'),
  email: (text, _spec, bad) =>
    /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text)
      ? text
      : bad('must look like an email address (name@example.com)'),
  path: (text, spec, bad, { cwd, home }) => {
    const expanded = expandHome(text, home);
    if (spec.relativeTo === 'cwd') return path.resolve(cwd, expanded);
    return path.isAbsolute(expanded)
      ? path.resolve(expanded)
      : bad('must be an absolute path (a leading ~/ stands for the home directory)');
  },
  url: (text, _spec, bad) => (isHttpUrl(text) ? text : bad('must be an http:// or https:// URL')),
};

/** Every variable's value: undefined when it is unset and has no default, or when it is bad. */
type Values = { [N in VariableName]: KindValue[KindOf<N>] | undefined };

interface RuleInput {
  values: Values;
  /** Whether the variable is set (environment or file) rather than left to its default. */
  given: (name: VariableName) => boolean;
  problem: (name: VariableName, message: string) => void;
  /** A problem between variables, with each one's value as the problem shows it. */
  problemBetween: (problem: ConfigProblem) => void;
}

/** GENERIC_MACHINE_LIST when it matters and is good: with the generic driver. */
function genericHosts(values: Values): string[] | undefined {
  return values.MACHINE_DRIVER === 'generic' ? values.GENERIC_MACHINE_LIST : undefined;
}

function hostCount(hosts: readonly string[]): string {
  return `${hosts.length} ${hosts.length === 1 ? 'host' : 'hosts'}`;
}

/**
 * The rules between variables, once each is parsed on its own. A rule judges only good values (a bad
 * one has its problem already) and reports on the variable to change.
 */
const rules: readonly ((input: RuleInput) => void)[] = [
  // The generic driver's machines are the listed hosts.
  ({ values, given, problem }) => {
    if (values.MACHINE_DRIVER === 'generic' && !given('GENERIC_MACHINE_LIST')) {
      problem(
        'GENERIC_MACHINE_LIST',
        'is required when MACHINE_DRIVER=generic: list the hosts (IPv4 addresses or hostnames), comma-separated, ' +
          'one per machine',
      );
    }
  },
  // One host per machine: a set NUM_MACHINES must be the list's length...
  ({ values, given, problem }) => {
    const hosts = genericHosts(values);
    const count = values.NUM_MACHINES;
    if (hosts && given('NUM_MACHINES') && count !== undefined && hosts.length !== count) {
      problem(
        'GENERIC_MACHINE_LIST',
        `has ${hostCount(hosts)} but NUM_MACHINES=${count}: give one host per machine, ` +
          "or unset NUM_MACHINES to use the list's length",
      );
    }
  },
  // ... and an unset one becomes it, so the list must make a cluster.
  ({ values, given, problem }) => {
    const hosts = genericHosts(values);
    if (hosts && !given('NUM_MACHINES') && (hosts.length < MIN_MACHINES || hosts.length > MAX_MACHINES)) {
      problem(
        'GENERIC_MACHINE_LIST',
        `has ${hostCount(hosts)}; a cluster needs ${MIN_MACHINES} to ${MAX_MACHINES} machines`,
      );
    }
  },
  // Images are pulled with the registry credentials.
  ({ values, problem }) => {
    const pulling = (['UCP_PULL_IMAGES', 'DTR_PULL_IMAGES'] as const).filter((name) => values[name]);
    if (pulling.length === 0) return;
    const why =
      `${pulling.join(' and ')} ${pulling.length > 1 ? 'are' : 'is'} on, ` +
      'and images are pulled with the registry credentials';
    for (const name of ['REGISTRY_USERNAME', 'REGISTRY_PASSWORD'] as const) {
      if (values[name] === undefined) problem(name, `is required because ${why}`);
    }
  },
  // The tags choose the release profile (releases/): a pair the framework cannot drive is refused
  // here, before any machine, state directory or image is made for it. A default counts: an unset
  // DTR_TAG is the lab's stand-in, which does not go with a real UCP.
  ({ values, problemBetween }) => {
    if (values.UCP_TAG === undefined || values.DTR_TAG === undefined) return;
    const check = checkReleasePair(values.UCP_TAG, values.DTR_TAG);
    if (!check.ok) problemBetween(check.problem);
  },
];

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
  const values = {} as Record<VariableName, unknown>;

  /** The variables given a value of several lines (see below). */
  const severalLines = new Set<VariableName>();
  const problem = (name: VariableName, message: string): void => {
    const value = raw[name];
    const spec = variable(name);
    let shown: string | undefined;
    // A secret is hidden; a value holding secret flags, or of several lines, is not shown at all.
    if (value !== undefined && !spec.secretFlags && !severalLines.has(name)) {
      shown = spec.secret ? HIDDEN : value;
    }
    problems.push(
      shown === undefined ? { variable: name, message } : { variable: name, value: shown, message },
    );
  };
  const parse = (spec: VariableSpec, text: string): unknown =>
    parsers[spec.kind](
      text,
      spec,
      (message) => {
        problem(spec.name, message);
        return undefined;
      },
      { cwd, home },
    );

  // The dotenv file: named by the caller, by DTR_HA_ENV_FILE (environment only), or `.env`.
  const explicitEnvFile = nonEmpty(options.envFile) ?? nonEmpty(env.DTR_HA_ENV_FILE?.trim());
  raw.DTR_HA_ENV_FILE = explicitEnvFile;
  sources.DTR_HA_ENV_FILE = explicitEnvFile === undefined ? 'default' : 'env';
  const envFileSpec = variable('DTR_HA_ENV_FILE');
  const envFile = parse(envFileSpec, explicitEnvFile ?? envFileSpec.default!) as string;
  values.DTR_HA_ENV_FILE = envFile;
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

  // Every other variable: the environment beats the file; an empty value counts as unset, so the
  // default applies; whatever value results is parsed by its kind.
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
    const lines = value === undefined ? 1 : value.split(/\r\n|\r|\n/).length;
    if (value !== undefined && !spec.secret) value = value.trim();
    if (value === undefined || value === '') {
      raw[spec.name] = undefined;
      sources[spec.name] = 'default';
    } else {
      raw[spec.name] = value;
      sources[spec.name] = source;
    }
    // Every value but a secret is one line. Several are what a quote left open in a dotenv file makes
    // of the lines after it, whatever they are (a REGISTRY_PASSWORD=… among them): such a value is
    // neither parsed (a parser's problem may quote a part of it) nor shown.
    if (lines > 1 && !spec.secret) {
      severalLines.add(spec.name);
      problem(
        spec.name,
        `has a value of ${lines} lines, not shown: a value is one line` +
          (source === 'file' ? ' (is a quote left open in the dotenv file?)' : ''),
      );
      values[spec.name] = undefined;
      continue;
    }
    const text = raw[spec.name] ?? defaultFor(spec, env);
    values[spec.name] = text === undefined ? undefined : parse(spec, text);
  }
  // Each value has the type of its kind: it was parsed by its kind's parser.
  const v = values as Values;
  const given = (name: VariableName): boolean => raw[name] !== undefined;

  const problemBetween = (between: ConfigProblem): void => {
    problems.push(between);
  };
  for (const rule of rules) rule({ values: v, given, problem, problemBetween });

  if (problems.length > 0) throw new ConfigError(problems);

  // No problems, so every variable with a default has its value.
  const ok = v as Values & { [N in DefaultedName]: KindValue[KindOf<N>] };
  const image = (repoName: 'UCP_REPO' | 'DTR_REPO', tagName: 'UCP_TAG' | 'DTR_TAG'): ImageConfig => {
    const [repo, tag] = [ok[repoName], ok[tagName]];
    return { repo, tag, image: `${repo}/${variable(repoName).image}:${tag}` };
  };
  const config: Config = {
    // With the generic driver and NUM_MACHINES unset, the machines are the listed hosts.
    numMachines:
      ok.MACHINE_DRIVER === 'generic' && !given('NUM_MACHINES')
        ? ok.GENERIC_MACHINE_LIST!.length
        : ok.NUM_MACHINES,
    testArgs: ok.TEST_ARGS,
    machineDriver: ok.MACHINE_DRIVER,
    machineCreateFlags: withMaskedSecrets(ok.MACHINE_CREATE_FLAGS),
    machinePrefix: ok.MACHINE_PREFIX,
    genericMachineList: ok.GENERIC_MACHINE_LIST ?? [],
    dockerMachineBinary: ok.DOCKER_MACHINE_BINARY,
    ucpPullImages: ok.UCP_PULL_IMAGES,
    dtrPullImages: ok.DTR_PULL_IMAGES,
    purgeMachines: ok.PURGE_MACHINES,
    reuseMachines: ok.REUSE_MACHINES,
    labEngineSeed: ok.LAB_ENGINE_SEED,
    labHostSetup: ok.LAB_HOST_SETUP,
    tests: {
      until: ok.DTR_HA_UNTIL as UpTarget,
      keepDtr: ok.DTR_HA_KEEP_DTR,
      quiet: ok.DTR_HA_QUIET,
    },
    registry: hideSecret(
      dropUndefined({
        username: ok.REGISTRY_USERNAME,
        password: ok.REGISTRY_PASSWORD,
        email: ok.REGISTRY_EMAIL,
      }),
      'password',
    ),
    ucp: image('UCP_REPO', 'UCP_TAG'),
    dtr: image('DTR_REPO', 'DTR_TAG'),
    dtrLbConstraints: ok.DTR_LB_CONSTRAINTS,
    dtrConstraints: ok.DTR_CONSTRAINTS,
    admin: hideSecret(
      dropUndefined({ username: ok.UCP_ADMIN_USERNAME, password: ok.UCP_ADMIN_PASSWORD }),
      'password',
    ),
    stateDir: ok.DTR_HA_STATE_DIR,
    envFile,
    envFileFound,
    cwd,
    home,
    sources,
  };
  if (ok.DTR_HA_DEBIAN_MIRROR !== undefined) config.debianMirror = ok.DTR_HA_DEBIAN_MIRROR;
  return config;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Keeps a secret readable as `object.password` but not enumerable, so `console.log(config)`,
 * `JSON.stringify(config)` and spreading never carry it into output, logs or files by accident.
 */
export function hideSecret<T extends object>(value: T, key: keyof T & string): T {
  if (!(key in value)) return value;
  const secret = value[key];
  delete value[key];
  Object.defineProperty(value, key, { value: secret, enumerable: false, writable: false });
  return value;
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** `~` and `~/...` become the home directory; anything else (including `~user`) is left alone. */
export function expandHome(value: string, home: string = os.homedir()): string {
  if (value === '~') return home;
  if (value.startsWith('~/')) return path.join(home, value.slice(2));
  return value;
}

/** Known spellings of on and off, in any case; anything else is undefined (a typo is not "off"). */
export function parseBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if ((BOOLEAN_ON as readonly string[]).includes(value)) return true;
  if ((BOOLEAN_OFF as readonly string[]).includes(value)) return false;
  return undefined;
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

export interface ShellWordsOptions {
  /** What a leading `~` stands for, as a shell expands it. Default: the user's home directory. */
  home?: string;
  /**
   * The words are flags whose secrets (config/secret-flags.ts) a problem must never quote, not even
   * in part: it says what the word is instead ("the value of --amazonec2-secret-key refers to a
   * variable", not "refers to the variable $SECRET" of `Zq7AKIA$SECRET`).
   */
  secretFlags?: boolean;
}

/** What is wrong with one word. */
type WordProblem =
  | { kind: 'parse'; message: string }
  | { kind: 'comment' | 'glob' | 'brace' | 'tilde-user' | 'tilde-assignment' }
  | { kind: 'operator'; op: string }
  | { kind: 'variable'; name: string };

/** One word of the text as the scan found it. */
interface ScannedWord {
  /** As written. */
  source: string;
  /** As shell-quote gets it (see scanWords). */
  text: string;
  /** `home`: starts with an unquoted `~` or `~/`; `user`: with an unquoted `~name`. */
  tilde?: 'home' | 'user';
  /** Has an unquoted brace expansion: `{a,b}`, `{1..3}`. */
  brace: boolean;
  /** Is `NAME=…` with an unquoted `~` after the `=` or a `:`, which bash expands and other shells do not. */
  assignmentTilde: boolean;
}

/**
 * Splits a shell-quoted string into words, the way a shell would for one simple command, and refuses
 * whatever a shell would do more with or otherwise: operators, redirects, globs, comments, variables,
 * line breaks, brace expansion (bash's `{a,b}` is two words, dash's one), `~name`, and a `~` after the
 * `=` or a `:` of `NAME=value` (bash expands it, dash does not). A `~` or `~/…` starting a word is the
 * home directory, as in every shell; quoted, or anywhere else, it stays a `~`.
 */
export function splitShellWords(text: string, options: ShellWordsOptions = {}): ShellWords {
  const scanned = scanWords(text);
  if ('error' in scanned) return { ok: false, errors: [scanned.error] };
  const home = options.home ?? os.homedir();
  const words: string[] = [];
  const problems: { word: number; problem: WordProblem }[] = [];
  scanned.words.forEach((word, index) => {
    const parsed = parseWord(word.text);
    const found = [...parsed.problems];
    if (word.tilde === 'user') found.push({ kind: 'tilde-user' });
    if (word.brace) found.push({ kind: 'brace' });
    if (word.assignmentTilde) found.push({ kind: 'tilde-assignment' });
    found.forEach((problem) => problems.push({ word: index, problem }));
    words.push(word.tilde === 'home' ? home + parsed.value.slice(1) : parsed.value);
  });
  if (problems.length === 0) return { ok: true, words };
  // A word with a problem is judged as written: shell-quote's value of it may have lost what tells a
  // secret by its form (`--flag=value`, `token://…`, a URL's password) to an operator, a glob or a
  // parse error, and then the problem would quote the secret.
  const troubled = new Set(problems.map(({ word }) => word));
  const judged = words.map((word, i) => (troubled.has(i) ? scanned.words[i].source : word));
  const secrets = options.secretFlags ? secretWordNames(judged) : [];
  const errors = problems.map(({ word, problem }) => {
    const secret = secrets[word];
    return secret === undefined
      ? describeProblem(problem, scanned.words[word].source)
      : describeSecretProblem(problem, secret);
  });
  return { ok: false, errors: [...new Set(errors)] };
}

/** One word through shell-quote: its text, and whatever a shell would do more with. */
function parseWord(text: string): { value: string; problems: WordProblem[] } {
  const problems: WordProblem[] = [];
  const variablesSeen = new Set<string>();
  let entries: ParseEntry[];
  try {
    entries = parseShell<string>(text, (key: string) => {
      if (key === '') return undefined; // a lone `$` stays literal
      variablesSeen.add(key);
      return '';
    });
  } catch (err) {
    return { value: '', problems: [{ kind: 'parse', message: (err as Error).message }] };
  }
  let value = '';
  for (const entry of entries) {
    if (typeof entry === 'string') value += entry;
    else if ('comment' in entry) problems.push({ kind: 'comment' });
    else if (entry.op === 'glob') problems.push({ kind: 'glob' });
    else problems.push({ kind: 'operator', op: entry.op });
  }
  for (const name of variablesSeen) problems.push({ kind: 'variable', name });
  return { value, problems };
}

const NOT_EXPANDED =
  'variables are not expanded; write the value itself, or quote the $ with single quotes or a backslash';

/** A problem of a word that may be shown. */
function describeProblem(problem: WordProblem, word: string): string {
  switch (problem.kind) {
    case 'parse':
      return `cannot be parsed: ${problem.message}`;
    case 'comment':
      return 'contains "#", which starts a shell comment: quote it if it is part of a value';
    case 'glob':
      return 'contains an unquoted * or ?, a glob: quote it, nothing is expanded (no shell is involved)';
    case 'operator':
      return (
        `contains the shell operator ${JSON.stringify(problem.op)}: only arguments are allowed ` +
        '(no shell is involved); quote it if it is part of a value'
      );
    case 'variable':
      return `refers to the variable $${problem.name}: ${NOT_EXPANDED}`;
    case 'tilde-user':
      return (
        `word ${JSON.stringify(word)} starts with ${JSON.stringify(word.split('/')[0])}, a user's home directory ` +
        'in a shell, which is not looked up here: write the path itself, or quote the ~'
      );
    case 'tilde-assignment':
      return (
        `word ${JSON.stringify(word)} has a ~ after "=" or ":" in a NAME=value word, which bash expands ` +
        'and other shells do not: write the path itself, or quote the ~'
      );
    case 'brace':
      return (
        `word ${JSON.stringify(word)} has a brace expansion, which a shell turns into several words ` +
        '({a,b} into a b, {1..3} into 1 2 3) and nothing here does: write the words, or quote the braces'
      );
  }
}

/** A problem of a word that carries a secret: what kind of problem, and no character of the word. */
function describeSecretProblem(problem: WordProblem, secret: string): string {
  switch (problem.kind) {
    case 'parse':
      return `${secret} cannot be parsed as shell words`;
    case 'comment':
      return `${secret} starts a shell comment (an unquoted # at the start of a word): quote it`;
    case 'glob':
      return `${secret} has an unquoted * or ?, a glob: quote it, nothing is expanded`;
    case 'operator':
      return `${secret} has an unquoted shell operator (one of ; & | < > ( )): quote it, no shell is involved`;
    case 'variable':
      return `${secret} refers to a variable (an unquoted $): ${NOT_EXPANDED}`;
    case 'tilde-user':
      return `${secret} starts with ~ and a name, a user's home directory in a shell: quote the ~`;
    case 'tilde-assignment':
      return `${secret} has a ~ after "=" or ":" in a NAME=value word, which bash expands: quote the ~`;
    case 'brace':
      return `${secret} has a brace expansion ({a,b}, {1..3}), which a shell turns into several words: quote the braces`;
  }
}

/**
 * What a `~` starting a word is, from the word's shape (quoted characters as \0): up to the first
 * `/`, a lone `~` is the home directory, `~name` a user's; with a quoted character in it, bash leaves
 * it as it is, as shell-quote does.
 */
function leadingTilde(shape: string): ScannedWord['tilde'] {
  const prefix = shape.split('/')[0];
  if (!prefix.startsWith('~') || prefix.includes('\0')) return undefined;
  return prefix === '~' ? 'home' : 'user';
}

/** Unquoted blanks separate words, as in a shell (and in shell-quote). */
const BLANK = /[ \t]/;
/** Brace expansion in a word's unquoted characters (quoted ones are \0 there). */
const BRACE_EXPANSION = /\{[^{}]*(?:,|\.\.)[^{}]*\}/;
/** A `NAME=value` word with an unquoted `~` after the `=` or a `:` (bash's tilde expansion of assignments). */
const ASSIGNMENT_TILDE = /^[A-Za-z_][A-Za-z0-9_]*=(?:[\s\S]*:)?~/;

/**
 * Cuts the text into words at unquoted blanks, scanning the quoting as a POSIX shell does (plus
 * bash's `$'...'`), since shell-quote silently drops an unterminated quote. Each word's text for
 * shell-quote has an unquoted `#` inside it escaped (a shell keeps it literal, shell-quote would
 * read a comment) and an escaped `*` or `?` single-quoted (shell-quote takes `\*` for a glob). What
 * is left unquoted tells a leading `~` and brace expansion apart from their quoted, literal forms.
 */
function scanWords(text: string): { words: ScannedWord[] } | { error: string } {
  const words: ScannedWord[] = [];
  let source = '';
  let out = '';
  /** The word's characters, each quoted one as \0. */
  let shape = '';
  const endWord = () => {
    if (source === '') return;
    const tilde = leadingTilde(shape);
    words.push({
      source,
      text: out,
      brace: BRACE_EXPANSION.test(shape),
      assignmentTilde: ASSIGNMENT_TILDE.test(shape),
      ...(tilde ? { tilde } : {}),
    });
    [source, out, shape] = ['', '', ''];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const start = i;
    if (BLANK.test(c)) {
      endWord();
      i += 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) return { error: 'ends with a lone backslash' };
      i += 2;
      source += text.slice(start, i);
      shape += '\0';
      // shell-quote takes an escaped * or ? for a glob; single quotes mean the same and it gets them right.
      out +=
        text[start + 1] === '*' || text[start + 1] === '?' ? `'${text[start + 1]}'` : text.slice(start, i);
      continue;
    }
    if (c === '$' && text[i + 1] === "'") {
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
    } else {
      // One unquoted character; a `#` inside a word is literal to a shell.
      i += 1;
      out += c === '#' && source !== '' ? '\\#' : c;
      source += c;
      shape += c;
      continue;
    }
    source += text.slice(start, i);
    out += text.slice(start, i);
    shape += '\0'.repeat(i - start);
  }
  endWord();
  return { words };
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

/**
 * A constraint value /between slashes/ is a regular expression (cluster/placement.ts compiles it):
 * why it does not compile, or undefined when it does or is no regular expression.
 */
function constraintRegexError(value: string): string | undefined {
  if (!(value.length > 1 && value.startsWith('/') && value.endsWith('/'))) return undefined;
  try {
    new RegExp(value.slice(1, -1));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Swarm-classic constraints, as DTR_CONSTRAINTS takes them: `constraint:<key>==<value>|constraint:<key>!=<value>|...`. */
export function parseConstraints(text: string): { constraints: Constraint[]; errors: string[] } {
  const constraints: Constraint[] = [];
  const errors: string[] = [];
  if (text.trim() === '') return { constraints, errors };
  for (const entry of text.split('|').map((e) => e.trim())) {
    if (entry === '') {
      errors.push('has an empty entry (entries are separated by single "|")');
      continue;
    }
    // DTR receives the constraints as --extra-envs, whose entries `&` separates: one here would split
    // this entry into two.
    if (entry.includes('&')) {
      errors.push(
        `entry ${JSON.stringify(entry)} contains "&", which separates --extra-envs entries ` +
          '(how the constraints are passed on to DTR)',
      );
      continue;
    }
    const match = CONSTRAINT.exec(entry);
    if (!match) {
      errors.push(
        `entry ${JSON.stringify(entry)} is not constraint:<key>==<value> or constraint:<key>!=<value>`,
      );
      continue;
    }
    const regexError = constraintRegexError(match[3]);
    if (regexError !== undefined) {
      errors.push(
        `entry ${JSON.stringify(entry)}: ${match[3]} is not a valid regular expression (${regexError})`,
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
