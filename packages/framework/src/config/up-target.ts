/**
 * How far `up` goes, as a position in its list of steps (cluster/steps): the machines only (tests of
 * the machine layer), up to UCP, or the whole cluster. It lives here, below cluster/, because the
 * configuration (DTR_HA_UNTIL) validates it and config is the lowest layer; cluster/steps checks its
 * list against these values.
 */
export const UP_TARGETS = ['machines', 'ucp', 'dtr'] as const;

export type UpTarget = (typeof UP_TARGETS)[number];

export function isUpTarget(value: string): value is UpTarget {
  return (UP_TARGETS as readonly string[]).includes(value);
}

/** "machines, ucp or dtr", for messages. */
export function describeUpTargets(): string {
  return `${UP_TARGETS.slice(0, -1).join(', ')} or ${UP_TARGETS[UP_TARGETS.length - 1]}`;
}

// Two ways in have a default, each for its own user; `up()` from code has none (it says `until`):

/** `dtr-ha up` without `--until`: the whole cluster, what someone typing the command wants. */
export const CLI_UNTIL_DEFAULT: UpTarget = 'dtr';

/**
 * DTR_HA_UNTIL's default, how far the Jest preset's globalSetup builds: up to UCP: machines and
 * UCP stay for every test file, and each file installs DTR of its own.
 */
export const PRESET_UNTIL_DEFAULT: UpTarget = 'ucp';
