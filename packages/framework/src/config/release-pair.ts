/**
 * Which UCP and DTR releases the framework can drive, judged from UCP_TAG and DTR_TAG alone. Only the
 * parsing of a tag and the table of supported pairs live here, so that the configuration (the lowest
 * layer that knows the variables) refuses a pair before anything is made; `releases/` builds each
 * pair's profile (contracts, command lines) on top of this table.
 */

/**
 * The tags of the local lab's stand-in images, one per release line, and the default UCP_TAG and
 * DTR_TAG (UCP 1.1 with DTR 2.0, the original framework's pair). A stand-in's tag is a release
 * version with the suffix `-standin`, so it selects its release's profile as the real tag would:
 * the framework drives a stand-in exactly as it drives that release.
 */
export const STANDIN_TAGS = {
  'ucp-1.1+dtr-2.0': { ucp: '1.1.0-standin', dtr: '2.0.0-standin' },
  'ucp-3.x+dtr-2.7': { ucp: '3.2.0-standin', dtr: '2.7.0-standin' },
} as const;
export const DEFAULT_UCP_TAG = STANDIN_TAGS['ucp-1.1+dtr-2.0'].ucp;
export const DEFAULT_DTR_TAG = STANDIN_TAGS['ucp-1.1+dtr-2.0'].dtr;

/** A release tag read as `MAJOR.MINOR.PATCH[-suffix]`: `1.1.0-rc1`, `2.0.0-rc1-004459_gd48039b`, `3.2.5`. */
export interface ReleaseVersion {
  major: number;
  minor: number;
  patch: number;
  /** What follows the first `-`, as written (`rc1-004459_gd48039b`); absent for a final release. */
  suffix?: string;
}

// Not a semver parser: Docker's development tags put `_` in the suffix (`2.0.0-rc1-004459_gd48039b`),
// which semver refuses, and semver's coerce would accept nearly anything with a digit in it. The
// suffix takes what a Docker tag allows; the three numbers are what the release lines are told by.
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([A-Za-z0-9_.-]+))?$/;

/** The version a tag names, or undefined for a tag that is not `MAJOR.MINOR.PATCH[-suffix]`. */
export function parseReleaseTag(tag: string): ReleaseVersion | undefined {
  const match = VERSION.exec(tag);
  if (!match) return undefined;
  const version: ReleaseVersion = {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
  };
  if (match[4] !== undefined) version.suffix = match[4];
  return version;
}

/** One product's release line within a pair: a major version, and a minor one where the line is one minor. */
export interface ReleaseLine {
  product: 'UCP' | 'DTR';
  /** As contracts names the line: '1.1', '2.0', '3.x', '2.7'. */
  line: string;
  major: number;
  /** Absent for a line that spans a whole major version (UCP 3.x). */
  minor?: number;
}

export type ReleasePairName = 'ucp-1.1+dtr-2.0' | 'ucp-3.x+dtr-2.7';

export interface SupportedPair {
  name: ReleasePairName;
  ucp: ReleaseLine;
  dtr: ReleaseLine;
}

/** The pairs the reference pages were transcribed for (contracts), and no others. */
export const supportedPairs: readonly SupportedPair[] = [
  {
    name: 'ucp-1.1+dtr-2.0',
    ucp: { product: 'UCP', line: '1.1', major: 1, minor: 1 },
    dtr: { product: 'DTR', line: '2.0', major: 2, minor: 0 },
  },
  {
    name: 'ucp-3.x+dtr-2.7',
    ucp: { product: 'UCP', line: '3.x', major: 3 },
    dtr: { product: 'DTR', line: '2.7', major: 2, minor: 7 },
  },
];

/** 'UCP 1.1.x', 'UCP 3.x'. */
export function describeLine(line: ReleaseLine): string {
  return `${line.product} ${line.minor === undefined ? `${line.major}.x` : `${line.major}.${line.minor}.x`}`;
}

function inLine(line: ReleaseLine, version: ReleaseVersion): boolean {
  return version.major === line.major && (line.minor === undefined || version.minor === line.minor);
}

/** 'UCP 1.1.x with DTR 2.0.x, UCP 3.x with DTR 2.7.x'. */
export function describeSupportedPairs(): string {
  return supportedPairs.map((p) => `${describeLine(p.ucp)} with ${describeLine(p.dtr)}`).join(', ');
}

type TagVariable = 'UCP_TAG' | 'DTR_TAG';

/** 'UCP_TAG=1.1.0-standin DTR_TAG=2.0.0-standin, …'. */
export function standinPairs(): string {
  return Object.values(STANDIN_TAGS)
    .map((t) => `UCP_TAG=${t.ucp} DTR_TAG=${t.dtr}`)
    .join(', ');
}

/**
 * A problem between UCP_TAG and DTR_TAG, in the shape of config's ConfigProblem (which this module
 * cannot import: load.ts imports it): the first variable, and the other one in `also`.
 */
export interface ReleasePairProblem {
  variable: TagVariable;
  value: string;
  also: { variable: TagVariable; value: string }[];
  message: string;
}

export type ReleasePairCheck =
  | { ok: true; pair: ReleasePairName; ucp: ReleaseVersion; dtr: ReleaseVersion }
  | { ok: false; problem: ReleasePairProblem };

/**
 * Whether UCP_TAG and DTR_TAG make a pair the framework can drive: both the lab's stand-ins, or
 * releases of one supported pair. A refusal names both variables and their values, says why, and
 * lists what is supported.
 */
export function checkReleasePair(ucpTag: string, dtrTag: string): ReleasePairCheck {
  const why: string[] = [];
  let ucp: ReleaseVersion | undefined;
  let dtr: ReleaseVersion | undefined;
  for (const [variable, tag, lines] of [
    ['UCP_TAG', ucpTag, supportedPairs.map((p) => p.ucp)],
    ['DTR_TAG', dtrTag, supportedPairs.map((p) => p.dtr)],
  ] as const) {
    const version = parseReleaseTag(tag);
    if (!version) {
      why.push(
        `${variable} is not a release version (MAJOR.MINOR.PATCH, optionally -suffix: 3.2.5, 1.1.0-rc1)`,
      );
    } else if (!lines.some((line) => inLine(line, version))) {
      why.push(`${lines[0].product} ${version.major}.${version.minor} is not a supported release`);
    }
    if (variable === 'UCP_TAG') ucp = version;
    else dtr = version;
  }
  if (why.length === 0 && ucp && dtr) {
    const pair = supportedPairs.find((p) => inLine(p.ucp, ucp!) && inLine(p.dtr, dtr!));
    if (pair) return { ok: true, pair: pair.name, ucp, dtr };
    const ucpLine = supportedPairs.find((p) => inLine(p.ucp, ucp!))!;
    why.push(
      `${describeLine(ucpLine.ucp)} goes with ${describeLine(ucpLine.dtr)}, not DTR ${dtr.major}.${dtr.minor}`,
    );
  }
  return {
    ok: false,
    problem: {
      variable: 'UCP_TAG',
      value: ucpTag,
      also: [{ variable: 'DTR_TAG', value: dtrTag }],
      message:
        `not a supported pair (${why.join('; ')}); supported are ${describeSupportedPairs()} ` +
        `(the lab's stand-ins: ${standinPairs()})`,
    },
  };
}
