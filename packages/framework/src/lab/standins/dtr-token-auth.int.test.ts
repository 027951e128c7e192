import Docker from 'dockerode';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quote } from 'shell-quote';
import { loadConfig, type Config } from '../../config';
import { down, up } from '../../cluster/up';
import { toMachines } from '../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../cluster/status';
import { call as httpsCall, type Answer } from '../../../test-support/https-call';
import { deliverStandin } from '../../../test-support/standin-delivery';
import type { Machine } from '../../machines/machine';
import type { CommandLine } from '../../releases/profile';
import { ucp11Dtr20 } from '../../releases/ucp-1.1+dtr-2.0';
import type { DtrUcpAccess } from '../../releases/settings';
import { ensureLabImage } from '../lab-image';
import { labSharedDir } from '../layout';

// The DTR stand-in's registry token flow on real lab nodes: UCP (the UCP 1.1 stand-in) on node 1,
// three DTR 2.0 replicas on nodes 2–4 over the lab's shared volume, the external URL being node 2's
// address (so every token comes from that replica's /auth/token). Each replica's registry (CNCF
// Distribution) checks the tokens itself and sends the Bearer challenge; a token from one replica
// works on every other; the docker CLI follows the flow by itself for login, push and pull. No mocks.

const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
const adminPassword = 'standin-admin-1';
const controllerPort = 8443;
const ids = ['70c000000001', '70c000000002', '70c000000003'];
const shared = `${labSharedDir}/dtr-registry-token`;

let stateDir: string;
let config: Config;
let machines: Machine[];
let images: { ucp: string; dtr: string };
let controller: Machine;
let replicaNodes: Machine[];
let ucpUrl: string;
let ucpCa: string;
let dtrCa: string;
let external: string;

/** `docker run --rm` of an installer image on a node, over SSH, as the framework runs it. */
function installer(machine: Machine, image: string, line: CommandLine) {
  const env = Object.entries(line.env);
  const prefix = env.length ? ['env', ...env.map(([k, v]) => `${k}=${v}`)] : [];
  return machine.ssh(
    quote([
      ...prefix,
      'docker',
      'run',
      '--rm',
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      '--label',
      'dtr-ha.role=dtr-installer',
      ...env.flatMap(([k]) => ['-e', k]),
      image,
      ...line.args,
    ]),
  );
}

function succeeded(result: { code: number; stderr: string; stdout: string }, what: string): void {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr}${result.stdout}`);
}

const access = (): DtrUcpAccess => ({
  ucpUrl,
  ucpCaPem: ucpCa,
  ucpUsername: 'admin',
  ucpPassword: adminPassword,
});

/** The shared HTTPS call, with the two ways this test authenticates and a JSON body. */
function call(
  url: string,
  options: { method?: string; ca?: string; basic?: string; bearer?: string; body?: string } = {},
): Promise<Answer> {
  const { basic, bearer, ...rest } = options;
  const headers: Record<string, string> = {};
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  // A bearer token wins over Basic credentials, as before.
  return httpsCall(url, { ...rest, auth: bearer ? undefined : basic, headers });
}

const url = (i: number) => `https://${replicaNodes[i].getIP()}`;
const asAdmin = `admin:${adminPassword}`;

/** A token from replica `i`'s /auth/token, as the docker CLI asks for one. */
async function tokenFrom(i: number, scopes: string[], basic: string | undefined = asAdmin): Promise<Answer> {
  const query = new URLSearchParams({ service: external });
  for (const scope of scopes) query.append('scope', scope);
  return call(`${url(i)}/auth/token?${query}`, { ca: dtrCa, basic });
}

/* eslint-disable-next-line @typescript-eslint/no-explicit-any */
const claimsOf = (jwt: string): any => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-dtr-token-test-'));
  config = loadConfig({
    env: {
      ...process.env,
      MACHINE_PREFIX: `dtrtoken${process.pid}`,
      NUM_MACHINES: '4',
      DTR_HA_STATE_DIR: stateDir,
    },
    cwd: stateDir,
  });
  const [cluster, ucp, dtr] = await Promise.all([
    up(config, { reporter: quiet(), until: 'machines' }),
    ensureLabImage(hostDocker, 'ucp-1.1-standin'),
    ensureLabImage(hostDocker, 'dtr-2.0-standin'),
  ]);
  images = { ucp: ucp.tag, dtr: dtr.tag };
  machines = toMachines(cluster.context, cluster.machines);
  [controller, ...replicaNodes] = machines;
  // Each installer with the component images it lists, as the framework delivers them.
  await deliverStandin(hostDocker, images.ucp, ['images', '--list'], machines);
  await deliverStandin(hostDocker, images.dtr, ['images'], machines);

  const ucpCommands = ucp11Dtr20.commands;
  ucpUrl = `https://${controller.getIP()}:${controllerPort}`;
  succeeded(
    await installer(
      controller,
      images.ucp,
      ucpCommands.ucpInstall({
        hostAddress: controller.getIP(),
        sans: [controller.name],
        controllerPort,
        adminUsername: 'admin',
        adminPassword,
      }),
    ),
    'UCP install',
  );
  const printed = await installer(controller, images.ucp, { args: ['fingerprint'], env: {} });
  succeeded(printed, 'ucp fingerprint');
  const fingerprint = printed.stdout.trim().replace(/^SHA-256 Fingerprint=/, '');
  ucpCa = (await call(`${ucpUrl}/ca`)).text;
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

  // DTR: installed on node 2 (the external URL), joined on nodes 3 and 4, one shared storage.
  const prepared = await Promise.all(
    replicaNodes.map((m, i) =>
      m.ssh(
        `set -e; docker volume create dtr-registry-${ids[i]} >/dev/null; mkdir -p ${shared}; ` +
          `mp=$(docker volume inspect -f '{{.Mountpoint}}' dtr-registry-${ids[i]}); ` +
          `mountpoint -q "$mp" || mount --bind ${shared} "$mp"`,
      ),
    ),
  );
  expect(prepared.map((r) => r.code)).toEqual([0, 0, 0]);
  external = replicaNodes[0].getIP();
  const commands = ucp11Dtr20.commands;
  const replica = (i: number) => ({
    ...access(),
    httpPort: 80,
    httpsPort: 443,
    node: replicaNodes[i].name,
    replicaId: ids[i],
  });
  succeeded(
    await installer(
      replicaNodes[0],
      images.dtr,
      commands.dtrInstall({ ...replica(0), constraints: [], external: { host: external } }),
    ),
    'DTR install',
  );
  for (const i of [1, 2]) {
    succeeded(
      await installer(
        replicaNodes[i],
        images.dtr,
        commands.dtrJoin({ ...replica(i), constraints: [], existingReplicaId: ids[0] }),
      ),
      `DTR join on ${replicaNodes[i].name}`,
    );
  }
  dtrCa = (await call(`${url(0)}/ca`)).text;
  expect(new X509Certificate(dtrCa).ca).toBe(true);
});

afterAll(async () => {
  // The replicas go as the framework removes them: their storage unmounted before the volumes go.
  if (replicaNodes && ucpCa) {
    const commands = ucp11Dtr20.commands;
    for (const i of [2, 1]) {
      await installer(
        replicaNodes[i],
        images.dtr,
        commands.dtrRemove({ ...access(), replicaId: ids[i], existingReplicaId: ids[0] }),
      ).catch(() => undefined);
    }
    await installer(
      replicaNodes[0],
      images.dtr,
      commands.dtrRemove({ ...access(), replicaId: ids[0], existingReplicaId: ids[0] }),
    ).catch(() => undefined);
  }
  machines?.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

test('without a token, every replica’s registry answers 401 with the Bearer challenge of the external URL', async () => {
  for (const i of [0, 1, 2]) {
    const base = await call(`${url(i)}/v2/`, { ca: dtrCa });
    expect(base.status).toBe(401);
    expect(base.headers['www-authenticate']).toBe(
      `Bearer realm="https://${external}/auth/token",service="${external}"`,
    );
    expect(base.headers['docker-distribution-api-version']).toBe('registry/2.0');
    // Basic credentials are no token: the registry still asks for one.
    expect((await call(`${url(i)}/v2/`, { ca: dtrCa, basic: asAdmin })).status).toBe(401);
    const tags = await call(`${url(i)}/v2/admin/tiny/tags/list`, { ca: dtrCa });
    expect(tags.status).toBe(401);
    expect(tags.headers['www-authenticate']).toBe(
      `Bearer realm="https://${external}/auth/token",service="${external}",scope="repository:admin/tiny:pull"`,
    );
  }
});

test('a token from /auth/token with the admin’s credentials opens /v2/ on its replica and on every other', async () => {
  for (const from of [0, 1, 2]) {
    const answer = await tokenFrom(from, []);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ expires_in: expect.any(Number), issued_at: expect.any(String) });
    expect(answer.json.access_token).toBe(answer.json.token);
    const claims = claimsOf(answer.json.token);
    expect(claims).toMatchObject({ sub: 'admin', aud: external, access: [] });
    for (const on of [0, 1, 2]) {
      const base = await call(`${url(on)}/v2/`, { ca: dtrCa, bearer: answer.json.token });
      expect([from, on, base.status]).toEqual([from, on, 200]);
    }
  }
  // A token for the catalog, from one replica, lists it on another.
  const catalog = await tokenFrom(1, ['registry:catalog:*']);
  expect(claimsOf(catalog.json.token).access).toEqual([
    { type: 'registry', name: 'catalog', actions: ['*'] },
  ]);
  expect((await call(`${url(2)}/v2/_catalog`, { ca: dtrCa, bearer: catalog.json.token })).status).toBe(200);
  // A forged token (another key) is refused by the registry.
  const [head, body] = catalog.json.token.split('.');
  const forged = `${head}.${body}.${Buffer.alloc(64, 1).toString('base64url')}`;
  expect((await call(`${url(0)}/v2/`, { ca: dtrCa, bearer: forged })).status).toBe(401);
});

test('wrong credentials get 401 from /auth/token; no credentials get a token that grants nothing', async () => {
  for (const i of [0, 1, 2]) {
    const wrong = await tokenFrom(i, ['repository:admin/tiny:pull'], 'admin:wrong-password');
    expect(wrong.status).toBe(401);
    expect(wrong.json.token).toBeUndefined();
  }
  const anonymous = await tokenFrom(0, ['repository:admin/tiny:pull,push']);
  const anonymousAnswer = await call(
    `${url(0)}/auth/token?service=${external}&scope=repository:admin/tiny:pull`,
    {
      ca: dtrCa,
    },
  );
  expect(anonymous.status).toBe(200);
  expect(anonymousAnswer.status).toBe(200);
  expect(claimsOf(anonymousAnswer.json.token)).toMatchObject({ sub: '', access: [] });
  const denied = await call(`${url(1)}/v2/admin/tiny/tags/list`, {
    ca: dtrCa,
    bearer: anonymousAnswer.json.token,
  });
  expect(denied.status).toBe(401);
  expect(String(denied.headers['www-authenticate'])).toContain('error="insufficient_scope"');
  // Another service is not this registry's.
  expect((await call(`${url(0)}/auth/token?service=elsewhere`, { ca: dtrCa, basic: asAdmin })).status).toBe(
    400,
  );
});

test('docker login and push through one replica, pull from another node through another replica', async () => {
  const created = await call(`${url(0)}/api/v0/repositories/admin`, {
    method: 'POST',
    ca: dtrCa,
    basic: asAdmin,
    body: JSON.stringify({ name: 'tiny', visibility: 'private' }),
  });
  expect(created.status).toBe(201);
  // The admin's push and pull token, from the external URL's replica, works on the other two.
  const pushPull = await tokenFrom(0, ['repository:admin/tiny:pull,push']);
  expect(claimsOf(pushPull.json.token).access).toEqual([
    { type: 'repository', name: 'admin/tiny', actions: ['pull', 'push'] },
  ]);
  const listed = await call(`${url(2)}/v2/admin/tiny/tags/list`, { ca: dtrCa, bearer: pushPull.json.token });
  expect(listed.status).toBe(404); // known to DTR, no tag pushed yet: the registry's NAME_UNKNOWN
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
  const [pushTo, pullFrom] = [replicaNodes[1].getIP(), replicaNodes[2].getIP()];
  const login = (m: Machine, host: string) =>
    m.ssh(`docker login -u admin --password-stdin ${host}`, { stdin: adminPassword });
  const wrongLogin = await controller.ssh(`docker login -u admin --password-stdin ${pushTo}`, {
    stdin: 'wrong-password',
  });
  expect(wrongLogin.code).not.toBe(0);
  expect((await login(controller, pushTo)).code).toBe(0);
  const pushed = await controller.ssh(
    'set -e; d=$(mktemp -d); head -c 4096 /dev/urandom > $d/payload; ' +
      `tar -C $d -c . | docker import - ${pushTo}/admin/tiny:1 >/dev/null; ` +
      `docker push ${pushTo}/admin/tiny:1 >/dev/null; docker image inspect -f '{{.Id}}' ${pushTo}/admin/tiny:1`,
  );
  expect(pushed).toMatchObject({ code: 0 });
  const puller = replicaNodes[0];
  expect((await login(puller, pullFrom)).code).toBe(0);
  const pulled = await puller.ssh(
    `docker pull ${pullFrom}/admin/tiny:1 >/dev/null && docker image inspect -f '{{.Id}}' ${pullFrom}/admin/tiny:1`,
  );
  expect(pulled).toMatchObject({ code: 0, stdout: pushed.stdout });
  // Without login, the pull is refused.
  const anonymous = await replicaNodes[1].ssh(`docker pull ${pullFrom}/admin/tiny:1`);
  expect(anonymous.code).not.toBe(0);
  // A repository DTR does not know: the front's NAME_UNKNOWN, once the token is valid.
  const unknown = await tokenFrom(1, ['repository:admin/nothere:pull']);
  const missing = await call(`${url(1)}/v2/admin/nothere/tags/list`, {
    ca: dtrCa,
    bearer: unknown.json.token,
  });
  expect(missing.status).toBe(404);
  expect(missing.json.errors[0].code).toBe('NAME_UNKNOWN');
});
