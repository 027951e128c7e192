import https from 'node:https';
import tls from 'node:tls';
import axios from 'axios';
import type { Machine } from '../../machines/machine';
import { describeCommand, runToCompletion } from '../../engine/run-to-completion';
import { certificateFingerprint } from '../../tls';
import { waitFor } from '../../util/wait';
import { controllerContainer, controllerVolumes, installerContainer, nodeCertsVolume } from './names';

/** What the UCP installer needs, from the configuration. */
export interface UcpSettings {
  image: string;
  adminUsername: string;
  adminPassword: string;
  /** The controller's HTTPS port; not 443, which HAProxy takes on the controller for DTR. */
  controllerPort: number;
}

export interface UcpEndpoint {
  url: string;
  /** The controller's CA, fetched from /ca and checked against `ucp fingerprint` run on its engine. */
  caPem: string;
  fingerprint: string;
}

/** The installer is run as its documentation says: `docker run --rm --name ucp -v <socket> IMAGE <command>`. */
const socketBind = '/var/run/docker.sock:/var/run/docker.sock';

export function ucpInstallArgs(settings: UcpSettings, controller: { name: string; ip: string }): string[] {
  return [
    'install',
    '--host-address',
    controller.ip,
    '--san',
    controller.ip,
    '--san',
    controller.name,
    '--controller-port',
    String(settings.controllerPort),
    '--admin-username',
    settings.adminUsername,
    '--admin-password',
    settings.adminPassword,
  ];
}

export function ucpJoinArgs(settings: UcpSettings, node: { ip: string }, endpoint: UcpEndpoint): string[] {
  return [
    'join',
    '--url',
    endpoint.url,
    '--fingerprint',
    endpoint.fingerprint,
    '--host-address',
    node.ip,
    '--admin-username',
    settings.adminUsername,
    '--admin-password',
    settings.adminPassword,
  ];
}

/** Parses `SHA-256 Fingerprint=AA:BB:…` as `ucp fingerprint` prints it. */
export function parseFingerprint(output: string): string {
  const match = /SHA-256 Fingerprint=([0-9A-Fa-f:]{95})/.exec(output);
  if (!match)
    throw new Error(`ucp fingerprint printed no SHA-256 fingerprint: ${output.trim().slice(0, 200)}`);
  return match[1].toUpperCase();
}

async function runUcp(machine: Machine, image: string, args: string[]): Promise<string> {
  const result = await runToCompletion(machine.getClient(), {
    image,
    cmd: args,
    binds: [socketBind],
    name: installerContainer,
  });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new Error(`ucp ${describeCommand(args)} on ${machine.name} exited with ${result.code}: ${tail}`);
  }
  return result.stdout;
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
    // --fresh-install (documented for exactly this) makes the installer start over, not refuse.
    const leftovers = stale !== undefined || (await ucpLeftovers(controller));
    detail(
      stale
        ? `UCP on ${controller.name} ${stale}: installing it again`
        : `installing UCP on ${controller.name}${leftovers ? ' (over a half-done earlier attempt)' : ''}`,
    );
    const args = ucpInstallArgs(settings, { name: controller.name, ip: controller.getIP() });
    await runUcp(controller, settings.image, leftovers ? [...args, '--fresh-install'] : args);
  } else if (options.trustedCaPem) {
    // A CA checked against `ucp fingerprint` on an earlier run: still the one served, so no
    // installer container has to run to check it again (warm runs stay fast).
    const served = await fetchCa(url).catch(() => undefined);
    if (served?.trim() === options.trustedCaPem.trim()) {
      endpoint = { url, caPem: served, fingerprint: certificateFingerprint(served) };
    }
  }
  if (!endpoint) {
    const fingerprint = parseFingerprint(await runUcp(controller, settings.image, ['fingerprint']));
    endpoint = { url, fingerprint, caPem: await fetchTrustedCa(url, fingerprint) };
  }
  await waitForUcp(endpoint);
  const ready = endpoint;
  const installed = !running || stale !== undefined;
  const newInstance =
    installed || (options.nodesJoinedTo !== undefined && options.nodesJoinedTo !== ready.fingerprint);
  await Promise.all(
    nodes.map(async (node) => {
      const joined = await volumeExists(node, nodeCertsVolume);
      const why = newInstance ? 'UCP was installed again' : moved.has(node.name) ? 'its address changed' : '';
      if (joined && !why) return;
      detail(joined ? `joining ${node.name} to UCP again (${why})` : `joining ${node.name} to UCP`);
      const args = ucpJoinArgs(settings, { ip: node.getIP() }, ready);
      await runUcp(node, settings.image, joined ? [...args, '--fresh-install'] : args);
    }),
  );
  return { ...endpoint, installed };
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
    intervalMs: 500,
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
    { timeoutMs, intervalMs: 500 },
  );
}
