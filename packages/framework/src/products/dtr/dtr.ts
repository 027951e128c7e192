import { randomBytes } from 'node:crypto';
import type { Constraint } from '../../config';
import { describeCommand, runToCompletion } from '../../engine/run-to-completion';
import type { Machine } from '../../machines/machine';
import type { UcpEndpoint } from '../ucp/ucp';
import { replicaOfNginx } from './names';

/** What every DTR command needs: the installer image and how to reach UCP. */
export interface DtrAccess {
  image: string;
  ucp: Pick<UcpEndpoint, 'url' | 'caPem'>;
  ucpUsername: string;
  ucpPassword: string;
}

export interface DtrSettings extends DtrAccess {
  /** `https://<load balancer host>[:port]`: what clients use, so DTR's certificate names it. */
  externalUrl: string;
  /** The certificate DTR serves (ours, so every client can trust it from the start). */
  tls: { caPem: string; certPem: string; keyPem: string };
  /** DTR_CONSTRAINTS: passed as --extra-envs, which the reference says cannot go with --ucp-node. */
  constraints: Constraint[];
  httpPort: number;
  httpsPort: number;
}

export interface DtrReplica {
  id: string;
  machine: Machine;
}

const socketBind = '/var/run/docker.sock:/var/run/docker.sock';

/** A DTR replica ID as the reference requires: 12 hexadecimal digits. */
export function newReplicaId(): string {
  return randomBytes(6).toString('hex');
}

/** The flags every DTR command takes to reach UCP. */
function ucpFlags(settings: DtrAccess): string[] {
  return [
    '--ucp-url',
    settings.ucp.url,
    '--ucp-username',
    settings.ucpUsername,
    '--ucp-password',
    settings.ucpPassword,
    // The CA we checked against `ucp fingerprint`: never --ucp-insecure-tls.
    '--ucp-ca',
    settings.ucp.caPem,
  ];
}

/** Where the replica goes: --ucp-node, or the node as one more swarm constraint when there are some. */
function placementFlags(settings: DtrSettings, node: string): string[] {
  if (settings.constraints.length) {
    // Swarm constraints select the node: DTR_CONSTRAINTS plus this node's name.
    const envs = [...settings.constraints, { key: 'node', operator: '==', value: node } as Constraint]
      .map((c) => `constraint:${c.key}${c.operator}${c.value}`)
      .join('&');
    return ['--extra-envs', envs];
  }
  return ['--ucp-node', node];
}

export function dtrInstallArgs(settings: DtrSettings, replica: { id: string; node: string }): string[] {
  return [
    'install',
    ...ucpFlags(settings),
    ...placementFlags(settings, replica.node),
    '--replica-id',
    replica.id,
    '--dtr-external-url',
    settings.externalUrl,
    '--replica-http-port',
    String(settings.httpPort),
    '--replica-https-port',
    String(settings.httpsPort),
    '--dtr-ca',
    settings.tls.caPem,
    '--dtr-cert',
    settings.tls.certPem,
    '--dtr-key',
    settings.tls.keyPem,
  ];
}

export function dtrJoinArgs(
  settings: DtrSettings,
  replica: { id: string; node: string },
  existingId: string,
): string[] {
  return [
    'join',
    ...ucpFlags(settings),
    ...placementFlags(settings, replica.node),
    '--existing-replica-id',
    existingId,
    '--replica-id',
    replica.id,
    '--replica-http-port',
    String(settings.httpPort),
    '--replica-https-port',
    String(settings.httpsPort),
  ];
}

/**
 * Takes replica `replicaId` out of the cluster through `existingId`, a healthy replica, as DTR's
 * disaster-recovery pages do with an unhealthy one. `--replica-id` is on the 2.0 page and is on the
 * 2.7 page as the (deprecated) alias of `--replica-ids`, so one command line serves both lines. No
 * `--force-remove`: the pages want it only when the two IDs are the same, which repair never asks.
 */
export function dtrRemoveArgs(settings: DtrAccess, replicaId: string, existingId: string): string[] {
  return ['remove', ...ucpFlags(settings), '--existing-replica-id', existingId, '--replica-id', replicaId];
}

/**
 * Removes a replica's containers and volumes without telling the cluster: only for a whole-cluster
 * teardown, and only where the release has the command (2.7 does; 2.0 has no destroy and uninstalls
 * with remove, replica by replica).
 */
export function dtrDestroyArgs(settings: DtrAccess, replicaId: string): string[] {
  return ['destroy', '--replica-id', replicaId, ...ucpFlags(settings)];
}

/**
 * The node name UCP knows a machine by, for `--ucp-node` and the `node==` constraint: its engine's
 * hostname as `docker info` reports it (the reference: "the hostname of the UCP node"). That is not
 * the machine's name in general (a docker-machine VM or a generic host has its own hostname); lab
 * nodes happen to be given their machine's name as hostname.
 */
export async function ucpNodeName(machine: Pick<Machine, 'name' | 'getClient'>): Promise<string> {
  const { Name: name } = (await machine.getClient().info()) as { Name?: unknown };
  if (typeof name !== 'string' || !name)
    throw new Error(`the engine of ${machine.name} reported no hostname (docker info: Name)`);
  return name;
}

/**
 * The install (no `existingId`) or join command line of a new replica on `machine`, placed on the
 * node its engine names.
 */
export async function newReplicaArgs(
  settings: DtrSettings,
  machine: Pick<Machine, 'name' | 'getClient'>,
  id: string,
  existingId?: string,
): Promise<string[]> {
  const replica = { id, node: await ucpNodeName(machine) };
  return existingId === undefined
    ? dtrInstallArgs(settings, replica)
    : dtrJoinArgs(settings, replica, existingId);
}

/** On the DTR installer's container: DTR's reference gives it no name, so a label finds one left running. */
export const dtrInstallerLabel = { 'dtr-ha.role': 'dtr-installer' } as const;

export async function runDtr(machine: Machine, image: string, args: string[]): Promise<string> {
  const result = await runToCompletion(machine.getClient(), {
    image,
    cmd: args,
    binds: [socketBind],
    labels: { ...dtrInstallerLabel },
  });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `dtr ${describeCommand(args.slice(0, 1))} on ${machine.name} exited with ${result.code}: ${tail}`,
    );
  }
  return result.stdout;
}

/** Replicas found from container names (`dtr-nginx-<id>`): names are the state, no database. */
export async function findReplicas(machines: Machine[]): Promise<DtrReplica[]> {
  const found: DtrReplica[] = [];
  for (const machine of machines) {
    const containers = await machine.getClient().listContainers({ all: true });
    for (const c of containers) {
      const id = c.Names.map(replicaOfNginx).find(Boolean);
      if (id) found.push({ id, machine });
    }
  }
  return found;
}
