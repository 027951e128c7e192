import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { Config } from '../config';
import { TempClusters } from '../../test-support/temp-cluster';
import { Faults } from '../faults/faults';
import type { Machine } from '../machines/machine';
import { haproxyServerStats } from '../load-balancer/haproxy-stats';
import { DtrApiClient } from '../products/dtr/dtr-client';
import { haproxyContainer, isDtrName } from '../products/dtr/names';
import { controllerContainer } from '../products/ucp/names';
import { adminPassword } from './admin-password';
import { clusterFilePath } from './cluster-file';
import type { ClusterInfo } from './cluster-info';
import { StatusReporter } from './status';
import { uninstallDtr } from './teardown';
import { up, type UpResult } from './up';
import { listComponentImages } from '../images/cluster-images';
import { releaseProfileOf } from '../releases';

// The whole pipeline on a real lab: machines → images → UCP → storage → DTR → HAProxy → trust.
let clusters: TempClusters;
let config: Config;
let cluster: UpResult;
let password: string;
const lines: string[] = [];
const reporter = () => new StatusReporter((line) => lines.push(line));

beforeAll(async () => {
  clusters = await TempClusters.create('cluster');
  config = clusters.config('cluster');
  cluster = await up(config, { reporter: reporter(), until: 'dtr' });
  password = await adminPassword(config, cluster.context.dir);
});

afterAll(async () => {
  cluster?.handles.forEach((m) => m.dispose());
  await clusters?.remove();
});

async function sh(machine: Machine, command: string, stdin?: string): Promise<string> {
  const result = await machine.ssh(command, { stdin });
  if (result.code !== 0) throw new Error(`${machine.name}: ${command}: ${result.stderr}`);
  return result.stdout.trim();
}

test('up ends with 3 DTR replicas behind HAProxy on the controller, each step on its own status line', async () => {
  const { info } = cluster;
  expect(info.dtr?.replicas.map((r) => r.machine)).toEqual(
    [2, 3, 4].map((n) => `${config.machinePrefix}-${n}`),
  );
  expect(info.loadBalancer).toMatchObject({ machine: `${config.machinePrefix}-1`, port: 443 });
  const haproxy = await cluster.handles[0].getClient().getContainer(haproxyContainer).inspect();
  expect(haproxy.State.Running).toBe(true);
  for (const step of [
    'Ensuring 4 machines',
    'Installing UCP',
    'Preparing shared storage',
    'Installing DTR on 3 replicas',
    'Running HAProxy',
  ]) {
    expect(lines.some((l) => l.startsWith(' ✓ ') && l.includes(step))).toBe(true);
  }
  // No kernel NFS in the lab: said so, and the NFS server side checked for real in userspace.
  expect(lines.some((l) => l.includes('no kernel NFS on lab nodes'))).toBe(true);
  expect(lines.some((l) => /NFS-Ganesha on .* exports the shared storage; .* wrote through it/.test(l))).toBe(
    true,
  );
  // The admin password never reaches the output.
  expect(lines.join('\n')).not.toContain(password);
});

test('through the load balancer, separate connections reach every replica', async () => {
  const ca = await fs.readFile(cluster.info.dtr!.caPath, 'utf8');
  // HAProxy's own statistics tell which replica took each connection: DTR's answers do not.
  const lbMachine = cluster.handles.find((m) => m.name === cluster.info.loadBalancer!.machine)!;
  const before = await haproxyServerStats(lbMachine);
  // Each request on a connection of its own (the client's default), as separate clients' would be.
  const anonymous = new DtrApiClient(cluster.info.loadBalancer!.url, ca, undefined, {
    healthPath: releaseProfileOf(config).driver.dtr.healthPath,
  });
  for (let i = 0; i < 12; i++) await anonymous.ping();
  const after = await haproxyServerStats(lbMachine);
  const ids = cluster.info.dtr!.replicas.map((r) => r.id).sort();
  expect([...after.keys()].sort()).toEqual(ids);
  for (const id of ids) {
    expect({ id, status: after.get(id)!.status }).toEqual({ id, status: 'UP' });
    expect(after.get(id)!.totalSessions).toBeGreaterThan(before.get(id)?.totalSessions ?? 0);
  }
  const api = new DtrApiClient(cluster.info.loadBalancer!.url, ca, {
    username: config.admin.username,
    password,
  });
  const status = await api.clusterStatus();
  expect(Object.values(status.replica_health)).toEqual(['OK', 'OK', 'OK']);
});

test('docker push from one node through the load balancer, docker pull from another: same image ID', async () => {
  const [, pusher, puller] = cluster.handles;
  const lb = cluster.info.loadBalancer!.host;
  const ref = `${lb}/${config.admin.username}/cluster-test:one`;
  const ca = await fs.readFile(cluster.info.dtr!.caPath, 'utf8');
  await new DtrApiClient(cluster.info.loadBalancer!.url, ca, {
    username: config.admin.username,
    password,
  }).createRepository(config.admin.username, 'cluster-test');
  for (const node of [pusher, puller]) {
    await sh(node, `docker login -u ${config.admin.username} --password-stdin ${lb}`, password);
  }
  // An image made on the node itself: no registry outside this cluster is needed.
  await sh(pusher, `tar -C /etc -c hostname os-release | docker import - ${ref}`);
  const pushedId = await sh(pusher, `docker image inspect -f '{{.Id}}' ${ref}`);
  await sh(pusher, `docker push ${ref}`);
  await sh(puller, `docker pull ${ref}`);
  expect(await sh(puller, `docker image inspect -f '{{.Id}}' ${ref}`)).toBe(pushedId);
});

test('a second up reuses everything: no image sent again, UCP and the replicas as they were', async () => {
  const controller = cluster.handles[0].getClient();
  const ucpBefore = (await controller.getContainer(controllerContainer).inspect()).Id;
  lines.length = 0;
  const again = await up(config, { reporter: reporter(), until: 'dtr' });
  again.handles.forEach((m) => m.dispose());
  expect(lines.some((l) => l.includes(' → '))).toBe(false);
  // Detail lines (indented under their step) would say "installing …" or "joining …".
  expect(lines.some((l) => /^ +(installing|joining) /.test(l))).toBe(false);
  expect((await controller.getContainer(controllerContainer).inspect()).Id).toBe(ucpBefore);
  expect(again.info.dtr?.replicas).toEqual(cluster.info.dtr?.replicas);
});

test('a replica that is down is removed through a healthy one, and a new one joins on its machine', async () => {
  const [dead, through, other] = cluster.info.dtr!.replicas;
  const machine = cluster.handles.find((m) => m.name === dead.machine)!;
  // Down as after a clean shutdown: stopped containers, which no restart policy brings back.
  await new Faults(cluster.handles).stopReplica({ id: dead.id, machine });

  lines.length = 0;
  const repaired = await up(config, { reporter: reporter(), until: 'dtr' });
  cluster.handles.forEach((m) => m.dispose());
  cluster = repaired;
  expect(lines).toContainEqual(
    expect.stringContaining(
      `replica ${dead.id} on ${dead.machine} is not healthy: removing it through replica ${through.id} on ${through.machine}`,
    ),
  );
  expect(lines.some((l) => /destroying/.test(l))).toBe(false);
  const replicas = repaired.info.dtr!.replicas;
  const joined = replicas.find((r) => r.machine === dead.machine)!;
  expect(joined.id).not.toBe(dead.id);
  expect(replicas).toEqual([joined, through, other]);
  expect(lines).toContainEqual(
    expect.stringContaining(`joining replica ${joined.id} on ${dead.machine} to ${through.id}`),
  );
  // The cluster no longer knows the dead replica: removed, not merely left unreachable.
  const api = new DtrApiClient(
    repaired.info.loadBalancer!.url,
    await fs.readFile(repaired.info.dtr!.caPath, 'utf8'),
    { username: config.admin.username, password },
  );
  const health = (await api.clusterStatus()).replica_health;
  expect(Object.keys(health).sort()).toEqual(replicas.map((r) => r.id).sort());
  expect(Object.values(health)).toEqual(['OK', 'OK', 'OK']);
  // Nothing of it is left on its machine.
  const docker = repaired.handles.find((m) => m.name === dead.machine)!.getClient();
  const names = [
    ...(await docker.listContainers({ all: true })).flatMap((c) => c.Names),
    ...((await docker.listVolumes()).Volumes ?? []).map((v) => v.Name),
  ];
  expect(names.filter((n) => n.includes(dead.id))).toEqual([]);
});

test('an image the DTR installer lists, gone from a node, is delivered again before a replica is made there', async () => {
  const components = await listComponentImages(
    new Docker(),
    config.dtr.image,
    releaseProfileOf(config).imageListing.dtr,
  );
  expect(components.length).toBeGreaterThan(0);
  const [component] = components;
  const [dead] = cluster.info.dtr!.replicas;
  const machine = cluster.handles.find((m) => m.name === dead.machine)!;
  await new Faults(cluster.handles).stopReplica({ id: dead.id, machine });
  // Untagged even though the stopped replica's container still uses it: the node no longer has it
  // by name, which is how the installer asks for it.
  await sh(machine, `docker rmi -f ${component}`);
  await expect(machine.getClient().getImage(component).inspect()).rejects.toThrow();

  lines.length = 0;
  const repaired = await up(config, { reporter: reporter(), until: 'dtr' });
  cluster.handles.forEach((m) => m.dispose());
  cluster = repaired;
  // The transfer's line names the image and the machine it went to.
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`${component.replace(/[.]/g, '\\.')} .*→ .*${dead.machine}`)),
  );
  await expect(
    repaired.handles
      .find((m) => m.name === dead.machine)!
      .getClient()
      .getImage(component)
      .inspect(),
  ).resolves.toBeTruthy();
  const joined = repaired.info.dtr!.replicas.find((r) => r.machine === dead.machine)!;
  expect(joined.id).not.toBe(dead.id);
});

test('machines back at each other’s addresses: UCP installed again, every node joined again, new replicas', async () => {
  // The controller and the first replica machine swap addresses, as DHCP leases might after a reboot.
  const host = new Docker();
  const network = host.getNetwork(`${config.machinePrefix}-net`);
  const [controller, replica] = cluster.info.machines;
  await Promise.all([controller, replica].map((m) => host.getContainer(m.name).stop({ t: 1 })));
  for (const m of [controller, replica]) await network.disconnect({ Container: m.name, Force: true });
  for (const [m, ip] of [
    [controller, replica.ip],
    [replica, controller.ip],
  ] as const) {
    await network.connect({ Container: m.name, EndpointConfig: { IPAMConfig: { IPv4Address: ip } } });
  }
  await Promise.all([controller, replica].map((m) => host.getContainer(m.name).start()));

  lines.length = 0;
  const moved = await up(config, { reporter: reporter(), until: 'dtr' });
  cluster.handles.forEach((m) => m.dispose());
  const before = cluster;
  cluster = moved;
  expect(moved.info.machines.slice(0, 2).map((m) => m.ip)).toEqual([replica.ip, controller.ip]);
  expect(lines.filter((l) => /was installed at another address/.test(l))).toHaveLength(1);
  expect(lines.filter((l) => /joining .* to UCP again/.test(l))).toHaveLength(3);
  expect(lines.some((l) => /UCP was installed again: destroying replicas/.test(l))).toBe(true);
  // UCP's certificate names the controller's new address: a verified request gets through.
  const ucpCa = await fs.readFile(moved.info.ucp!.caPath, 'utf8');
  const ping = await new Promise<number | undefined>((resolve, reject) =>
    https
      .get(`${moved.info.ucp!.url}/_ping`, { ca: ucpCa }, (res) => resolve(res.statusCode))
      .on('error', reject),
  );
  expect(ping).toBe(200);
  const oldIds = before.info.dtr!.replicas.map((r) => r.id);
  expect(moved.info.dtr!.replicas.map((r) => r.id).filter((id) => oldIds.includes(id))).toEqual([]);
  const api = new DtrApiClient(
    moved.info.loadBalancer!.url,
    await fs.readFile(moved.info.dtr!.caPath, 'utf8'),
    {
      username: config.admin.username,
      password,
    },
  );
  expect(Object.values((await api.clusterStatus()).replica_health)).toEqual(['OK', 'OK', 'OK']);
});

test('a run that made UCP again died before the nodes joined it: the next up joins them and remakes DTR', async () => {
  // What such a run leaves: cluster.json still records the instance the nodes and replicas knew.
  const file = clusterFilePath(cluster.context.dir);
  const recorded = JSON.parse(await fs.readFile(file, 'utf8')) as Required<ClusterInfo>;
  const olderInstance = 'AB:'.repeat(31) + 'AB';
  recorded.madeFor.ucp!.ucpFingerprint = olderInstance;
  recorded.madeFor.dtr!.ucpFingerprint = olderInstance;
  await fs.writeFile(file, JSON.stringify(recorded));

  lines.length = 0;
  const again = await up(config, { reporter: reporter(), until: 'dtr' });
  cluster.handles.forEach((m) => m.dispose());
  const before = cluster;
  cluster = again;
  expect(lines.some((l) => /installing UCP|installed at another address/.test(l))).toBe(false);
  expect(lines.filter((l) => /joining .* to UCP again \(UCP was installed again\)/.test(l))).toHaveLength(3);
  const oldIds = before.info.dtr!.replicas.map((r) => r.id);
  expect(again.info.dtr!.replicas.map((r) => r.id).filter((id) => oldIds.includes(id))).toEqual([]);
  // Done once: the record now names the instance that serves, and a further up keeps everything.
  const written = JSON.parse(await fs.readFile(file, 'utf8')) as Required<ClusterInfo>;
  expect(written.madeFor.ucp!.ucpFingerprint).not.toBe(olderInstance);
  expect(written.madeFor.dtr!.ucpFingerprint).toBe(written.madeFor.ucp!.ucpFingerprint);
  lines.length = 0;
  const settled = await up(config, { reporter: reporter(), until: 'dtr' });
  settled.handles.forEach((m) => m.dispose());
  expect(lines.some((l) => /^ +(installing|joining|.*destroying) /.test(l))).toBe(false);
  expect(settled.info.dtr!.replicas).toEqual(again.info.dtr!.replicas);
});

test('UCP and DTR made with other images than the configured ones are made again from these', async () => {
  // As after UCP_TAG and DTR_TAG change in .env, or after a lab stand-in's recipe changes.
  const file = clusterFilePath(cluster.context.dir);
  const recorded = JSON.parse(await fs.readFile(file, 'utf8')) as Required<ClusterInfo>;
  const configured = { ucp: recorded.madeFor.ucp!.image, dtr: recorded.madeFor.dtr!.image };
  recorded.madeFor.ucp!.image = 'docker/ucp:1.1.0';
  recorded.madeFor.dtr!.image = 'docker/dtr:2.0.0';
  await fs.writeFile(file, JSON.stringify(recorded));

  lines.length = 0;
  const again = await up(config, { reporter: reporter(), until: 'dtr' });
  cluster.handles.forEach((m) => m.dispose());
  cluster = again;
  expect(lines).toContainEqual(
    expect.stringContaining(
      `was installed from docker/ucp:1.1.0, not ${configured.ucp}: installing it again`,
    ),
  );
  expect(lines).toContainEqual(
    expect.stringContaining(
      `the DTR image is now ${configured.dtr} (was docker/dtr:2.0.0): destroying replicas`,
    ),
  );
  const written = JSON.parse(await fs.readFile(file, 'utf8')) as Required<ClusterInfo>;
  expect([written.madeFor.ucp!.image, written.madeFor.dtr!.image]).toEqual([configured.ucp, configured.dtr]);
});

test('uninstallDtr leaves no DTR container or volume on any machine; machines and UCP stay', async () => {
  const removed = await uninstallDtr(config, { reporter: new StatusReporter(() => undefined) });
  expect(removed.sort()).toEqual(cluster.info.dtr!.replicas.map((r) => r.id).sort());
  for (const machine of cluster.handles) {
    const docker = machine.getClient();
    const containers = await docker.listContainers({ all: true });
    expect(containers.flatMap((c) => c.Names).filter(isDtrName)).toEqual([]);
    const volumes = (await docker.listVolumes()).Volumes ?? [];
    expect(volumes.map((v) => v.Name).filter(isDtrName)).toEqual([]);
  }
  expect(
    (await cluster.handles[0].getClient().getContainer(controllerContainer).inspect()).State.Running,
  ).toBe(true);
  // DTR comes back for the next suite on the same machines.
  const next = await up(config, { reporter: new StatusReporter(() => undefined), until: 'dtr' });
  next.handles.forEach((m) => m.dispose());
  expect(next.info.dtr?.replicas).toHaveLength(3);
});
