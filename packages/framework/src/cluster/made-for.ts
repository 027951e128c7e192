import type { UcpEndpoint } from '../products/ucp/ucp';
import type { ClusterInfo, MadeFor } from './cluster-info';

type Addressed = ReadonlyArray<{ name: string; ip: string }>;

/** A cluster file written before `madeFor` existed: UCP was made for the machines it lists. */
export function madeForBefore(before: ClusterInfo | undefined): ClusterInfo['madeFor'] {
  if (!before) return undefined;
  return before.madeFor ?? (before.ucp ? { ucp: { addresses: addressesOf(before.machines) } } : undefined);
}

/** What a product made now, against the UCP instance `ucp` and from `image`, is made for. */
export function madeNow(machines: Addressed, ucp: Pick<UcpEndpoint, 'fingerprint'>, image: string): MadeFor {
  return { ucpFingerprint: ucp.fingerprint, addresses: addressesOf(machines), image };
}

function addressesOf(machines: Addressed): Record<string, string> {
  return Object.fromEntries(machines.map((m) => [m.name, m.ip]));
}

/** Machines now at another address than `madeFor` records (a restart with a new DHCP lease, say). */
export function movedSince(madeFor: MadeFor | undefined, now: Addressed): Set<string> {
  const was = madeFor?.addresses ?? {};
  return new Set(now.filter((m) => m.name in was && was[m.name] !== m.ip).map((m) => m.name));
}

/**
 * Why the replicas there cannot be kept: they know an older UCP or addresses that changed, or they
 * were made with another DTR image (DTR_TAG changed, or the lab's stand-in did). Reads `info.madeFor`
 * as the last run left it: call it before this run records UCP.
 */
export function replicasOutdated(
  info: ClusterInfo,
  ucp: Pick<UcpEndpoint, 'fingerprint'> & { installed: boolean },
  dtrImage: string,
): string | undefined {
  const made = info.madeFor?.dtr;
  if (made?.image && made.image !== dtrImage) return `the DTR image is now ${dtrImage} (was ${made.image})`;
  // Without a record of what the replicas were made for (a cluster file of an older dtr-ha), what
  // this run did to UCP decides.
  if (made ? made.ucpFingerprint !== ucp.fingerprint : ucp.installed) return 'UCP was installed again';
  const moved = movedSince(made ?? info.madeFor?.ucp, info.machines);
  return moved.size ? `${[...moved].join(', ')} changed address` : undefined;
}
