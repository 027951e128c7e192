import type { Config } from './load';
import { currentValue } from './render';
import { secretFlagValues } from './secret-flags';
import { variables } from './schema';

/**
 * Every secret value of a configuration, for scrubbing what is written out (diagnostics), as the
 * schema marks them: the values of `secret` variables (REGISTRY_PASSWORD, UCP_ADMIN_PASSWORD, …) and
 * the values of the secret-looking flags of `secretFlags` ones (MACHINE_CREATE_FLAGS, the flags
 * `dtr-ha config` masks). `adminPassword` is the one in use when it may have been generated for the
 * cluster (UCP_ADMIN_PASSWORD unset): it is a secret too. Unset values and repeats are left out.
 */
export function secretValues(config: Config, adminPassword?: string): string[] {
  const secrets = new Set<string>();
  for (const spec of variables) {
    const value = currentValue[spec.name](config);
    if (value === undefined) continue;
    const words = typeof value === 'string' ? [value] : value;
    if (spec.secret) words.forEach((word) => secrets.add(word));
    else if (spec.secretFlags) secretFlagValues(words).forEach((secret) => secrets.add(secret));
  }
  if (adminPassword !== undefined) secrets.add(adminPassword);
  secrets.delete('');
  return [...secrets];
}
