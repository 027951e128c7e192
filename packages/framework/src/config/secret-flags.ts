/**
 * Secret-looking flags in a flag list (MACHINE_CREATE_FLAGS: `--amazonec2-secret-key`, …): how they
 * are masked wherever a flag list is shown (`dtr-ha env`, a failed docker-machine command) and which
 * values scrubbing removes. One scan, so what is masked and what is scrubbed cannot disagree.
 */

/** How a set secret is shown. */
export const MASK = '********';
/** Flags of MACHINE_CREATE_FLAGS whose values are masked in `dtr-ha env` (e.g. --amazonec2-secret-key). */
const SECRET_FLAG = /secret|password|passwd|token|access-key|api-key|credential/i;

/**
 * Each word of a flag list as the part that may be shown and the secret it carries, if any: the value
 * of a secret-looking flag, `--flag=value` or `--flag value`. What masking and scrubbing both read.
 */
function splitSecretFlags(words: readonly string[]): { shown: string; secret?: string }[] {
  const split: { shown: string; secret?: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const eq = word.indexOf('=');
    if (word.startsWith('-') && eq > 0 && SECRET_FLAG.test(word.slice(0, eq))) {
      split.push({ shown: word.slice(0, eq + 1), secret: word.slice(eq + 1) });
    } else if (word.startsWith('-') && eq < 0 && SECRET_FLAG.test(word) && i + 1 < words.length) {
      split.push({ shown: word }, { shown: '', secret: words[i + 1] });
      i += 1;
    } else {
      split.push({ shown: word });
    }
  }
  return split;
}

/** The words of a flag list, with the values of secret-looking flags replaced by the mask. */
export function maskSecretFlags(words: readonly string[]): string[] {
  return splitSecretFlags(words).map(({ shown, secret }) =>
    secret === undefined ? shown : `${shown}${MASK}`,
  );
}

/** The values of the secret-looking flags of a flag list: what maskSecretFlags masks. */
export function secretFlagValues(words: readonly string[]): string[] {
  return splitSecretFlags(words).flatMap(({ secret }) => (secret === undefined ? [] : [secret]));
}
