import { quote } from 'shell-quote';
import { Config, formatConstraints } from './load';
import { MASK, maskSecretFlags } from './secret-flags';
import { MAX_MACHINES, MIN_MACHINES, VariableName, VariableSpec, groups, variables } from './schema';

export { MASK, maskSecretFlags, secretFlagValues } from './secret-flags';

const UNSET = '(unset)';
const EMPTY = '(empty)';

function shellWords(words: readonly string[]): string {
  return words.map((word) => (word.includes(MASK) ? word : quote([word]))).join(' ');
}

const onOff = (value: boolean): string => (value ? 'on' : 'off');

/** A variable's value: text, or words for `shell-words` (so that secret flags can be found in them). */
type CurrentValue = string | readonly string[] | undefined;

/** The current value of every variable; undefined when unset. Unmasked: secrets are handled by the caller. */
export const currentValue: Record<VariableName, (config: Config) => CurrentValue> = {
  NUM_MACHINES: (c) => String(c.numMachines),
  MACHINE_DRIVER: (c) => c.machineDriver,
  MACHINE_CREATE_FLAGS: (c) => c.machineCreateFlags,
  MACHINE_PREFIX: (c) => c.machinePrefix,
  GENERIC_MACHINE_LIST: (c) => (c.genericMachineList.length > 0 ? c.genericMachineList.join(',') : undefined),
  DOCKER_MACHINE_BINARY: (c) => c.dockerMachineBinary,
  PURGE_MACHINES: (c) => onOff(c.purgeMachines),
  REUSE_MACHINES: (c) => onOff(c.reuseMachines),
  LAB_ENGINE_SEED: (c) => onOff(c.labEngineSeed),
  LAB_HOST_SETUP: (c) => onOff(c.labHostSetup),
  UCP_REPO: (c) => c.ucp.repo,
  UCP_TAG: (c) => c.ucp.tag,
  DTR_REPO: (c) => c.dtr.repo,
  DTR_TAG: (c) => c.dtr.tag,
  UCP_PULL_IMAGES: (c) => onOff(c.ucpPullImages),
  DTR_PULL_IMAGES: (c) => onOff(c.dtrPullImages),
  REGISTRY_USERNAME: (c) => c.registry.username,
  REGISTRY_PASSWORD: (c) => c.registry.password,
  REGISTRY_EMAIL: (c) => c.registry.email,
  UCP_ADMIN_USERNAME: (c) => c.admin.username,
  UCP_ADMIN_PASSWORD: (c) => c.admin.password,
  DTR_LB_CONSTRAINTS: (c) => formatConstraints(c.dtrLbConstraints),
  DTR_CONSTRAINTS: (c) => formatConstraints(c.dtrConstraints),
  TEST_ARGS: (c) => c.testArgs,
  DTR_HA_UNTIL: (c) => c.tests.until,
  DTR_HA_KEEP_DTR: (c) => onOff(c.tests.keepDtr),
  DTR_HA_QUIET: (c) => onOff(c.tests.quiet),
  DTR_HA_STATE_DIR: (c) => c.stateDir,
  DTR_HA_DEBIAN_MIRROR: (c) => c.debianMirror,
  DTR_HA_ENV_FILE: (c) => c.envFile,
};

function shownValue(spec: VariableSpec, config: Config): string {
  const current = currentValue[spec.name](config);
  if (current === undefined) return UNSET;
  if (spec.secret) return MASK;
  const value =
    typeof current === 'string' ? current : shellWords(spec.secretFlags ? maskSecretFlags(current) : current);
  return value === '' ? EMPTY : value;
}

function plainDefault(spec: VariableSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  if (spec.default === undefined) return 'none';
  const value = spec.default === '' ? 'empty' : spec.default;
  return spec.ciDefault === undefined ? value : `${value}; ${spec.ciDefault} when CI is set`;
}

/** Markdown to terminal text: drop the code backticks. */
function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}

function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/**
 * What `dtr-ha config` says about the machine driver beyond its variables. The configuration knows no
 * providers: the caller asks the driver's provider (`providerRegistration(driver).describe`).
 */
export interface DriverNotes {
  /** Said after NUM_MACHINES' default, e.g. `or the number of hosts in GENERIC_MACHINE_LIST`. */
  numMachinesDefault?: string;
  /** Where each machine is, in machine order (generic: its host). */
  hosts?: readonly string[];
  /** More lines of the derived values, after the images: a label and its text. */
  derived?: ReadonlyArray<readonly [label: string, text: string]>;
}

/**
 * The `dtr-ha config` text: every variable with its current value, where it came from, its default and
 * description, grouped; then what follows from them, with what the driver adds. Secret values are
 * never printed.
 */
export function describeEnvironment(config: Config, driver: DriverNotes = {}): string {
  const out: string[] = [];
  out.push('dtr-ha configuration');
  out.push(
    `  values come from the environment, then the dotenv file ${config.envFile}` +
      ` (${config.envFileFound ? 'found' : 'not found'}), then the defaults`,
  );
  for (const group of groups) {
    const specs = variables.filter((v) => v.group === group);
    if (specs.length === 0) continue;
    out.push('', group);
    for (const spec of specs) {
      out.push('');
      out.push(`  ${spec.name}=${shownValue(spec, config)}  [${config.sources[spec.name]}]`);
      let defaultText = plainDefault(spec);
      if (spec.name === 'NUM_MACHINES' && driver.numMachinesDefault) {
        defaultText += `, ${driver.numMachinesDefault}`;
      }
      out.push(`      default: ${defaultText}${spec.secret ? ' (secret)' : ''}`);
      out.push(...wrap(plain(spec.description), '      '));
    }
  }

  out.push('', 'Derived', '');
  const names = Array.from({ length: config.numMachines }, (_, i) => `${config.machinePrefix}-${i + 1}`);
  const at = (name: string, i: number) => (driver.hosts ? `${name} (${driver.hosts[i]})` : name);
  out.push(`  UCP controller: ${at(names[0], 0)}`);
  out.push(`  DTR replicas:   ${names.map(at).slice(1).join(', ')}`);
  out.push(`  UCP image:      ${config.ucp.image}${config.ucpPullImages ? ' (pulled)' : ''}`);
  out.push(`  DTR image:      ${config.dtr.image}${config.dtrPullImages ? ' (pulled)' : ''}`);
  for (const [label, text] of driver.derived ?? []) out.push(`  ${`${label}:`.padEnd(16)}${text}`);
  out.push(
    `  admin:          ${config.admin.username}${config.admin.password ? '' : ' (password generated per cluster)'}`,
  );
  return `${out.join('\n')}\n`;
}

function cell(markdown: string): string {
  return markdown.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function docDefault(spec: VariableSpec): string {
  if (spec.defaultText !== undefined) return `*${spec.defaultText}*`;
  if (spec.default === undefined) return '*none*';
  if (spec.default === '') return '*empty*';
  const value = `\`${spec.default}\``;
  return spec.ciDefault === undefined ? value : `${value}; \`${spec.ciDefault}\` when \`CI\` is set`;
}

/** docs/configuration.md, generated from the schema. Deterministic: no dates, no paths of this machine. */
export function renderConfigurationDoc(): string {
  const out: string[] = [];
  out.push('# Configuration');
  out.push('');
  out.push(
    '<!-- Generated from packages/framework/src/config/schema.ts by `npm run docs` (renderConfigurationDoc). ' +
      'Do not edit by hand. -->',
  );
  out.push('');
  out.push(
    'dtr-ha is configured with environment variables: the ones of the original Go framework, plus a few of ' +
      'its own.',
  );
  out.push('');
  out.push(
    '- Values are read from the process environment and from a dotenv file: `.env` in the current directory, ' +
      'or the file named by `DTR_HA_ENV_FILE`. **The environment beats the file.** The file is parsed, never ' +
      'loaded into `process.env`; a missing `.env` is fine.',
  );
  out.push('- An empty value counts as unset: the default applies.');
  out.push(
    '- A value is one line (a secret may have several). One of several lines, as a quote left open in the ' +
      'dotenv file makes of the lines after it, is refused without being shown.',
  );
  out.push(
    '- Everything is validated before anything else happens, and all problems are reported at once: one ' +
      'error, one line per problem, each starting with the variable, e.g. ' +
      `\`NUM_MACHINES="abc": must be a whole number from ${MIN_MACHINES} to ${MAX_MACHINES} (...)\`. ` +
      'Secret values never appear in messages (`<hidden>`).',
  );
  out.push(
    '- `dtr-ha config` prints every variable with its current value and where it came from (`env`, `file` or ' +
      '`default`), its default and its description. Secrets show as `********` when set.',
  );
  for (const group of groups) {
    const specs = variables.filter((v) => v.group === group);
    if (specs.length === 0) continue;
    out.push('', `## ${group}`, '');
    out.push('| Variable | Default | Secret | Description |');
    out.push('| --- | --- | --- | --- |');
    for (const spec of specs) {
      const example = spec.example === undefined ? '' : ` Example: \`${spec.example}\``;
      out.push(
        `| \`${spec.name}\` | ${cell(docDefault(spec))} | ${spec.secret ? 'yes' : 'no'} | ` +
          `${cell(spec.description + example)} |`,
      );
    }
  }
  out.push('');
  out.push('## Example: existing hosts over SSH');
  out.push('');
  out.push('```sh');
  out.push('export MACHINE_DRIVER=generic');
  out.push('export GENERIC_MACHINE_LIST=52.36.173.142,52.40.229.120,52.39.99.139');
  out.push('export MACHINE_CREATE_FLAGS="--generic-ssh-user ubuntu --generic-ssh-key ~/.ssh/id_rsa"');
  out.push('export MACHINE_PREFIX=my-awesome-cluster');
  out.push('```');
  out.push('');
  out.push(
    'With `NUM_MACHINES` unset, the three hosts make a cluster of 1 UCP controller and 2 DTR replicas.',
  );
  return `${out.join('\n')}\n`;
}
