/**
 * The names DTR gives what makes up a replica on its machine's engine, spelled here and nowhere else
 * in the framework: containers `dtr-<part>-<replica id>` (dtr-nginx-…, dtr-registry-…, dtr-phase2-…
 * while an install or join runs) and the registry volume `dtr-registry-<replica id>`. Names are the
 * state: a replica is found, faulted and reaped by them.
 *
 * The lab's DTR stand-in (lab/dtr-standin/rootfs/opt/dtr-standin/lib/names.js) follows these same
 * names with a copy of its own: it is plain JavaScript inside its image and stands in for the real DTR,
 * which has its own names, so it does not import this module.
 */

const replicaId = '[0-9a-f]{12}';

/** A DTR replica ID as the reference requires: 12 hexadecimal digits. */
export const replicaIdPattern = new RegExp(`^${replicaId}$`);

/** Replica `id`'s container of one part: `dtr-<part>-<id>`. */
export function replicaContainer(part: string, id: string): string {
  return `dtr-${part}-${id}`;
}

/** The replica's front: a replica is on a machine while its `dtr-nginx-<id>` container is. */
export function nginxContainer(id: string): string {
  return replicaContainer('nginx', id);
}

/** The replica's registry storage, the only volume of a replica: made shared storage before DTR runs. */
export function registryVolume(id: string): string {
  return `dtr-registry-${id}`;
}

/** The load balancer in front of the replicas: ours, not DTR's, but named like DTR's containers. */
export const haproxyContainer = 'dtr-haproxy';

/** A container or volume name of DTR's or of its load balancer (`dtr-…`, with or without the API's `/`). */
export function isDtrName(name: string): boolean {
  return /^\/?dtr-/.test(name);
}

/** Replica `id`'s containers, whatever their part, as the Engine API lists them (`/dtr-…`) or not. */
export function replicaContainerPattern(id: string): RegExp {
  return new RegExp(`^/?dtr-[a-z0-9-]+-${id}$`);
}

const anyReplicaContainer = new RegExp(`^/?dtr-([a-z0-9-]+)-(${replicaId})$`);

/** The part and replica ID a container name stands for, or undefined for a name not of a replica. */
export function parseReplicaContainer(name: string): { part: string; id: string } | undefined {
  const match = anyReplicaContainer.exec(name);
  return match ? { part: match[1], id: match[2] } : undefined;
}

/** The replica ID of a `dtr-nginx-<id>` container name (the replica's front), or undefined. */
export function replicaOfNginx(name: string): string | undefined {
  const parsed = parseReplicaContainer(name);
  return parsed?.part === 'nginx' ? parsed.id : undefined;
}

/** Whether a container is an installer's second phase (`dtr-phase2-<id>`), there only while one runs. */
export function isPhase2Container(name: string): boolean {
  return parseReplicaContainer(name)?.part === 'phase2';
}

/**
 * The part and replica ID a volume name stands for: DTR names a replica's volumes as it names its
 * containers, `dtr-<part>-<id>` (dtr-ca-…, dtr-etcd-…, dtr-registry-…, dtr-rethink-…).
 */
export function parseReplicaVolume(name: string): { part: string; id: string } | undefined {
  return parseReplicaContainer(name);
}

/** The replica ID of a `dtr-registry-<id>` volume name, or undefined. */
export function replicaOfRegistryVolume(name: string): string | undefined {
  return new RegExp(`^dtr-registry-(${replicaId})$`).exec(name)?.[1];
}
