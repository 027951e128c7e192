/**
 * Secrets in a flag list (MACHINE_CREATE_FLAGS: `--amazonec2-secret-key`, …): how they are masked
 * wherever a flag list is shown (`dtr-ha config`, a failed docker-machine command, the configuration
 * serialised), which values scrubbing removes, and which words a configuration error must not quote.
 * One scan, so what is masked, what is scrubbed and what is never quoted cannot disagree.
 */
import { inspect, type InspectOptions } from 'node:util';

/** How a set secret is shown. */
export const MASK = '********';

/**
 * Flags whose values are secrets, by name: every docker-machine driver flag of a password, secret,
 * key or token (`--amazonec2-secret-key`, `--azure-client-secret`, `--digitalocean-access-token`,
 * `--exoscale-api-key`, `--linode-root-pass`, `--openstack-application-credential-secret`,
 * `--ovh-consumer-key`, `--vultr-api-key`, …) and the Google driver's `--google-auth-encoded-json`
 * (a service account's key). `--generic-ssh-key` is a path, not a secret, and stays shown.
 */
const SECRET_FLAG =
  /secret|password|passwd|passphrase|(?<![a-z])pass(?![a-z])|token|access-key|api-key|application-key|consumer-key|credential|auth-encoded-json/i;

/** `--engine-env K=V`: the daemon's environment, where proxies' passwords and tokens go. */
const ENGINE_ENV = /^--?engine-env$/;
/** `--swarm-discovery token://<token>`: the Docker Hub discovery token is the swarm's secret. */
const SWARM_DISCOVERY = /^--?swarm-discovery$/;
const DISCOVERY_TOKEN = /^(token:\/\/)(.*)$/s;
/** The start of a URL with a password (`scheme://user:password@host…`), up to the password. */
const URL_USER = /^[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:/i;

/**
 * The password of a URL in any value (a registry mirror, a discovery URL). It ends at the last `@`
 * of the authority, as URL parsers read it (`p@ss` is one password); one holding a `/`, `?` or `#`,
 * which no parser reads as a password but which is meant as one, runs to the word's last `@`:
 * masking a little more than the password is better than showing part of it.
 */
function urlPassword(value: string): Omit<FlagWord, 'flag'> | undefined {
  const user = URL_USER.exec(value);
  if (!user) return undefined;
  const rest = value.slice(user[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.includes('@') ? authority.lastIndexOf('@') : rest.lastIndexOf('@');
  if (at < 0) return undefined;
  return { before: user[0], secret: rest.slice(0, at), after: rest.slice(at) };
}

/**
 * One word of a flag list as the part that may be shown around the secret it carries, if any, and
 * the flag the secret belongs to (for messages that must name it instead of quoting it).
 */
interface FlagWord {
  before: string;
  secret?: string;
  after?: string;
  flag?: string;
}

/** The secret inside a value of `flag`, if it has one by its form (`K=V` of --engine-env, a token, a URL's password). */
function secretInValue(flag: string | undefined, value: string): Omit<FlagWord, 'flag'> | undefined {
  if (flag !== undefined && ENGINE_ENV.test(flag)) {
    const eq = value.indexOf('=');
    return eq < 0 ? undefined : { before: value.slice(0, eq + 1), secret: value.slice(eq + 1) };
  }
  const token = flag !== undefined && SWARM_DISCOVERY.test(flag) && DISCOVERY_TOKEN.exec(value);
  return token ? { before: token[1], secret: token[2], after: '' } : urlPassword(value);
}

/**
 * Each word of a flag list, one entry per word, with the secret it carries: the value of a
 * secret-named flag (`--flag=value`, `--flag value`), the V of `--engine-env K=V`, the token of
 * `--swarm-discovery token://…`, the password of any URL. What masking, scrubbing and the
 * configuration's messages all read.
 */
function splitSecretFlags(words: readonly string[]): FlagWord[] {
  const split: FlagWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    // A flag after blanks (`'\ --amazonec2-secret-key'`) is judged as that flag: a secret masked
    // once too often is better than one shown.
    const blanks = word.slice(0, word.length - word.trimStart().length);
    const flag = word.slice(blanks.length);
    const eq = flag.indexOf('=');
    const name = flag.startsWith('-') ? (eq > 0 ? flag.slice(0, eq) : flag) : undefined;
    if (name !== undefined && eq > 0) {
      // --flag=value
      const value = flag.slice(eq + 1);
      const inner = SECRET_FLAG.test(name) ? { before: '', secret: value } : secretInValue(name, value);
      split.push(
        inner ? { ...inner, before: `${blanks}${name}=${inner.before}`, flag: name } : { before: word },
      );
    } else if (
      name !== undefined &&
      i + 1 < words.length &&
      (SECRET_FLAG.test(name) || secretInValue(name, words[i + 1]))
    ) {
      // --flag value: the next word is the value, whatever it looks like.
      const inner = SECRET_FLAG.test(name)
        ? { before: '', secret: words[i + 1] }
        : secretInValue(name, words[i + 1])!;
      split.push({ before: word }, { ...inner, flag: name });
      i += 1;
    } else {
      split.push(secretInValue(undefined, word) ?? { before: word });
    }
  }
  return split;
}

/** The words of a flag list, with every secret they carry replaced by the mask. */
export function maskSecretFlags(words: readonly string[]): string[] {
  return splitSecretFlags(words).map(({ before, secret, after = '' }) =>
    secret === undefined ? before : `${before}${MASK}${after}`,
  );
}

/** The secrets a flag list carries: what maskSecretFlags masks. */
export function secretFlagValues(words: readonly string[]): string[] {
  return splitSecretFlags(words).flatMap(({ secret }) => (secret === undefined ? [] : [secret]));
}

/**
 * For each word of a flag list, what it is when it carries a secret, for a message that must not
 * quote it: "the value of --amazonec2-secret-key", "a URL's password"; undefined for the others.
 */
export function secretWordNames(words: readonly string[]): (string | undefined)[] {
  return splitSecretFlags(words).map(({ secret, flag }) =>
    secret === undefined ? undefined : flag ? `the value of ${flag}` : "a URL's password",
  );
}

/**
 * A flag list as it is, for the code that runs the flags, that shows its secrets masked wherever it
 * is serialised or printed by accident: `JSON.stringify`, Jest's diffs (which copy an array through
 * its constructor and call toJSON), `util.inspect` and `console.log`. A spread copy (`[...words]`) is
 * a plain array again.
 */
export class MaskedFlagWords extends Array<string> {
  toJSON(): string[] {
    return maskSecretFlags(this);
  }

  [inspect.custom](_depth: number, options: InspectOptions): string {
    return inspect(maskSecretFlags(this), options);
  }
}

/** The words, as a MaskedFlagWords. */
export function withMaskedSecrets(words: readonly string[]): string[] {
  const masked = new MaskedFlagWords();
  masked.push(...words);
  return masked;
}
