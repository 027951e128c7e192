import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import axios from 'axios';

/** The Debian release the lab's images are bootstrapped from. */
export const debianSuite = 'bookworm';

/**
 * Debian's release names and aliases, which tell a Debian archive from another distribution's in
 * an apt source (an Ubuntu archive has no bookworm: debootstrap fails there after minutes).
 */
const debianSuites = new Set([
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'sid',
  'oldoldstable',
  'oldstable',
  'stable',
  'testing',
  'unstable',
  'experimental',
]);

/** One `deb` source of an apt sources file: where its archive is and which suites it names. */
export interface AptSource {
  file: string;
  uri: string;
  suites: string[];
}

/** The `deb` sources of one file: deb822 (`*.sources`: URIs, Suites, Types) or one-line (`*.list`). */
export function parseAptSources(file: string, text: string): AptSource[] {
  if (file.endsWith('.sources')) {
    return text
      .split(/\n\s*\n/)
      .map((stanza) => {
        const field = (name: string) =>
          new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/).filter(Boolean) ??
          [];
        const enabled = !/^Enabled:\s*no\b/im.test(stanza);
        return { types: field('Types'), uris: field('URIs'), suites: field('Suites'), enabled };
      })
      .filter((s) => s.enabled && s.types.includes('deb'))
      .flatMap((s) => s.uris.map((uri) => ({ file, uri, suites: s.suites })));
  }
  return [...text.matchAll(/^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/gm)].map(([, uri, suite]) => ({
    file,
    uri,
    suites: [suite],
  }));
}

/** A suite without its pocket: `bookworm-updates` → `bookworm`, `stable-security` → `stable`. */
const baseSuite = (suite: string) => suite.replace(/-(updates|security|backports|proposed-updates)$/, '');

/**
 * The mirror to bootstrap from among this machine's apt sources: the first Debian archive (one
 * whose suites are Debian's) that is not only a security archive (that has no `dists/bookworm`).
 * Otherwise why none fits, naming what was found, for an error that says to set DTR_HA_DEBIAN_MIRROR.
 */
export function pickDebianMirror(
  sources: AptSource[],
): { mirror: string; file: string } | { problem: string } {
  const debian = sources.filter((s) => s.suites.some((suite) => debianSuites.has(baseSuite(suite))));
  const archive = debian.find((s) => !s.suites.every((suite) => /-security$/.test(suite)));
  if (archive) return { mirror: archive.uri, file: archive.file };
  if (debian.length) {
    return {
      problem: `the Debian sources found are security archives only (${debian[0].uri} in ${debian[0].file})`,
    };
  }
  if (sources.length) {
    const first = sources[0];
    return {
      problem:
        `the apt sources here are not Debian's (${first.suites.join(', ')} at ${first.uri} in ${first.file}: ` +
        `${/ubuntu/i.test(first.uri) ? 'Ubuntu, which' : 'a distribution that'} has no Debian ${debianSuite})`,
    };
  }
  return { problem: 'no apt source was found' };
}

/** The apt sources files of this machine, in the order apt reads them. */
async function aptSourcesFiles(): Promise<string[]> {
  const dir = '/etc/apt/sources.list.d';
  const entries = (await fs.readdir(dir).catch(() => [] as string[])).sort();
  return [
    '/etc/apt/sources.list',
    ...entries
      .filter((name) => name.endsWith('.sources') || name.endsWith('.list'))
      .map((n) => path.join(dir, n)),
  ];
}

/**
 * The Debian mirror to bootstrap from: DTR_HA_DEBIAN_MIRROR when set, else the first Debian archive
 * of this machine's own apt sources (we never write an archive's host into the repository).
 */
export async function findDebianMirror(explicit?: string): Promise<string> {
  const found = await locateDebianMirror(explicit);
  if ('problem' in found) {
    throw new Error(
      `cannot find a Debian mirror to build the lab images: ${found.problem}. Set DTR_HA_DEBIAN_MIRROR to ` +
        `the URL of a Debian mirror (one that serves dists/${debianSuite}/Release)`,
    );
  }
  return found.mirror;
}

/** Where findDebianMirror takes its mirror from (`DTR_HA_DEBIAN_MIRROR` or a file), or why none fits. */
export async function locateDebianMirror(
  explicit?: string,
): Promise<{ mirror: string; file: string } | { problem: string }> {
  if (explicit) return { mirror: explicit, file: 'DTR_HA_DEBIAN_MIRROR' };
  const sources: AptSource[] = [];
  for (const file of await aptSourcesFiles()) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    sources.push(...parseAptSources(file, text));
  }
  return pickDebianMirror(sources);
}

/**
 * Whether `mirror` serves the lab's suite: its `dists/<suite>/Release` answers 200. Resolves to
 * undefined when it does, else to why not (the status, or the error of the request).
 */
export async function mirrorMissingSuite(mirror: string, timeoutMs = 10_000): Promise<string | undefined> {
  const url = `${mirror.replace(/\/+$/, '')}/dists/${debianSuite}/Release`;
  try {
    const response = await axios.head(url, {
      timeout: timeoutMs,
      validateStatus: () => true,
      maxRedirects: 5,
    });
    return response.status === 200 ? undefined : `${url} answers ${response.status}`;
  } catch (error) {
    return `${url}: ${(error as Error).message}`;
  }
}

/**
 * The debootstrap program: the one on PATH, else /usr/sbin's (Debian installs it there, which a
 * user's PATH often lacks). Undefined when neither exists.
 */
export async function findDebootstrap(envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const dirs = [...envPath.split(path.delimiter).filter(Boolean), '/usr/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'debootstrap');
    const executable = await fs
      .access(candidate, constants.X_OK)
      .then(() => true)
      .catch(() => false);
    if (executable) return candidate;
  }
  return undefined;
}
