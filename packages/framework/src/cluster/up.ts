import Docker from 'dockerode';
import * as path from 'node:path';
import { UP_UNTIL_DEFAULT, type Config, type UpTarget } from '../config';
import { deliverImage, prepareClusterImages, type ClusterImages } from '../images/cluster-images';
import { deployHaproxy } from '../load-balancer/haproxy';
import type { Machine } from '../machines/machine';
import { machineSpecs, type EnsureResult } from '../machines/types';
import { DtrApiClient } from '../products/dtr/dtr-client';
import { type DtrReplica, type DtrSettings } from '../products/dtr/dtr';
import { ensureReplicas } from '../products/dtr/replicas';
import { ensureUcp, type UcpEndpoint } from '../products/ucp/ucp';
import { readTextIfExists, writePrivateFile } from '../state/private-files';
import { ensureStorageServer, type StorageMode } from '../storage/shared-storage';
import { ensureUserspaceNfsServer, verifyUserspaceNfs } from '../storage/userspace-nfs';
import { ensureClusterTls, ensureServerCertificate } from '../tls';
import { waitFor } from '../util/wait';
import { adminPassword } from './admin-password';
import type { ClusterInfo } from './cluster-info';
import { madeForBefore, madeNow, movedSince, replicasOutdated } from './made-for';
import { openCluster, toMachines, type ClusterContext } from './cluster-context';
import { readClusterFile, writeClusterFile } from './cluster-file';
import { allowedMachines } from './placement';
import { StatusReporter } from './status';

// `down` moved to ./teardown; the provider and stand-in integration tests import it from here with `up`.
export { down } from './teardown';

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
  const until = options.until ?? UP_UNTIL_DEFAULT;
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
      config,
      { image: prepared.ucp, pull: config.ucpPullImages },
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
  const remakeReplicas = replicasOutdated(info, ucp, images.dtr);
  info.madeFor = { ...info.madeFor, ucp: madeNow(info.machines, ucp, images.ucp) };
  if (until === 'ucp') return;
  await ensureDtrCluster(config, context, machines, info, reporter, {
    images,
    ucp,
    password,
    hostDocker,
    remakeReplicas,
  });
  info.madeFor = { ...info.madeFor, dtr: madeNow(info.machines, ucp, images.dtr) };
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
      config,
      { image: deps.images.dtr, pull: config.dtrPullImages },
      plan.replicaMachines,
      detail,
      deps.hostDocker,
    ),
  );
  const haproxyImageDelivered = deliverAhead((detail) =>
    deliverImage(
      config,
      { image: plan.haproxyImage, pull: false },
      [plan.lbMachine],
      detail,
      deps.hostDocker,
    ),
  );
  await reporter.step('Preparing shared storage for the registry', async (detail) => {
    const replicaIps = plan.replicaMachines.map((m) => m.getIP());
    await ensureStorageServer(plan.storage, controller, replicaIps);
    if (plan.storage === 'lab-shared-volume' && deps.images.nfs) {
      detail('no kernel NFS on lab nodes: every replica binds the cluster’s shared volume instead');
      // The server side of NFS still runs for real, in userspace, and a replica writes through it.
      const [probe] = plan.replicaMachines;
      const nfsImage = { image: deps.images.nfs, pull: false };
      await deliverImage(config, nfsImage, [controller, probe], detail, deps.hostDocker);
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
