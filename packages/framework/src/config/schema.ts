/**
 * The one table of configuration variables. Loading, validation messages, `dtr-ha config` and
 * docs/configuration.md are all driven from it: add a variable here first.
 */
import { DEFAULT_DTR_TAG, DEFAULT_UCP_TAG, describeSupportedPairs, standinPairs } from './release-pair';
import { PRESET_UNTIL_DEFAULT, describeUpTargets, isUpTarget } from './up-target';

export type VariableName =
  | 'NUM_MACHINES'
  | 'MACHINE_DRIVER'
  | 'MACHINE_CREATE_FLAGS'
  | 'MACHINE_PREFIX'
  | 'GENERIC_MACHINE_LIST'
  | 'DOCKER_MACHINE_BINARY'
  | 'PURGE_MACHINES'
  | 'REUSE_MACHINES'
  | 'LAB_ENGINE_SEED'
  | 'LAB_HOST_SETUP'
  | 'UCP_REPO'
  | 'UCP_TAG'
  | 'DTR_REPO'
  | 'DTR_TAG'
  | 'UCP_PULL_IMAGES'
  | 'DTR_PULL_IMAGES'
  | 'REGISTRY_USERNAME'
  | 'REGISTRY_PASSWORD'
  | 'REGISTRY_EMAIL'
  | 'UCP_ADMIN_USERNAME'
  | 'UCP_ADMIN_PASSWORD'
  | 'DTR_LB_CONSTRAINTS'
  | 'DTR_CONSTRAINTS'
  | 'TEST_ARGS'
  | 'DTR_HA_UNTIL'
  | 'DTR_HA_KEEP_DTR'
  | 'DTR_HA_QUIET'
  | 'DTR_HA_STATE_DIR'
  | 'DTR_HA_DEBIAN_MIRROR'
  | 'DTR_HA_ENV_FILE';

export type VariableKind =
  | 'integer'
  | 'boolean'
  | 'string'
  | 'shell-words'
  | 'host-list'
  | 'constraints'
  | 'image-repo'
  | 'image-tag'
  | 'email'
  | 'path'
  | 'url';

export type VariableGroup =
  'Machines' | 'Images' | 'Registry credentials' | 'UCP' | 'DTR' | 'Tests' | 'Project';

/** Groups in the order `dtr-ha config` and the docs list them. */
export const groups: readonly VariableGroup[] = [
  'Machines',
  'Images',
  'Registry credentials',
  'UCP',
  'DTR',
  'Tests',
  'Project',
];

/** One rule a `string` value must follow, with the problem reported when it does not. */
export interface StringCheck {
  test: RegExp | ((value: string) => boolean);
  /** Starts with "must". */
  message: string;
}

export interface VariableSpec {
  name: VariableName;
  /** How the value is parsed and checked (see the parsers of config/load.ts); the fields below refine it. */
  kind: VariableKind;
  /** The raw value used when the variable is unset or empty; absent when there is none. */
  default?: string;
  /**
   * The raw value used instead of `default` on a CI machine (see `onCi`): what a run there wants
   * unless told otherwise, as Playwright's `reuseExistingServer: !process.env.CI`.
   */
  ciDefault?: string;
  /** How the docs show the default when it is not a plain value (e.g. computed later). */
  defaultText?: string;
  /** Markdown, one paragraph. */
  description: string;
  /** Never printed, never put in an error message. */
  secret: boolean;
  group: VariableGroup;
  /** A raw example value, as it would be written after `export NAME=`. */
  example?: string;
  /** `integer`: the smallest and the largest value allowed. */
  min?: number;
  max?: number;
  /** `integer`: the problem reported for a value that is not one, instead of the kind's own. */
  invalid?: string;
  /** `string`: the rules the value must follow, in order; only the first one it breaks is reported. */
  checks?: readonly StringCheck[];
  /** `image-repo`: the image below the repository, `<repo>/<image>:<tag>`. */
  image?: string;
  /** `path`: a relative path is taken from the current directory; without this it must be absolute. */
  relativeTo?: 'cwd';
  /**
   * `shell-words`: the values of flags named like secrets (e.g. `--amazonec2-secret-key`) are secrets,
   * so the value is never quoted in a problem, `dtr-ha config` masks them and diagnostics scrub them.
   */
  secretFlags?: boolean;
}

export const MIN_MACHINES = 2;
export const MAX_MACHINES = 16;

export const BOOLEAN_ON = ['1', 'true', 'yes', 'on'] as const;
export const BOOLEAN_OFF = ['', '0', 'false', 'no', 'off'] as const;

const PREFIX_ROLE = '(it names containers and hosts <prefix>-<n>)';

const supportedTags = (other: 'UCP_TAG' | 'DTR_TAG') =>
  `With \`${other}\`, a supported pair: ${describeSupportedPairs()} (versions \`MAJOR.MINOR.PATCH\`, ` +
  `optionally \`-suffix\`; the lab's stand-ins are ${standinPairs()}); any other pair is refused ` +
  'before anything is made. See docs/releases.md.';

/**
 * Whether the environment says it is a CI machine: `CI` set to anything but an off spelling, as CI
 * systems set it (`CI=true`). Read from the process environment only, never from the dotenv file:
 * it is a fact about the machine running, and one `.env` serves laptops and CI alike.
 */
export function onCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && !(BOOLEAN_OFF as readonly string[]).includes(value);
}

/** The raw default of a variable in this environment: its `ciDefault` on CI, else its `default`. */
export function defaultFor(spec: VariableSpec, env: NodeJS.ProcessEnv): string | undefined {
  return spec.ciDefault !== undefined && onCi(env) ? spec.ciDefault : spec.default;
}

const ciChoice =
  'Set it to choose either way; unset (or empty), it follows `CI` (set to anything but empty, `0`, `false`, ' +
  '`no` or `off`, as CI systems set it; read from the environment, not from the dotenv file).';

// For a variable whose default is not simply off: there an empty value means the default, not off.
const booleanChoices =
  'Accepts `1`, `true`, `yes`, `on` (on) and `0`, `false`, `no`, `off` (off), in any case.';

const booleanValues = `Accepts \`1\`, \`true\`, \`yes\`, \`on\` (on) and empty, \`0\`, \`false\`, \`no\`, \`off\` (off), in any case.`;

// `as const`: the types below read each variable's kind and default from here.
const table = [
  // Machines
  {
    name: 'NUM_MACHINES',
    kind: 'integer',
    default: '4',
    description:
      `Number of machines in the cluster, ${MIN_MACHINES} to ${MAX_MACHINES}: the first is the UCP controller, ` +
      'every other one runs a DTR replica (the default 4 is 1 UCP controller + 3 DTR replicas). ' +
      'With `MACHINE_DRIVER=generic` and this variable unset, the number of hosts in `GENERIC_MACHINE_LIST` is used.',
    secret: false,
    group: 'Machines',
    min: MIN_MACHINES,
    max: MAX_MACHINES,
    invalid:
      `must be a whole number from ${MIN_MACHINES} to ${MAX_MACHINES} ` +
      `(1 UCP controller + 1 to ${MAX_MACHINES - 1} DTR replicas)`,
  },
  {
    name: 'MACHINE_DRIVER',
    kind: 'string',
    default: 'local',
    description:
      'Where the machines come from. `local`: a lab of containers on the Docker engine of this host. ' +
      '`generic`: the existing hosts of `GENERIC_MACHINE_LIST`, reached over SSH. ' +
      'Any other value is a docker-machine driver name (e.g. `amazonec2`, `virtualbox`) used through the ' +
      '`docker-machine` CLI. Lowercase letters, digits, `-` and `_`.',
    secret: false,
    group: 'Machines',
    example: 'amazonec2',
    checks: [
      {
        test: /^[a-z0-9][a-z0-9_-]*$/,
        message:
          'must be local, generic or a docker-machine driver name (lowercase letters, digits, - and _)',
      },
    ],
  },
  {
    name: 'MACHINE_CREATE_FLAGS',
    kind: 'shell-words',
    default: '',
    description:
      'Extra flags for `docker-machine create`, shell-quoted (quotes and backslashes work as in a shell, and ' +
      'a `~` or `~/` starting a word is the home directory; operators such as `;`, `|`, `&&`, redirects, globs, ' +
      'brace expansion such as `{a,b}` (bash and dash differ), `~name`, a `~` after the `=` or a `:` of ' +
      '`NAME=value` (bash expands it, dash does not) and `$VARIABLES` are rejected, naming the word: nothing ' +
      'goes through a shell). With `MACHINE_DRIVER=generic` the framework reads `--generic-ssh-user` (default ' +
      '`root`), `--generic-ssh-key` (default `~/.ssh/id_rsa`, must exist and be readable) and ' +
      '`--generic-ssh-port` (default 22) from them. Secrets are masked wherever the flags are shown ' +
      '(`dtr-ha config`, a failed command, the configuration serialised) and never quoted in an error: the ' +
      'values of flags named like secrets (`--amazonec2-secret-key`, `--linode-root-pass`, ' +
      '`--google-auth-encoded-json`, …), the `V` of `--engine-env K=V`, the token of ' +
      '`--swarm-discovery token://…` and the password of any URL.',
    secret: false,
    group: 'Machines',
    example: '--generic-ssh-user ubuntu --generic-ssh-key ~/.ssh/id_rsa',
    secretFlags: true,
  },
  {
    name: 'MACHINE_PREFIX',
    kind: 'string',
    default: 'dtrha',
    description:
      'Names the machines `<prefix>-1` to `<prefix>-<n>` (container names and hostnames), so it tells clusters ' +
      'apart; an existing cluster with the same prefix is reused. A lowercase letter, then up to 30 lowercase ' +
      'letters, digits and `-`; not ending with `-`.',
    secret: false,
    group: 'Machines',
    example: 'my-awesome-cluster',
    checks: [
      {
        test: /^[a-z][a-z0-9-]{0,30}$/,
        message: `must be a lowercase letter followed by up to 30 lowercase letters, digits or "-" ${PREFIX_ROLE}`,
      },
      { test: (value) => !value.endsWith('-'), message: `must not end with "-" ${PREFIX_ROLE}` },
    ],
  },
  {
    name: 'GENERIC_MACHINE_LIST',
    kind: 'host-list',
    description:
      'Comma-separated IPv4 addresses or hostnames of existing hosts, one per machine, the first becoming the ' +
      'UCP controller. Required with `MACHINE_DRIVER=generic`; must have `NUM_MACHINES` entries when that is ' +
      'set. No duplicates. A hostname is resolved to its IPv4 address (as this machine resolves it) before ' +
      'anything is made, and the machine is reached at that address; one that does not resolve, or two ' +
      'entries with one address, are refused.',
    secret: false,
    group: 'Machines',
    example: '52.36.173.142,52.40.229.120,52.39.99.139',
  },
  {
    name: 'DOCKER_MACHINE_BINARY',
    kind: 'string',
    defaultText: '`docker-machine` on `PATH`',
    description:
      'With a docker-machine driver (any `MACHINE_DRIVER` but `local` and `generic`): the CLI to run, a ' +
      'name looked up on `PATH` or a path to it. docker-machine (last release v0.16.2) is archived; ' +
      '`rancher-machine`, its maintained fork, has the same commands, output and store and is used with ' +
      '`DOCKER_MACHINE_BINARY=rancher-machine`.',
    secret: false,
    group: 'Machines',
    example: 'rancher-machine',
    checks: [
      {
        test: (value) => !/[\n\r\0]/.test(value) && !value.startsWith('-'),
        message: 'must be a command name or a path to one (no line breaks, not starting with "-")',
      },
    ],
  },
  {
    name: 'PURGE_MACHINES',
    kind: 'boolean',
    default: 'off',
    ciDefault: 'on',
    description:
      "Remove the test machines at the end of a Jest run (the preset's globalTeardown) instead of keeping them " +
      `for the next run. Off on a laptop, on on CI. ${ciChoice} ${booleanChoices}`,
    secret: false,
    group: 'Machines',
  },
  {
    name: 'REUSE_MACHINES',
    kind: 'boolean',
    default: 'on',
    ciDefault: 'off',
    description:
      "Let a Jest run (the preset's globalSetup) reuse the machines of `MACHINE_PREFIX` that are there and " +
      'answer, with what they hold (UCP). Off removes them first, as `dtr-ha down` does, so the run starts ' +
      `from a clean cluster. On on a laptop, off on CI. ${ciChoice} \`dtr-ha up\` always reuses. ${booleanChoices}`,
    secret: false,
    group: 'Machines',
  },
  {
    name: 'LAB_ENGINE_SEED',
    kind: 'boolean',
    default: 'on',
    description:
      'With `MACHINE_DRIVER=local`: a new node’s engine starts from a copy of an engine that already holds the ' +
      'cluster’s images (made once per set of images), instead of each node unpacking every image itself. ' +
      `Off sends the images to the nodes as to real hosts. ${booleanValues}`,
    secret: false,
    group: 'Machines',
  },
  {
    name: 'LAB_HOST_SETUP',
    kind: 'boolean',
    default: 'on',
    description:
      'With `MACHINE_DRIVER=local`, run as root on Debian or Ubuntu: when no Docker engine answers, or ' +
      '`debootstrap` is missing while the lab’s images are not built, `up` (and the preset’s globalSetup) ' +
      'installs what is missing of `docker.io`, `debootstrap` and `openssh-client` with apt-get, starts dockerd ' +
      'and says each thing it does. Off, or anywhere else, it stops before anything is made with the ' +
      `command to run. ${booleanValues}`,
    secret: false,
    group: 'Machines',
  },
  // Images
  {
    name: 'UCP_REPO',
    kind: 'image-repo',
    default: 'dtrha-lab',
    description:
      'Docker repository path of the UCP images, optionally starting with a registry `host[:port]`; the image is ' +
      '`<UCP_REPO>/ucp:<UCP_TAG>`. The default is the stand-in images of the local lab.',
    secret: false,
    group: 'Images',
    example: 'dockerorcadev',
    image: 'ucp',
  },
  {
    name: 'UCP_TAG',
    kind: 'image-tag',
    default: DEFAULT_UCP_TAG,
    description: `Tag of the UCP images. ${supportedTags('DTR_TAG')}`,
    secret: false,
    group: 'Images',
    example: '1.1.0-rc1',
  },
  {
    name: 'DTR_REPO',
    kind: 'image-repo',
    default: 'dtrha-lab',
    description:
      'Docker repository path of the DTR images, optionally starting with a registry `host[:port]`; the image is ' +
      '`<DTR_REPO>/dtr:<DTR_TAG>`. The default is the stand-in images of the local lab.',
    secret: false,
    group: 'Images',
    example: 'dockerhubenterprise',
    image: 'dtr',
  },
  {
    name: 'DTR_TAG',
    kind: 'image-tag',
    default: DEFAULT_DTR_TAG,
    description: `Tag of the DTR images. ${supportedTags('UCP_TAG')}`,
    secret: false,
    group: 'Images',
    example: '2.0.0-rc1-004459_gd48039b',
  },
  {
    name: 'UCP_PULL_IMAGES',
    kind: 'boolean',
    default: 'off',
    description:
      'Pull the UCP images on the machines with the registry credentials, instead of copying them from this ' +
      `host. Needs \`REGISTRY_USERNAME\` and \`REGISTRY_PASSWORD\`. ${booleanValues}`,
    secret: false,
    group: 'Images',
  },
  {
    name: 'DTR_PULL_IMAGES',
    kind: 'boolean',
    default: 'off',
    description:
      'Pull the DTR images on the machines with the registry credentials, instead of copying them from this ' +
      `host. Needs \`REGISTRY_USERNAME\` and \`REGISTRY_PASSWORD\`. ${booleanValues}`,
    secret: false,
    group: 'Images',
  },
  // Registry credentials
  {
    name: 'REGISTRY_USERNAME',
    kind: 'string',
    description: 'User for pulling images. Required when `UCP_PULL_IMAGES` or `DTR_PULL_IMAGES` is on.',
    secret: false,
    group: 'Registry credentials',
  },
  {
    name: 'REGISTRY_PASSWORD',
    kind: 'string',
    description: 'Password for pulling images. Required when `UCP_PULL_IMAGES` or `DTR_PULL_IMAGES` is on.',
    secret: true,
    group: 'Registry credentials',
  },
  {
    name: 'REGISTRY_EMAIL',
    kind: 'email',
    description: 'Email of the registry account; optional, but must look like an email address when set.',
    secret: false,
    group: 'Registry credentials',
  },
  // UCP
  {
    name: 'UCP_ADMIN_USERNAME',
    kind: 'string',
    default: 'admin',
    description: 'Name of the UCP admin account: 1 to 64 letters, digits, `_`, `.` and `-`.',
    secret: false,
    group: 'UCP',
    checks: [{ test: /^[a-zA-Z0-9_.-]{1,64}$/, message: 'must be 1 to 64 letters, digits, "_", "." or "-"' }],
  },
  {
    name: 'UCP_ADMIN_PASSWORD',
    kind: 'string',
    defaultText: 'generated per cluster',
    description:
      'Password of the UCP admin account. When unset, a random one is generated for each cluster and kept in ' +
      'its state directory. When set, at least 8 characters (UCP requires it).',
    secret: true,
    group: 'UCP',
    checks: [
      {
        // Characters, not UTF-16 code units.
        test: (value) => [...value].length >= 8,
        message:
          'must be at least 8 characters (UCP requires it); unset it to have one generated per cluster',
      },
    ],
  },
  // DTR
  {
    name: 'DTR_LB_CONSTRAINTS',
    kind: 'constraints',
    default: '',
    description:
      'Swarm constraints for placing the DTR load balancer, `|`-separated, each ' +
      '`constraint:<key>==<value>` or `constraint:<key>!=<value>`.',
    secret: false,
    group: 'DTR',
    example: 'constraint:container!=ucp-controller',
  },
  {
    name: 'DTR_CONSTRAINTS',
    kind: 'constraints',
    default: '',
    description:
      'Swarm constraints for placing the DTR replicas, `|`-separated, each ' +
      '`constraint:<key>==<value>` or `constraint:<key>!=<value>`.',
    secret: false,
    group: 'DTR',
    example: 'constraint:container!=ucp-controller|constraint:container!=dtr-haproxy',
  },
  // Tests
  {
    name: 'TEST_ARGS',
    kind: 'shell-words',
    default: '',
    description:
      'Extra arguments for the test run (Jest), shell-quoted like `MACHINE_CREATE_FLAGS`; e.g. a ' +
      '`--testNamePattern` to run only some tests.',
    secret: false,
    group: 'Tests',
    example: "--testNamePattern 'survives the loss of a replica'",
  },
  {
    name: 'DTR_HA_UNTIL',
    kind: 'string',
    default: PRESET_UNTIL_DEFAULT,
    description:
      "How far the Jest preset's globalSetup builds the cluster before the test files run: `machines`, " +
      '`ucp` (machines and UCP stay, DTR is installed per test file) or `dtr` (everything).',
    secret: false,
    group: 'Tests',
    example: 'machines',
    checks: [
      {
        test: isUpTarget,
        message: `must be ${describeUpTargets()}`,
      },
    ],
  },
  {
    name: 'DTR_HA_KEEP_DTR',
    kind: 'boolean',
    default: 'off',
    description: `Leave DTR installed when a test file ends (a quicker next run from the IDE) instead of removing it (the default: each test file starts from a fresh DTR). ${booleanValues}`,
    secret: false,
    group: 'Tests',
  },
  {
    name: 'DTR_HA_QUIET',
    kind: 'boolean',
    default: 'off',
    description: `Do not print the status lines of the cluster's steps during tests. ${booleanValues}`,
    secret: false,
    group: 'Tests',
  },
  // Project
  {
    name: 'DTR_HA_STATE_DIR',
    kind: 'path',
    default: '~/.dtr-ha',
    description:
      'Where per-cluster state lives: SSH keys, TLS certificates, the handoff to the tests. A leading `~` is ' +
      'the home directory; must be an absolute path after that.',
    secret: false,
    group: 'Project',
  },
  {
    name: 'DTR_HA_DEBIAN_MIRROR',
    kind: 'url',
    defaultText: "the first Debian archive of this host's apt sources",
    description:
      'Debian mirror (an `http://` or `https://` URL) used to build the lab images offline; it must serve ' +
      'bookworm. Unset, the first Debian archive of `/etc/apt/sources.list` and `/etc/apt/sources.list.d/` ' +
      '(`*.sources`, `*.list`) is used; security archives and other distributions’ (Ubuntu’s has no bookworm) ' +
      'are skipped, so on Ubuntu set it. `dtr-ha doctor` checks it.',
    secret: false,
    group: 'Project',
    example: 'http://deb.debian.org/debian',
  },
  {
    name: 'DTR_HA_ENV_FILE',
    kind: 'path',
    default: '.env',
    description:
      'The dotenv file to read, relative to the current directory. A missing `.env` is fine; a file named ' +
      'explicitly here must exist. Only read from the environment (setting it inside the file has no effect).',
    secret: false,
    group: 'Project',
    example: 'ci/ha.env',
    relativeTo: 'cwd',
  },
] as const satisfies readonly VariableSpec[];

export const variables: readonly VariableSpec[] = table;

type SpecOf<N extends VariableName> = Extract<(typeof table)[number], { name: N }>;

/** The kind the table gives a variable, as a type. */
export type KindOf<N extends VariableName> = SpecOf<N>['kind'];

/** The variables the table gives a default, so that a valid configuration always has their value. */
export type DefaultedName = {
  [N in VariableName]: SpecOf<N> extends { default: string } ? N : never;
}[VariableName];

// Every name has its row: a name without one fails to compile here.
const everyNameHasARow: Record<Exclude<VariableName, (typeof table)[number]['name']>, never> = {};
void everyNameHasARow;

const byName = new Map<string, VariableSpec>(variables.map((v) => [v.name, v]));

/** The spec of one variable; throws on a name that is not in the table. */
export function variable(name: VariableName): VariableSpec {
  const spec = byName.get(name);
  if (!spec) throw new Error(`unknown configuration variable ${name}`);
  return spec;
}
