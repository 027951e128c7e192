import { randomBytes } from 'node:crypto';
import type { Constraint } from '../../config';
import { describeCommand, runToCompletion } from '../../engine/run-to-completion';
import type { Machine } from '../../machines/machine';
import type { UcpEndpoint } from '../ucp/ucp';
import { replicaOfNginx } from './names';
import type { CommandLine, DtrNewReplicaSettings, ReleaseDriver } from '../../releases';

/** What every DTR command needs: the installer image, how to reach UCP, the release's command lines. */
export interface DtrAccess {
  image: string;
  ucp: Pick<UcpEndpoint, 'url' | 'caPem'>;
  ucpUsername: string;
  ucpPassword: string;
  driver: ReleaseDriver['dtr'];
}

export interface DtrSettings extends DtrAccess {
  /** `https://<load balancer host>[:port]`: what clients use, so DTR's certificate names it. */
  externalUrl: string;
  /** The certificate DTR serves where the release's install takes one (ours, trusted from the start). */
  tls: { caPem: string; certPem: string; keyPem: string };
  /** DTR_CONSTRAINTS: --extra-envs where the release has it; the replica machines were chosen by them. */
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

/** How every DTR command reaches UCP, in the releases' settings. */
export function ucpAccess(access: DtrAccess) {
  return {
    ucpUrl: access.ucp.url,
    // The CA we checked on the controller's engine: never --ucp-insecure-tls.
    ucpCaPem: access.ucp.caPem,
    ucpUsername: access.ucpUsername,
    ucpPassword: access.ucpPassword,
  };
}

/** The settings of a new replica `id` on UCP node `node`, joining through `existingId` if given. */
export function newReplicaSettings(
  settings: DtrSettings,
  replica: { id: string; node: string },
  existingId?: string,
): DtrNewReplicaSettings {
  const external = new URL(settings.externalUrl);
  return {
    ...ucpAccess(settings),
    replicaId: replica.id,
    node: replica.node,
    httpPort: settings.httpPort,
    httpsPort: settings.httpsPort,
    constraints: settings.constraints,
    external: { host: external.hostname, ...(external.port ? { port: Number(external.port) } : {}) },
    tls: settings.tls,
    ...(existingId === undefined ? {} : { existingReplicaId: existingId }),
  };
}

/**
 * Takes replica `replicaId` out of the cluster through `existingId`, a healthy replica, as DTR's
 * disaster-recovery pages do with an unhealthy one; with the two the same, the last replica.
 */
export function dtrRemoveLine(access: DtrAccess, replicaId: string, existingId: string): CommandLine {
  return access.driver.remove({ ...ucpAccess(access), replicaId, existingReplicaId: existingId });
}

/**
 * Removes a replica's containers and volumes without telling the cluster, where the release has
 * the command (2.7); undefined where it has not (2.0).
 */
export function dtrDestroyLine(access: DtrAccess, replicaId: string): CommandLine | undefined {
  return access.driver.destroy?.({ ...ucpAccess(access), replicaId });
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
export async function newReplicaLine(
  settings: DtrSettings,
  machine: Pick<Machine, 'name' | 'getClient'>,
  id: string,
  existingId?: string,
): Promise<CommandLine> {
  const replica = newReplicaSettings(settings, { id, node: await ucpNodeName(machine) }, existingId);
  return existingId === undefined
    ? settings.driver.install(replica)
    : settings.driver.join({ ...replica, existingReplicaId: existingId });
}

/** On the DTR installer's container: DTR's reference gives it no name, so a label finds one left running. */
export const dtrInstallerLabel = { 'dtr-ha.role': 'dtr-installer' } as const;

export async function runDtr(machine: Machine, image: string, line: CommandLine): Promise<string> {
  const args = line.args;
  const result = await runToCompletion(machine.getClient(), {
    image,
    cmd: args,
    // The UCP password and DTR's key, where the release names a variable for them (2.7).
    env: Object.entries(line.env).map(([k, v]) => `${k}=${v}`),
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

/** A name the remote shell may hold a variable's value in. */
const shellName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The remote shell script of `runDtrPiped` and what goes on its stdin: every word of the `docker
 * run` (image and arguments) and every variable's value, base64, one a line, read into shell
 * variables, so that none is on any command line (the script has only their names); then `input`,
 * base64, which is decoded into the installer's stdin. The installer's stdout comes back base64;
 * its logs are its stderr.
 */
export function pipedDtrScript(
  image: string,
  line: CommandLine,
  options: { input?: Buffer; logs?: boolean } = {},
): { script: string; stdin: string } {
  const words = [image, ...line.args];
  const env = Object.entries(line.env);
  for (const [name] of env) {
    if (!shellName.test(name)) throw new Error(`not a variable name for the installer: ${name}`);
  }
  const encoded = (value: string) => `${Buffer.from(value).toString('base64')}\n`;
  // `$(v)` would drop a value's trailing newlines (a PEM's): the x kept after it holds them.
  const read = (name: string) => `${name}=$(v); ${name}=\${${name}%x}`;
  const script = [
    'set -e',
    `v() { IFS= read -r l; printf '%s' "$l" | base64 -d; printf x; }`,
    ...words.map((_, i) => read(`w${i}`)),
    ...env.map(([name]) => `${read(name)}; export ${name}`),
    `d=$(mktemp -d); trap 'rm -rf "$d"' EXIT`,
    [
      options.input ? 'base64 -d |' : '',
      'docker run -i --rm',
      // The backup holds private keys: the 2.7 backup page runs it with --log-driver none.
      options.logs === false ? '--log-driver none' : '',
      `-v ${socketBind}`,
      ...Object.entries(dtrInstallerLabel).map(([k, v]) => `--label ${k}=${v}`),
      ...env.map(([name]) => `-e ${name}`),
      ...words.map((_, i) => `"$w${i}"`),
      options.input ? '' : '< /dev/null',
      '> "$d/out"',
    ]
      .filter(Boolean)
      .join(' '),
    'base64 "$d/out"',
  ].join('\n');
  const stdin = [
    ...words.map(encoded),
    ...env.map(([, value]) => encoded(value)),
    options.input ? options.input.toString('base64') : '',
  ].join('');
  return { script, stdin };
}

/**
 * Runs a DTR command whose page pipes a tar through it, as the page runs it: `docker run -i --rm …
 * backup > backup.tar`, `… restore < backup.tar`, with the docker CLI on the machine over SSH (the
 * Engine API gives a container no stdin the framework can close cleanly: dockerode's attach writes
 * its own options into it). Nothing secret is on a command line (`pipedDtrScript`); `logs: false`
 * keeps the output out of the engine's logs. Resolves to the installer's stdout.
 */
export async function runDtrPiped(
  machine: Machine,
  image: string,
  line: CommandLine,
  options: { input?: Buffer; logs?: boolean } = {},
): Promise<Buffer> {
  const { script, stdin } = pipedDtrScript(image, line, options);
  const result = await machine.ssh(script, { stdin });
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`dtr ${line.args[0]} on ${machine.name} exited with ${result.code}: ${tail}`);
  }
  return Buffer.from(result.stdout, 'base64');
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
