import https from 'node:https';
import tls from 'node:tls';
import axios from 'axios';
import type { Machine } from '../../machines/machine';
import { describeCommand, runToCompletion } from '../../engine/run-to-completion';
import { certificateFingerprint } from '../../tls';
import { waitFor } from '../../util/wait';
import { controllerContainer, controllerVolumes, installerContainer, nodeCertsVolume } from './names';
import type { CommandLine, ReleaseDriver } from '../../releases';

/** What the UCP installer needs, from the configuration and the release profile. */
export interface UcpSettings {
  image: string;
  adminUsername: string;
  adminPassword: string;
  /** The controller's HTTPS port; not 443, which HAProxy takes on the controller for DTR. */
  controllerPort: number;
  /** The release's command lines (releases/): install, join or none, fingerprint, dump-certs, uninstall. */
  driver: ReleaseDriver['ucp'];
}

export interface UcpEndpoint {
  url: string;
  /** The controller's CA, fetched from /ca and checked against what the installer prints on its engine. */
  caPem: string;
  fingerprint: string;
}

/** The installer is run as its documentation says: `docker run --rm --name ucp -v <socket> IMAGE <command>`. */
const socketBind = '/var/run/docker.sock:/var/run/docker.sock';

/** The swarm port managers listen on for joining nodes (`docker swarm join … <manager>:2377`). */
const swarmPort = 2377;

function installSettings(settings: UcpSettings, controller: { name: string; ip: string }) {
  return {
    hostAddress: controller.ip,
    sans: [controller.name],
    controllerPort: settings.controllerPort,
    adminUsername: settings.adminUsername,
    adminPassword: settings.adminPassword,
  };
}

/** Parses `SHA-256 Fingerprint=AA:BB:…` as `ucp fingerprint` prints it. */
export function parseFingerprint(output: string): string {
  const match = /SHA-256 Fingerprint=([0-9A-Fa-f:]{95})/.exec(output);
  if (!match)
    throw new Error(`ucp fingerprint printed no SHA-256 fingerprint: ${output.trim().slice(0, 200)}`);
  return match[1].toUpperCase();
}

/** Runs one installer command; secrets go in its environment where the release names a variable. */
async function runUcp(machine: Machine, image: string, line: CommandLine): Promise<string> {
  const result = await runToCompletion(machine.getClient(), {
    image,
    cmd: line.args,
    env: Object.entries(line.env).map(([k, v]) => `${k}=${v}`),
    binds: [socketBind],
    name: installerContainer,
  });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `ucp ${describeCommand(line.args)} on ${machine.name} exited with ${result.code}: ${tail}`,
    );
  }
  return result.stdout;
}

/** The first PEM certificate in an installer's output (`dump-certs --ca`). */
export function parseCertificatePem(output: string): string {
  const match = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(output);
  if (!match) throw new Error(`ucp dump-certs --ca printed no certificate: ${output.trim().slice(0, 200)}`);
  return `${match[0]}\n`;
}

/**
 * Takes away what a UCP install left on the controller, for a release without --fresh-install
 * (3.x): `uninstall-ucp --id <id>`, the ID read with `id` where it still can be.
 */
async function uninstallUcp(controller: Machine, settings: UcpSettings): Promise<void> {
  const id = await runUcp(controller, settings.image, settings.driver.id())
    .then((out) => out.trim().split('\n').pop()?.trim() || undefined)
    .catch(() => undefined);
  await runUcp(controller, settings.image, settings.driver.uninstall(id));
}

/**
 * Whether the controller must leave the swarm it is in before UCP 3.x installs there: it moved (the
 * swarm advertises its old address), or it is only a worker (a machine that was a node before).
 */
async function mustLeaveSwarm(controller: Machine, moved: ReadonlySet<string>): Promise<boolean> {
  const { Swarm: swarm } = (await controller.getClient().info()) as {
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
  };
  if (!swarm || swarm.LocalNodeState === 'inactive') return false;
  return moved.has(controller.name) || !swarm.ControlAvailable;
}

/** Removes the `ucp` installer container where one is left; whether there was one. */
async function removeLeftInstaller(machine: Machine): Promise<boolean> {
  const container = machine.getClient().getContainer(installerContainer);
  if (!(await container.inspect().catch(() => undefined))) return false;
  await container.remove({ force: true }).catch(() => undefined);
  return true;
}

async function ucpLeftovers(controller: Machine): Promise<boolean> {
  const docker = controller.getClient();
  if (
    await docker
      .getContainer(controllerContainer)
      .inspect()
      .catch(() => undefined)
  )
    return true;
  for (const volume of controllerVolumes) if (await volumeExists(controller, volume)) return true;
  return false;
}

async function volumeExists(machine: Machine, name: string): Promise<boolean> {
  const info = await machine
    .getClient()
    .getVolume(name)
    .inspect()
    .catch(() => undefined);
  return info !== undefined;
}

async function containerRunning(machine: Machine, name: string): Promise<boolean> {
  const info = await machine
    .getClient()
    .getContainer(name)
    .inspect()
    .catch(() => undefined);
  return info?.State.Running === true;
}

/**
 * UCP on the controller, every other machine joined to it. Installed and joined only where it is
 * not already: the controller's `ucp-controller` container and each node's `ucp-node-certs` volume
 * (which UCP leaves on every node it manages) say what is there.
 *
 * UCP is bound to addresses: its certificate names the controller's, and each node joined with its
 * own. A controller whose address changed (`moved`, or a certificate that does not name its address)
 * is installed again with --fresh-install; then every node joins the new instance, and a node whose
 * own address changed joins again, both with --fresh-install over what they had. `nodesJoinedTo` is
 * the fingerprint of the instance the nodes last joined for sure: another one serving means every
 * node joins it (a run that reinstalled UCP may have died before all had). `installedFrom` is the
 * image UCP was last installed with: another image in the settings (UCP_TAG changed, or the lab's
 * stand-in did) means installing it again from that one.
 */
export async function ensureUcp(
  machines: Machine[],
  settings: UcpSettings,
  detail: (message: string) => void = () => undefined,
  options: {
    trustedCaPem?: string;
    moved?: ReadonlySet<string>;
    nodesJoinedTo?: string;
    installedFrom?: string;
  } = {},
): Promise<UcpEndpoint & { installed: boolean }> {
  const moved = options.moved ?? new Set<string>();
  const [controller, ...nodes] = machines;
  // An installer container a killed run left behind (`ucp`, the name its pages give it) still holds
  // that run's environment, the admin password among it: none stays, whether or not this run needs
  // the installer on that machine.
  const reaped = await Promise.all(machines.map((m) => removeLeftInstaller(m)));
  machines.forEach(
    (m, i) => reaped[i] && detail(`removed the ucp installer container a stopped run left on ${m.name}`),
  );
  const url = `https://${controller.getIP()}:${settings.controllerPort}`;
  let endpoint: UcpEndpoint | undefined;
  const running = await containerRunning(controller, controllerContainer);
  const stale = !running
    ? undefined
    : options.installedFrom && options.installedFrom !== settings.image
      ? `was installed from ${options.installedFrom}, not ${settings.image}`
      : await staleController(controller, url, moved);
  if (!running || stale) {
    // UCP's volumes or a stopped controller without a running one: an install that died half-way.
    // --fresh-install (UCP 1.1 documents it for exactly this) makes the installer start over, not
    // refuse; a release without it (3.x) has what was left uninstalled first.
    const leftovers = stale !== undefined || (await ucpLeftovers(controller));
    detail(
      stale
        ? `UCP on ${controller.name} ${stale}: installing it again`
        : `installing UCP on ${controller.name}${leftovers ? ' (over a half-done earlier attempt)' : ''}`,
    );
    const fresh = leftovers && settings.driver.hasFreshInstall;
    if (leftovers && !settings.driver.hasFreshInstall) await uninstallUcp(controller, settings);
    if (!settings.driver.join && (await mustLeaveSwarm(controller, moved))) {
      // Install makes the swarm where there is none; one this machine cannot lead goes first.
      await controller
        .getClient()
        .swarmLeave({ force: true })
        .catch(() => undefined);
    }
    await runUcp(
      controller,
      settings.image,
      settings.driver.install(
        installSettings(settings, { name: controller.name, ip: controller.getIP() }),
        fresh,
      ),
    );
  } else if (options.trustedCaPem) {
    // A CA checked against `ucp fingerprint` on an earlier run: still the one served, so no
    // installer container has to run to check it again (warm runs stay fast).
    const served = await fetchCa(url).catch(() => undefined);
    if (served?.trim() === options.trustedCaPem.trim()) {
      endpoint = { url, caPem: served, fingerprint: certificateFingerprint(served) };
    }
  }
  if (!endpoint) {
    // What the installer prints on the controller's own engine (reached over verified TLS) is what
    // the CA served at /ca must match: `fingerprint` where the release has it, else `dump-certs --ca`.
    const { fingerprint: fingerprintCommand, dumpCa } = settings.driver;
    const fingerprint = fingerprintCommand
      ? parseFingerprint(await runUcp(controller, settings.image, fingerprintCommand()))
      : certificateFingerprint(parseCertificatePem(await runUcp(controller, settings.image, dumpCa())));
    endpoint = { url, fingerprint, caPem: await fetchTrustedCa(url, fingerprint) };
  }
  await waitForUcp(endpoint);
  const ready = endpoint;
  const installed = !running || stale !== undefined;
  const newInstance =
    installed || (options.nodesJoinedTo !== undefined && options.nodesJoinedTo !== ready.fingerprint);
  const { join } = settings.driver;
  if (join) {
    await Promise.all(
      nodes.map(async (node) => {
        const joined = await volumeExists(node, nodeCertsVolume);
        const why = newInstance
          ? 'UCP was installed again'
          : moved.has(node.name)
            ? 'its address changed'
            : '';
        if (joined && !why) return;
        detail(joined ? `joining ${node.name} to UCP again (${why})` : `joining ${node.name} to UCP`);
        const line = join({
          url: ready.url,
          fingerprint: ready.fingerprint,
          hostAddress: node.getIP(),
          adminUsername: settings.adminUsername,
          adminPassword: settings.adminPassword,
          freshInstall: joined,
        });
        await runUcp(node, settings.image, line);
      }),
    );
  } else {
    await joinSwarm(controller, nodes, moved, detail);
  }
  return { ...endpoint, installed };
}

/**
 * Where the release has no join command (UCP 3.x), nodes join the controller's swarm as its pages
 * say: `docker swarm join --token <worker token> <manager>:2377`, the token from the manager
 * (`docker swarm join-token worker`), both through the Engine API. A node is joined when the
 * manager lists its swarm node ID; one in another swarm (a controller made again) or whose address
 * changed leaves that swarm first.
 */
async function joinSwarm(
  controller: Machine,
  nodes: Machine[],
  moved: ReadonlySet<string>,
  detail: (message: string) => void,
): Promise<void> {
  const manager = controller.getClient();
  const swarm = (await manager.swarmInspect()) as { JoinTokens: { Worker: string } };
  const members = new Set(((await manager.listNodes()) as { ID: string }[]).map((n) => n.ID));
  await Promise.all(
    nodes.map(async (node) => {
      const docker = node.getClient();
      const { Swarm: local } = (await docker.info()) as {
        Swarm?: { NodeID?: string; LocalNodeState?: string };
      };
      const state = local?.LocalNodeState ?? 'inactive';
      const member = state === 'active' && local?.NodeID !== undefined && members.has(local.NodeID);
      if (member && !moved.has(node.name)) return;
      detail(
        state === 'inactive'
          ? `joining ${node.name} to UCP's swarm`
          : `joining ${node.name} to UCP's swarm again (${member ? 'its address changed' : 'it was in another swarm'})`,
      );
      if (state !== 'inactive') await docker.swarmLeave({ force: true });
      await docker.swarmJoin({
        ListenAddr: `0.0.0.0:${swarmPort}`,
        AdvertiseAddr: node.getIP(),
        RemoteAddrs: [`${controller.getIP()}:${swarmPort}`],
        JoinToken: swarm.JoinTokens.Worker,
      });
    }),
  );
}

/**
 * Why a running controller no longer fits its machine, or undefined when it does. A controller that
 * does not answer TLS within a while is left to `waitForUcp`, which says so.
 */
async function staleController(
  controller: Machine,
  url: string,
  moved: ReadonlySet<string>,
): Promise<string | undefined> {
  if (moved.has(controller.name)) return `was installed at another address (${controller.getIP()} now)`;
  const certificate = await waitFor(`UCP's certificate at ${url}`, () => servedCertificate(url), {
    timeoutMs: 30_000,
    intervalMs: 500,
  }).catch(() => undefined);
  if (certificate && tls.checkServerIdentity(controller.getIP(), certificate)) {
    return `serves a certificate that does not name ${controller.getIP()}`;
  }
  return undefined;
}

/** The certificate a TLS server presents, read without trusting it (only its names are looked at). */
function servedCertificate(url: string): Promise<tls.PeerCertificate> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.setTimeout(3_000, () => socket.destroy(new Error(`no TLS handshake with ${url} in 3 s`)));
    socket.once('error', reject);
  });
}

async function fetchCa(url: string): Promise<string> {
  const response = await axios.get<string>(`${url}/ca`, {
    // Only to read the CA itself; it is trusted only after its fingerprint or content is checked.
    httpsAgent: new https.Agent({ rejectUnauthorized: false }),
    responseType: 'text',
    timeout: 3_000,
  });
  return response.data;
}

/**
 * Reads the controller's CA from /ca. The connection cannot be verified before we have the CA, so
 * the CA is accepted only when its SHA-256 fingerprint equals the one `ucp fingerprint` printed on
 * the controller's own engine (reached over verified TLS).
 */
export async function fetchTrustedCa(url: string, fingerprint: string): Promise<string> {
  const caPem = await waitFor(`UCP's CA at ${url}/ca`, () => fetchCa(url), {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  const seen = certificateFingerprint(caPem);
  if (seen !== fingerprint) {
    throw new Error(
      `UCP at ${url} served a CA with fingerprint ${seen}, but ucp fingerprint says ${fingerprint}`,
    );
  }
  return caPem;
}

export function ucpAxios(endpoint: UcpEndpoint) {
  return axios.create({
    baseURL: endpoint.url,
    // Verified against the controller's CA; the certificate's SANs hold the controller's IP.
    httpsAgent: new https.Agent({ ca: endpoint.caPem }),
    timeout: 5_000,
  });
}

export async function waitForUcp(endpoint: UcpEndpoint, timeoutMs = 60_000): Promise<void> {
  const client = ucpAxios(endpoint);
  await waitFor(
    `UCP at ${endpoint.url}/_ping`,
    async () => ((await client.get('/_ping')).status === 200 ? true : undefined),
    { timeoutMs, intervalMs: 100 },
  );
}
