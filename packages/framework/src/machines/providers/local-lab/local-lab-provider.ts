import Docker from 'dockerode';
import pLimit from 'p-limit';
import { prepareHost, type HostContext } from '../../host-preparation';
import { ensureSshIdentity, type SshIdentity } from '../../../ssh/ssh-identity';
import type {
  EnsureOptions,
  EnsureResult,
  FoundMachine,
  MachinePowerSwitch,
  MachineRecord,
  MachineSpec,
  Progress,
  Provider,
  ProviderCapabilities,
  ProviderLog,
} from '../../types';
import type { ProviderRegistration } from '../registration';
import { ensureLabImage } from '../../../lab/lab-image';
import { labSharedDir } from '../../../lab/layout';
import { tarSingleFile } from '../../../util/tar';
import { ignoreMissing } from '../../../engine/ignore-missing';
import { copySeed, ensureEngineSeed } from './engine-seed';
import { demux } from '../../../engine/log-frames';
import { labPreflight } from './host-checks';
import { pingHostEngine } from '../../../engine/host-engine';
import { nodeHostConfig } from './node-host-config';

/** Labels are the lab's only state: they say which cluster, machine and role a resource belongs to. */
export const labels = {
  cluster: 'dtr-ha.cluster',
  machine: 'dtr-ha.machine',
  role: 'dtr-ha.role',
  index: 'dtr-ha.index',
  /** On the cluster's network: its subnet is ours, so each node has a fixed address (see below). */
  fixedAddresses: 'dtr-ha.fixed-addresses',
} as const;

/**
 * A node's address on a network with subnet `subnet`: the subnet's host number 10 + index. Fixed,
 * so a node that is stopped and started again (a host reboot, a restart of the host's dockerd) comes
 * back where UCP's and DTR's certificates and join records say it is; Docker would otherwise hand
 * out addresses in the order the nodes happen to start.
 */
export function nodeAddress(subnet: string, index: number): string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!match) throw new Error(`not an IPv4 subnet: ${JSON.stringify(subnet)}`);
  const [a, b, c, d, bits] = match.slice(1).map(Number);
  const hostNumber = 10 + index;
  if (bits > 30 || hostNumber >= 2 ** (32 - bits) - 1) {
    throw new Error(`subnet ${subnet} has no room for node ${index}`);
  }
  const base = (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) & (bits === 0 ? 0 : ~0 << (32 - bits));
  const address = (base >>> 0) + hostNumber;
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 255).join('.');
}

/** A node container that runs: how it came to, and (a new node) when its engine's state is written. */
interface NodeStart {
  id: string;
  action: 'created' | 'started' | 'reused';
  /** Settles once the engine seed is copied into the node's engine volume. */
  seeded?: Promise<void>;
}

export interface LocalLabOptions extends HostContext {
  prefix: string;
  hostDocker: Docker;
  identity: SshIdentity;
  debianMirror?: string;
  /** LAB_ENGINE_SEED: new nodes' engines start with the cluster's images (engine-seed.ts). */
  engineSeed: boolean;
}

/**
 * The lab's nodes are its own containers. They share the host's kernel, which has no NFS here: the
 * replicas share one volume, which NFS-Ganesha (userspace, its own image) exports as well.
 */
const localLabCapabilities: ProviderCapabilities = {
  ownsMachines: true,
  storage: 'lab-shared-volume',
  extraImages: ['nfs-ganesha'],
};

/**
 * The local lab: each machine is a container on this host's Docker engine running its own sshd and
 * dockerd, on a bridge network of its own cluster, so every code path that drives real hosts runs
 * for real on one box.
 */
export class LocalLabProvider implements Provider {
  readonly name = 'local';
  readonly capabilities = localLabCapabilities;
  private readonly docker: Docker;
  private readonly power: MachinePowerSwitch;

  constructor(private readonly options: LocalLabOptions) {
    this.docker = options.hostDocker;
    this.power = labPower(this.docker);
  }

  get networkName(): string {
    return `${this.options.prefix}-net`;
  }

  list(): Promise<FoundMachine[]> {
    return listLabMachines(this.docker, this.options.prefix);
  }

  async ensure(
    specs: MachineSpec[],
    progress: Progress = () => undefined,
    options: EnsureOptions = {},
  ): Promise<EnsureResult> {
    const found = new Map((await this.list()).map((m) => [m.name, m]));
    await this.refuseForeignContainers(specs, found);
    let image: Promise<string> | undefined;
    const nodeImage = () =>
      (image ??= ensureLabImage(this.docker, 'node', {
        debianMirror: this.options.debianMirror,
        progress,
      }).then((built) => built.tag));
    let seed: Promise<string | undefined> | undefined;
    const engineSeed = () =>
      (seed ??=
        this.options.engineSeed && options.images?.length
          ? nodeImage().then((node) =>
              ensureEngineSeed(this.docker, node, options.images!, nodeHostConfig, progress),
            )
          : Promise.resolve(undefined));
    if (specs.some((spec) => !found.has(spec.name))) await Promise.all([nodeImage(), engineSeed()]);
    if (found.size === 0) {
      // A new cluster: a shared volume left by an earlier one of this name holds its registry data.
      await this.removeVolume(this.sharedVolumeName);
    }
    const subnet = await this.ensureNetwork(found.size === 0);

    const actions: EnsureResult['actions'] = {};
    // Every node at once: creating one is mostly waiting on its sshd and dockerd.
    const limit = pLimit(8);
    const machines = await Promise.all(
      specs.map((spec) =>
        limit(async (): Promise<MachineRecord> => {
          const existing = found.get(spec.name);
          let record: MachineRecord;
          if (!existing) {
            record = await this.readyNode(
              spec,
              await this.createNode(spec, await nodeImage(), subnet, await engineSeed(), progress),
            );
            actions[spec.name] = 'created';
          } else {
            const action = existing.state === 'running' ? 'reused' : 'started';
            try {
              if (action === 'started') await this.docker.getContainer(existing.providerId!).start();
              record = await this.readyNode(spec, { id: existing.providerId!, action });
              actions[spec.name] = action;
            } catch (error) {
              // A node left half-made by a run that died (no key yet, never started, broken
              // engine setup) cannot be repaired from outside: it holds nothing worth keeping.
              progress(`${spec.name} does not answer (${(error as Error).message}): recreating it`);
              await this.removeNode(spec.name, existing.providerId!);
              record = await this.readyNode(
                spec,
                await this.createNode(spec, await nodeImage(), subnet, await engineSeed(), progress),
              );
              actions[spec.name] = 'created';
            }
          }
          progress(`${spec.name} ${actions[spec.name]} (${record.ip})`);
          return record;
        }),
      ),
    );
    return { machines, actions };
  }

  /** SSH answers and the engine answers over TLS with this cluster's certificates. */
  private async readyNode(spec: MachineSpec, node: NodeStart) {
    const { id, action } = node;
    const ip = await this.nodeIp(id);
    return prepareHost(
      spec,
      {
        ip,
        providerId: id,
        ssh: { host: ip, port: 22, user: 'root', privateKeyPath: this.options.identity.privateKeyPath },
      },
      this.options,
      // A restarted node's init starts dockerd again with the args it kept: give it a moment.
      { engineGraceMs: action === 'started' ? 20_000 : 0, engineStateWritten: node.seeded },
    );
  }

  private async removeNode(name: string, id: string): Promise<void> {
    await this.docker.getContainer(id).remove({ force: true, v: true });
    await this.removeVolume(this.volumeName(name));
    await this.options.knownHosts.forget(name);
  }

  async remove(names?: string[]): Promise<string[]> {
    const all = await this.list();
    const doomed = names ? all.filter((m) => names.includes(m.name)) : all;
    await Promise.all(doomed.map((m) => this.removeNode(m.name, m.providerId!)));
    if (doomed.length === all.length) {
      await this.docker.getNetwork(this.networkName).remove().catch(ignoreMissing);
      await this.removeVolume(this.sharedVolumeName);
    }
    return doomed.map((m) => m.name);
  }

  async collectLogs(): Promise<ProviderLog[]> {
    const logs: ProviderLog[] = [];
    for (const machine of await this.list()) {
      const container = this.docker.getContainer(machine.providerId!);
      const buffer = (await container.logs({
        stdout: true,
        stderr: true,
        timestamps: true,
      })) as unknown as Buffer;
      logs.push({ name: `${machine.name}.log`, text: demux(buffer) });
    }
    return logs;
  }

  get sharedVolumeName(): string {
    return `${this.options.prefix}-shared`;
  }

  stopMachine(name: string): Promise<void> {
    return this.power.stopMachine(name);
  }

  startMachine(name: string): Promise<void> {
    return this.power.startMachine(name);
  }

  private async removeVolume(name: string): Promise<void> {
    await this.docker.getVolume(name).remove().catch(ignoreMissing);
  }

  private volumeName(machine: string): string {
    return `${machine}-docker`;
  }

  /** A container that has a machine's name but not our labels was not made by us: never touch it. */
  private async refuseForeignContainers(
    specs: MachineSpec[],
    found: Map<string, FoundMachine>,
  ): Promise<void> {
    for (const spec of specs) {
      if (found.has(spec.name)) continue;
      const inspect = await this.docker
        .getContainer(spec.name)
        .inspect()
        .catch(() => undefined);
      if (inspect) {
        throw new Error(
          `a container named ${spec.name} exists but does not belong to dtr-ha cluster ${this.options.prefix}; ` +
            'remove it or choose another MACHINE_PREFIX',
        );
      }
    }
  }

  /**
   * The cluster's bridge network, with a subnet we set ourselves (Docker pins a container's address
   * only on such a network). Docker picks a free subnet for a network made without one; we make one
   * that way, read what it picked, and make the network again with that subnet set. Returns the
   * subnet, or undefined for a network an older dtr-ha made without one while nodes still use it.
   */
  private async ensureNetwork(noNodes: boolean): Promise<string | undefined> {
    const network = this.docker.getNetwork(this.networkName);
    const existing = await network.inspect().catch(ignoreMissing);
    if (existing?.Labels?.[labels.fixedAddresses]) return existing.Labels[labels.fixedAddresses];
    if (existing) {
      if (!noNodes) return undefined;
      await network.remove();
    }
    const clusterLabel = { [labels.cluster]: this.options.prefix };
    // Another network made between our probe and our own (by anyone on this engine) may take the
    // subnet first: Docker then refuses ours as overlapping, and a new probe picks another.
    for (let attempt = 1; ; attempt++) {
      await this.docker.createNetwork({ Name: this.networkName, Driver: 'bridge', Labels: clusterLabel });
      const picked = (await network.inspect()) as { IPAM?: { Config?: Array<{ Subnet?: string }> } };
      await network.remove();
      const subnet = picked.IPAM?.Config?.find((c) => c.Subnet?.includes('.'))?.Subnet;
      if (!subnet) throw new Error(`Docker gave network ${this.networkName} no IPv4 subnet`);
      try {
        await this.docker.createNetwork({
          Name: this.networkName,
          Driver: 'bridge',
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
          Labels: { ...clusterLabel, [labels.fixedAddresses]: subnet },
        });
        return subnet;
      } catch (error) {
        if (attempt === 3 || !/overlap/i.test((error as Error).message)) throw error;
      }
    }
  }

  private async createNode(
    spec: MachineSpec,
    image: string,
    subnet: string | undefined,
    seed: string | undefined,
    progress: Progress,
  ): Promise<NodeStart> {
    await this.options.knownHosts.forget(spec.name);
    const volume = this.volumeName(spec.name);
    // A node volume without its container is a leftover (a run that died between the two, a container
    // removed by hand). A new node must not start with an old node's engine state: its containers
    // (an old UCP controller, say) would come back with the wrong addresses.
    await this.removeVolume(volume);
    await this.docker.createVolume({
      Name: volume,
      Labels: { [labels.cluster]: this.options.prefix, [labels.machine]: spec.name },
    });
    // The copy runs while the node boots: its dockerd starts only once the engine setup has written
    // its arguments, and the setup waits for the copy first.
    const seeded = seed
      ? copySeed(this.docker, image, seed, volume).then((whole) => {
          if (!whole) progress(`the engine seed ${seed} is not whole: ${spec.name} gets its images sent`);
        })
      : undefined;
    // Until the setup waits for it, a failed copy must not count as unhandled.
    seeded?.catch(() => undefined);
    await this.docker.createVolume({
      Name: this.sharedVolumeName,
      Labels: { [labels.cluster]: this.options.prefix },
    });
    const container = await this.docker.createContainer({
      name: spec.name,
      Hostname: spec.name,
      Image: image,
      Labels: {
        [labels.cluster]: this.options.prefix,
        [labels.machine]: spec.name,
        [labels.role]: spec.role,
        [labels.index]: String(spec.index),
      },
      HostConfig: {
        ...nodeHostConfig([
          // overlay2 cannot stack on the container's own overlay root: /var/lib/docker is a volume.
          `${volume}:/var/lib/docker`,
          // One volume that every node of the cluster mounts: the lab's stand-in for an NFS export
          // (no kernel NFS here), which the storage step binds under each replica's registry volume.
          `${this.sharedVolumeName}:${labSharedDir}`,
        ]),
        NetworkMode: this.networkName,
      },
      ...(subnet && {
        NetworkingConfig: {
          EndpointsConfig: {
            [this.networkName]: { IPAMConfig: { IPv4Address: nodeAddress(subnet, spec.index) } },
          },
        },
      }),
    });
    // The cluster's public key goes in before the first boot, so sshd accepts us from its first second.
    await container.putArchive(
      await tarSingleFile('root/.ssh/authorized_keys', `${this.options.identity.publicKey}\n`, 0o600, [
        'root/.ssh',
      ]),
      { path: '/' },
    );
    await container.start();
    return { id: container.id, action: 'created', seeded };
  }

  private async nodeIp(id: string): Promise<string> {
    const info = await this.docker.getContainer(id).inspect();
    const ip = info.NetworkSettings.Networks[this.networkName]?.IPAddress;
    if (!ip) throw new Error(`${info.Name.replace(/^\//, '')} has no IP on ${this.networkName}`);
    return ip;
  }
}

const foundMachine = (c: Docker.ContainerInfo): FoundMachine => ({
  name: c.Labels[labels.machine],
  state: c.State === 'running' ? 'running' : 'stopped',
  providerId: c.Id,
});

const byMachineName = (a: FoundMachine, b: FoundMachine) =>
  a.name.localeCompare(b.name, undefined, { numeric: true });

/** The node containers of the lab cluster `prefix` on `docker`, by name; reads and makes nothing. */
export async function listLabMachines(docker: Docker, prefix: string): Promise<FoundMachine[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${labels.cluster}=${prefix}`] },
  });
  return containers.map(foundMachine).sort(byMachineName);
}

/** What one lab cluster has on an engine, found by the labels of its resources. */
export interface LabClusterResources {
  machines: FoundMachine[];
  networks: string[];
  volumes: string[];
}

/**
 * Every lab cluster on `docker`, whatever its prefix: the labels on its node containers, networks and
 * volumes say which cluster each belongs to (a cluster whose nodes are gone may have left a network or
 * volumes). Reads and makes nothing.
 */
export async function listLabClusters(docker: Docker): Promise<Map<string, LabClusterResources>> {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: { label: [labels.cluster, labels.machine] } }),
    docker.listNetworks({ filters: { label: [labels.cluster] } }),
    docker.listVolumes({ filters: { label: [labels.cluster] } }),
  ]);
  const clusters = new Map<string, LabClusterResources>();
  const of = (prefix: string) => {
    let found = clusters.get(prefix);
    if (!found) clusters.set(prefix, (found = { machines: [], networks: [], volumes: [] }));
    return found;
  };
  for (const c of containers) of(c.Labels[labels.cluster]).machines.push(foundMachine(c));
  for (const n of networks) of(n.Labels![labels.cluster]).networks.push(n.Name);
  for (const v of volumes.Volumes ?? []) of(v.Labels[labels.cluster]).volumes.push(v.Name);
  for (const found of clusters.values()) found.machines.sort(byMachineName);
  return clusters;
}

/**
 * Powering lab nodes off and on: a node is the container of its machine's name on the host's engine.
 * Started again, its init starts sshd and dockerd (with the TLS arguments it kept).
 */
export function labPower(docker: Docker): MachinePowerSwitch {
  return {
    stopMachine: async (name) => {
      await docker.getContainer(name).stop({ t: 2 });
    },
    startMachine: async (name) => {
      await docker.getContainer(name).start();
    },
  };
}

/** MACHINE_DRIVER=local. */
export const localLab: ProviderRegistration = {
  capabilities: localLabCapabilities,
  preflight: (hostDocker, config, progress) =>
    labPreflight(hostDocker, { setUpHost: config.labHostSetup, progress }),
  find: async (config, hostDocker) => {
    const docker = hostDocker ?? new Docker();
    // Without an engine there is nothing to list: say how to start one, not `connect ENOENT`.
    await pingHostEngine(docker);
    return listLabMachines(docker, config.machinePrefix);
  },
  power: (_config, hostDocker) => labPower(hostDocker ?? new Docker()),
  configure: (config) => async (context) =>
    new LocalLabProvider({
      prefix: config.machinePrefix,
      hostDocker: context.hostDocker ?? new Docker(),
      identity: await ensureSshIdentity(context.dir, `dtr-ha ${config.machinePrefix}`),
      debianMirror: config.debianMirror,
      engineSeed: config.labEngineSeed,
      tls: context.tls,
      knownHosts: context.knownHosts,
    }),
};
