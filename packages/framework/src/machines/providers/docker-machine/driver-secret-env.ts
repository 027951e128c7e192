import { secretFlagValues } from '../../../config/secret-flags';

/**
 * A docker-machine driver flag whose value is a secret, and the environment variable the driver reads
 * the same value from. docker-machine's flags take their default from these variables (a flag given
 * on the command line wins over the variable), so passing the value in the child's environment instead
 * of on its command line gives the same machine, and keeps the value out of `ps` and
 * `/proc/<pid>/cmdline`, which every local user can read (`/proc/<pid>/environ` only the same user and
 * root can).
 */
export interface DriverSecretVariable {
  /** The MACHINE_DRIVER the flag belongs to. */
  driver: string;
  flag: string;
  variable: string;
  /** Where the pairing is documented: a page of the docker/docs repository. */
  page: string;
}

/**
 * Every flag with a secret value (password, secret key, token, API key) that docker/docs
 * `machine/drivers/*.md` pairs with an environment variable, transcribed from each page's table
 * "Environment variables and default values" (linode.md: "Options, Environment Variables, and
 * Defaults", which names the flags without their `--`, as its usage line shows them). Pages read: aws.md, azure.md, digital-ocean.md, exoscale.md, gce.md, linode.md,
 * openstack.md, rackspace.md, soft-layer.md, vm-cloud.md, vsphere.md. azure.md and gce.md list no
 * secret flag (Azure signs in through the browser; Google reads the file that
 * GOOGLE_APPLICATION_CREDENTIALS names).
 */
export const driverSecretVariables: readonly DriverSecretVariable[] = (
  [
    // driver, flag, variable, page
    ['amazonec2', '--amazonec2-access-key', 'AWS_ACCESS_KEY_ID', 'machine/drivers/aws.md'],
    ['amazonec2', '--amazonec2-secret-key', 'AWS_SECRET_ACCESS_KEY', 'machine/drivers/aws.md'],
    ['amazonec2', '--amazonec2-session-token', 'AWS_SESSION_TOKEN', 'machine/drivers/aws.md'],
    [
      'digitalocean',
      '--digitalocean-access-token',
      'DIGITALOCEAN_ACCESS_TOKEN',
      'machine/drivers/digital-ocean.md',
    ],
    ['exoscale', '--exoscale-api-key', 'EXOSCALE_API_KEY', 'machine/drivers/exoscale.md'],
    // Not EXOSCALE_API_SECRET_KEY: the page names EXOSCALE_API_SECRET.
    ['exoscale', '--exoscale-api-secret-key', 'EXOSCALE_API_SECRET', 'machine/drivers/exoscale.md'],
    ['linode', '--linode-token', 'LINODE_TOKEN', 'machine/drivers/linode.md'],
    ['linode', '--linode-root-pass', 'LINODE_ROOT_PASSWORD', 'machine/drivers/linode.md'],
    ['openstack', '--openstack-password', 'OS_PASSWORD', 'machine/drivers/openstack.md'],
    ['rackspace', '--rackspace-api-key', 'OS_API_KEY', 'machine/drivers/rackspace.md'],
    ['softlayer', '--softlayer-api-key', 'SOFTLAYER_API_KEY', 'machine/drivers/soft-layer.md'],
    ['vmwarevcloudair', '--vmwarevcloudair-password', 'VCLOUDAIR_PASSWORD', 'machine/drivers/vm-cloud.md'],
    ['vmwarevsphere', '--vmwarevsphere-password', 'VSPHERE_PASSWORD', 'machine/drivers/vsphere.md'],
  ] as const
).map(([driver, flag, variable, page]) => ({ driver, flag, variable, page }));

/** What `docker-machine create` gets of MACHINE_CREATE_FLAGS once the documented secrets are moved. */
export interface CreateFlagsSplit {
  /** The flags for the command line: MACHINE_CREATE_FLAGS without the moved flags and their values. */
  args: string[];
  /** For the child's environment: variable → value of each moved flag (the last one wins, as a flag). */
  env: Record<string, string>;
  /** The moved flags, each with its variable, in the order given. */
  moved: { flag: string; variable: string }[];
  /**
   * Secret-looking flags whose values stay on the command line: no variable is documented for them
   * with this driver, or (`reason: 'no-value'`) a documented one is followed by a flag-like word, not
   * a value, and is left for docker-machine to read as it reads it today.
   */
  exposed: { flag: string; reason: 'undocumented' | 'no-value'; variable?: string }[];
}

/** `--flag`, `-flag` (Go's flag package takes both) as `--flag`; undefined for a word that is no flag. */
function flagName(word: string): string | undefined {
  if (!word.startsWith('-') || word === '-' || word === '--') return undefined;
  const name = word.replace(/^--?/, '');
  return `--${name}`;
}

/**
 * Every value MACHINE_CREATE_FLAGS gives `flag` (as `--name`), in order: `--flag value`, `--flag=value`
 * and the one-dash forms, read as Go's flag package reads them (the next word is the value, whatever it
 * is). Nothing after `--`.
 */
export function flagValues(words: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') break;
    const eq = word.indexOf('=');
    if (flagName(eq > 0 ? word.slice(0, eq) : word) !== flag) continue;
    if (eq > 0) values.push(word.slice(eq + 1));
    else if (i + 1 < words.length) values.push(words[++i]);
  }
  return values;
}

/** Whether the framework's masking (`dtr-ha config`, failed commands) treats this flag as a secret one. */
function looksSecret(flag: string): boolean {
  return secretFlagValues([flag, 'x']).length > 0;
}

/**
 * Moves the values of the documented secret flags of `driver` (driverSecretVariables) out of
 * MACHINE_CREATE_FLAGS into environment variables: `--flag value` and `--flag=value` alike. A word
 * that begins with `-` is never taken as a value. Flags of other drivers, unknown flags and their
 * values stay as they are, in their order; so does everything after `--`.
 */
export function splitCreateFlags(driver: string, flags: readonly string[]): CreateFlagsSplit {
  const documented = new Map(
    driverSecretVariables.filter((row) => row.driver === driver).map((row) => [row.flag, row.variable]),
  );
  const split: CreateFlagsSplit = { args: [], env: {}, moved: [], exposed: [] };
  const exposed = (flag: string, reason: 'undocumented' | 'no-value', variable?: string) => {
    if (!split.exposed.some((e) => e.flag === flag)) {
      split.exposed.push(variable ? { flag, reason, variable } : { flag, reason });
    }
  };
  for (let i = 0; i < flags.length; i++) {
    const word = flags[i];
    if (word === '--') {
      split.args.push(...flags.slice(i));
      break;
    }
    const eq = word.indexOf('=');
    const name = flagName(eq > 0 ? word.slice(0, eq) : word);
    const variable = name === undefined ? undefined : documented.get(name);
    if (name === undefined) {
      split.args.push(word);
    } else if (variable !== undefined && eq > 0) {
      split.env[variable] = word.slice(eq + 1);
      split.moved.push({ flag: name, variable });
    } else if (variable !== undefined && i + 1 < flags.length && flagName(flags[i + 1]) === undefined) {
      split.env[variable] = flags[i + 1];
      split.moved.push({ flag: name, variable });
      i += 1;
    } else if (variable !== undefined) {
      exposed(name, 'no-value', variable);
      split.args.push(word);
    } else {
      if (looksSecret(name)) exposed(name, 'undocumented');
      split.args.push(word);
    }
  }
  return split;
}

/** The warning for a secret-looking flag left on the command line; it names the flag, never its value. */
export function exposedFlagWarning(driver: string, exposed: CreateFlagsSplit['exposed'][number]): string {
  const visible =
    'its value is on the docker-machine command line, visible to every local user (ps, /proc/<pid>/cmdline)';
  if (exposed.reason === 'no-value') {
    return (
      `warning: MACHINE_CREATE_FLAGS: ${exposed.flag} has no value after it (the next word is a flag, or ` +
      `there is none), so dtr-ha leaves it where it is: whatever docker-machine takes as its value is on ` +
      `the command line, visible to every local user (ps, /proc/<pid>/cmdline). Export ` +
      `${exposed.variable} instead, or write ${exposed.flag}=VALUE`
    );
  }
  return (
    `warning: MACHINE_CREATE_FLAGS: ${exposed.flag} looks like a secret, and docker-machine documents no ` +
    `environment variable for it with the ${driver} driver: ${visible}`
  );
}
