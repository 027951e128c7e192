import Docker from 'dockerode';
import { createHash, X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { quote } from 'shell-quote';
import { loadConfig, type Config } from '../../config';
import { down, up } from '../../cluster/up';
import { toMachines } from '../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { transferImage } from '../../images/image-transfer';
import type { Machine } from '../../machines/machine';
import { labSharedDir } from '../layout';
import { ensureStandinImages, type StandinImages } from './standin-images';

// The UCP and DTR stand-ins on real lab nodes: UCP on node 1, DTR replicas on nodes 2–4 over the
// lab's shared volume, every endpoint, a push and a pull through different replicas, node loss,
// remove/destroy, and the documented errors. No mocks.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
const adminPassword = 'standin-admin-1';
const controllerPort = 8443;
const replicaIds = ['5a1d0000a001', '5a1d0000a002', '5a1d0000a003'];
/** Where the lab's storage step binds every replica's registry volume: one directory on the shared volume. */
const sharedRegistryDir = `${labSharedDir}/dtr-registry`;

let stateDir: string;
let config: Config;
let machines: Machine[];
let images: StandinImages;
let controller: Machine;
let replicaNodes: Machine[];
let ucpUrl: string;
let ucpCa: string;
let instanceId: string;
let dtrCa: string;

// ---- helpers -------------------------------------------------------------------------------------

/** `docker run --rm` of an installer image on a node, over SSH, as the framework runs it. */
function installer(machine: Machine, image: string, args: string[]) {
  return machine.ssh(`docker run --rm -v /var/run/docker.sock:/var/run/docker.sock ${image} ${quote(args)}`);
}
const ucp = (machine: Machine, args: string[]) => installer(machine, images.ucp, args);
const dtr = (machine: Machine, args: string[]) => installer(machine, images.dtr, args);
const ucpFlags = (password = adminPassword) => [
  '--ucp-url',
  ucpUrl,
  '--ucp-username',
  'admin',
  '--ucp-password',
  password,
  '--ucp-ca',
  ucpCa,
];

/**
 * What the framework's storage step does before a DTR install/join on a replica node: create the
 * replica's registry volume and bind the cluster's shared directory over its data.
 */
async function prepareSharedRegistryVolume(machine: Machine, replicaId: string): Promise<void> {
  const volume = `dtr-registry-${replicaId}`;
  const result = await machine.ssh(
    `set -e; docker volume create ${volume} >/dev/null; mkdir -p ${sharedRegistryDir}; ` +
      `mp=$(docker volume inspect -f '{{.Mountpoint}}' ${volume}); ` +
      `mountpoint -q "$mp" || mount --bind ${sharedRegistryDir} "$mp"`,
  );
  expect(result).toMatchObject({ code: 0 });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(
  url: string,
  options: {
    method?: string;
    ca?: string;
    auth?: string;
    body?: Buffer | string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const target = new URL(url);
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  if (options.body !== undefined) headers['Content-Length'] = Buffer.byteLength(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method: options.method ?? 'GET',
        hostname: target.hostname,
        port: target.port || 443,
        path: target.pathname + target.search,
        headers,
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
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

const replicaUrl = (i: number) => `https://${replicaNodes[i].getIP()}`;
const asAdmin = { auth: `admin:${adminPassword}` };
const dtrApi = (i: number, pathname: string, options: Parameters<typeof call>[1] = {}) =>
  call(`${replicaUrl(i)}${pathname}`, { ca: dtrCa, ...asAdmin, ...options });

function peerAltNames(host: string, port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, ca, servername: undefined }, () => {
      resolve(socket.getPeerCertificate().subjectaltname ?? '');
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

const dtrTransferSaid: string[] = [];

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-standins-test-'));
  config = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `standins${process.pid}`,
      NUM_MACHINES: '4',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  // The nodes come up while the images build (or are found cached).
  const [cluster, built] = await Promise.all([
    up(config, { reporter: quiet(), until: 'machines' }),
    ensureStandinImages(hostDocker),
  ]);
  images = built;
  machines = toMachines(cluster.context, cluster.machines);
  [controller, ...replicaNodes] = machines;
  const targets = machines.map((m) => ({ name: m.name, docker: m.getClient() }));
  await transferImage(hostDocker, images.ucp, targets);
  // Built on the UCP stand-in's base: the machines get the DTR stand-in's own layer only.
  await transferImage(hostDocker, images.dtr, targets, (line) => dtrTransferSaid.push(line));
  ucpUrl = `https://${controller.getIP()}:${controllerPort}`;
});

afterAll(async () => {
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

test('ensureStandinImages tags the images as the default UCP_REPO/UCP_TAG and DTR_REPO/DTR_TAG', async () => {
  expect(images.ucp).toBe('dtrha-lab/ucp:standin');
  expect(images.dtr).toBe('dtrha-lab/dtr:standin');
  const [a, b] = await Promise.all([
    hostDocker.getImage(images.ucp).inspect(),
    hostDocker.getImage(images.recipeTags.ucp).inspect(),
  ]);
  expect(a.Id).toBe(b.Id);
  const { Id: dtrId } = await hostDocker.getImage(images.dtr).inspect();
  for (const m of machines) expect((await m.getClient().getImage(images.dtr).inspect()).Id).toBe(dtrId);
  expect(dtrTransferSaid).toEqual([expect.stringMatching(/→ .* \(only the layers they lack\)$/)]);
});

test('UCP install leaves ucp-controller serving /_ping, /ca and /auth/login; fingerprint and id agree', async () => {
  const ip = controller.getIP();
  const installed = await ucp(controller, [
    'install',
    '--admin-username',
    'admin',
    '--admin-password',
    adminPassword,
    '--host-address',
    ip,
    '--san',
    ip,
    '--controller-port',
    String(controllerPort),
  ]);
  expect(installed.code).toBe(0);
  instanceId = /UCP instance ID: (\S+?)"/.exec(installed.stderr)![1];

  const printed = await ucp(controller, ['fingerprint']);
  expect(printed.code).toBe(0);
  expect(printed.stdout).toMatch(/^SHA-256 Fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  ucpCa = (await call(`${ucpUrl}/ca`)).text; // fetched unverified, then pinned by its fingerprint
  expect(`SHA-256 Fingerprint=${new X509Certificate(ucpCa).fingerprint256}`).toBe(printed.stdout);
  expect((await ucp(controller, ['id'])).stdout).toBe(instanceId);

  // Verified against that CA, by the host address.
  expect(await call(`${ucpUrl}/_ping`, { ca: ucpCa })).toMatchObject({ status: 200, text: 'OK' });
  const login = (password: string) =>
    call(`${ucpUrl}/auth/login`, {
      ca: ucpCa,
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password }),
      headers: { 'Content-Type': 'application/json' },
    });
  expect((await login(adminPassword)).json.auth_token).toMatch(/^[0-9a-f]{48}$/);
  expect((await login('not-the-password')).status).toBe(401);

  const inspected = await controller.getClient().getContainer('ucp-controller').inspect();
  expect(inspected.State.Running).toBe(true);
  expect(inspected.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
  // The admin password is kept hashed, never as such.
  const accounts = await controller.ssh('docker exec ucp-controller cat /var/lib/ucp/kv/accounts.json');
  expect(accounts.stdout).toContain('scrypt');
  expect(accounts.stdout).not.toContain(adminPassword);
});

test('UCP join refuses a wrong fingerprint; nodes 2-4 join and the controller lists them', async () => {
  const fingerprint = new X509Certificate(ucpCa).fingerprint256;
  const joinArgs = (fp: string) => [
    'join',
    '--url',
    ucpUrl,
    '--fingerprint',
    fp,
    '--admin-username',
    'admin',
    '--admin-password',
    adminPassword,
  ];
  const wrong = await ucp(
    replicaNodes[0],
    joinArgs(fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00')),
  );
  expect(wrong.code).toBe(1);
  expect(fatal(wrong)).toMatch(/does not match the one you provided/);

  const joined = await Promise.all(
    replicaNodes.map((m) => ucp(m, [...joinArgs(fingerprint), '--host-address', m.getIP()])),
  );
  expect(joined.map((r) => r.code)).toEqual([0, 0, 0]);
  const nodes = await call(`${ucpUrl}/api/nodes`, { ca: ucpCa, ...asAdmin });
  const listed = (nodes.json as Array<{ name: string; address: string; role: string }>).map((n) => [
    n.name,
    n.address,
    n.role,
  ]);
  expect(listed.sort()).toEqual(
    machines.map((m, i) => [m.name, m.getIP(), i === 0 ? 'controller' : 'worker']).sort(),
  );
  expect((await call(`${ucpUrl}/api/nodes`, { ca: ucpCa })).status).toBe(401);
});

test('DTR install on node 2 and join on nodes 3 and 4, over shared registry volumes', async () => {
  await Promise.all(replicaNodes.map((m, i) => prepareSharedRegistryVolume(m, replicaIds[i])));
  const installed = await dtr(replicaNodes[0], [
    'install',
    ...ucpFlags(),
    '--ucp-node',
    replicaNodes[0].name,
    '--replica-id',
    replicaIds[0],
    '--dtr-external-url',
    controller.getIP(),
  ]);
  expect(installed.stderr).toContain(`Replica ID is set to: ${replicaIds[0]}`);
  expect(installed.code).toBe(0);
  const joined = await Promise.all(
    [1, 2].map((i) =>
      dtr(replicaNodes[i], [
        'join',
        ...ucpFlags(),
        '--ucp-node',
        replicaNodes[i].name,
        '--replica-id',
        replicaIds[i],
        '--existing-replica-id',
        replicaIds[0],
      ]),
    ),
  );
  expect(joined.map((r) => [r.code, /Join is complete/.test(r.stderr)])).toEqual([
    [0, true],
    [0, true],
  ]);
  for (const [i, m] of replicaNodes.entries()) {
    const running = (await m.getClient().listContainers()).flatMap((c) => c.Names).sort();
    expect(running).toEqual([`/dtr-nginx-${replicaIds[i]}`, `/dtr-registry-${replicaIds[i]}`]);
  }
  // The DTR CA is on the storage every replica shares.
  dtrCa = (await replicaNodes[2].ssh(`cat ${sharedRegistryDir}/dtr-meta/ca/ca.pem`)).stdout;
  expect(dtrCa).toContain('BEGIN CERTIFICATE');
});

test('every endpoint answers as documented on every replica, over HTTPS verified with the DTR CA', async () => {
  for (const [i, node] of replicaNodes.entries()) {
    const id = replicaIds[i];
    const ping = await call(`${replicaUrl(i)}/_ping`, { ca: dtrCa });
    expect(ping).toMatchObject({ status: 200, json: { Healthy: true, Error: '' } });
    expect(await call(`${replicaUrl(i)}/health`, { ca: dtrCa })).toMatchObject({
      status: 200,
      json: { Error: '', Healthy: true },
    });
    const lb = await call(`${replicaUrl(i)}/load_balancer_status?format=json`, { ca: dtrCa });
    expect(lb.json.servers.total).toBe(4);
    expect(lb.json.servers.server.map((s: { status: string }) => s.status)).toEqual(['up', 'up', 'up', 'up']);
    expect((await call(`${replicaUrl(i)}/load_balancer_status`, { ca: dtrCa })).headers['content-type']).toBe(
      'text/html',
    );
    expect((await call(`${replicaUrl(i)}/ca`, { ca: dtrCa })).text.trim()).toBe(dtrCa.trim());
    // The certificate is valid for the external URL's host and the node's address.
    const altNames = await peerAltNames(node.getIP(), 443, dtrCa);
    expect(altNames).toContain(`IP Address:${node.getIP()}`);
    expect(altNames).toContain(`IP Address:${controller.getIP()}`);

    expect((await call(`${replicaUrl(i)}/api/v0/meta/cluster_status`, { ca: dtrCa })).status).toBe(401);
    expect((await dtrApi(i, '/api/v0/meta/cluster_status', { auth: 'admin:wrong-password' })).status).toBe(
      401,
    );
    const status = await dtrApi(i, '/api/v0/meta/cluster_status');
    expect(status.json.current_replica_id).toBe(id);
    expect(status.json.replica_health).toEqual(Object.fromEntries(replicaIds.map((r) => [r, 'OK'])));

    const v2 = await call(`${replicaUrl(i)}/v2/`, { ca: dtrCa });
    expect(v2.status).toBe(401);
    expect(v2.headers['www-authenticate']).toMatch(/^Basic /);
    expect(v2.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect((await dtrApi(i, '/v2/')).status).toBe(200);

    // Plain HTTP: status endpoints answer, the rest goes to HTTPS.
    expect((await plainGet(`http://${node.getIP()}/health`)).status).toBe(200);
    expect(await plainGet(`http://${node.getIP()}/api/v0/repositories/admin`)).toMatchObject({
      status: 301,
      location: `https://${node.getIP()}/api/v0/repositories/admin`,
    });
  }

  // Repositories: created on one replica, seen on the others (metadata on the shared storage).
  const created = await dtrApi(0, '/api/v0/repositories/admin', {
    method: 'POST',
    body: JSON.stringify({ name: 'tiny', visibility: 'public', shortDescription: 'pushed by the test' }),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(created).toMatchObject({
    status: 201,
    json: { namespace: 'admin', name: 'tiny', visibility: 'public' },
  });
  expect(
    (await dtrApi(1, '/api/v0/repositories/admin')).json.repositories.map((r: { name: string }) => r.name),
  ).toEqual(['tiny']);
  expect((await dtrApi(2, '/api/v0/repositories/admin/tiny')).json.id).toBe(created.json.id);
  const post = (i: number, body: string) =>
    dtrApi(i, '/api/v0/repositories/admin', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json' },
    });
  expect((await post(1, JSON.stringify({ name: 'tiny' }))).json.errors[0].code).toBe('REPOSITORY_EXISTS');
  expect((await post(1, JSON.stringify({ name: 'Not Valid' }))).json.errors[0].code).toBe(
    'INVALID_REPOSITORY_NAME',
  );
  expect((await post(1, '{not json')).json.errors[0].code).toBe('INVALID_JSON');
  expect((await post(2, JSON.stringify({ name: 'scratch' }))).status).toBe(201);
  expect((await dtrApi(0, '/api/v0/repositories/admin/scratch', { method: 'DELETE' })).status).toBe(204);
  expect((await dtrApi(1, '/api/v0/repositories/admin/scratch')).json.errors[0].code).toBe(
    'NO_SUCH_REPOSITORY',
  );
  expect((await call(`${replicaUrl(2)}/api/v0/repositories/admin`, { ca: dtrCa })).status).toBe(401);
});

test('docker push to one replica and docker pull from another node through another replica give the same image', async () => {
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
  const pushTo = replicaNodes[0].getIP();
  const pullFrom = replicaNodes[1].getIP();
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
  expect(pulled.stdout).toMatch(/^sha256:[0-9a-f]{64}$/);
  // A repository that was not created through the API is not served.
  const unknown = await puller.ssh(`docker pull ${pullFrom}/admin/never-created:1`);
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toContain('name unknown');
});

test('a blob upload spread over three replicas completes: one storage, one HTTP secret', async () => {
  const blob = Buffer.from(`blob ${Date.now()} ${Math.random()}`);
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  // Each step goes to replica i's own address, so three replicas serve one upload.
  const onReplica = (location: string, i: number) => {
    const url = new URL(location, replicaUrl(i));
    url.host = new URL(replicaUrl(i)).host;
    return url.toString();
  };
  const started = await dtrApi(0, '/v2/admin/tiny/blobs/uploads/', { method: 'POST', body: '' });
  expect(started.status).toBe(202);
  const patched = await call(onReplica(String(started.headers.location), 1), {
    method: 'PATCH',
    ca: dtrCa,
    ...asAdmin,
    body: blob,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(patched.status).toBe(202);
  const finished = new URL(onReplica(String(patched.headers.location), 2));
  finished.searchParams.set('digest', digest);
  const put = await call(finished.toString(), { method: 'PUT', ca: dtrCa, ...asAdmin, body: '' });
  expect(put.status).toBe(201);
  const head = await dtrApi(0, `/v2/admin/tiny/blobs/${digest}`, { method: 'HEAD' });
  expect(head.status).toBe(200);
});

test("killing one replica's containers: cluster_status on the others reports it, until it is back", async () => {
  const victim = replicaNodes[2].getClient();
  const dead = replicaIds[2];
  await Promise.all(
    [`dtr-nginx-${dead}`, `dtr-registry-${dead}`].map((name) => victim.getContainer(name).kill()),
  );
  for (const i of [0, 1]) {
    const health = (await dtrApi(i, '/api/v0/meta/cluster_status')).json.replica_health;
    expect(health[replicaIds[0]]).toBe('OK');
    expect(health[replicaIds[1]]).toBe('OK');
    expect(health[dead]).toMatch(/^unreachable: /);
  }
  // Its front back without its registry: reachable, and says which part fails.
  await victim.getContainer(`dtr-nginx-${dead}`).start();
  const partial = await eventually(
    () => dtrApi(0, '/api/v0/meta/cluster_status'),
    (s) => /^unhealthy/.test(s.json.replica_health[dead]),
  );
  expect(partial.json.replica_health[dead]).toMatch(/^unhealthy \(HTTP 503\): registry: /);
  const ping = await call(`${replicaUrl(2)}/_ping`, { ca: dtrCa });
  expect(ping.status).toBe(503);
  expect(ping.json.components).toMatchObject({ metadata: 'OK', storage: 'OK' });
  await victim.getContainer(`dtr-registry-${dead}`).start();
  const healed = await eventually(
    () => dtrApi(1, '/api/v0/meta/cluster_status'),
    (s) => s.json.replica_health[dead] === 'OK',
  );
  expect(healed.json.replica_health[dead]).toBe('OK');
});

test('bad flags, missing flags, wrong credentials and an unreachable UCP fail as the real CLIs do', async () => {
  const node = replicaNodes[0];
  const unknown = await ucp(node, ['install', '--bogus']);
  expect(unknown.code).toBe(1);
  expect(unknown.stdout).toMatch(
    /^Incorrect Usage: flag provided but not defined: -bogus\n\nNAME:\n {3}ucp install - /,
  );
  expect(unknown.stderr).toMatch(/level=fatal msg="flag provided but not defined: -bogus"/);
  expect(await ucp(node, ['frobnicate'])).toMatchObject({
    code: 3,
    stderr: "No help topic for 'frobnicate'",
  });
  const help = await ucp(node, ['join', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--fingerprint value');
  const noPassword = await ucp(node, ['install', '--host-address', node.getIP()]);
  expect(noPassword.code).toBe(1);
  expect(fatal(noPassword)).toContain('Missing required flag --admin-password');
  expect((await ucp(node, ['install', '--controller-port', 'eighty'])).stdout).toContain(
    'Incorrect Usage: invalid value "eighty" for flag -controller-port: parse error',
  );

  expect((await dtr(node, ['destroy', '--bogus'])).stdout).toMatch(
    /^Incorrect Usage: flag provided but not defined: -bogus/,
  );
  const badId = await dtr(node, ['install', ...ucpFlags(), '--replica-id', 'xyz']);
  expect(badId.code).toBe(1);
  expect(fatal(badId)).toContain(
    'Invalid --replica-id "xyz": a replica ID is 12 lowercase hexadecimal digits',
  );
  const noExisting = await dtr(node, ['join', ...ucpFlags()]);
  expect(noExisting.code).toBe(1);
  expect(fatal(noExisting)).toContain('Missing required flag --existing-replica-id');
  const noUrl = await dtr(node, ['destroy']);
  expect(fatal(noUrl)).toContain('Missing required flag --ucp-url (or the environment variable $UCP_URL)');
  const both = await dtr(controller, [
    'join',
    ...ucpFlags(),
    '--existing-replica-id',
    replicaIds[0],
    '--ucp-node',
    controller.name,
    '--extra-envs',
    'A=1',
  ]);
  expect(fatal(both)).toContain("--extra-envs can't be used in combination with --ucp-node");

  // The controller node is a UCP node without a replica: joins there fail before leaving anything.
  const fresh = 'f00df00df00d';
  const wrongPassword = await dtr(controller, [
    'join',
    ...ucpFlags('wrong-password'),
    '--replica-id',
    fresh,
    '--existing-replica-id',
    replicaIds[0],
  ]);
  expect(wrongPassword.code).toBe(1);
  expect(fatal(wrongPassword)).toContain(
    `Failed to authenticate with UCP at ${ucpUrl} as "admin": invalid username or password`,
  );
  const untrusted = await dtr(controller, [
    'join',
    ...ucpFlags().slice(0, 6),
    '--existing-replica-id',
    replicaIds[0],
  ]);
  expect(fatal(untrusted)).toMatch(/Failed to connect to UCP at .*--ucp-insecure-tls/);
  await controller.getClient().getContainer('ucp-controller').stop({ t: 1 });
  try {
    const down = await dtr(controller, ['join', ...ucpFlags(), '--existing-replica-id', replicaIds[0]]);
    expect(down.code).toBe(1);
    expect(fatal(down)).toContain(`Failed to connect to UCP at ${ucpUrl}: connect ECONNREFUSED`);
  } finally {
    await controller.getClient().getContainer('ucp-controller').start();
  }
  await eventually(
    () => call(`${ucpUrl}/_ping`, { ca: ucpCa }).catch(() => ({ status: 0 }) as Answer),
    (a) => a.status === 200,
  );
  // --existing-replica-id must name a replica of the cluster found on the shared storage.
  await prepareSharedRegistryVolume(controller, fresh);
  const notMember = await dtr(controller, [
    'join',
    ...ucpFlags(),
    '--replica-id',
    fresh,
    '--existing-replica-id',
    'ffffffffffff',
  ]);
  expect(notMember.code).toBe(1);
  expect(fatal(notMember)).toContain('Replica ffffffffffff is not part of DTR cluster');
  // The volume the storage step made is left for it; nothing else of the replica is.
  expect(await leftovers(controller, fresh)).toEqual([`dtr-registry-${fresh}`]);
  await controller.ssh(
    `umount $(docker volume inspect -f '{{.Mountpoint}}' dtr-registry-${fresh}) && docker volume rm dtr-registry-${fresh}`,
  );
  expect(await leftovers(controller, fresh)).toEqual([]);
});

test('remove of a replica that is down goes through a healthy one, run on that one’s node', async () => {
  const [node, id] = [replicaNodes[2], replicaIds[2]];
  const client = node.getClient();
  await Promise.all(
    [`dtr-nginx-${id}`, `dtr-registry-${id}`].map((n) => client.getContainer(n).stop({ t: 1 })),
  );
  const through = ['remove', ...ucpFlags(), '--replica-id', id, '--existing-replica-id', replicaIds[0]];
  // A node with neither replica has no way to the cluster's metadata: refused, nothing changed.
  const elsewhere = await dtr(controller, through);
  expect(elsewhere.code).toBe(1);
  expect(fatal(elsewhere)).toContain(`Neither replica ${replicaIds[0]} nor replica ${id} is on this engine`);

  const removed = await dtr(replicaNodes[0], through);
  expect(removed.code).toBe(0);
  expect(removed.stderr).toContain(`Removed replica ${id} from DTR cluster`);
  const health = (await dtrApi(0, '/api/v0/meta/cluster_status')).json.replica_health;
  expect(health).toEqual({ [replicaIds[0]]: 'OK', [replicaIds[1]]: 'OK' });
  // The replica it went through is untouched; what the removed one left on its node stays there.
  expect((await leftovers(replicaNodes[0], replicaIds[0])).sort()).toEqual([
    `/dtr-nginx-${replicaIds[0]}`,
    `/dtr-registry-${replicaIds[0]}`,
    `dtr-registry-${replicaIds[0]}`,
  ]);
  expect(removed.stderr).toContain(`Replica ${id} has no containers or volumes on this engine`);
  expect(await leftovers(node, id)).toContain(`dtr-registry-${id}`);
});

test('remove leaves no container or volume of the replica behind, and the shared images stay', async () => {
  const [node, id] = [replicaNodes[2], replicaIds[2]];
  const removed = await dtr(node, [
    'remove',
    ...ucpFlags(),
    '--replica-id',
    id,
    '--existing-replica-id',
    replicaIds[0],
  ]);
  expect(removed.code).toBe(0);
  // Out of the cluster already (the test above): remove on its own node clears what it left.
  expect(removed.stderr).toContain(`Replica ${id} was not in the metadata of DTR cluster`);
  expect(removed.stderr).toContain('Unmounted the storage mounted on');
  expect(await leftovers(node, id)).toEqual([]);
  expect((await node.ssh('docker network ls --format "{{.Name}}"')).stdout.split('\n')).not.toContain(
    'dtr-br',
  );
  // Nothing stays mounted under the engine's volumes (the shared storage was unmounted, not deleted).
  const mounts = await node.ssh("awk '{print $5}' /proc/self/mountinfo");
  expect(mounts.stdout.split('\n').filter((m) => m.startsWith('/var/lib/docker/volumes/'))).toEqual([]);
  const health = (await dtrApi(0, '/api/v0/meta/cluster_status')).json.replica_health;
  expect(health).toEqual({ [replicaIds[0]]: 'OK', [replicaIds[1]]: 'OK' });
  // The pushed image is still on the shared storage, served by the remaining replicas.
  const manifest = await dtrApi(1, '/v2/admin/tiny/manifests/1', {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  expect(manifest.status).toBe(200);
});

test('destroy leaves no container or volume behind and does not tell the others', async () => {
  const destroyed = await dtr(replicaNodes[1], ['destroy', ...ucpFlags(), '--replica-id', replicaIds[1]]);
  expect(destroyed.code).toBe(0);
  expect(await leftovers(replicaNodes[1], replicaIds[1])).toEqual([]);
  const health = (await dtrApi(0, '/api/v0/meta/cluster_status')).json.replica_health;
  expect(health[replicaIds[0]]).toBe('OK');
  expect(health[replicaIds[1]]).toMatch(/^unreachable: /);
  // Without --replica-id on an engine that runs one replica.
  const last = await dtr(replicaNodes[0], ['destroy', ...ucpFlags()]);
  expect(last.code).toBe(0);
  expect(await leftovers(replicaNodes[0], replicaIds[0])).toEqual([]);
  expect(
    (await replicaNodes[0].ssh(`ls ${sharedRegistryDir}/docker/registry/v2/repositories/admin`)).stdout,
  ).toBe('tiny');
});

test('UCP uninstall removes what join and install made', async () => {
  const node = replicaNodes[0];
  expect(fatal(await ucp(node, ['uninstall']))).toContain('Missing required flag --id');
  expect((await ucp(node, ['uninstall', '--id', 'WRONG'])).code).toBe(1);
  expect((await ucp(node, ['uninstall', '--id', instanceId])).code).toBe(0);
  expect((await node.getClient().listVolumes()).Volumes?.map((v) => v.Name) ?? []).not.toContain(
    'ucp-node-certs',
  );
  const nodes = await call(`${ucpUrl}/api/nodes`, { ca: ucpCa, ...asAdmin });
  expect(nodes.json.map((n: { name: string }) => n.name)).not.toContain(node.name);

  expect((await ucp(controller, ['uninstall', '--id', instanceId])).code).toBe(0);
  const containers = await controller.getClient().listContainers({ all: true });
  const volumes = (await controller.getClient().listVolumes()).Volumes ?? [];
  expect(
    [...containers.flatMap((c) => c.Names), ...volumes.map((v) => v.Name)].filter((n) => /ucp/.test(n)),
  ).toEqual([]);
  expect((await ucp(controller, ['fingerprint'])).code).toBe(1);
});
