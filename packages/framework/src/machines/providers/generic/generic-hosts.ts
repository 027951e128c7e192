import { promises as dns } from 'node:dns';
import * as net from 'node:net';
import { ConfigError, type ConfigProblem } from '../../../config';

/** One entry of GENERIC_MACHINE_LIST with the address the cluster reaches it at. */
export interface GenericHost {
  /** As listed: an IPv4 address or a host name. */
  host: string;
  /** The IPv4 address: the host itself when it is one, else what its name resolved to. */
  ip: string;
}

/** dns.promises.lookup's shape, as far as it is used here (a test passes its own). */
export type HostLookup = (hostname: string, options: { family: 4 }) => Promise<{ address: string }>;

/**
 * getaddrinfo cannot be cancelled, and a resolver that does not answer can hold it for a long time:
 * past this the host is refused (a configuration problem) rather than waited for.
 */
const DEFAULT_LOOKUP_TIMEOUT_MS = 10_000;

/**
 * Resolves each host name of GENERIC_MACHINE_LIST to an IPv4 address, before anything is made: an
 * engine's server certificate, UCP's `--host-address`, HAProxy's server lines all need an address,
 * and a name that does not resolve would otherwise be found only half way through `up`. IPv4 only,
 * as the list takes IPv4 addresses: the framework writes machine addresses into `host:port` forms
 * that an IPv6 address would need brackets in. Names are resolved once, here, so SSH, the engine
 * and UCP all reach the one address the certificate names. Throws one ConfigError naming
 * GENERIC_MACHINE_LIST with every host that does not resolve, and every two entries that are the
 * same address.
 */
export async function resolveGenericHosts(
  hosts: readonly string[],
  options: { lookup?: HostLookup; timeoutMs?: number } = {},
): Promise<GenericHost[]> {
  const lookup = options.lookup ?? dns.lookup;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;
  const problems: ConfigProblem[] = [];
  const problem = (message: string) => problems.push({ variable: 'GENERIC_MACHINE_LIST', message });

  const resolved = await Promise.all(
    hosts.map(async (host): Promise<GenericHost | undefined> => {
      if (net.isIPv4(host)) return { host, ip: host };
      try {
        const { address } = await withTimeout(lookup(host, { family: 4 }), timeoutMs);
        // A lookup of family 4 gives an IPv4 address; a stand-in lookup is checked all the same.
        if (!net.isIPv4(address)) throw new Error(`it gave ${JSON.stringify(address)}`);
        return { host, ip: address };
      } catch (error) {
        problem(
          `host ${JSON.stringify(host)} does not resolve to an IPv4 address (${reasonOf(error, timeoutMs)}): ` +
            'list its address, or a name this machine can resolve',
        );
        return undefined;
      }
    }),
  );

  const byIp = new Map<string, string[]>();
  for (const entry of resolved) {
    if (entry) byIp.set(entry.ip, [...(byIp.get(entry.ip) ?? []), entry.host]);
  }
  for (const [ip, same] of byIp) {
    if (same.length > 1) {
      problem(
        `${same.map((h) => JSON.stringify(h)).join(' and ')} are the same host (${ip}): list each host once`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved as GenericHost[];
}

class LookupTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LookupTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof LookupTimeout) return `no answer within ${timeoutMs / 1000} s`;
  const code = (error as NodeJS.ErrnoException).code;
  // getaddrinfo's codes, said as what they mean to someone fixing the list.
  if (code === 'ENOTFOUND' || code === 'ENODATA') return 'no such name, or no IPv4 address for it';
  if (code === 'EAI_AGAIN') return 'the resolver did not answer; try again';
  return error instanceof Error ? error.message : String(error);
}
