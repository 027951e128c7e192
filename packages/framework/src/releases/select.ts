/**
 * The release profile UCP_TAG and DTR_TAG choose. The pair check itself is config's
 * (config/release-pair.ts), so that loadConfig refuses a bad pair before anything is made; this maps
 * its verdict to a profile.
 */
import { ConfigError, checkReleasePair, type Config, type ConfigProblem } from '../config';
import { ucp11Dtr20 } from './ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from './ucp-3.x+dtr-2.7';

export type ReleaseProfile = typeof ucp11Dtr20 | typeof ucp3xDtr27;

/** Every profile; the lab's stand-ins are driven by the profile of the release they stand in for. */
export const releaseProfiles: readonly ReleaseProfile[] = [ucp11Dtr20, ucp3xDtr27];

export type ProfileSelection =
  | { ok: true; profile: ReleaseProfile }
  /** `message` is the line loadConfig would print: both variables, their values, the supported pairs. */
  | { ok: false; problem: ConfigProblem; message: string };

export function selectReleaseProfile(ucpTag: string, dtrTag: string): ProfileSelection {
  const check = checkReleasePair(ucpTag, dtrTag);
  if (!check.ok)
    return { ok: false, problem: check.problem, message: new ConfigError([check.problem]).message };
  const profile = releaseProfiles.find((p) => p.name === check.pair);
  // The table of pairs and the profiles are kept in step by select.test.ts.
  if (!profile) throw new Error(`no release profile for the supported pair ${check.pair}`);
  return { ok: true, profile };
}

/** The profile of a configuration; a ConfigError for a Config that did not come from loadConfig with a good pair. */
export function releaseProfileOf(config: Pick<Config, 'ucp' | 'dtr'>): ReleaseProfile {
  const selection = selectReleaseProfile(config.ucp.tag, config.dtr.tag);
  if (!selection.ok) throw new ConfigError([selection.problem]);
  return selection.profile;
}
