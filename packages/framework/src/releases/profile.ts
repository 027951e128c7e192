/**
 * What a release profile is: the pair of releases it drives, and what differs between pairs. A real
 * profile reads every difference from its contracts (contracts) when this module is loaded,
 * so a difference the reference pages do not state cannot be written down by mistake: the lookups
 * below throw on anything the contract lacks.
 */
import type { ReleasePairName } from '../config';
import type { ReleaseDriver } from './driver';
import type { CommandSpec, DocsPath, EndpointSpec, ReleaseContract } from '../contracts';

export type { CommandLine } from './driver';

/** How a product's installer container is run, as its reference index page shows it. */
export interface Invocation {
  /** The container name the page gives it (`ucp`), or undefined where it gives none (DTR). */
  containerName?: string;
  /** Whether the page binds /var/run/docker.sock into it. */
  mountsDockerSocket: boolean;
}

/** The name patterns a product's pages give, `<replica_id>` standing for a replica's ID. */
export interface NamePatterns {
  containers: readonly string[];
  volumes: readonly string[];
  networks: readonly string[];
}

export interface ImageListing {
  ucp: readonly string[];
  dtr: readonly string[];
}

/** What differs between the pairs the framework drives. */
export interface ProfileTraits {
  /**
   * How a node joins UCP: 'ucp-join' runs the UCP image's `join` command (UCP 1.1); 'swarm-join'
   * is `docker swarm join` with a token from a manager (UCP 3.x has no join command).
   */
  ucpJoin: 'ucp-join' | 'swarm-join';
  /** The path that says whether one DTR replica is healthy. */
  dtrHealthPath: string;
  /** The path the load balancer checks on each replica. */
  haproxyCheckPath: string;
  /** Whether DTR has `destroy` (2.7); without it a replica is taken away only with `remove` (2.0). */
  dtrHasDestroy: boolean;
  /** Whether DTR's install takes --dtr-ca, --dtr-cert and --dtr-key (2.7), or makes its own certificate (2.0). */
  dtrInstallTakesTls: boolean;
  /** The commands that list the images each installer needs, or null where there are none (the stand-ins). */
  imageListing: ImageListing | null;
  invocation: { ucp: Invocation; dtr: Invocation };
  names: { ucp: NamePatterns; dtr: NamePatterns };
}

/** Real releases both have an `images` command. */
export type RealTraits = ProfileTraits & { imageListing: ImageListing };

/** A pair of real releases: its contracts, its traits (read from them) and its command builders. */
export interface ReleaseLineProfile<Commands> extends RealTraits {
  kind: 'release';
  name: ReleasePairName;
  /** One line for messages and docs. */
  summary: string;
  ucp: ReleaseContract;
  dtr: ReleaseContract;
  /** The command lines of this pair, from small settings objects. */
  commands: Commands;
  /** What products/ runs: the builders in the shape every pair shares. */
  driver: ReleaseDriver;
}

// ---- lookups in a contract, throwing on what it does not hold ------------------------------------

export function command(contract: ReleaseContract, name: string): CommandSpec {
  const found = contract.commands.find((c) => c.name === name);
  if (!found) throw new Error(`${contract.product} ${contract.line} has no command ${name}`);
  return found;
}

export function hasCommand(contract: ReleaseContract, name: string): boolean {
  return contract.commands.some((c) => c.name === name);
}

export function hasFlags(contract: ReleaseContract, commandName: string, flags: readonly string[]): boolean {
  const held = command(contract, commandName).flags.map((f) => f.name);
  return flags.every((flag) => held.includes(flag));
}

export function endpoint(contract: ReleaseContract, path: string): EndpointSpec {
  const found = contract.endpoints.find((e) => e.path === path);
  if (!found) throw new Error(`${contract.product} ${contract.line} documents no endpoint ${path}`);
  return found;
}

/**
 * The path a load balancer checks, as a rule of the contract states it (UCP and DTR's HA and load
 * balancer pages: "use `<path>` on each replica as the health check"). Throws when no rule names both.
 */
export function loadBalancerCheck(
  contract: ReleaseContract,
  path: string,
): { path: string; source: DocsPath } {
  const rule = contract.rules.find((r) => /load balancer/i.test(r.text) && r.text.includes(path));
  if (!rule)
    throw new Error(`no rule of ${contract.product} ${contract.line} has a load balancer check ${path}`);
  return { path, source: rule.source };
}

/** The installer's container as the reference index page runs it. */
export function invocationOf(contract: ReleaseContract): Invocation {
  const { usage } = contract.invocation;
  const name = /--name (\S+)/.exec(usage)?.[1];
  return {
    ...(name === undefined ? {} : { containerName: name }),
    mountsDockerSocket: usage.includes('/var/run/docker.sock:/var/run/docker.sock'),
  };
}

export function namesOf(contract: ReleaseContract): NamePatterns {
  const patterns = (kind: 'containers' | 'volumes' | 'networks') =>
    contract.names[kind].map((n) => n.pattern);
  return { containers: patterns('containers'), volumes: patterns('volumes'), networks: patterns('networks') };
}

/** `images` with the flag that makes it list instead of pull, where the page has one (UCP `--list`). */
export function imageListingOf(contract: ReleaseContract): string[] {
  return hasFlags(contract, 'images', ['--list']) ? ['images', '--list'] : ['images'];
}

/**
 * The traits of a pair of real releases, read from their contracts. `dtrHealthPath` is the one
 * endpoint (of those DTR documents) that the load balancer page says to check each replica with.
 */
export function traitsFrom(ucp: ReleaseContract, dtr: ReleaseContract, dtrHealthPath: string): RealTraits {
  const health = endpoint(dtr, dtrHealthPath);
  return {
    ucpJoin: hasCommand(ucp, 'join') ? 'ucp-join' : 'swarm-join',
    dtrHealthPath: health.path,
    haproxyCheckPath: loadBalancerCheck(dtr, health.path).path,
    dtrHasDestroy: hasCommand(dtr, 'destroy'),
    dtrInstallTakesTls: hasFlags(dtr, 'install', ['--dtr-ca', '--dtr-cert', '--dtr-key']),
    imageListing: { ucp: imageListingOf(ucp), dtr: imageListingOf(dtr) },
    invocation: { ucp: invocationOf(ucp), dtr: invocationOf(dtr) },
    names: { ucp: namesOf(ucp), dtr: namesOf(dtr) },
  };
}

// ---- building argument lists ----------------------------------------------------------------------

/** A flag and its value; `true` for a switch that is given, `false` or undefined for one that is not. */
export type Flag = readonly [name: string, value: string | number | boolean | undefined];

/** `[command, --flag, value, --switch, ...]`, in the order given, leaving out switches that are off. */
export function argsOf(commandName: string, flags: readonly Flag[]): string[] {
  const args = [commandName];
  for (const [name, value] of flags) {
    if (value === undefined || value === false) continue;
    args.push(name);
    if (value !== true) args.push(String(value));
  }
  return args;
}
