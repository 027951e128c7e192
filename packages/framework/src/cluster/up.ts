import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import {
  deliverImage,
  imageDelivery,
  prepareClusterImages,
  type ClusterImages,
} from '../images/cluster-images';
import { deployHaproxy, haproxyContainer } from '../load-balancer/haproxy';
import type { Machine } from '../machines/machine';
import { machineSpecs, type EnsureResult } from '../machines/types';
import { DtrApiClient } from '../products/dtr/dtr-client';
import { type DtrAccess, type DtrReplica, type DtrSettings } from '../products/dtr/dtr';
import { destroyAllReplicas, ensureReplicas } from '../products/dtr/replicas';
import { ensureUcp, type UcpEndpoint } from '../products/ucp/ucp';
import { readTextIfExists, writePrivateFile } from '../state/private-files';
import { ensureStorageServer, type StorageMode } from '../storage/shared-storage';
import { ensureUserspaceNfsServer, verifyUserspaceNfs } from '../storage/userspace-nfs';
import { ensureClusterTls, ensureServerCertificate } from '../tls';
import { waitFor } from '../util/wait';
import { adminPassword } from './admin-password';
import type { ClusterInfo, MadeFor } from './cluster-info';
import { openCluster, toMachines, type ClusterContext } from './cluster-context';
import { clusterFilePath, readClusterFile, writeClusterFile } from './cluster-file';
import { allowedMachines } from './placement';
import { StatusReporter } from './status';

/** How far `up` goes: machines only (tests of the machine layer), up to UCP, or the whole cluster. */
export type UpTarget = 'machines' | 'ucp' | 'dtr';

export interface UpOptions {
  reporter?: StatusReporter;
  hostDocker?: Docker;
  until?: UpTarget;
}

export interface UpResult extends EnsureResult {
  context: ClusterContext;
  info: ClusterInfo;
  /** Open Machines of this run (SSH connections): call `dispose()` on each when done. */
  handles: Machine[];
}

export const ucpControllerPort = 8443;
export const dtrHttpsPort = 443;
export const dtrHttpPort = 80;
export const loadBalancerPort = 443;

/**
 * `dtr-ha up`: an ordered list of steps over one context, in the order data flows (machines → images
 * → UCP → storage → DTR → load balancer → trust). Every step checks before it acts, so running `up`
 * again reuses what exists and repairs what does not answer.
 */
export async function up(config: Config, options: UpOptions = {}): Promise<UpResult> {
  const reporter = options.reporter ?? new StatusReporter();
  const until = options.until ?? 'machines';
  const hostDocker = options.hostDocker ?? new Docker();
  const context = await reporter.step(`Preparing cluster state for ${config.machinePrefix}`, () =>
    openCluster(config, { hostDocker }),
  );
  const specs = machineSpecs(config.machinePrefix, config.numMachines);
  // Where the machines were on the last run: UCP and DTR are bound to those addresses.
  const before = await readClusterFile(context.dir).catch(() => undefined);
  const ensured = await reporter.step(
    `Ensuring ${specs.length} machines (${context.provider.name})`,
    async (detail) => {
      // Machines beyond NUM_MACHINES (left by a bigger run) are not part of this cluster any more.
      const wanted = new Set(specs.map((s) => s.name));
      const extra = (await context.provider.list()).filter((m) => !wanted.has(m.name)).map((m) => m.name);
      if (extra.length && context.provider.name !== 'generic') {
        await context.provider.remove(extra);
        detail(`removed ${extra.join(', ')} (beyond NUM_MACHINES=${specs.length})`);
      }
      return context.provider.ensure(specs, detail);
    },
  );
  const info: ClusterInfo = { machines: ensured.machines, madeFor: madeForBefore(before) };
  const handles = toMachines(context, ensured.machines);
  try {
    if (until !== 'machines')
      await buildProducts(config, context, handles, info, reporter, { hostDocker, until });
  } catch (error) {
    handles.forEach((m) => m.dispose());
    throw error;
  } finally {
    await writeClusterFile(context.dir, info);
    await context.knownHosts.flush();
  }
  return { ...ensured, context, info, handles };
}

/** A cluster file written before `madeFor` existed: UCP was made for the machines it lists. */
function madeForBefore(before: ClusterInfo | undefined): ClusterInfo['madeFor'] {
  if (!before) return undefined;
  return before.madeFor ?? (before.ucp ? { ucp: { addresses: addressesOf(before.machines) } } : undefined);
}

function addressesOf(machines: ReadonlyArray<{ name: string; ip: string }>): Record<string, string> {
  return Object.fromEntries(machines.map((m) => [m.name, m.ip]));
}

/** Machines now at another address than `madeFor` records (a restart with a new DHCP lease, say). */
export function movedSince(
  madeFor: MadeFor | undefined,
  now: ReadonlyArray<{ name: string; ip: string }>,
): Set<string> {
  const was = madeFor?.addresses ?? {};
  return new Set(now.filter((m) => m.name in was && was[m.name] !== m.ip).map((m) => m.name));
}

/**
 * Why the replicas there cannot be kept: they know an older UCP or addresses that changed, or they
 * were made with another DTR image (DTR_TAG changed, or the lab's stand-in did).
 */
function replicasOutdated(
  info: ClusterInfo,
  ucp: UcpEndpoint & { installed: boolean },
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

async function buildProducts(
  config: Config,
  context: ClusterContext,
  machines: Machine[],
  info: ClusterInfo,
  reporter: StatusReporter,
  { hostDocker, until }: { hostDocker: Docker; until: UpTarget },
): Promise<void> {
  // Read before the UCP step records what it makes now.
  const ucpMadeFor = info.madeFor?.ucp;
  const images = await reporter.step('Preparing images; UCP’s to every machine', async (detail) => {
    const prepared = await prepareClusterImages(config, detail, hostDocker);
    await deliverImage(
      imageDelivery(prepared.ucp, config.ucpPullImages, config.registry),
      machines,
      detail,
      hostDocker,
    );
    return prepared;
  });
  const password = await adminPassword(config, context.dir);
  const ucpCaPath = path.join(context.dir, 'ucp-ca.pem');
  const trustedCaPem = await readTextIfExists(ucpCaPath);
  const ucp = await reporter.step('Installing UCP and joining the other machines', (detail) =>
    ensureUcp(
      machines,
      {
        image: images.ucp,
        adminUsername: config.admin.username,
        adminPassword: password,
        controllerPort: ucpControllerPort,
      },
      detail,
      {
        trustedCaPem,
        moved: movedSince(ucpMadeFor, info.machines),
        nodesJoinedTo: ucpMadeFor?.ucpFingerprint,
        installedFrom: ucpMadeFor?.image,
      },
    ),
  );
  if (ucp.caPem !== trustedCaPem) await writePrivateFile(ucpCaPath, ucp.caPem);
  info.ucp = { url: ucp.url, caPath: ucpCaPath };
  const addresses = addressesOf(info.machines);
  const remakeReplicas = replicasOutdated(info, ucp, images.dtr);
  info.madeFor = {
    ...info.madeFor,
    ucp: { ucpFingerprint: ucp.fingerprint, addresses, image: images.ucp },
  };
  if (until === 'ucp') return;
  await ensureDtrCluster(config, context, machines, info, reporter, {
    images,
    ucp,
    password,
    hostDocker,
    remakeReplicas,
  });
  info.madeFor = {
    ...info.madeFor,
    dtr: { ucpFingerprint: ucp.fingerprint, addresses, image: images.dtr },
  };
}

/**
 * Starts delivering an image now. The returned function, called from the step that needs the image,
 * waits for it and reports there what the delivery said (or throws its error there).
 */
function deliverAhead(deliver: (detail: (line: string) => void) => Promise<void>) {
  const said: string[] = [];
  const delivered = deliver((line) => said.push(line));
  // Awaited by its step; a step before it may fail first, and then nobody waits for this one.
  delivered.catch(() => undefined);
  return async (detail: (line: string) => void): Promise<void> => {
    try {
      await delivered;
    } finally {
      said.forEach((line) => detail(line));
    }
  };
}

/** Everything DTR needs to be installed or removed, derived again on every run. */
export interface DtrPlan {
  settings: DtrSettings;
  replicaMachines: Machine[];
  lbMachine: Machine;
  storage: StorageMode;
  caPath: string;
  haproxyImage: string;
}

export async function planDtr(
  config: Config,
  context: ClusterContext,
  machines: Machine[],
  deps: { images: ClusterImages; ucp: UcpEndpoint; password: string },
): Promise<DtrPlan> {
  const others = machines.slice(1);
  // The seed runs HAProxy on the UCP controller; DTR_LB_CONSTRAINTS may send it elsewhere.
  const lbMachine = (
    await allowedMachines(machines, config.dtrLbConstraints, 'the load balancer (DTR_LB_CONSTRAINTS)')
  )[0];
  const replicaMachines = await allowedMachines(
    others.filter((m) => m !== lbMachine),
    config.dtrConstraints,
    'DTR replicas (DTR_CONSTRAINTS)',
  );
  const lbHost = lbMachine.getIP();
  // DTR serves a certificate of our own making: every client can trust it from the first request.
  const dtrTls = await ensureClusterTls(path.join(context.dir, 'dtr-tls'), `${config.machinePrefix} DTR`);
  const server = await ensureServerCertificate(dtrTls, 'dtr', [
    lbHost,
    ...replicaMachines.map((m) => m.getIP()),
  ]);
  return {
    settings: {
      image: deps.images.dtr,
      ucp: deps.ucp,
      ucpUsername: config.admin.username,
      ucpPassword: deps.password,
      externalUrl: `https://${lbHost}${loadBalancerPort === 443 ? '' : `:${loadBalancerPort}`}`,
      tls: { caPem: dtrTls.ca.cert, certPem: server.cert, keyPem: server.key },
      constraints: config.dtrConstraints,
      httpPort: dtrHttpPort,
      httpsPort: dtrHttpsPort,
    },
    replicaMachines,
    lbMachine,
    storage: config.machineDriver === 'local' ? 'lab-shared-volume' : 'nfs',
    caPath: dtrTls.caPath,
    haproxyImage: deps.images.haproxy,
  };
}

async function ensureDtrCluster(
  config: Config,
  context: ClusterContext,
  machines: Machine[],
  info: ClusterInfo,
  reporter: StatusReporter,
  deps: {
    images: ClusterImages;
    ucp: UcpEndpoint;
    password: string;
    hostDocker: Docker;
    remakeReplicas?: string;
  },
): Promise<void> {
  const plan = await planDtr(config, context, machines, deps);
  const controller = machines[0];
  // DTR's and HAProxy's images travel while the storage is set up (a transfer to one or two machines
  // leaves much of 2 cores idle, waiting on the engines); their steps wait for them.
  const dtrImageDelivered = deliverAhead((detail) =>
    deliverImage(
      imageDelivery(deps.images.dtr, config.dtrPullImages, config.registry),
      plan.replicaMachines,
      detail,
      deps.hostDocker,
    ),
  );
  const haproxyImageDelivered = deliverAhead((detail) =>
    deliverImage({ image: plan.haproxyImage, pull: false }, [plan.lbMachine], detail, deps.hostDocker),
  );
  await reporter.step('Preparing shared storage for the registry', async (detail) => {
    const replicaIps = plan.replicaMachines.map((m) => m.getIP());
    await ensureStorageServer(plan.storage, controller, replicaIps);
    if (plan.storage === 'lab-shared-volume' && deps.images.nfs) {
      detail('no kernel NFS on lab nodes: every replica binds the cluster’s shared volume instead');
      // The server side of NFS still runs for real, in userspace, and a replica writes through it.
      const [probe] = plan.replicaMachines;
      const nfsImage = { image: deps.images.nfs, pull: false } as const;
      await deliverImage(nfsImage, [controller, probe], detail, deps.hostDocker);
      if (await ensureUserspaceNfsServer(controller, deps.images.nfs, replicaIps)) {
        await verifyUserspaceNfs(controller, probe, deps.images.nfs);
        detail(
          `NFS-Ganesha on ${controller.name} exports the shared storage; ${probe.name} wrote through it`,
        );
      }
    }
  });
  const replicas = await reporter.step(
    `Installing DTR on ${plan.replicaMachines.length} replicas`,
    async (detail) => {
      // The DTR image goes only where replicas run.
      await dtrImageDelivered(detail);
      return ensureReplicas(plan, controller, detail, { remakeBecause: deps.remakeReplicas });
    },
  );
  await reporter.step(`Running HAProxy on ${plan.lbMachine.name}`, async (detail) => {
    await haproxyImageDelivered(detail);
    return deployHaproxy(
      plan.lbMachine,
      plan.haproxyImage,
      replicas.map((r) => ({ id: r.id, ip: r.machine.getIP(), port: dtrHttpsPort })),
      plan.settings.tls.caPem,
      { port: loadBalancerPort, detail },
    );
  });
  await reporter.step('Trusting DTR on every machine and waiting for a healthy cluster', () =>
    trustAndWait(plan, machines, replicas),
  );
  const lbHost = plan.lbMachine.getIP();
  info.loadBalancer = {
    machine: plan.lbMachine.name,
    host: lbHost,
    port: loadBalancerPort,
    url: plan.settings.externalUrl,
  };
  info.dtr = {
    caPath: plan.caPath,
    replicas: replicas.map((r) => ({
      id: r.id,
      machine: r.machine.name,
      url: `https://${r.machine.getIP()}:${dtrHttpsPort}`,
    })),
  };
}

/** Every engine trusts DTR's CA for the load balancer's and each replica's address; then health. */
async function trustAndWait(plan: DtrPlan, machines: Machine[], replicas: DtrReplica[]): Promise<void> {
  const addresses = [plan.lbMachine.getIP(), ...replicas.map((r) => r.machine.getIP())];
  await Promise.all(
    machines.map(async (machine) => {
      for (const address of addresses) {
        await machine.upload(`/etc/docker/certs.d/${address}/ca.crt`, plan.settings.tls.caPem, 0o644);
      }
    }),
  );
  for (const replica of replicas) {
    const client = new DtrApiClient(
      `https://${replica.machine.getIP()}:${dtrHttpsPort}`,
      plan.settings.tls.caPem,
    );
    await waitFor(
      `DTR replica ${replica.id} on ${replica.machine.name} to be healthy`,
      async () => (await client.ping(), true),
      {
        timeoutMs: 90_000,
        intervalMs: 500,
      },
    );
  }
  const lb = new DtrApiClient(plan.settings.externalUrl, plan.settings.tls.caPem, {
    username: plan.settings.ucpUsername,
    password: plan.settings.ucpPassword,
  });
  await waitFor(
    'cluster_status to report every replica OK through the load balancer',
    async () => {
      const health = (await lb.clusterStatus()).replica_health;
      const ok = replicas.every((r) => health[r.id] === 'OK');
      return ok ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}

/**
 * Removes DTR: every replica destroyed on its machine, its registry volume released (unmounted
 * first, so removing it cannot reach into the shared storage), HAProxy stopped. UCP and the
 * machines stay, as after each of the seed's test suites.
 */
export async function removeDtr(access: DtrAccess, machines: Machine[]): Promise<string[]> {
  const removed = await destroyAllReplicas(access, machines);
  await Promise.all(
    machines.map((m) =>
      m
        .getClient()
        .getContainer(haproxyContainer)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return removed;
}

/**
 * Removes DTR from a cluster that `up` built (the per-suite teardown, and `dtr-ha down --dtr`): the
 * machines and UCP stay for the next suite.
 */
export async function uninstallDtr(
  config: Config,
  options: { reporter?: StatusReporter; hostDocker?: Docker } = {},
): Promise<string[]> {
  const reporter = options.reporter ?? new StatusReporter();
  const context = await openCluster(config, { hostDocker: options.hostDocker });
  const info = await readClusterFile(context.dir);
  if (!info?.ucp) return [];
  const machines = toMachines(context, info.machines);
  try {
    return await reporter.step('Removing DTR (machines and UCP stay)', async (detail) => {
      const access: DtrAccess = {
        image: config.dtr.image,
        ucp: { url: info.ucp!.url, caPem: await fs.readFile(info.ucp!.caPath, 'utf8') },
        ucpUsername: config.admin.username,
        ucpPassword: await adminPassword(config, context.dir),
      };
      const removed = await removeDtr(access, machines);
      detail(removed.length ? `destroyed replicas ${removed.join(', ')}` : 'no DTR replica found');
      await writeClusterFile(context.dir, {
        machines: info.machines,
        ucp: info.ucp,
        madeFor: { ucp: info.madeFor?.ucp },
      });
      return removed;
    });
  } finally {
    machines.forEach((m) => m.dispose());
  }
}

/** `dtr-ha down`: removes every machine of the cluster and the records of them. */
export async function down(config: Config, options: { reporter?: StatusReporter; hostDocker?: Docker } = {}) {
  const reporter = options.reporter ?? new StatusReporter();
  const context = await openCluster(config, { hostDocker: options.hostDocker });
  const removed = await reporter.step(`Removing the machines of ${config.machinePrefix}`, async (detail) => {
    const names = await context.provider.remove();
    detail(names.length ? `removed ${names.join(', ')}` : 'no machines found');
    return names;
  });
  await fs.rm(clusterFilePath(context.dir), { force: true });
  await context.knownHosts.flush();
  return removed;
}
