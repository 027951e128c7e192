'use strict';
// The commands of the UCP stand-in, strict per release: the commands and flags are the release
// contract's (/opt/standin-release/contract.json, written by the lab from src/contracts/ucp-*.ts),
// and what they do follows `contract.line`:
//   1.1  install, join, fingerprint, dump-certs, id, uninstall, images (datacenter/ucp/1.1/reference/)
//   3.x  install (creates the swarm), dump-certs, id, uninstall-ucp, images (reference/ucp/3.2/cli/);
//        nodes join with a real `docker swarm join`, and the controller lists the swarm's nodes.
// Two hidden commands the installer runs in containers: `controller` (the long-running
// ucp-controller, from the component image <repo>/ucp-controller:<tag>, which has this image's
// content) and `host-address` (a short-lived helper on the installer's own image).

const crypto = require('node:crypto');
const net = require('node:net');
const { URL } = require('node:url');
const { setTimeout: delay } = require('node:timers/promises');
const { Engine } = require('standin-common/engine');
const { Fatal } = require('standin-common/log');
const { request, reason } = require('standin-common/client');
const { loadContract, commandsFromContract, portValue } = require('standin-common/contract');
const pki = require('standin-common/pki');
const tar = require('standin-common/tar');
const state = require('./state');
const { componentReference, ensureComponentImages } = require('standin-common/components');

/** The components install starts containers from, as the release names its containers. */
const componentNames = ['ucp-controller'];

/** The component images of the installer run as `own` (engine.ownImage()), one per component. */
const componentImages = (own) => componentNames.map((name) => componentReference(own, name));

/**
 * Checks every component image on this engine and pulls the missing ones (--pull, with
 * --registry-username/--registry-password when given), before anything is created.
 */
function ensureComponents(engine, own, ctx, logger) {
  const auth = { username: ctx.values['registry-username'], password: ctx.values['registry-password'] };
  return ensureComponentImages(engine, componentImages(own), { pull: ctx.values.pull, auth, logger });
}

function validAddress(value, flag) {
  const ok = net.isIP(value) || /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value);
  if (!ok) throw new Fatal(`Invalid --${flag} "${value}": expected an IP address or a host name`);
  return value;
}

const urlHost = (host) => (net.isIPv6(host) ? `[${host}]` : host);

/** Finds the node's own address with a throwaway container on the host's network namespace. */
async function detectHostAddress(engine, image, logger) {
  const name = `ucp-host-address-${crypto.randomBytes(4).toString('hex')}`;
  const { code, output } = await engine.runToCompletion(name, {
    Image: image,
    Cmd: ['host-address'],
    HostConfig: { NetworkMode: 'host' },
  });
  const address = output.trim().split('\n').pop();
  if (code !== 0 || !net.isIP(address)) {
    throw new Fatal(
      `Unable to detect this node's address (${output.trim()}): specify it with --host-address`,
    );
  }
  logger.debug(`detected host address ${address}`);
  return address;
}

/** What UCP has on this engine: the controller container, the controller's volumes, a join record. */
async function localInstallation(engine) {
  const controller = await engine.inspectContainer(state.controllerName);
  const found = [];
  for (const name of Object.values(state.volumes)) {
    if (await engine.inspectVolume(name)) found.push(name);
  }
  const others = await engine.listContainers({ label: [state.instanceLabel] });
  return {
    controller,
    volumes: found,
    containers: others,
    any: Boolean(controller) || found.length > 0 || others.length > 0,
  };
}

/** Runs `use(id)` with a created (never started) helper container that has `volume` at /volume. */
async function withVolumeHelper(engine, image, volume, purpose, use) {
  const name = `ucp-${purpose}-${crypto.randomBytes(4).toString('hex')}`;
  const created = await engine.createContainer(name, {
    Image: image,
    Cmd: ['true'],
    HostConfig: { Binds: [`${volume}:/volume`] },
  });
  try {
    return await use(created.Id);
  } finally {
    await engine.removeContainer(created.Id, { volumes: false });
  }
}

/** Reads files from a volume through a helper container. */
function readVolumeFiles(engine, image, volume, path) {
  return withVolumeHelper(engine, image, volume, 'read', async (id) => {
    const archive = await engine.getArchive(id, `/volume/${path}`);
    return archive ? tar.unpack(archive) : [];
  });
}

/** Writes files into a volume through a helper container. */
function writeVolumeFiles(engine, image, volume, entries) {
  return withVolumeHelper(engine, image, volume, 'write', (id) =>
    engine.putArchive(id, '/volume', tar.pack(entries)),
  );
}

async function readJsonFile(engine, image, volume, path) {
  const files = await readVolumeFiles(engine, image, volume, path).catch(() => []);
  return files.length ? JSON.parse(files[0].content.toString()) : null;
}

/** The controller's CA and instance, read from its container's volumes (it need not be running). */
async function controllerState(engine) {
  const controller = await engine.inspectContainer(state.controllerName);
  if (!controller) return null;
  const read = async (path) => {
    const archive = await engine.getArchive(controller.Id, `${state.stateRoot}/${path}`);
    const files = archive ? tar.unpack(archive) : [];
    return files.length ? files[0].content.toString() : null;
  };
  const instance = await read('kv/instance.json');
  return {
    controller,
    caPem: await read('cluster-root-ca/ca.pem'),
    instance: instance && JSON.parse(instance),
  };
}

/** Removes everything install and join made on this engine. */
async function removeLocal(engine, logger, { preserveCerts = false } = {}) {
  const found = await localInstallation(engine);
  for (const container of found.containers) {
    await engine.removeContainer(container.Id);
    logger.info(`Removed UCP container ${container.Names[0].replace(/^\//, '')}`);
  }
  if (found.controller) await engine.removeContainer(found.controller.Id);
  for (const name of found.volumes) {
    if (preserveCerts && (name === state.volumes.rootCa || name === state.volumes.serverCerts)) continue;
    await engine.removeVolume(name);
    logger.info(`Removed UCP volume ${name}`);
  }
}

async function waitForController(url, caPem, servername, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await request(`${url}/_ping`, { ca: caPem, servername, timeout: 3000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = reason(error);
    }
    await delay(300);
  }
  throw new Fatal(`The UCP controller did not come up within ${timeoutMs / 1000} s: ${last}`);
}

/** The names of what UCP has on this engine, for messages. */
const stateNames = (existing) => [
  ...(existing.controller ? [state.controllerName] : []),
  ...existing.volumes,
];

/**
 * UCP 3.x: install creates the swarm when the engine is in none (as `docker swarm init
 * --advertise-addr HOST --listen-addr 0.0.0.0:GRPC`), and installs on a manager of an existing one.
 */
async function ensureSwarm(engine, info, ctx, hostAddress, logger) {
  const swarm = info.Swarm || {};
  const grpcPort = portValue(ctx, 'swarm-grpc-port', 2377);
  if (swarm.LocalNodeState === 'active') {
    if (!swarm.ControlAvailable) {
      throw new Fatal(
        'This node is a worker of a swarm: run install on a manager node, or leave the swarm first (docker swarm leave)',
      );
    }
    logger.info(
      `This node is already a manager of swarm ${swarm.Cluster && swarm.Cluster.ID}: installing UCP on it`,
    );
    return;
  }
  if (swarm.LocalNodeState && swarm.LocalNodeState !== 'inactive') {
    throw new Fatal(
      `This node's swarm state is ${swarm.LocalNodeState}: wait for it, or leave the swarm first`,
    );
  }
  logger.info(`Initializing a new swarm at ${hostAddress}`);
  const spec = { AdvertiseAddr: hostAddress, ListenAddr: `0.0.0.0:${grpcPort}` };
  if (ctx.values['data-path-addr']) spec.DataPathAddr = ctx.values['data-path-addr'];
  try {
    await engine.call('POST', '/swarm/init', { json: spec }, 'docker swarm init');
  } catch (error) {
    throw new Fatal(`Unable to initialize a swarm on this node: ${reason(error)}`);
  }
}

async function install(ctx, logger, contract) {
  const v3 = contract.line === '3.x';
  const engine = new Engine();
  let info = await engine.info();
  const own = await engine.ownImage();
  const { image } = own;
  const [controllerImage] = componentImages(own);
  if (ctx.values['external-server-cert']) {
    throw new Fatal(
      '--external-server-cert is not supported by the UCP stand-in: it always makes its own CA',
    );
  }
  const username =
    ctx.values['admin-username'] || (ctx.interactive ? await ctx.require('admin-username') : 'admin');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(username)) {
    throw new Fatal(`Invalid admin username "${username}": 1 to 64 letters, digits, '_', '.' or '-'`);
  }
  const password = await ctx.require('admin-password', 'Please choose your initial UCP admin password');
  if (password.length < 8) throw new Fatal('The admin password must be at least 8 characters long');
  const port = portValue(ctx, 'controller-port', 443);
  portValue(ctx, 'swarm-port', 2376);
  if (v3) portValue(ctx, 'swarm-grpc-port', 2377);
  const sans = ctx.values.san.map((san) => validAddress(san, 'san'));

  await ensureComponents(engine, own, ctx, logger);
  logger.info('Verifying your system is compatible with UCP');
  const existing = await localInstallation(engine);
  if (existing.any && v3) {
    throw new Fatal(
      `UCP is already installed on this node (${stateNames(existing).join(', ')}): ` +
        'run uninstall-ucp first to remove it',
    );
  }
  if (existing.any) {
    if (!ctx.values['fresh-install']) {
      throw new Fatal(
        `UCP is already installed or joined on this engine (${stateNames(existing).join(', ')}): ` +
          'run uninstall first, or install with --fresh-install to destroy the existing state',
      );
    }
    logger.info('Removing the existing UCP state (--fresh-install)');
    await removeLocal(engine, logger);
  }

  const hostAddress = ctx.values['host-address']
    ? validAddress(ctx.values['host-address'], 'host-address')
    : await detectHostAddress(engine, image, logger);
  logger.info(
    `Installing UCP with host address ${hostAddress} - If this is incorrect, please specify an alternative address with the '--host-address' flag`,
  );
  if (v3) {
    await ensureSwarm(engine, info, ctx, hostAddress, logger);
    info = await engine.info();
  }

  const instanceId = state.newInstanceId();
  const ca = pki.createCA('UCP Cluster Root CA', { organization: `UCP ${instanceId}` });
  const names = [hostAddress, ...sans, info.Name, state.controllerName, 'localhost', '127.0.0.1'];
  const server = pki.issueCertificate(ca, state.controllerName, names, { organization: `UCP ${instanceId}` });
  const now = new Date().toISOString();
  const instance = {
    id: instanceId,
    created_at: now,
    host_address: hostAddress,
    controller_port: port,
    sans,
    // Where the controller's node list comes from: its own records (1.1: `join` adds nodes) or the
    // swarm's node list (3.x: nodes join the swarm).
    line: contract.line,
    nodes_from: v3 ? 'swarm' : 'joins',
  };
  const nodes = [
    {
      id: crypto.randomUUID(),
      name: info.Name,
      address: hostAddress,
      role: 'controller',
      engine_id: info.ID,
      joined_at: now,
    },
  ];
  const labels = { [state.instanceLabel]: instanceId };
  for (const name of Object.keys(state.mounts)) {
    await engine.createVolume(name, labels);
  }
  const created = await engine.createContainer(state.controllerName, {
    Image: controllerImage,
    Cmd: ['controller'],
    Labels: { ...labels, [state.roleLabel]: 'controller' },
    ExposedPorts: { '443/tcp': {} },
    HostConfig: {
      Binds: [
        ...Object.entries(state.mounts).map(([volume, dir]) => `${volume}:${state.stateRoot}/${dir}`),
        // 3.x: the controller reads the swarm's node list from its engine.
        ...(v3 ? [`${state.engineSocket}:${state.engineSocket}`] : []),
      ],
      PortBindings: { '443/tcp': [{ HostPort: String(port) }] },
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  try {
    await engine.putArchive(
      created.Id,
      state.stateRoot,
      tar.pack([
        { name: 'cluster-root-ca/ca.pem', content: ca.certPem },
        { name: 'cluster-root-ca/ca-key.pem', content: ca.keyPem, mode: 0o600 },
        { name: 'controller-server-certs/ca.pem', content: ca.certPem },
        { name: 'controller-server-certs/cert.pem', content: server.certPem },
        { name: 'controller-server-certs/key.pem', content: server.keyPem, mode: 0o600 },
        { name: 'kv/instance.json', content: JSON.stringify(instance, null, 2) },
        {
          name: 'kv/accounts.json',
          content: JSON.stringify({ [username]: state.hashPassword(password) }),
          mode: 0o600,
        },
        ...(v3 ? [] : [{ name: 'kv/nodes.json', content: JSON.stringify(nodes, null, 2), mode: 0o600 }]),
      ]),
    );
    await engine.startContainer(created.Id);
  } catch (error) {
    await removeLocal(engine, logger);
    throw new Fatal(`Unable to start the UCP controller: ${reason(error)}`);
  }
  // The installer is a container on the engine's default bridge, as is the controller.
  const inspected = await engine.inspectContainer(created.Id);
  const bridgeIp = inspected.NetworkSettings.IPAddress;
  const local = bridgeIp ? `https://${bridgeIp}:443` : `https://${urlHost(hostAddress)}:${port}`;
  await waitForController(local, ca.certPem, state.controllerName, 30000);
  logger.info(`UCP instance ID: ${instanceId}`);
  logger.info(`UCP Server SSL: SHA-256 Fingerprint=${pki.fingerprint(ca.certPem)}`);
  logger.info(
    `Login as "${username}"/(your admin password) to UCP at https://${urlHost(hostAddress)}${port === 443 ? '' : `:${port}`}`,
  );
}

function normalizeFingerprint(value) {
  const hex = String(value)
    .replace(/^SHA-?256\s*Fingerprint\s*=\s*/i, '')
    .replace(/[^0-9a-fA-F]/g, '')
    .toUpperCase();
  return hex.match(/.{2}/g)?.join(':') || '';
}

function controllerUrl(raw) {
  const text = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Fatal(`Invalid --url "${raw}": expected https://host[:port]`);
  }
  if (url.protocol !== 'https:') throw new Fatal(`Invalid --url "${raw}": UCP is only reached over https`);
  return url.origin;
}

async function join(ctx, logger) {
  const engine = new Engine();
  const info = await engine.info();
  const own = await engine.ownImage();
  const { image } = own;
  if (ctx.values.replica) {
    throw new Fatal(
      '--replica is not supported by the UCP stand-in: it runs one controller, without replicas',
    );
  }
  if (ctx.values['external-server-cert']) {
    throw new Fatal('--external-server-cert is not supported by the UCP stand-in (it is for replicas only)');
  }
  const url = controllerUrl(await ctx.require('url', 'UCP URL'));
  const wanted = normalizeFingerprint(await ctx.require('fingerprint', 'UCP server fingerprint'));
  const username = await ctx.require('admin-username', 'UCP admin username');
  const password = await ctx.require('admin-password', 'UCP admin password');
  portValue(ctx, 'controller-port', 443);
  portValue(ctx, 'swarm-port', 2376);
  await ensureComponents(engine, own, ctx, logger);

  const existing = await localInstallation(engine);
  if (existing.any) {
    if (!ctx.values['fresh-install']) {
      throw new Fatal(
        `This engine is already part of a UCP installation (${stateNames(existing).join(', ')}): ` +
          'run uninstall first, or join with --fresh-install',
      );
    }
    logger.info('Removing the existing UCP state (--fresh-install)');
    await removeLocal(engine, logger);
  }

  // The CA is fetched without verification, then trusted only if its fingerprint is the one given.
  let caPem;
  try {
    const res = await request(`${url}/ca`, { insecure: true, timeout: 10000 });
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${url}/ca`);
    caPem = res.text;
  } catch (error) {
    throw new Fatal(`Unable to reach the UCP controller at ${url}: ${reason(error)}`);
  }
  let actual;
  try {
    actual = pki.fingerprint(caPem);
  } catch {
    throw new Fatal(`${url}/ca did not return a certificate: is ${url} a UCP controller?`);
  }
  if (actual !== wanted) {
    throw new Fatal(
      `The fingerprint of the UCP controller at ${url} (${actual}) does not match the one you provided (${wanted || 'empty'}): ` +
        'not joining an untrusted controller',
    );
  }
  logger.info(`Verified the fingerprint of the UCP controller at ${url}`);

  const hostAddress = ctx.values['host-address']
    ? validAddress(ctx.values['host-address'], 'host-address')
    : await detectHostAddress(engine, image, logger);
  logger.info(
    `This engine will join UCP and advertise itself with host address ${hostAddress} - If this is incorrect, please specify an alternative address with the '--host-address' flag`,
  );
  const token = await login(url, caPem, username, password);
  let joined;
  try {
    const res = await request(`${url}/api/nodes`, {
      method: 'POST',
      ca: caPem,
      headers: { Authorization: `Bearer ${token}` },
      json: { name: info.Name, address: hostAddress, engine_id: info.ID },
    });
    if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${res.text.trim()}`);
    joined = res.json;
  } catch (error) {
    throw new Fatal(`Unable to join UCP at ${url}: ${reason(error)}`);
  }
  const record = {
    instance_id: joined.instance_id,
    node_id: joined.id,
    node_token: joined.token,
    name: info.Name,
    address: hostAddress,
    url,
    fingerprint: actual,
    ca: caPem,
    joined_at: new Date().toISOString(),
  };
  await engine.createVolume(state.volumes.nodeCerts, { [state.instanceLabel]: joined.instance_id });
  await writeVolumeFiles(engine, image, state.volumes.nodeCerts, [
    { name: 'node.json', content: JSON.stringify(record, null, 2), mode: 0o600 },
  ]);
  logger.info(`Joined node ${info.Name} (${hostAddress}) to UCP instance ${joined.instance_id} at ${url}`);
}

async function login(url, caPem, username, password) {
  let res;
  try {
    res = await request(`${url}/auth/login`, { method: 'POST', ca: caPem, json: { username, password } });
  } catch (error) {
    throw new Fatal(`Unable to reach the UCP controller at ${url}: ${reason(error)}`);
  }
  if (res.status === 401) throw new Fatal(`Invalid UCP admin credentials for user "${username}" at ${url}`);
  if (res.status !== 200 || !res.json || !res.json.auth_token) {
    throw new Fatal(`Unexpected answer from ${url}/auth/login: HTTP ${res.status} ${res.text.trim()}`);
  }
  return res.json.auth_token;
}

/**
 * `dump-certs`: the controller's public server certificate and its CA (`--ca`: the CA only), or with
 * `--cluster` the internal cluster root CA and certificate. The stand-in has one CA for both, so
 * `--cluster` prints the same CA.
 */
async function dumpCerts(ctx) {
  const engine = new Engine();
  const controller = await engine.inspectContainer(state.controllerName);
  if (!controller)
    throw new Fatal('No UCP controller is running on this node: run dump-certs on a UCP manager');
  const read = async (path) => {
    const archive = await engine.getArchive(controller.Id, `${state.stateRoot}/${path}`);
    const files = archive ? tar.unpack(archive) : [];
    if (!files.length) throw new Fatal(`The UCP controller has no ${path}: is its state intact?`);
    return files[0].content.toString();
  };
  const dir = ctx.values.cluster ? 'cluster-root-ca' : 'controller-server-certs';
  const ca = await read(`${dir}/ca.pem`);
  const pems = ctx.values.ca ? [ca] : [ca, await read('controller-server-certs/cert.pem')];
  process.stdout.write(pems.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''));
}

/**
 * `images`: the images install starts containers from, one per component (`<repo>/ucp-controller:<tag>`
 * of the installer's own reference). `--list` prints them, one a line on stdout; without it, the
 * missing ones are pulled (`--pull`, `--registry-username`/`--registry-password`), as install does.
 */
async function images(ctx, logger) {
  const engine = new Engine();
  const own = await engine.ownImage();
  const references = componentImages(own);
  if (ctx.values.list) {
    process.stdout.write(references.map((reference) => `${reference}\n`).join(''));
    return;
  }
  const pulled = await ensureComponents(engine, own, ctx, logger);
  logger.info(
    pulled.length
      ? `Pulled ${pulled.join(', ')}: all UCP images are present on this node`
      : `All UCP images are present on this node (${references.join(', ')})`,
  );
}

async function fingerprint() {
  const engine = new Engine();
  const found = await controllerState(engine);
  if (!found || !found.caPem) throw new Fatal('No UCP controller is running on this engine');
  process.stdout.write(`SHA-256 Fingerprint=${pki.fingerprint(found.caPem)}\n`);
}

/** The instance this engine belongs to: from the controller's state, or the join record. */
async function localInstanceId(engine, image) {
  const found = await controllerState(engine);
  if (found && found.instance) return { id: found.instance.id, role: 'controller' };
  if (await engine.inspectVolume(state.volumes.nodeCerts)) {
    const record = await readJsonFile(engine, image, state.volumes.nodeCerts, 'node.json');
    if (record) return { id: record.instance_id, role: 'node', record };
  }
  return null;
}

async function id() {
  const engine = new Engine();
  const { image } = await engine.ownImage();
  const found = await localInstanceId(engine, image);
  if (!found) throw new Fatal('UCP is not installed on this engine');
  process.stdout.write(`${found.id}\n`);
}

/**
 * `uninstall` (1.1) and `uninstall-ucp` (3.x): with an instance on this engine, --id must name it;
 * leftovers without an instance (a half-done install) are removed without it. 3.x leaves the swarm
 * as it is, as the real uninstall-ucp does ("preserves the swarm").
 */
async function uninstall(ctx, logger, contract) {
  const engine = new Engine();
  const { image } = await engine.ownImage();
  const installed = await localInstallation(engine);
  if (!installed.any) {
    logger.warn('No UCP components were found on this node: nothing to uninstall');
    return;
  }
  const found = await localInstanceId(engine, image);
  if (found) {
    const given = await ctx.require('id', `Please enter the UCP instance ID to uninstall (${found.role})`);
    if (given !== found.id) {
      throw new Fatal(`The --id ${given} does not match the UCP instance on this engine (${found.id})`);
    }
  }
  if (found && found.role === 'node') {
    // Tell the controller this node leaves, with the token it gave at join; a controller that is
    // already gone is no reason to keep the node's own state.
    const { record } = found;
    try {
      const res = await request(`${record.url}/api/nodes/${record.node_id}`, {
        method: 'DELETE',
        ca: record.ca,
        headers: { 'X-Ucp-Node-Token': record.node_token },
        timeout: 5000,
      });
      if (res.status !== 204 && res.status !== 404) throw new Error(`HTTP ${res.status}`);
      logger.info(`Removed node ${record.name} from UCP at ${record.url}`);
    } catch (error) {
      logger.warn(`Could not remove this node from UCP at ${record.url}: ${reason(error)}`);
    }
  }
  logger.info('Uninstalling UCP on this engine');
  await removeLocal(engine, logger, { preserveCerts: Boolean(ctx.values['preserve-certs']) });
  logger.info(
    contract.line === '3.x'
      ? 'UCP has been removed from this node; the swarm is kept'
      : 'UCP has been removed from this engine',
  );
}

function hostAddressCommand() {
  const fs = require('node:fs');
  const os = require('node:os');
  const routes = fs.readFileSync('/proc/net/route', 'utf8').trim().split('\n').slice(1);
  const fields = routes.map((line) => line.trim().split(/\s+/));
  const defaultRoute = fields.find((f) => f[1] === '00000000') || fields[0];
  const addresses = (os.networkInterfaces()[defaultRoute && defaultRoute[0]] || []).filter(
    (a) => (a.family === 'IPv4' || a.family === 4) && !a.internal,
  );
  if (!addresses.length) throw new Fatal('no IPv4 address on the interface of the default route');
  process.stdout.write(`${addresses[0].address}\n`);
}

const logFlags = [
  { name: 'debug', aliases: ['D'], type: 'bool', usage: 'Enable debug mode' },
  { name: 'jsonlog', type: 'bool', usage: 'Produce json formatted output for easier parsing' },
];

/** The commands each release's stand-in implements (the rest of its contract fails, saying so). */
const actionsByLine = {
  1.1: { install, join, fingerprint, 'dump-certs': dumpCerts, id, uninstall, images },
  '3.x': { install, 'dump-certs': dumpCerts, id, 'uninstall-ucp': uninstall, images },
};

/** The stand-in of the release whose contract this image carries (`contract` only for tests). */
function app(logger, contract = loadContract()) {
  const implemented = actionsByLine[contract.line];
  if (contract.product !== 'ucp' || !implemented) {
    throw new Fatal(
      `This UCP stand-in implements UCP ${Object.keys(actionsByLine).join(' and ')}, not ${contract.product} ${contract.line}`,
    );
  }
  const actions = Object.fromEntries(
    Object.entries(implemented).map(([name, fn]) => [name, (ctx) => fn(ctx, logger, contract)]),
  );
  const hidden = [
    {
      name: 'controller',
      usage: 'Run the UCP controller (started by install, in the ucp-controller container).',
      flags: logFlags,
      action: () => require('./controller').serve(logger),
    },
    {
      name: 'host-address',
      usage: "Print this host's address (run by install/join on the host's network).",
      flags: [],
      action: hostAddressCommand,
    },
  ];
  return {
    name: 'ucp',
    invocation: 'docker run --rm -it --name ucp -v /var/run/docker.sock:/var/run/docker.sock docker/ucp',
    usage: `Docker Universal Control Plane ${contract.line} (stand-in for the local lab)`,
    version: `${contract.line}-standin`,
    description:
      `A stand-in for the docker/ucp ${contract.line} installer: exactly the commands and flags of its\n` +
      `reference (${contract.referenceDir}), one HTTPS controller with its own CA` +
      (contract.line === '3.x' ? ',\non a real swarm.' : ', and no Swarm.') +
      ' See the README of its recipe.',
    commands: commandsFromContract(contract, actions, hidden),
  };
}

module.exports = { app, normalizeFingerprint, actionsByLine, componentNames, componentImages };
