import { call } from '../../../test-support/https-call';
import Docker from 'dockerode';
import { createHash, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { quote } from 'shell-quote';
import { loadConfig, type Config } from '../../config';
import { down, up } from '../../cluster/up';
import { toMachines } from '../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { deliverStandin } from '../../../test-support/standin-delivery';
import { transferImage } from '../../images/image-transfer';
import type { Machine } from '../../machines/machine';
import type { CommandLine } from '../../releases/profile';
import { ucp11Dtr20 } from '../../releases/ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from '../../releases/ucp-3.x+dtr-2.7';
import type { DtrUcpAccess } from '../../releases/settings';
import { ensureLabImage, recipeDir } from '../lab-image';
import { labSharedDir } from '../layout';

// The per-release DTR stand-ins on real lab nodes: UCP (the UCP 1.1 stand-in) on node 1, DTR 2.0
// replicas on nodes 2–4 over the lab's shared volume (its own CA, /load_balancer_status, a push and a
// pull through different replicas, a replica going down, remove down to the last replica), then DTR
// 2.7 replicas on nodes 2–3 (a given certificate, /_ping, remove and destroy). Every command line is
// the framework's own (src/releases), run as the framework runs it. No mocks. As the framework does
// (src/images/cluster-images.ts), the setup lists each installer's component images on the host
// (`images --list` for UCP, `images` for DTR), tags each as an alias of the stand-in and sends it to
// the nodes; one test takes a component off a node and sees install fail, pulling it from nowhere.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
const adminPassword = 'standin-admin-1';
const controllerPort = 8443;

let stateDir: string;
let config: Config;
let machines: Machine[];
let images: { ucp: string; dtr20: string; dtr27: string };
/** What each installer's listing printed on the host: its component images. */
const components: Record<keyof typeof images, string[]> = { ucp: [], dtr20: [], dtr27: [] };
let controller: Machine;
let replicaNodes: Machine[];
let ucpUrl: string;
let ucpCa: string;

// ---- helpers -------------------------------------------------------------------------------------

/**
 * `docker run --rm` of an installer image on a node, over SSH, as the framework runs it: the socket,
 * its role label, and the command line's environment passed with `-e NAME` (never in the arguments).
 */
function installer(machine: Machine, image: string, line: CommandLine) {
  const env = Object.entries(line.env);
  const prefix = env.length ? ['env', ...env.map(([k, v]) => `${k}=${v}`)] : [];
  const run = ['docker', 'run', '--rm', '-v', '/var/run/docker.sock:/var/run/docker.sock'];
  return machine.ssh(
    quote([
      ...prefix,
      ...run,
      '--label',
      'dtr-ha.role=dtr-installer',
      ...env.flatMap(([k]) => ['-e', k]),
      image,
      ...line.args,
    ]),
  );
}
/** A command line the framework does not build (a refusal to prove, a bad value). */
const raw = (args: string[], env: Record<string, string> = {}): CommandLine => ({ args, env });

const access = (password = adminPassword): DtrUcpAccess => ({
  ucpUrl,
  ucpCaPem: ucpCa,
  ucpUsername: 'admin',
  ucpPassword: password,
});

/** Fails with what the installer said unless it exited 0. */
function succeeded(result: { code: number; stderr: string; stdout: string }, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr}${result.stdout}`);
}

/**
 * What the framework's storage step does before a DTR install/join on a replica node: create the
 * replica's registry volume and bind the cluster's shared directory over its data.
 */
async function prepareSharedRegistryVolume(machine: Machine, replicaId: string, dir: string): Promise<void> {
  const volume = `dtr-registry-${replicaId}`;
  const result = await machine.ssh(
    `set -e; docker volume create ${volume} >/dev/null; mkdir -p ${dir}; ` +
      `mp=$(docker volume inspect -f '{{.Mountpoint}}' ${volume}); ` +
      `mountpoint -q "$mp" || mount --bind ${dir} "$mp"`,
  );
  expect(result).toMatchObject({ code: 0 });
}

function plainGet(url: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 15_000 }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      })
      .on('error', reject);
  });
}

/** The message of the `level=fatal` line an installer logged (logfmt-quoted), or ''. */
function fatal(result: { stderr: string }): string {
  const match = /level=fatal msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(result.stderr);
  if (!match) return '';
  return match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1];
}

const asAdmin = { auth: `admin:${adminPassword}` };

/** The certificate a replica serves, verified with `ca`. */
function peerCertificate(host: string, port: number, ca: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca, servername: undefined }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

async function eventually<T>(
  fn: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Names of the containers and volumes on a node's engine that belong to replica `id`. */
async function leftovers(machine: Machine, id: string): Promise<string[]> {
  const client = machine.getClient();
  const containers = await client.listContainers({ all: true });
  const { Volumes: volumes } = await client.listVolumes();
  return [
    ...containers.flatMap((c) => c.Names).filter((n) => n.includes(id)),
    ...(volumes ?? []).map((v) => v.Name).filter((n) => n.includes(id)),
  ];
}

// ---- the cluster ---------------------------------------------------------------------------------

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-dtr-standins-test-'));
  config = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `dtrstandins${process.pid}`,
      NUM_MACHINES: '4',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  // The nodes come up while the images build (or are found cached).
  const [cluster, ucp, dtr20, dtr27] = await Promise.all([
    up(config, { reporter: quiet(), until: 'machines' }),
    ensureLabImage(hostDocker, 'ucp-1.1-standin'),
    ensureLabImage(hostDocker, 'dtr-2.0-standin'),
    ensureLabImage(hostDocker, 'dtr-2.7-standin'),
  ]);
  images = { ucp: ucp.tag, dtr20: dtr20.tag, dtr27: dtr27.tag };
  machines = toMachines(cluster.context, cluster.machines);
  [controller, ...replicaNodes] = machines;
  for (const key of ['ucp', 'dtr20', 'dtr27'] as const) {
    const listing = key === 'ucp' ? ['images', '--list'] : ['images'];
    components[key] = await deliverStandin(hostDocker, images[key], listing, machines);
  }

  // UCP 1.1, installed and joined with the framework's command lines.
  const ucpCommands = ucp11Dtr20.commands;
  ucpUrl = `https://${controller.getIP()}:${controllerPort}`;
  const installLine = ucpCommands.ucpInstall({
    hostAddress: controller.getIP(),
    sans: [controller.name],
    controllerPort,
    adminUsername: 'admin',
    adminPassword,
  });
  succeeded(await installer(controller, images.ucp, installLine), 'UCP install');
  const printed = await installer(controller, images.ucp, raw(['fingerprint']));
  succeeded(printed, 'ucp fingerprint');
  const fingerprint = printed.stdout.trim().replace(/^SHA-256 Fingerprint=/, '');
  ucpCa = (await call(`${ucpUrl}/ca`)).text; // fetched unverified, then pinned by its fingerprint
  expect(new X509Certificate(ucpCa).fingerprint256).toBe(fingerprint);
  const joined = await Promise.all(
    replicaNodes.map((m) =>
      installer(
        m,
        images.ucp,
        ucpCommands.ucpJoin({
          url: ucpUrl,
          fingerprint,
          hostAddress: m.getIP(),
          adminUsername: 'admin',
          adminPassword,
        }),
      ),
    ),
  );
  joined.forEach((r, i) => succeeded(r, `UCP join of ${replicaNodes[i].name}`));
});

afterAll(async () => {
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

// ---- DTR 2.0 -------------------------------------------------------------------------------------

describe('DTR 2.0', () => {
  const commands = ucp11Dtr20.commands;
  const ids = ['20a000000001', '20a000000002', '20a000000003'];
  const shared = `${labSharedDir}/dtr-registry-20`;
  const ports = { httpPort: 80, httpsPort: 443 };
  let dtrCa: string;
  const dtr = (m: Machine, line: CommandLine) => installer(m, images.dtr20, line);
  const url = (i: number) => `https://${replicaNodes[i].getIP()}`;
  const api = (i: number, pathname: string, options: Parameters<typeof call>[1] = {}) =>
    call(`${url(i)}${pathname}`, { ca: dtrCa, ...asAdmin, ...options });
  const replica = (i: number) => ({ ...access(), ...ports, node: replicaNodes[i].name, replicaId: ids[i] });
  const externalHost = () => replicaNodes[0].getIP();
  /** A registry token for `scope` from the realm, asked for with the admin's credentials. */
  const bearer = async (scope?: string) => {
    const query = new URLSearchParams({ service: externalHost(), ...(scope ? { scope } : {}) });
    const answer = await call(`https://${externalHost()}/auth/token?${query}`, { ca: dtrCa, ...asAdmin });
    expect(answer.status).toBe(200);
    return { Authorization: `Bearer ${answer.json.token as string}` };
  };

  test('install on node 2; join on node 3 by --ucp-node and on node 4 by --extra-envs constraints', async () => {
    await Promise.all(replicaNodes.map((m, i) => prepareSharedRegistryVolume(m, ids[i], shared)));
    // The external host is replica 1's address: the token realm is there, and a DTR answers it.
    const install = commands.dtrInstall({
      ...replica(0),
      constraints: [],
      external: { host: externalHost() },
    });
    expect(install.args).toContain('--ucp-password'); // 2.0 names no variable for it
    const installed = await dtr(replicaNodes[0], install);
    expect(installed.stderr).toContain(`Replica ID is set to: ${ids[0]}`);
    expect(installed.code).toBe(0);
    const byNode = commands.dtrJoin({ ...replica(1), constraints: [], existingReplicaId: ids[0] });
    const byConstraints = commands.dtrJoin({
      ...replica(2),
      // DTR_CONSTRAINTS: the node goes into --extra-envs with them, instead of --ucp-node.
      constraints: [{ key: 'dtrha.test-zone', operator: '!=', value: 'nowhere' }],
      existingReplicaId: ids[0],
    });
    expect(byConstraints.args).not.toContain('--ucp-node');
    const joined = await Promise.all([dtr(replicaNodes[1], byNode), dtr(replicaNodes[2], byConstraints)]);
    expect(joined.map((r) => [r.code, /Join is complete/.test(r.stderr)])).toEqual([
      [0, true],
      [0, true],
    ]);
    const repo = images.dtr20.slice(0, images.dtr20.lastIndexOf('/') + 1);
    const tag = images.dtr20.slice(images.dtr20.lastIndexOf(':'));
    expect(components.dtr20).toEqual([
      `${repo}dtr-nginx${tag}`,
      `${repo}dtr-registry${tag}`,
      `${repo}dtr-etcd${tag}`,
    ]);
    for (const [i, m] of replicaNodes.entries()) {
      const running = await m.getClient().listContainers();
      expect(running.map((c) => [c.Names[0], c.Image]).sort()).toEqual([
        [`/dtr-etcd-${ids[i]}`, `${repo}dtr-etcd${tag}`],
        [`/dtr-nginx-${ids[i]}`, `${repo}dtr-nginx${tag}`],
        [`/dtr-registry-${ids[i]}`, `${repo}dtr-registry${tag}`],
      ]);
      // Each replica runs a member of one etcd cluster, its data on the replica's own volume.
      const version = await m.ssh(`docker exec dtr-etcd-${ids[i]} etcd --version`);
      expect(version.stdout).toMatch(/^etcd Version: 3\.4\./);
    }
  });

  test('its own CA at /ca, one for the cluster: every replica serves a certificate from it', async () => {
    // As the 2.0 pages tell clients: download the CA from https://<dtr>/ca.
    dtrCa = (await call(`${url(0)}/ca`)).text;
    expect(new X509Certificate(dtrCa).ca).toBe(true);
    expect((await replicaNodes[2].ssh(`cat ${shared}/dtr-meta/ca/ca.pem`)).stdout.trim()).toBe(dtrCa.trim());
    for (const [i, node] of replicaNodes.entries()) {
      expect((await call(`${url(i)}/ca`, { ca: dtrCa })).text.trim()).toBe(dtrCa.trim());
      // Valid for the external URL's host and the node's address.
      const altNames = (await peerCertificate(node.getIP(), 443, dtrCa)).subjectaltname;
      expect(altNames).toContain(`IP Address:${node.getIP()}`);
      expect(altNames).toContain(`IP Address:${externalHost()}`);
    }
  });

  test('/load_balancer_status is its health check; no /_ping; the API and /v2/ as before', async () => {
    for (const [i, node] of replicaNodes.entries()) {
      const lb = await call(`${url(i)}/load_balancer_status?format=json`, { ca: dtrCa });
      expect(lb.status).toBe(200);
      expect(lb.json.servers.server.map((s: { status: string }) => s.status)).toEqual([
        'up',
        'up',
        'up',
        'up',
      ]);
      expect((await call(`${url(i)}/load_balancer_status`, { ca: dtrCa })).headers['content-type']).toBe(
        'text/html',
      );
      expect((await plainGet(`http://${node.getIP()}/load_balancer_status`)).status).toBe(200);
      expect((await call(`${url(i)}/_ping`, { ca: dtrCa })).status).toBe(404);
      expect((await call(`${url(i)}/nginx_status`, { ca: dtrCa })).status).toBe(404);
      expect(await call(`${url(i)}/health`, { ca: dtrCa })).toMatchObject({
        status: 200,
        json: { Error: '', Healthy: true },
      });

      expect((await call(`${url(i)}/api/v0/meta/cluster_status`, { ca: dtrCa })).status).toBe(401);
      expect((await api(i, '/api/v0/meta/cluster_status', { auth: 'admin:wrong-password' })).status).toBe(
        401,
      );
      const status = await api(i, '/api/v0/meta/cluster_status');
      expect(status.json.current_replica_id).toBe(ids[i]);
      expect(status.json.replica_health).toEqual(Object.fromEntries(ids.map((r) => [r, 'OK'])));
      // /v2/ answers with the registry token flow's challenge; a token from the realm opens it.
      const v2 = await call(`${url(i)}/v2/`, { ca: dtrCa });
      expect(v2.status).toBe(401);
      expect(v2.headers['www-authenticate']).toBe(
        `Bearer realm="https://${externalHost()}/auth/token",service="${externalHost()}"`,
      );
      expect((await call(`${url(i)}/v2/`, { ca: dtrCa, headers: await bearer() })).status).toBe(200);
      expect(await plainGet(`http://${node.getIP()}/api/v0/repositories/admin`)).toMatchObject({
        status: 301,
        location: `https://${node.getIP()}/api/v0/repositories/admin`,
      });
    }
    // Repositories: created on one replica, seen on the others (metadata on the shared storage).
    const post = (i: number, body: string) =>
      api(i, '/api/v0/repositories/admin', {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
    const created = await post(0, JSON.stringify({ name: 'tiny', visibility: 'public' }));
    expect(created).toMatchObject({ status: 201, json: { namespace: 'admin', name: 'tiny' } });
    expect((await api(2, '/api/v0/repositories/admin/tiny')).json.id).toBe(created.json.id);
    expect((await post(1, JSON.stringify({ name: 'tiny' }))).json.errors[0].code).toBe('REPOSITORY_EXISTS');
    expect((await post(2, JSON.stringify({ name: 'scratch' }))).status).toBe(201);
    expect((await api(0, '/api/v0/repositories/admin/scratch', { method: 'DELETE' })).status).toBe(204);
    expect((await api(1, '/api/v0/repositories/admin/scratch')).json.errors[0].code).toBe(
      'NO_SUCH_REPOSITORY',
    );
  });

  test('docker push through one replica and docker pull through another give the same image', async () => {
    // Every node trusts the DTR CA for every replica (docker looks in certs.d/<host>[:port]/ca.crt).
    const hosts = replicaNodes.map((r) => r.getIP()).join(' ');
    const trusted = await Promise.all(
      machines.map((m) =>
        m.ssh(
          `set -e; ca=$(mktemp); cat > $ca; for h in ${hosts}; do ` +
            'mkdir -p /etc/docker/certs.d/$h && cp $ca /etc/docker/certs.d/$h/ca.crt; done; rm $ca',
          { stdin: dtrCa },
        ),
      ),
    );
    expect(trusted.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const [pushTo, pullFrom] = [replicaNodes[0].getIP(), replicaNodes[1].getIP()];
    const login = (m: Machine, host: string) =>
      m.ssh(`docker login -u admin --password-stdin ${host}`, { stdin: adminPassword });
    expect((await login(controller, pushTo)).code).toBe(0);
    const pushed = await controller.ssh(
      'set -e; d=$(mktemp -d); head -c 4096 /dev/urandom > $d/payload; ' +
        `tar -C $d -c . | docker import - ${pushTo}/admin/tiny:1 >/dev/null; ` +
        `docker push ${pushTo}/admin/tiny:1 >/dev/null; docker image inspect -f '{{.Id}}' ${pushTo}/admin/tiny:1`,
    );
    expect(pushed).toMatchObject({ code: 0 });
    const puller = replicaNodes[2];
    expect((await login(puller, pullFrom)).code).toBe(0);
    const pulled = await puller.ssh(
      `docker pull ${pullFrom}/admin/tiny:1 >/dev/null && docker image inspect -f '{{.Id}}' ${pullFrom}/admin/tiny:1`,
    );
    expect(pulled).toMatchObject({ code: 0, stdout: pushed.stdout });
    // A blob upload spread over three replicas completes: one storage, one HTTP secret.
    const blob = Buffer.from(`blob ${Date.now()} ${Math.random()}`);
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const onReplica = (location: string, i: number) => {
      const target = new URL(location, url(i));
      target.host = new URL(url(i)).host;
      return target;
    };
    // One token for the three requests, each to another replica: they trust the same signing key.
    const token = await bearer('repository:admin/tiny:pull,push');
    const started = await call(`${url(0)}/v2/admin/tiny/blobs/uploads/`, {
      method: 'POST',
      ca: dtrCa,
      headers: token,
      body: '',
    });
    expect(started.status).toBe(202);
    const patched = await call(onReplica(String(started.headers.location), 1).toString(), {
      method: 'PATCH',
      ca: dtrCa,
      body: blob,
      headers: { ...token, 'Content-Type': 'application/octet-stream' },
    });
    expect(patched.status).toBe(202);
    const finished = onReplica(String(patched.headers.location), 2);
    finished.searchParams.set('digest', digest);
    expect(
      (await call(finished.toString(), { method: 'PUT', ca: dtrCa, headers: token, body: '' })).status,
    ).toBe(201);
  });

  test('a replica whose registry is down fails /load_balancer_status, and the others say why, until it is back', async () => {
    const client = replicaNodes[2].getClient();
    await client.getContainer(`dtr-registry-${ids[2]}`).stop({ t: 1 });
    const failing = await eventually(
      () => call(`${url(2)}/load_balancer_status`, { ca: dtrCa }),
      (a) => a.status !== 200,
    );
    expect(failing.status).toBe(503);
    const seen = await eventually(
      () => api(0, '/api/v0/meta/cluster_status'),
      (s) => /^unhealthy/.test(s.json.replica_health[ids[2]]),
    );
    expect(seen.json.replica_health[ids[2]]).toMatch(/^unhealthy \(HTTP 503\): registry: /);
    expect((await call(`${url(0)}/load_balancer_status`, { ca: dtrCa })).status).toBe(200);
    await client.getContainer(`dtr-registry-${ids[2]}`).start();
    const back = await eventually(
      () => call(`${url(2)}/load_balancer_status`, { ca: dtrCa }),
      (a) => a.status === 200,
    );
    expect(back.status).toBe(200);
  });

  test('flags 2.0 does not document are refused; bad values and credentials fail as before', async () => {
    // The controller is a UCP node without a replica: nothing here may leave anything behind.
    const node = controller;
    const caFlag = await dtr(node, raw(['install', '--dtr-ca', 'x']));
    expect(caFlag.code).toBe(1);
    expect(caFlag.stdout).toMatch(
      /^Incorrect Usage: flag provided but not defined: -dtr-ca\n\nNAME:\n {3}dtr install - /,
    );
    expect(await dtr(node, raw(['destroy', '--replica-id', ids[0]]))).toMatchObject({
      code: 3,
      stderr: "No help topic for 'destroy'",
    });
    const badId = await dtr(node, raw(['install', '--replica-id', 'xyz']));
    expect(fatal(badId)).toContain(
      'Invalid --replica-id "xyz": a replica ID is 12 lowercase hexadecimal digits',
    );
    const fresh = 'f00df00df00d';
    const joinHere = (over: object) =>
      commands.dtrJoin({
        ...replica(0),
        node: controller.name,
        replicaId: fresh,
        constraints: [],
        existingReplicaId: ids[0],
        ...over,
      });
    // 2.0 names no variable: the password is a flag or nothing.
    const line = joinHere({});
    const noPassword = await dtr(node, {
      args: line.args.filter((arg, i, all) => arg !== '--ucp-password' && all[i - 1] !== '--ucp-password'),
      env: { UCP_PASSWORD: adminPassword },
    });
    expect(noPassword.code).toBe(1);
    expect(fatal(noPassword)).toContain('Missing required flag --ucp-password');
    const both = await dtr(node, {
      args: [...joinHere({}).args, '--extra-envs', 'A=1'],
      env: {},
    });
    expect(fatal(both)).toContain("--extra-envs can't be used in combination with --ucp-node");
    const elsewhere = await dtr(node, joinHere({ node: replicaNodes[0].name }));
    expect(fatal(elsewhere)).toContain(`--ucp-node ${replicaNodes[0].name} is not this engine`);
    const unmet = await dtr(
      node,
      joinHere({ constraints: [{ key: 'dtrha.test-zone', operator: '==', value: 'a' }] }),
    );
    expect(fatal(unmet)).toContain('does not meet constraint:dtrha.test-zone==a of --extra-envs');
    const wrongPassword = await dtr(node, joinHere({ ucpPassword: 'wrong-password' }));
    expect(fatal(wrongPassword)).toContain(
      `Failed to authenticate with UCP at ${ucpUrl} as "admin": invalid username or password`,
    );
    expect(await leftovers(controller, fresh)).toEqual([]);
  });

  test("a healthy replica is not removed while another one's store member is down", async () => {
    // Removing b with c's member down would leave a alone of a and c: no quorum. etcd refuses that
    // under --strict-reconfig-check; the members run without it, and the installer checks instead.
    const member = replicaNodes[2].getClient().getContainer(`dtr-etcd-${ids[2]}`);
    await member.stop({ t: 1 });
    try {
      const refused = await dtr(
        replicaNodes[0],
        commands.dtrRemove({ ...access(), replicaId: ids[1], existingReplicaId: ids[0] }),
      );
      expect(refused.code).toBe(1);
      expect(fatal(refused)).toContain(
        'etcdserver: re-configuration failed due to not enough started members (removing a healthy member would leave 1 of 2',
      );
      // Checked before anything changed: b is still a replica of the cluster, and serves.
      const health = (await api(0, '/api/v0/meta/cluster_status')).json.replica_health;
      expect(health[ids[1]]).toBe('OK');
    } finally {
      await member.start();
    }
    const back = await eventually(
      async () => (await api(0, '/api/v0/meta/cluster_status')).json.replica_health,
      (h) => Object.values(h).filter((v) => v === 'OK').length === 3,
      30_000,
    );
    expect(back).toEqual({ [ids[0]]: 'OK', [ids[1]]: 'OK', [ids[2]]: 'OK' });
  });

  test('remove of a replica that is down goes through a healthy one, run on that one’s node', async () => {
    const [node, id] = [replicaNodes[2], ids[2]];
    const client = node.getClient();
    await Promise.all(
      [`dtr-nginx-${id}`, `dtr-registry-${id}`].map((n) => client.getContainer(n).stop({ t: 1 })),
    );
    const through = commands.dtrRemove({ ...access(), replicaId: id, existingReplicaId: ids[0] });
    expect(through.args).not.toContain('--force-remove');
    const removed = await dtr(replicaNodes[0], through);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`Removed replica ${id} from DTR cluster`);
    const health = (await api(0, '/api/v0/meta/cluster_status')).json.replica_health;
    expect(health).toEqual({ [ids[0]]: 'OK', [ids[1]]: 'OK' });
    // What the removed one left on its node stays there, until remove runs there.
    expect(await leftovers(node, id)).toContain(`dtr-registry-${id}`);
    const cleared = await dtr(node, through);
    expect(cleared.code).toBe(0);
    expect(cleared.stderr).toContain('Unmounted the storage mounted on');
    expect(await leftovers(node, id)).toEqual([]);
  });

  test('remove down to the last replica (--force-remove): nothing left, the images stay on the storage', async () => {
    const second = await dtr(
      replicaNodes[1],
      commands.dtrRemove({ ...access(), replicaId: ids[1], existingReplicaId: ids[0] }),
    );
    expect(second.code).toBe(0);
    expect(await leftovers(replicaNodes[1], ids[1])).toEqual([]);
    const lastLine = commands.dtrRemove({ ...access(), replicaId: ids[0], existingReplicaId: ids[0] });
    expect(lastLine.args).toContain('--force-remove');
    const last = await dtr(replicaNodes[0], lastLine);
    expect(last.code).toBe(0);
    for (const [i, m] of replicaNodes.entries()) {
      expect(await leftovers(m, ids[i])).toEqual([]);
      expect((await m.ssh('docker network ls --format "{{.Name}}"')).stdout.split('\n')).not.toContain(
        'dtr-br',
      );
      const mounts = await m.ssh("awk '{print $5}' /proc/self/mountinfo");
      expect(mounts.stdout.split('\n').filter((p) => p.startsWith('/var/lib/docker/volumes/'))).toEqual([]);
    }
    expect((await replicaNodes[0].ssh(`ls ${shared}/docker/registry/v2/repositories/admin`)).stdout).toBe(
      'tiny',
    );
  });
});

// ---- DTR 2.7 -------------------------------------------------------------------------------------

describe('DTR 2.7', () => {
  const commands = ucp3xDtr27.commands;
  const ids = ['27b000000001', '27b000000002'];
  const shared = `${labSharedDir}/dtr-registry-27`;
  const ports = { httpPort: 8080, httpsPort: 8443 };
  let given: { caPem: string; certPem: string; keyPem: string };
  const dtr = (m: Machine, line: CommandLine) => installer(m, images.dtr27, line);
  const url = (i: number) => `https://${replicaNodes[i].getIP()}:${ports.httpsPort}`;
  const api = (i: number, pathname: string) => call(`${url(i)}${pathname}`, { ca: given.caPem, ...asAdmin });
  const replica = (i: number) => ({ ...access(), ...ports, node: replicaNodes[i].name, replicaId: ids[i] });

  beforeAll(async () => {
    /* eslint-disable-next-line @typescript-eslint/no-explicit-any */
    const pki: any = await import(path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common/pki.js'));
    const ca = pki.createCA('dtr-ha test DTR CA', { organization: 'dtr-ha' });
    const names = [controller.getIP(), ...replicaNodes.map((m) => m.getIP())];
    given = { caPem: ca.certPem, ...pki.issueCertificate(ca, controller.getIP(), names) };
  });

  test('without its dtr-registry image on the node, install fails before it creates anything', async () => {
    const [node, id] = [replicaNodes[0], ids[0]];
    const registryImage = components.dtr27.find((c) => /\/dtr-registry:/.test(c))!;
    expect(components.dtr27).toEqual([
      registryImage.replace('/dtr-registry:', '/dtr-nginx:'),
      registryImage,
      registryImage.replace('/dtr-registry:', '/dtr-rethinkdb:'),
    ]);
    const listed = await dtr(node, raw(['images']));
    expect(listed).toMatchObject({ code: 0, stdout: components.dtr27.join('\n') }); // ssh() trims it
    expect(await node.ssh(`docker rmi ${registryImage}`)).toMatchObject({ code: 0 });
    // The lab has no registry: the pull the installer tries fails, and says so.
    const install = commands.dtrInstall({
      ...replica(0),
      external: { host: controller.getIP() },
      tls: given,
    });
    const failed = await dtr(node, install);
    expect(failed.code).toBe(1);
    expect(fatal(failed).startsWith(`Unable to pull image ${registryImage}: `)).toBe(true);
    expect(await leftovers(node, id)).toEqual([]);
    expect((await node.ssh('docker network ls --format "{{.Name}}"')).stdout.split('\n')).not.toContain(
      'dtr-br',
    );
    await transferImage(hostDocker, registryImage, [{ name: node.name, docker: node.getClient() }]);
  });

  test('install with the given certificate, UCP_PASSWORD and DTR_KEY from the environment; join', async () => {
    await Promise.all([0, 1].map((i) => prepareSharedRegistryVolume(replicaNodes[i], ids[i], shared)));
    const install = commands.dtrInstall({
      ...replica(0),
      external: { host: controller.getIP(), port: ports.httpsPort },
      tls: given,
    });
    expect(install.args).not.toContain(adminPassword);
    expect(install.env).toMatchObject({ UCP_PASSWORD: adminPassword, DTR_KEY: given.keyPem });
    const installed = await dtr(replicaNodes[0], install);
    expect(installed.stderr).toContain(`Replica ID is set to: ${ids[0]}`);
    expect(installed.code).toBe(0);
    // UCP 1.1 (no swarm mode) makes no overlay network: the replicas stay on their node addresses.
    expect(installed.stderr).toContain('creates no overlay networks (no swarm mode)');
    const joined = await dtr(replicaNodes[1], commands.dtrJoin({ ...replica(1), existingReplicaId: ids[0] }));
    expect(joined.stderr).toContain('Join is complete');
    expect(joined.code).toBe(0);
  });

  test('/_ping, /ca and the given certificate on every replica; cluster_status', async () => {
    for (const i of [0, 1]) {
      const ping = await call(`${url(i)}/_ping`, { ca: given.caPem });
      expect(ping).toMatchObject({ status: 200, json: { Healthy: true, Error: '' } });
      expect(ping.json.components).toEqual({ metadata: 'OK', storage: 'OK', registry: 'OK' });
      expect((await call(`${url(i)}/ca`, { ca: given.caPem })).text.trim()).toBe(given.caPem.trim());
      expect((await call(`${url(i)}/nginx_status`, { ca: given.caPem })).text).toMatch(
        /^Active connections: /,
      );
      const served = await peerCertificate(replicaNodes[i].getIP(), ports.httpsPort, given.caPem);
      expect(served.fingerprint256).toBe(new X509Certificate(given.certPem).fingerprint256);
      const status = await api(i, '/api/v0/meta/cluster_status');
      expect(status.json.replica_health).toEqual({ [ids[0]]: 'OK', [ids[1]]: 'OK' });
    }
  });

  test('flags 2.7 does not document are refused', async () => {
    const install = commands.dtrInstall({ ...replica(0), external: { host: 'x' }, tls: given });
    const extra = await dtr(controller, { ...install, args: [...install.args, '--extra-envs', 'A=1'] });
    expect(extra.code).toBe(1);
    expect(extra.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -extra-envs\n/);
    const remove = commands.dtrRemove({ ...access(), replicaId: ids[0], existingReplicaId: ids[0] });
    const force = await dtr(controller, { ...remove, args: [...remove.args, '--force-remove'] });
    expect(force.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -force-remove\n/);
    // Removing the replica it goes through: 2.7 removes the last replica with destroy.
    const self = await dtr(replicaNodes[0], remove);
    expect(self.code).toBe(1);
    expect(fatal(self)).toContain('remove the last one with destroy');
    expect((await api(0, '/api/v0/meta/cluster_status')).json.replica_health).toEqual({
      [ids[0]]: 'OK',
      [ids[1]]: 'OK',
    });
  });

  test('remove --replica-ids through the installed replica; destroy of the last one', async () => {
    const removed = await dtr(
      replicaNodes[1],
      commands.dtrRemove({ ...access(), replicaId: ids[1], existingReplicaId: ids[0] }),
    );
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain(`Removed replica ${ids[1]} from DTR cluster`);
    expect(await leftovers(replicaNodes[1], ids[1])).toEqual([]);
    expect((await api(0, '/api/v0/meta/cluster_status')).json.replica_health).toEqual({ [ids[0]]: 'OK' });
    const destroyed = await dtr(replicaNodes[0], commands.dtrDestroy({ ...access(), replicaId: ids[0] }));
    expect(destroyed.code).toBe(0);
    expect(await leftovers(replicaNodes[0], ids[0])).toEqual([]);
  });
});
