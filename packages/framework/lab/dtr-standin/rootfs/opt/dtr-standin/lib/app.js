'use strict';
// The commands of the DTR stand-in: install, join, remove, destroy, images, and the recovery
// commands backup, restore and emergency-repair (the DTR 2.0 reference pages under
// datacenter/dtr/2.0/reference/, and reference/dtr/2.7/cli/ for destroy, emergency-repair and the
// environment variables), and hidden ones run in containers: `phase2` (the installer's second phase,
// which has the replica's registry volume mounted, as DTR's own dtr-phase2 container) and
// `release-volume` on the installer's own image; `front` (dtr-nginx-<id>) and `registry`
// (dtr-registry-<id>) on the component images <repo>/dtr-nginx:<tag> and <repo>/dtr-registry:<tag>,
// which have this image's content.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const { spawn, execFileSync } = require('node:child_process');
const { Buffer } = require('node:buffer');
const { URL } = require('node:url');
const { setTimeout: delay } = require('node:timers/promises');
const { Engine } = require('standin-common/engine');
const { Fatal } = require('standin-common/log');
const { request, reason } = require('standin-common/client');
const pki = require('standin-common/pki');
const { loadContract, commandsFromContract, hasCommand, portValue } = require('standin-common/contract');
const meta = require('./meta');
const store = require('./store');
const { EtcdError } = require('./etcd');
const { names, labels, replicaIdPattern, belongsTo, replicaIdsOf } = require('./names');
const { componentReference, ensureComponentImages } = require('standin-common/components');
const { probeReplica } = require('./probe');
const backup = require('./backup');
const tar = require('standin-common/tar');

/** Where phase 2 finds the backup to restore, and leaves the backup it took (in its own /tmp). */
const restoreFile = 'dtr-restore.tar';
const backupFile = 'dtr-backup.tar';

/**
 * The component images a replica's containers run from, named as the release names its containers
 * (dtr-nginx-<id> from <repo>/dtr-nginx:<tag>, dtr-registry-<id> from <repo>/dtr-registry:<tag>, the
 * metadata store's member from <repo>/dtr-etcd:<tag> on 2.0, <repo>/dtr-rethinkdb:<tag> on 2.7),
 * for the installer run as `own` (engine.ownImage()). The installer's phase 2 and its short-lived
 * helpers run from the installer's own image, as the real dtr-phase2 does.
 */
function componentImages(own, line = loadContract().line) {
  return {
    nginx: componentReference(own, 'dtr-nginx'),
    registry: componentReference(own, 'dtr-registry'),
    store: componentReference(own, names.storeComponent(line)),
  };
}

/** `images`: the component images, one a line on stdout (DTR's `images` has no flags and pulls nothing). */
async function images() {
  const engine = new Engine();
  const listed = Object.values(componentImages(await engine.ownImage()));
  process.stdout.write(listed.map((reference) => `${reference}\n`).join(''));
}

// ---- flags -----------------------------------------------------------------------------------------
// The commands and flags come from the release contract in the image (standin-common/contract.js):
// every value arrives as a string, a switch as a boolean, an unset flag as undefined.

/** The flags of the hidden commands (cli.js's own flag tables: they are no part of a release). */
const debugFlag = { name: 'debug', type: 'bool', usage: 'Enable debug mode, provides additional logging' };
const hiddenReplica = { name: 'replica-id', type: 'string', usage: 'the replica' };

// ---- validation ------------------------------------------------------------------------------------

function replicaId(value, flag) {
  if (!replicaIdPattern.test(value)) {
    throw new Fatal(`Invalid --${flag} "${value}": a replica ID is 12 lowercase hexadecimal digits`);
  }
  return value;
}

/** A replica port flag: both releases' pages say 0 means the default. */
function port(ctx, flag, fallback) {
  if (String(ctx.values[flag]).trim() === '0') return fallback;
  return portValue(ctx, flag, fallback);
}

function ucpUrl(raw) {
  const text = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Fatal(`Invalid --ucp-url "${raw}": expected https://host[:port]`);
  }
  if (url.protocol !== 'https:')
    throw new Fatal(`Invalid --ucp-url "${raw}": UCP is only reached over https`);
  return url.origin;
}

/** --dtr-external-url as host[:port] (a scheme or a path is dropped). */
function externalUrl(raw) {
  const text = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new Fatal(`Invalid --dtr-external-url "${raw}": expected host[:port]`);
  }
  return url.host;
}

/** "A=1&B=x\&y" → ["A=1", "B=x&y"] (the documented separator and escape). */
function parseExtraEnvs(raw) {
  if (!raw) return [];
  const envs = [];
  let current = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && raw[i + 1] === '&') {
      current += '&';
      i++;
    } else if (raw[i] === '&') {
      envs.push(current);
      current = '';
    } else current += raw[i];
  }
  envs.push(current);
  const list = envs.filter((e) => e !== '');
  for (const env of list) {
    if (!env.includes('=') || env.startsWith('=')) {
      throw new Fatal(`Invalid --extra-envs entry "${env}": expected NAME=VALUE`);
    }
  }
  return list;
}

const urlHost = (host) => (net.isIPv6(host) ? `[${host}]` : host);

// ---- UCP -------------------------------------------------------------------------------------------

/** Logs in to UCP with the admin credentials and lists its nodes: fails clearly if either fails. */
async function connectUcp(ctx, logger) {
  const url = ucpUrl(await ctx.require('ucp-url'));
  const username = await ctx.require('ucp-username');
  const password = await ctx.require('ucp-password');
  const ca = ctx.values['ucp-ca'] || null;
  const insecure = Boolean(ctx.values['ucp-insecure-tls']);
  if (ca) {
    try {
      new crypto.X509Certificate(ca);
    } catch {
      throw new Fatal(
        '--ucp-ca is not a PEM certificate: pass the certificate itself, e.g. --ucp-ca "$(cat ca.pem)"',
      );
    }
  }
  const tls = { ca: ca || undefined, insecure };
  logger.info(`Connecting to UCP at ${url}`);
  let res;
  try {
    res = await request(`${url}/auth/login`, {
      method: 'POST',
      json: { username, password },
      ...tls,
      timeout: 10000,
    });
  } catch (error) {
    const hint =
      /certificate|self.signed|verify/i.test(error.message) && !ca
        ? ` (trust UCP's CA with --ucp-ca "$(curl -k ${url}/ca)", or skip verification with --ucp-insecure-tls)`
        : '';
    throw new Fatal(`Failed to connect to UCP at ${url}: ${reason(error)}${hint}`);
  }
  if (res.status === 401 || res.status === 403) {
    throw new Fatal(
      `Failed to authenticate with UCP at ${url} as "${username}": invalid username or password`,
    );
  }
  if (res.status !== 200 || !res.json || !res.json.auth_token) {
    throw new Fatal(`Failed to log in to UCP at ${url}: HTTP ${res.status} ${res.text.trim()}`);
  }
  const nodes = await request(`${url}/api/nodes`, {
    headers: { Authorization: `Bearer ${res.json.auth_token}` },
    ...tls,
  });
  if (nodes.status !== 200 || !Array.isArray(nodes.json)) {
    throw new Fatal(`Failed to list the nodes of UCP at ${url}: HTTP ${nodes.status} ${nodes.text.trim()}`);
  }
  logger.debug(`UCP nodes: ${nodes.json.map((n) => `${n.name}=${n.address}`).join(', ')}`);
  return { url, ca, insecure, nodes: nodes.json, token: res.json.auth_token };
}

/**
 * DTR 2.7: has UCP make the attachable overlay network dtr-ol on its swarm (idempotently: every
 * install and join asks), as the real DTR creates it through UCP's Docker API, since a worker's
 * engine cannot create an overlay network. The UCP 3.x stand-in's controller does it with its
 * stand-in-internal POST /api/networks. Returns the network's name, or null when this UCP makes no
 * overlay networks (the UCP 1.1 stand-in: no swarm mode), where replicas reach each other at their
 * node addresses as DTR 2.0's do.
 */
async function ensureOverlay(ucp, logger) {
  let res;
  try {
    res = await request(`${ucp.url}/api/networks`, {
      method: 'POST',
      json: { name: names.overlay, labels: { [labels.role]: 'network' } },
      headers: { Authorization: `Bearer ${ucp.token}` },
      ca: ucp.ca || undefined,
      insecure: ucp.insecure,
      timeout: 30000,
    });
  } catch (error) {
    throw new Fatal(
      `Failed to create the overlay network ${names.overlay} through UCP at ${ucp.url}: ${reason(error)}`,
    );
  }
  if (res.status === 404) {
    logger.warn(
      `UCP at ${ucp.url} creates no overlay networks (no swarm mode): the replicas reach each other at their node addresses, not over ${names.overlay}`,
    );
    return null;
  }
  if (res.status !== 200 && res.status !== 201) {
    const message =
      (res.json && res.json.errors && res.json.errors[0] && res.json.errors[0].message) || res.text.trim();
    throw new Fatal(
      `Failed to create the overlay network ${names.overlay} through UCP at ${ucp.url}: HTTP ${res.status} ${message}`,
    );
  }
  logger.info(
    res.status === 201
      ? `Created the overlay network ${names.overlay} through UCP`
      : `Using the overlay network ${names.overlay} (${res.json.id})`,
  );
  return names.overlay;
}

/**
 * `constraint:<key><op><value>` entries of --extra-envs (DTR 2.0: the replica's containers are placed
 * by Swarm, which reads them): { key, operator, value } each.
 */
function constraintsOf(extraEnvs) {
  const list = [];
  for (const env of extraEnvs) {
    const eq = env.indexOf('=');
    const name = env.slice(0, eq);
    if (name !== 'constraint:' && !name.startsWith('constraint:')) continue;
    const match = /^constraint:([^=!]+)(==|!=)(.*)$/.exec(env);
    if (!match) throw new Fatal(`Invalid --extra-envs constraint "${env}": expected constraint:key==value`);
    list.push({ key: match[1], operator: match[2], value: match[3] });
  }
  return list;
}

/** Whether this engine meets one Swarm constraint: `node` is its name, other keys its engine labels. */
function engineMeets(constraint, info) {
  const labels = Object.fromEntries(
    (info.Labels || []).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const actual = constraint.key === 'node' ? info.Name : labels[constraint.key];
  return constraint.operator === '==' ? actual === constraint.value : actual !== constraint.value;
}

/**
 * The UCP node this replica goes on. The stand-in deploys on the engine it runs on (the real DTR
 * deploys through UCP's Swarm on any node), so --ucp-node, or the constraints of --extra-envs, must
 * select this engine, which must be a node of UCP: its address is the one UCP recorded.
 */
function resolveNode(ctx, ucp, info, extraEnvs) {
  const wanted = ctx.values['ucp-node'];
  if (wanted && extraEnvs.length) {
    throw new Fatal("--extra-envs can't be used in combination with --ucp-node");
  }
  if (wanted) {
    if (!ucp.nodes.some((n) => n.name === wanted)) {
      throw new Fatal(
        `Node ${wanted} is not part of UCP at ${ucp.url} (its nodes: ${ucp.nodes.map((n) => n.name).join(', ')})`,
      );
    }
    if (wanted !== info.Name) {
      throw new Fatal(
        `--ucp-node ${wanted} is not this engine (${info.Name}): the DTR stand-in deploys on the engine it runs on, so run it on ${wanted}`,
      );
    }
  }
  const unmet = constraintsOf(extraEnvs).filter((c) => !engineMeets(c, info));
  if (unmet.length) {
    const shown = unmet.map((c) => `constraint:${c.key}${c.operator}${c.value}`).join(', ');
    throw new Fatal(
      `This engine (${info.Name}) does not meet ${shown} of --extra-envs: the DTR stand-in deploys on the engine it runs on, so run it on a node that does`,
    );
  }
  return engineNode(ucp, info);
}

/** This engine as a node of UCP: { name, address } as UCP recorded them. */
function engineNode(ucp, info) {
  const node = ucp.nodes.find((n) => n.name === info.Name);
  if (!node) {
    throw new Fatal(`This engine (${info.Name}) is not a node of UCP at ${ucp.url}: join it to UCP first`);
  }
  return { name: node.name, address: node.address };
}

// ---- local state -----------------------------------------------------------------------------------

async function localReplicas(engine) {
  const containers = await engine.listContainers({ name: ['dtr-'] });
  const volumes = await engine.listVolumes({ name: ['dtr-'] });
  return replicaIdsOf(
    containers.flatMap((c) => c.Names),
    volumes.map((v) => v.Name),
  );
}

async function refuseExistingReplica(engine, id) {
  const containers = await engine.listContainers({ name: ['dtr-nginx-', 'dtr-registry-'] });
  const ids = replicaIdsOf(
    containers.flatMap((c) => c.Names),
    [],
  );
  if (ids.length) {
    throw new Fatal(
      `DTR replica ${ids.join(', ')} is already installed on this engine: remove or destroy it before installing replica ${id}`,
    );
  }
}

/** Creates the replica's registry volume unless the storage step already made (and mounted) it. */
async function ensureRegistryVolume(engine, id, logger) {
  const volume = names.registryVolume(id);
  if (await engine.inspectVolume(volume)) {
    logger.info(`Using the existing volume ${volume} for the registry storage`);
    return false;
  }
  await engine.createVolume(volume, { [labels.replica]: id });
  logger.info(`Created volume ${volume} for the registry storage`);
  return true;
}

/**
 * Makes it safe to delete a replica's volume: whatever is mounted over its data directory (the
 * shared storage: NFS, or the lab's bind mount) is unmounted first in the host's mount namespace,
 * through a short-lived container with the host's PID namespace. Docker deletes a local volume's
 * `_data` recursively, which would otherwise delete every replica's images.
 */
async function releaseVolume(engine, image, volume, id, logger) {
  const inspected = await engine.inspectVolume(volume);
  if (!inspected) return;
  let result;
  try {
    result = await engine.runToCompletion(names.release(id), {
      Image: image,
      Cmd: ['release-volume', '--path', inspected.Mountpoint],
      Labels: { [labels.replica]: id, [labels.role]: 'release' },
      HostConfig: {
        PidMode: 'host',
        NetworkMode: 'none',
        CapAdd: ['SYS_ADMIN', 'SYS_PTRACE', 'SYS_CHROOT'],
        SecurityOpt: ['apparmor=unconfined', 'seccomp=unconfined'],
      },
    });
  } catch (error) {
    result = { code: -1, output: reason(error) };
  }
  if (result.code !== 0) {
    throw new Fatal(
      `Not removing volume ${volume}: could not release what is mounted on ${inspected.Mountpoint} ` +
        `(${result.output.trim()}); removing it now could delete the shared storage. Unmount it, then run this again`,
    );
  }
  for (const line of result.output.trim().split('\n').filter(Boolean)) logger.info(line);
}

/** Removes (forcibly) every container of replica `id` on this engine. */
async function removeReplicaContainers(engine, id, logger) {
  const containers = (await engine.listContainers({ name: [`-${id}`] })).filter((c) =>
    c.Names.some((n) => belongsTo(n, id)),
  );
  for (const container of containers) {
    await engine.removeContainer(container.Id);
    logger.info(`Removed container ${container.Names[0].replace(/^\//, '')}`);
  }
}

/** Removes every container and volume of replica `id` on this engine, and dtr-br once unused. */
async function teardownReplica(engine, image, id, logger) {
  await removeReplicaContainers(engine, id, logger);
  const volumes = (await engine.listVolumes({ name: [`-${id}`] })).filter((v) => belongsTo(v.Name, id));
  for (const volume of volumes) {
    await releaseVolume(engine, image, volume.Name, id, logger);
    await engine.removeVolume(volume.Name);
    logger.info(`Removed volume ${volume.Name}`);
  }
  if (await engine.removeNetworkIfUnused(names.network)) logger.info(`Removed network ${names.network}`);
}

/** The phase 2 commands that make a new member (its store volume is created for them). */
const makesMember = ['install', 'join', 'restore'];

/**
 * Runs the installer's second phase in a container that has the replica's registry volume mounted:
 * on dtr-ol when the replica is (`params.overlay`), so that it probes the other replicas and waits
 * for its own over the overlay, else on dtr-br. Its output goes to the installer's stdout and stderr,
 * or to `options.streams`; `options.beforeStart` and `afterExit` as Engine.runToCompletion's hooks
 * (the result's `collected` is what afterExit returned).
 */
async function runPhase2(engine, image, params, options = {}) {
  await engine.ensureNetwork(names.network, { [labels.role]: 'network' });
  // Install, join and restore write the new member's certificates into its store volume (its own,
  // not shared); emergency-repair restarts the member on the data in it.
  const storeVolume = params.line && names.storeVolume(params.replicaId, params.line);
  const mountsStore = [...makesMember, 'emergency-repair'].includes(params.command);
  if (storeVolume && makesMember.includes(params.command) && !(await engine.inspectVolume(storeVolume))) {
    await engine.createVolume(storeVolume, { [labels.replica]: params.replicaId });
  }
  const encoded = Buffer.from(JSON.stringify(params)).toString('base64');
  const { code, collected } = await engine.runToCompletion(
    names.phase2(params.replicaId),
    {
      Image: image,
      Cmd: ['phase2'],
      Env: [`DTR_PHASE2=${encoded}`],
      Labels: { [labels.replica]: params.replicaId, [labels.role]: 'phase2' },
      HostConfig: {
        Binds: [
          '/var/run/docker.sock:/var/run/docker.sock',
          // Remove may read the cluster through another replica's storage than the one it removes.
          `${names.registryVolume(params.storageReplicaId || params.replicaId)}:${meta.storageRoot}`,
          ...(storeVolume && mountsStore ? [`${storeVolume}:${store.storeMount}`] : []),
        ],
        NetworkMode: params.overlay || names.network,
      },
    },
    options.streams || { stdout: process.stdout, stderr: process.stderr },
    { beforeStart: options.beforeStart, afterExit: options.afterExit },
  );
  return { code, collected };
}

// ---- phase 1: the commands -------------------------------------------------------------------------

/**
 * --dtr-ca, --dtr-cert and --dtr-key: all three or none. The certificate must chain to the CA and
 * match the key, checked before anything is created.
 */
function givenCertificates(ctx) {
  const ca = ctx.values['dtr-ca'];
  const cert = ctx.values['dtr-cert'];
  const key = ctx.values['dtr-key'];
  if (!ca && !cert && !key) return undefined;
  if (!ca || !cert || !key) throw new Fatal('--dtr-ca, --dtr-cert and --dtr-key must be given together');
  let caCert;
  let serverCert;
  try {
    caCert = new crypto.X509Certificate(ca);
  } catch {
    throw new Fatal(
      '--dtr-ca is not a PEM certificate: pass the certificate itself, e.g. --dtr-ca "$(cat ca.pem)"',
    );
  }
  try {
    serverCert = new crypto.X509Certificate(cert);
  } catch {
    throw new Fatal('--dtr-cert is not a PEM certificate');
  }
  if (!serverCert.verify(caCert.publicKey)) throw new Fatal('--dtr-cert is not signed by --dtr-ca');
  let privateKey;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    throw new Fatal('--dtr-key is not a PEM private key');
  }
  if (!serverCert.checkPrivateKey(privateKey)) throw new Fatal('--dtr-key does not belong to --dtr-cert');
  return { caPem: ca, certPem: cert, keyPem: key };
}

/** DTR 2.7 restore's storage flags: the page calls each a "Mandatory flag" (none on DTR 2.0's restore). */
const restoreStorageFlags = ['dtr-use-default-storage', 'dtr-storage-volume', 'nfs-storage-url'];

/**
 * DTR 2.7's restore must be told the storage the backed-up cluster used: one of its three storage
 * flags, each "Mandatory flag to allow for DTR to fall back to your configured storage setting at the
 * time of backup" (reference/dtr/2.7/cli/restore.md). Checked before anything is read or made.
 */
function checkRestoreStorage(ctx, logger) {
  const documented = restoreStorageFlags.filter((name) => ctx.command.flags.some((f) => f.name === name));
  if (!documented.length) return;
  const given = documented.filter((name) => ctx.values[name]);
  if (given.length !== 1) {
    throw new Fatal(
      `restore needs exactly one of --${documented.join(', --')}: the storage DTR used when the backup was taken` +
        (given.length ? ` (given: --${given.join(', --')})` : ''),
    );
  }
  if (ctx.values['dtr-storage-volume']) {
    logger.warn(
      `--dtr-storage-volume ${ctx.values['dtr-storage-volume']}: the DTR stand-in keeps the images on the replica's volume dtr-registry-<id>, over which the storage step mounts the shared storage`,
    );
  }
}

/**
 * restore's backup, read whole from stdin (`restore [command options] < backup.tar`) and checked
 * (a backup of this release) before anything is made.
 */
async function readBackupFromStdin(line) {
  if (process.stdin.isTTY) {
    throw new Fatal(
      'restore reads the backup on its standard input: redirect it there (docker run -i --rm docker/dtr restore [command options] < backup.tar)',
    );
  }
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const archive = Buffer.concat(chunks);
  backup.unpack(archive, line);
  return archive;
}

const beginning = {
  install: 'Beginning Docker Trusted Registry installation',
  join: 'Beginning Docker Trusted Registry replica join',
  restore: 'Beginning Docker Trusted Registry restore',
};

/**
 * install, join and restore: a new replica on this engine. restore is a fresh installation whose
 * cluster takes the configuration and metadata of the backup on stdin (both releases' restore pages).
 */
async function installOrJoin(ctx, logger, command, contract) {
  const restoring = command === 'restore';
  if (restoring) checkRestoreStorage(ctx, logger);
  const backupArchive = restoring ? await readBackupFromStdin(contract.line) : undefined;
  const engine = new Engine();
  const info = await engine.info();
  const own = await engine.ownImage();
  const { image } = own;
  const components = componentImages(own, contract.line);
  logger.info(beginning[command]);
  const id = ctx.values['replica-id']
    ? replicaId(ctx.values['replica-id'], 'replica-id')
    : crypto.randomBytes(6).toString('hex');
  const existing =
    command === 'join'
      ? replicaId(await ctx.require('existing-replica-id'), 'existing-replica-id')
      : undefined;
  if (existing === id)
    throw new Fatal(`--replica-id and --existing-replica-id are both ${id}: a new replica needs a new ID`);
  const httpPort = port(ctx, 'replica-http-port', 80);
  const httpsPort = port(ctx, 'replica-https-port', 443);
  const extraEnvs = parseExtraEnvs(ctx.values['extra-envs']);
  // DTR 2.7: the page's --dtr-ca/--dtr-cert/--dtr-key; DTR 2.0 has none and always makes its own CA.
  const givenTls = command === 'join' ? undefined : givenCertificates(ctx);
  if (ctx.values['nfs-storage-url']) {
    logger.warn(
      `--nfs-storage-url ${ctx.values['nfs-storage-url']}: the DTR stand-in does not mount NFS itself; ` +
        `it keeps the images on the volume ${names.registryVolume(id)}, over which the storage step mounts the shared storage`,
    );
  }
  const ucp = await connectUcp(ctx, logger);
  const node = resolveNode(ctx, ucp, info, extraEnvs);
  await refuseExistingReplica(engine, id);
  // DTR 2.7's replicas are on dtr-ol (ee/dtr/architecture.md). DTR 2.0's page lists dtr-ol too, but
  // its UCP 1.1 has no swarm mode in the lab: its replicas stay on node addresses.
  const overlay = contract.line === '2.7' ? await ensureOverlay(ucp, logger) : null;
  // Every component image, on this engine before anything is created: the missing ones are pulled,
  // with DTR 2.0's --hub-username/--hub-password ("for pulling images") when given; 2.7 has none.
  await ensureComponentImages(engine, Object.values(components), {
    auth: { username: ctx.values['hub-username'], password: ctx.values['hub-password'] },
    logger,
  });
  // A restore without --dtr-external-url keeps the backed-up cluster's.
  const external =
    command === 'install'
      ? externalUrl(
          ctx.values['dtr-external-url'] ||
            `${urlHost(node.address)}${httpsPort === 443 ? '' : `:${httpsPort}`}`,
        )
      : restoring && ctx.values['dtr-external-url']
        ? externalUrl(ctx.values['dtr-external-url'])
        : undefined;
  logger.info(
    `Replica ${id} goes on node ${node.name} (${node.address}), HTTPS port ${httpsPort}, HTTP port ${httpPort}`,
  );
  const createdVolume = await ensureRegistryVolume(engine, id, logger);
  const { code } = await runPhase2(
    engine,
    image,
    {
      command,
      replicaId: id,
      existingReplicaId: existing,
      node,
      httpPort,
      httpsPort,
      externalUrl: external,
      ucp: { url: ucp.url, ca: ucp.ca, insecure: ucp.insecure },
      extraEnvs,
      givenTls,
      components,
      overlay,
      line: contract.line,
      // DTR 2.0's --etcd-heartbeat-interval, --etcd-election-timeout, --etcd-snapshot-count.
      storeTuning: {
        heartbeat: ctx.values['etcd-heartbeat-interval'],
        election: ctx.values['etcd-election-timeout'],
        snapshot: ctx.values['etcd-snapshot-count'],
      },
      unsafe: Boolean(ctx.values.unsafe || ctx.values['unsafe-join']),
      // DTR 2.0's restore --config-only: "only the configurations of DTR and not the database".
      configOnly: Boolean(ctx.values['config-only']),
      debug: Boolean(ctx.values.debug),
    },
    {
      // The backup, for phase 2 to read (a file in its container: it has no stdin of the installer's).
      beforeStart: backupArchive
        ? (container) =>
            engine.putArchive(
              container,
              '/tmp',
              tar.pack([{ name: restoreFile, content: backupArchive, mode: 0o600 }]),
            )
        : undefined,
    },
  );
  if (code !== 0) {
    if (createdVolume) await teardownReplica(engine, image, id, logger).catch(() => undefined);
    else await engine.removeNetworkIfUnused(names.network).catch(() => undefined);
    throw new Fatal(`DTR ${command} of replica ${id} failed`, code);
  }
}

/**
 * The replicas to remove: DTR 2.0's --replica-id; DTR 2.7's --replica-ids ("A comma separated list of
 * IDs of replicas to remove"), or --replica-id, its deprecated alias.
 */
async function replicasToRemove(ctx) {
  const documented = (name) => ctx.command.flags.some((f) => f.name === name);
  const flag =
    ctx.values['replica-ids'] || (!ctx.values['replica-id'] && documented('replica-ids'))
      ? 'replica-ids'
      : 'replica-id';
  const ids = String(await ctx.require(flag))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return [...new Set(ids.map((id) => replicaId(id, flag)))];
}

async function remove(ctx, logger) {
  const engine = new Engine();
  const { image } = await engine.ownImage();
  const existing = replicaId(await ctx.require('existing-replica-id'), 'existing-replica-id');
  const ids = await replicasToRemove(ctx);
  await connectUcp(ctx, logger);
  for (const id of ids) await removeOne(ctx, logger, engine, image, existing, id);
}

async function removeOne(ctx, logger, engine, image, existing, id) {
  const local = await localReplicas(engine);
  // The reference runs remove on any UCP node, through a healthy replica, and the replica to remove
  // may be an unhealthy one (ee/dtr/admin/configure/set-up-high-availability.md: "Existing replica
  // id: the id of any healthy DTR replica of that cluster", "It can be the id of an unhealthy
  // replica"; datacenter/dtr/2.0/install/uninstall.md: "It uses the healthy replica to safely inform
  // your DTR cluster"). The stand-in reaches the cluster's metadata through a registry volume on
  // this engine: the existing replica's when it is here (the one to remove may be down, its storage
  // gone), else that of the replica to remove.
  let storage;
  for (const candidate of [existing, id]) {
    if (await engine.inspectVolume(names.registryVolume(candidate))) {
      storage = candidate;
      break;
    }
  }
  if (!storage && !local.includes(id)) {
    const info = await engine.info();
    throw new Fatal(
      `Neither replica ${existing} nor replica ${id} is on this engine (${info.Name}${local.length ? `, which runs ${local.join(', ')}` : ''}): ` +
        `the DTR stand-in reaches the cluster through a replica's storage, so run remove on the node of replica ${existing}`,
    );
  }
  if (storage) {
    const { code } = await runPhase2(engine, image, {
      command: 'remove',
      overlay: await overlayHere(engine),
      replicaId: id,
      storageReplicaId: storage,
      existingReplicaId: existing,
      forceRemove: Boolean(ctx.values['force-remove']),
      // DTR 2.7's remove has no --force-remove: the last replica goes with destroy.
      canForce: ctx.command.flags.some((f) => f.name === 'force-remove'),
      line: loadContract().line,
      debug: Boolean(ctx.values.debug),
    });
    if (code !== 0) throw new Fatal(`DTR remove of replica ${id} failed`, code);
  } else {
    logger.warn(`Replica ${id} has no registry volume here: it cannot be taken out of the cluster metadata`);
  }
  if (local.includes(id)) {
    await teardownReplica(engine, image, id, logger);
  } else {
    // DTR removes them through UCP on the replica's node; the stand-in reaches only this engine.
    logger.warn(
      `Replica ${id} has no containers or volumes on this engine: what it left on its own node stays there (the DTR stand-in removes only what is on the engine it runs on)`,
    );
  }
  logger.info(`Replica ${id} has been removed`);
}

async function destroy(ctx, logger) {
  const engine = new Engine();
  const { image } = await engine.ownImage();
  await connectUcp(ctx, logger);
  const local = await localReplicas(engine);
  let id = ctx.values['replica-id'] ? replicaId(ctx.values['replica-id'], 'replica-id') : undefined;
  if (!id) {
    if (local.length !== 1) {
      throw new Fatal(
        local.length
          ? `This engine runs replicas ${local.join(', ')}: choose one with --replica-id`
          : 'No DTR replica was found on this engine: nothing to destroy',
      );
    }
    id = local[0];
  }
  if (!local.includes(id)) {
    logger.warn(`Replica ${id} has no containers or volumes on this engine: nothing to destroy`);
    return;
  }
  logger.info(
    `Destroying replica ${id} (its containers and volumes, without notifying the rest of the cluster)`,
  );
  await teardownReplica(engine, image, id, logger);
  logger.info(`Replica ${id} has been destroyed`);
}

/**
 * dtr-ol when this engine has it (a replica here is attached), for a phase 2 that probes an existing
 * replica over it; a worker's engine knows the swarm's network only while a container of it is attached.
 */
async function overlayHere(engine) {
  const here = await engine.inspectNetwork(names.overlay).catch(() => null);
  return here && here.Driver === 'overlay' ? names.overlay : null;
}

/** Refuses a command that works through replica `id`'s volume when this engine has none of it. */
async function requireLocalVolume(engine, volume, id, command) {
  if (await engine.inspectVolume(volume)) return;
  const info = await engine.info();
  const local = await localReplicas(engine);
  throw new Fatal(
    `Replica ${id} is not on this engine (${info.Name}${local.length ? `, which runs ${local.join(', ')}` : ''}): ` +
      `the DTR stand-in reaches the cluster through a replica's own volumes, so run ${command} on the node of replica ${id}`,
  );
}

/**
 * `backup` (datacenter/dtr/2.0/reference/backup.md, reference/dtr/2.7/cli/backup.md): the cluster's
 * configuration, repository metadata and certificates and keys, as a tar on stdout (lib/backup.js
 * has what it holds), read through --existing-replica-id, which must be healthy. Not the images.
 * The stand-in reads the cluster through that replica's storage, so it runs on the replica's node.
 */
async function backupCommand(ctx, logger, contract) {
  const engine = new Engine();
  const { image } = await engine.ownImage();
  const existing = replicaId(await ctx.require('existing-replica-id'), 'existing-replica-id');
  await connectUcp(ctx, logger);
  await requireLocalVolume(engine, names.registryVolume(existing), existing, 'backup');
  if (ctx.values['offline-backup']) {
    // The page's offline backup is for RethinkDB's consistency; the stand-in's is one etcd read.
    logger.warn(
      '--offline-backup: the stand-in reads the whole metadata store at one revision, which is as consistent as an offline backup; its store stays up',
    );
  }
  const { code, collected } = await runPhase2(
    engine,
    image,
    {
      command: 'backup',
      replicaId: existing,
      existingReplicaId: existing,
      overlay: await overlayHere(engine),
      // DTR 2.0's backup --config-only: "only the configurations of DTR and not the database".
      configOnly: Boolean(ctx.values['config-only']),
      line: contract.line,
      debug: Boolean(ctx.values.debug),
    },
    {
      // The installer's stdout carries the backup and nothing else.
      streams: { stdout: process.stderr, stderr: process.stderr },
      afterExit: (container, exit) =>
        exit === 0 ? engine.getArchive(container, `/tmp/${backupFile}`) : undefined,
    },
  );
  if (code !== 0) throw new Fatal(`DTR backup through replica ${existing} failed`, code);
  const file = collected && tar.unpack(collected).find((f) => f.name === backupFile);
  if (!file) throw new Fatal(`DTR backup through replica ${existing} wrote no backup`);
  await new Promise((resolve, reject) =>
    process.stdout.write(file.content, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * `emergency-repair` (reference/dtr/2.7/cli/emergency-repair.md; its guide
 * ee/dtr/admin/disaster-recovery/repair-a-cluster.md): replica --existing-replica-id "is repaired and
 * turned into the only replica in the whole DTR cluster", from its own volumes: its store member is
 * restarted on its data with etcd's --force-new-cluster (a cluster of one member, which has a
 * quorum again), the other replicas leave the cluster document, its containers are deployed again;
 * "the containers for all the other DTR replicas are stopped and removed" and, with --prune, their
 * volumes. The stand-in runs on the repaired replica's node and reaches only that engine: the other
 * replicas' containers elsewhere stay (their members are out of the store; started again they find
 * themselves removed and stop).
 */
async function emergencyRepair(ctx, logger, contract) {
  const id = replicaId(await ctx.require('existing-replica-id'), 'existing-replica-id');
  // The page's --y ("Answer yes to any prompts") answers its confirmation; the stand-in never
  // prompts, so without it there is no yes, and it stops before anything changes.
  if (!ctx.values.y) {
    throw new Fatal(
      `emergency-repair makes replica ${id} the only replica of its cluster and removes every other one: ` +
        'confirm with --y (the stand-in does not prompt)',
    );
  }
  const engine = new Engine();
  const info = await engine.info();
  const own = await engine.ownImage();
  const components = componentImages(own, contract.line);
  logger.info(`Beginning the emergency repair of DTR from replica ${id}`);
  const ucp = await connectUcp(ctx, logger);
  const node = engineNode(ucp, info);
  await requireLocalVolume(engine, names.storeVolume(id, contract.line), id, 'emergency-repair');
  await requireLocalVolume(engine, names.registryVolume(id), id, 'emergency-repair');
  const overlay = contract.line === '2.7' ? await ensureOverlay(ucp, logger) : null;
  await ensureComponentImages(engine, Object.values(components), { logger });
  const { code } = await runPhase2(engine, own.image, {
    command: 'emergency-repair',
    replicaId: id,
    node,
    components,
    overlay,
    line: contract.line,
    image: own.image,
    prune: Boolean(ctx.values.prune),
    debug: Boolean(ctx.values.debug),
  });
  if (code !== 0) throw new Fatal(`DTR emergency-repair from replica ${id} failed`, code);
}

// ---- phase 2 ---------------------------------------------------------------------------------------

/**
 * Replica `id`'s health from its own /health, as phase 2 sees it: over dtr-ol by container name when
 * phase 2 runs on it (p.overlay) and the replica is on it, else at its node address.
 */
function probe(p, id, replica, logger) {
  return probeReplica(id, replica, { cas: meta.trustedCas(), viaOverlay: Boolean(p.overlay), logger });
}

function replicaRecord(p) {
  return {
    node: p.node.name,
    address: p.node.address,
    http_port: p.httpPort,
    https_port: p.httpsPort,
    // DTR 2.7 on a UCP with a swarm: the front is on dtr-ol, where the others probe it by name.
    ...(p.overlay ? { network: p.overlay } : {}),
    joined_at: new Date().toISOString(),
    ucp: p.ucp,
  };
}

/**
 * Attaches the replica's front to dtr-ol with its container name as alias (after it started: a
 * worker's engine attaches a running container to a swarm network through the swarm), and checks
 * that it has an address there.
 */
async function attachToOverlay(engine, p, container, logger) {
  const res = await engine.request('POST', `/networks/${encodeURIComponent(p.overlay)}/connect`, {
    json: { Container: container, EndpointConfig: { Aliases: [container] } },
  });
  if (res.status >= 300) {
    throw new Fatal(
      `Unable to attach ${container} to the overlay network ${p.overlay}: ${res.body.toString().trim()}`,
    );
  }
  const inspected = await engine.inspectContainer(container);
  const endpoint = inspected && inspected.NetworkSettings.Networks[p.overlay];
  if (!endpoint || !endpoint.IPAddress) {
    throw new Fatal(`${container} has no address on the overlay network ${p.overlay}`);
  }
  logger.info(`Attached ${container} to ${p.overlay} (${endpoint.IPAddress})`);
}

/** Creates and starts the replica's containers, each from its component image, and waits until its front reports healthy. */
async function startReplica(engine, p, caPem, logger) {
  const volume = names.registryVolume(p.replicaId);
  const container = (role, command, extra = {}) => ({
    Image: p.components[role],
    Cmd: [command, '--replica-id', p.replicaId],
    Env: p.extraEnvs,
    Labels: { [labels.replica]: p.replicaId, [labels.role]: role },
    ...extra,
    HostConfig: {
      Binds: [`${volume}:${meta.storageRoot}`],
      NetworkMode: names.network,
      RestartPolicy: { Name: 'unless-stopped' },
      ...(extra.HostConfig || {}),
    },
  });
  const registry = names.registry(p.replicaId);
  const nginx = names.nginx(p.replicaId);
  for (const name of [registry, nginx]) await engine.removeContainer(name);
  // Side by side: the front waits for its registry by itself (its health says so until it answers).
  logger.info(`Starting ${registry} and ${nginx} (HTTPS ${p.httpsPort}, HTTP ${p.httpPort})`);
  const started = (name, spec) => engine.createContainer(name, spec).then(() => engine.startContainer(name));
  await Promise.all([
    started(registry, container('registry', 'registry')),
    started(
      nginx,
      container('nginx', 'front', {
        ExposedPorts: { '443/tcp': {}, '80/tcp': {} },
        HostConfig: {
          PortBindings: {
            '443/tcp': [{ HostPort: String(p.httpsPort) }],
            '80/tcp': [{ HostPort: String(p.httpPort) }],
          },
        },
      }),
    ).catch((error) => {
      throw new Fatal(`Unable to start ${nginx}: ${reason(error)}`);
    }),
  ]);
  if (p.overlay) await attachToOverlay(engine, p, nginx, logger);
  const deadline = Date.now() + 60000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      // On dtr-ol (phase 2 runs there) as the other replicas reach it: its name verified, against the
      // internal CA when the certificate was given. On dtr-br the container's name is not among a
      // given certificate's names: check the chain only there.
      const res = await request(`https://${nginx}:443/health`, {
        ca: p.overlay ? meta.trustedCas() : caPem,
        timeout: 3000,
        anyHostname: !p.overlay,
      });
      if (res.status === 200) {
        logger.info(`Replica ${p.replicaId} is healthy`);
        return;
      }
      last = `HTTP ${res.status} ${res.text.trim()}`;
    } catch (error) {
      last = reason(error);
    }
    // The front answers a few hundred ms after it starts: a short poll saves most of a wait.
    await delay(100);
  }
  throw new Fatal(`Replica ${p.replicaId} did not become healthy within 60 s: ${last}`);
}

/**
 * Starts replica `p.replicaId`'s member of the metadata store (its certificate first, into its own
 * volume) as a member of `initialCluster`, a `new` or an `existing` cluster.
 */
async function startMember(
  engine,
  p,
  clusterId,
  initialCluster,
  state,
  logger,
  { forceNewCluster = false } = {},
) {
  const name = names.store(p.replicaId, p.line);
  store.writeMemberTls(p.replicaId, p.line, p.node);
  await engine.removeContainer(name);
  const what = forceNewCluster
    ? 'a cluster of its own from its data, --force-new-cluster'
    : state === 'new'
      ? 'a new cluster'
      : 'joining the cluster';
  logger.info(
    `Starting ${name} (etcd, ${what}; client port ${store.clientPort}, peer port ${store.peerPort})`,
  );
  await engine.createContainer(
    name,
    store.memberContainer(p, p.line, {
      initialCluster,
      state,
      clusterId,
      tuning: p.storeTuning,
      forceNewCluster,
    }),
  );
  try {
    await engine.startContainer(name);
  } catch (error) {
    throw new Fatal(`Unable to start ${name}: ${reason(error)}`);
  }
}

/**
 * Where phase 2 reaches the replica's own member: on dtr-br by container name; from dtr-ol (where
 * phase 2 runs when the replica is on it, and the member is not: its traffic stays on node
 * addresses) at the client URL it advertises, its node's address and published client port.
 */
const ownMemberUrl = (p) =>
  p.overlay
    ? store.clientUrl(p.node.address)
    : `https://${names.store(p.replicaId, p.line)}:${store.clientPort}`;

/** The replica's own member, from phase 2. */
const ownMember = (p) => store.connect([ownMemberUrl(p)]);

/**
 * The cluster document read with quorum through `etcd`: { cluster } or, when the store did not
 * answer, { error } (for the installer's probe of the existing replica to say why first).
 */
async function readStoredCluster(etcd) {
  try {
    return { cluster: (await etcd.get(store.keys.cluster)).value };
  } catch (error) {
    return { cluster: null, error };
  }
}

/**
 * Replica `id`'s record for probing it: the store's (its `network` says whether it is on dtr-ol),
 * else, when the store did not answer or no longer lists it, its hint on the shared storage (node
 * address and HTTPS port, and its network).
 */
const recordOf = (cluster, hints, id) =>
  (cluster && cluster.replicas && cluster.replicas[id]) || hints.members[id];

/** Starts the replica recorded in the cluster; should it not come up, takes it out again. */
async function startOrRollBack(engine, p, caPem, logger, etcd) {
  try {
    await startReplica(engine, p, caPem, logger);
  } catch (error) {
    await rollback(engine, p, logger, etcd);
    throw error;
  }
}

async function rollback(engine, p, logger, etcd, { locked = false } = {}) {
  logger.warn(`Rolling back replica ${p.replicaId}`);
  for (const name of [
    names.registry(p.replicaId),
    names.nginx(p.replicaId),
    names.store(p.replicaId, p.line),
  ]) {
    await engine.removeContainer(name).catch(() => undefined);
  }
  if (!etcd) return;
  try {
    await etcd.update(store.keys.cluster, (cluster) => {
      if (!cluster || !cluster.replicas[p.replicaId]) return undefined;
      delete cluster.replicas[p.replicaId];
      return cluster;
    });
    const member = (await etcd.members()).find(
      (m) => m.name === p.replicaId || m.peerURLs.includes(store.peerUrl(p.node.address)),
    );
    if (member) await store.whileForming(() => etcd.removeMember(member.id), 30000);
  } catch (error) {
    logger.warn(`Could not take replica ${p.replicaId} out of the metadata store: ${reason(error)}`);
  }
  const forget = () => {
    const hints = store.readHints();
    if (hints && hints.members[p.replicaId]) {
      delete hints.members[p.replicaId];
      store.writeHints(hints);
    }
  };
  if (locked) forget();
  else await meta.withLock(forget).catch(() => undefined);
}

/**
 * Refuses to make a new cluster (install, restore) on storage whose cluster still has replicas that
 * answer (`instead` says what to do); a cluster none of whose replicas answers is replaced. Holding
 * the metadata lock.
 */
async function refuseLiveCluster(p, logger, instead) {
  const old = store.readHints();
  const oldIds = old ? Object.keys(old.members || {}) : [];
  if (!oldIds.length) return;
  const alive = [];
  if (!p.unsafe && meta.readCa()) {
    for (const id of oldIds) {
      // The old cluster's store may be gone with its replicas: probed as the hints have them.
      if ((await probe(p, id, old.members[id], logger)) === 'OK') alive.push(id);
    }
  }
  if (alive.length) {
    throw new Fatal(
      `The storage of this replica already holds DTR cluster ${old.cluster_id}, whose replicas ${alive.join(', ')} are running: ${instead(alive)}`,
    );
  }
  logger.warn(
    `Replacing DTR cluster ${old.cluster_id} on this storage (replicas ${oldIds.join(', ')} do not answer)`,
  );
}

/** The new replica as the only member in the hints of cluster `clusterId`. Holding the metadata lock. */
const writeOneMemberHints = (p, clusterId) =>
  store.writeHints({ cluster_id: clusterId, members: { [p.replicaId]: store.hintOf(replicaRecord(p)) } });

/**
 * A new one-member cluster (install, restore): the member started, the cluster document its first
 * write, then `keys` ([{ key, value }], a restore's repositories), then the replica's containers.
 */
async function startNewCluster(engine, p, cluster, keys, caPem, logger) {
  await startMember(
    engine,
    p,
    cluster.cluster_id,
    { [p.replicaId]: store.peerUrl(p.node.address) },
    'new',
    logger,
  );
  const etcd = ownMember(p);
  try {
    await store.whileForming(() => etcd.put(store.keys.cluster, cluster));
    if (keys.length) await etcd.putAll(keys);
  } catch (error) {
    await rollback(engine, p, logger);
    throw new Fatal(`The metadata store of replica ${p.replicaId} did not start: ${reason(error)}`);
  }
  await startOrRollBack(engine, p, caPem, logger);
}

async function phase2Install(engine, p, logger) {
  const { ca, clusterId } = await meta.withLock(async () => {
    await refuseLiveCluster(
      p,
      logger,
      (alive) => `join it with --existing-replica-id ${alive[0]}, or remove those replicas first`,
    );
    const id = crypto.randomUUID();
    const created = p.givenTls
      ? { certPem: p.givenTls.caPem }
      : pki.createCA('Docker Trusted Registry CA', { organization: `DTR ${id}` });
    meta.writeCa(created);
    meta.writeServerCert(p.givenTls ? { certPem: p.givenTls.certPem, keyPem: p.givenTls.keyPem } : null);
    writeInternalCaFor(p, id, { givenCert: Boolean(p.givenTls) });
    meta.writeHttpSecret(crypto.randomBytes(32).toString('hex'));
    store.ensureStoreCa(id);
    writeOneMemberHints(p, id);
    return { ca: created, clusterId: id };
  });
  const cluster = {
    cluster_id: clusterId,
    created_at: new Date().toISOString(),
    external_url: p.externalUrl,
    replicas: { [p.replicaId]: replicaRecord(p) },
  };
  await startNewCluster(engine, p, cluster, [], ca.certPem, logger);
  logger.info(`Created DTR cluster ${clusterId} with external URL ${p.externalUrl}`);
  logger.info('Installation is complete');
  logger.info(`Replica ID is set to: ${p.replicaId}`);
  logger.info(
    `You can use flag '--existing-replica-id ${p.replicaId}' when joining other replicas to your Docker Trusted Registry Cluster`,
  );
}

/**
 * A given certificate names no dtr-nginx-<id>: over dtr-ol the fronts show each other one of an
 * internal CA of the cluster's (DTR's own certificates are its CA's, which names them). `keep`: the
 * one a restore brought back, kept when there is one.
 */
function writeInternalCaFor(p, clusterId, { givenCert, keep = false }) {
  if (!(givenCert && p.overlay)) return meta.writeInternalCa(null);
  if (keep && meta.readInternalCa()) return undefined;
  return meta.writeInternalCa(
    pki.createCA('Docker Trusted Registry internal CA', { organization: `DTR ${clusterId}` }),
  );
}

/**
 * `restore` (datacenter/dtr/2.0/reference/restore.md, reference/dtr/2.7/cli/restore.md): "a fresh
 * installation of DTR", reconfigured from the backup: a new one-member cluster on this replica with
 * the backed-up cluster's ID, configuration (the cluster document; --dtr-external-url replaces its
 * external URL), certificates and keys (2.7's --dtr-ca/--dtr-cert/--dtr-key replace the CA and the
 * certificate), and, unless --config-only (2.0) or a configuration-only backup, its repositories. The
 * cluster's replicas are this one: the others join it later. The images are where they were, on the
 * shared storage ("This command does not restore Docker images").
 */
async function phase2Restore(engine, p, logger) {
  const restored = backup.unpack(fs.readFileSync(`/tmp/${restoreFile}`), p.line);
  const { manifest, cluster: saved } = restored;
  if (p.configOnly) logger.info('--config-only: restoring the configuration, not the repository metadata');
  else if (manifest.config_only) {
    logger.warn('This backup was taken with --config-only: it holds no repository metadata to restore');
  }
  const clusterId = saved.cluster_id;
  if (!restored.meta['ca/ca.pem'] && !p.givenTls) {
    throw new Fatal('The backup is damaged: it holds no DTR CA (meta/ca/ca.pem)');
  }
  const ca = await meta.withLock(async () => {
    await refuseLiveCluster(
      p,
      logger,
      () =>
        'restore makes a new cluster, so destroy or remove the old replicas first ("make sure you have destroyed the old DTR fully")',
    );
    // What the backup holds replaces what is on the storage; what it does not hold goes.
    for (const file of backup.metaFiles) {
      if (!restored.meta[file]) fs.rmSync(path.join(meta.metaDir, file), { force: true });
    }
    meta.writeMetaFiles(restored.meta);
    if (p.givenTls) {
      meta.writeCa({ certPem: p.givenTls.caPem });
      meta.writeServerCert({ certPem: p.givenTls.certPem, keyPem: p.givenTls.keyPem });
    }
    // A certificate given now, or at the install the backup comes from, is what every front serves.
    writeInternalCaFor(p, clusterId, { givenCert: Boolean(meta.readServerCert()), keep: true });
    if (!meta.readHttpSecret()) meta.writeHttpSecret(crypto.randomBytes(32).toString('hex'));
    store.ensureStoreCa(clusterId);
    writeOneMemberHints(p, clusterId);
    return meta.readCa();
  });
  logger.info(
    `Restoring DTR cluster ${clusterId} from the backup taken through replica ${manifest.taken_from} at ${manifest.taken_at}`,
  );
  const cluster = {
    ...saved,
    external_url: p.externalUrl || saved.external_url,
    restored_at: new Date().toISOString(),
    replicas: { [p.replicaId]: replicaRecord(p) },
  };
  const repositories =
    p.configOnly || manifest.config_only
      ? []
      : restored.repositories.filter((kv) => kv.key.startsWith(store.keys.repositories));
  await startNewCluster(engine, p, cluster, repositories, ca.certPem, logger);
  logger.info(
    `Restored DTR cluster ${clusterId} with external URL ${cluster.external_url} and ${repositories.length} repositories`,
  );
  logger.info('Restore is complete');
  logger.info(`Replica ID is set to: ${p.replicaId}`);
}

/**
 * `backup`'s phase 2, on the existing replica's node with its storage: refuses an unhealthy replica
 * ("you must connect to an existing healthy replica's database"), then reads every key of the store
 * in one linearizable range through its member (one revision: the repositories and the cluster
 * document as they were together) and the certificates and keys from the shared storage, and leaves
 * the archive in its /tmp for the installer.
 */
async function phase2Backup(engine, p, logger) {
  const hints = store.readHints();
  if (!hints) {
    throw new Fatal(`No DTR cluster on the storage of replica ${p.existingReplicaId} (${store.files.hints})`);
  }
  const member = hints.members[p.existingReplicaId];
  if (!member) {
    throw new Fatal(
      `Replica ${p.existingReplicaId} is not part of DTR cluster ${hints.cluster_id} (its replicas: ${Object.keys(hints.members).join(', ') || 'none'})`,
    );
  }
  const etcd = store.connect([member.client_url], { timeout: 10000 });
  const { cluster, error } = await readStoredCluster(etcd);
  const health = await probe(p, p.existingReplicaId, recordOf(cluster, hints, p.existingReplicaId), logger);
  if (health !== 'OK') {
    throw new Fatal(
      `The existing replica ${p.existingReplicaId} is not healthy (${health}): a backup is read through a healthy replica's database`,
    );
  }
  if (error) throw error;
  const { revision, kvs } = await etcd.snapshot('/dtr/');
  const document = kvs.find((kv) => kv.key === store.keys.cluster);
  if (!document)
    throw new Fatal(`No cluster metadata in the metadata store of replica ${p.existingReplicaId}`);
  const repositories = kvs.filter((kv) => kv.key.startsWith(store.keys.repositories));
  const archive = backup.pack({
    manifest: {
      release: p.line,
      cluster_id: document.value.cluster_id,
      taken_from: p.existingReplicaId,
      taken_at: new Date().toISOString(),
      store_revision: revision,
      config_only: Boolean(p.configOnly),
    },
    cluster: document.value,
    repositories,
    meta: meta.readMetaFiles(backup.metaFiles),
  });
  fs.writeFileSync(`/tmp/${backupFile}`, archive, { mode: 0o600 });
  logger.info(
    `Backed up DTR cluster ${document.value.cluster_id} through replica ${p.existingReplicaId}: ` +
      (p.configOnly
        ? 'its configuration only'
        : `its configuration and ${repositories.length} repositories`) +
      ` (metadata store revision ${revision}; no images)`,
  );
}

/**
 * `emergency-repair`'s phase 2 on the repaired replica's node, with its volumes: its member made a
 * cluster of one from its data (--force-new-cluster), the cluster document cut down to this replica,
 * the member started again as an ordinary one, then the replica's containers deployed again; the
 * other replicas' containers on this engine removed (with --prune their volumes too).
 */
async function phase2EmergencyRepair(engine, p, logger) {
  const hints = store.readHints();
  if (!hints)
    throw new Fatal(`No DTR cluster on the storage of replica ${p.replicaId} (${store.files.hints})`);
  if (!hints.members[p.replicaId]) {
    throw new Fatal(
      `Replica ${p.replicaId} is not part of DTR cluster ${hints.cluster_id} (its replicas: ${Object.keys(hints.members).join(', ') || 'none'})`,
    );
  }
  // "checks the data volumes for the DTR replica are uncorrupted" (repair-a-cluster.md): the member's
  // data is what the cluster is made from.
  if (!fs.existsSync(path.join(store.dataDir(), 'member', 'wal'))) {
    throw new Fatal(
      `The metadata store volume of replica ${p.replicaId} holds no etcd data (${store.dataDir()}/member/wal): there is nothing to repair from; try another replica, or restore from a backup`,
    );
  }
  const peers = { [p.replicaId]: store.peerUrl(p.node.address) };
  const { cluster, record, others } = await meta.withLock(
    async () => {
      await startMember(engine, p, hints.cluster_id, peers, 'existing', logger, { forceNewCluster: true });
      const etcd = ownMember(p);
      const { value: found } = await store.whileForming(() => etcd.get(store.keys.cluster));
      if (!found || !found.replicas[p.replicaId]) {
        throw new Fatal(`Replica ${p.replicaId} is not in the metadata of DTR cluster ${hints.cluster_id}`);
      }
      // --force-new-cluster leaves this member alone in the membership; one listed still goes.
      for (const m of await etcd.members()) if (m.name !== p.replicaId) await etcd.removeMember(m.id);
      const kept = {
        ...found.replicas[p.replicaId],
        ...(p.overlay ? { network: p.overlay } : {}),
        repaired_at: new Date().toISOString(),
      };
      const gone = Object.keys(found.replicas).filter((id) => id !== p.replicaId);
      await etcd.put(store.keys.cluster, { ...found, replicas: { [p.replicaId]: kept } });
      logger.info(
        `Replica ${p.replicaId} is the only replica of DTR cluster ${found.cluster_id}` +
          (gone.length ? `: replicas ${gone.join(', ')} are no longer part of it` : ''),
      );
      // Started again without the flag: a member that kept it would drop, at its next start, every
      // replica joined since.
      await startMember(engine, p, found.cluster_id, peers, 'existing', logger);
      await store.whileForming(() => ownMember(p).get(store.keys.cluster));
      store.writeHints({ cluster_id: found.cluster_id, members: { [p.replicaId]: store.hintOf(kept) } });
      for (const id of gone) fs.rmSync(meta.files.health(id), { force: true });
      return { cluster: found, record: kept, others: gone };
    },
    { timeoutMs: 180000, staleMs: 240000 },
  );
  // "redeploys all internal DTR components and reconfigured them to use the existing volumes".
  const replica = { ...p, httpPort: record.http_port, httpsPort: record.https_port, extraEnvs: [] };
  await startReplica(engine, replica, meta.readCa().certPem, logger);
  const local = await localReplicas(engine);
  for (const id of others) {
    if (!local.includes(id)) {
      logger.warn(
        `Replica ${id} has no containers or volumes on this engine: what it has on its own node stays there (the DTR stand-in removes only what is on the engine it runs on)`,
      );
    } else if (p.prune) {
      await teardownReplica(engine, p.image, id, logger);
    } else {
      await removeReplicaContainers(engine, id, logger);
    }
  }
  logger.info(
    `Emergency repair of DTR cluster ${cluster.cluster_id} from replica ${p.replicaId} is complete`,
  );
}

async function phase2Join(engine, p, logger) {
  // One membership change at a time: etcd refuses to add a member while one added before has not
  // started (it would count against the quorum), so concurrent joins take turns, each holding the
  // metadata lock until its member is part of the store's quorum.
  const { clusterCa, etcd, clusterId } = await meta.withLock(() => joinStore(engine, p, logger), {
    timeoutMs: 180000,
    staleMs: 240000,
  });
  logger.info(
    `Added replica ${p.replicaId} to DTR cluster ${clusterId} through replica ${p.existingReplicaId}`,
  );
  await startOrRollBack(engine, p, clusterCa.certPem, logger, etcd);
  logger.info('Join is complete');
  logger.info(`Replica ID is set to: ${p.replicaId}`);
}

/** Join's part under the metadata lock: the new member, started, and the replica in the cluster. */
async function joinStore(engine, p, logger) {
  const hints = store.readHints();
  if (!hints) {
    throw new Fatal(
      `No DTR cluster on the storage of volume ${names.registryVolume(p.replicaId)} (${store.files.hints}): ` +
        "a joining replica's registry volume must be on the storage the existing replicas share (mount it before join)",
    );
  }
  const clusterCa = meta.readCa();
  const existing = hints.members[p.existingReplicaId];
  if (!existing) {
    throw new Fatal(
      `Replica ${p.existingReplicaId} is not part of DTR cluster ${hints.cluster_id} (its replicas: ${Object.keys(hints.members).join(', ') || 'none'})`,
    );
  }
  // Through the existing replica's member: the cluster as its quorum has it, then the new member.
  const etcd = store.connect([existing.client_url], { timeout: 10000 });
  const { cluster, error: unread } = await readStoredCluster(etcd);
  if (!p.unsafe) {
    // The existing replica as its record in the store has it (over dtr-ol when both are on it).
    const health = await probe(p, p.existingReplicaId, recordOf(cluster, hints, p.existingReplicaId), logger);
    if (health !== 'OK') {
      throw new Fatal(
        `The existing replica ${p.existingReplicaId} is not healthy (${health}): a replica joins through a healthy one`,
      );
    }
  }
  if (unread) throw unread;
  if (!cluster || !cluster.replicas[p.existingReplicaId]) {
    throw new Fatal(`Replica ${p.existingReplicaId} is not part of DTR cluster ${hints.cluster_id}`);
  }
  if (cluster.replicas[p.replicaId]) {
    throw new Fatal(
      `Replica ID ${p.replicaId} is already used in DTR cluster ${cluster.cluster_id}: choose another --replica-id`,
    );
  }
  // Only while every member is healthy (one that has just started may be catching up: retried for
  // a while, then refused).
  await store.whileForming(() => etcd.checkReconfiguration('add'), store.reconfigurationWaitMs);
  const added = await store.whileForming(() => etcd.addMember(store.peerUrl(p.node.address)));
  logger.info(`Added member ${p.replicaId} to the metadata store through replica ${p.existingReplicaId}`);
  const initialCluster = Object.fromEntries(
    added.members.map((m) => [m.id === added.id ? p.replicaId : m.name, m.peerURLs[0]]),
  );
  const both = store.connect([existing.client_url, ownMemberUrl(p)]);
  try {
    await startMember(engine, p, cluster.cluster_id, initialCluster, 'existing', logger);
    await store.whileForming(() =>
      both.update(store.keys.cluster, (current) => {
        current.replicas[p.replicaId] = replicaRecord(p);
        return current;
      }),
    );
  } catch (error) {
    await rollback(engine, p, logger, both, { locked: true });
    throw error;
  }
  hints.members[p.replicaId] = store.hintOf(replicaRecord(p));
  store.writeHints(hints);
  return { clusterCa, etcd: both, clusterId: cluster.cluster_id };
}

async function phase2Remove(p, logger) {
  const hints = store.readHints();
  if (!hints) {
    logger.warn(
      `No DTR cluster on the storage of replica ${p.storageReplicaId || p.replicaId}: removing the local replica only`,
    );
    return;
  }
  const ids = Object.keys(hints.members);
  if (!hints.members[p.existingReplicaId]) {
    throw new Fatal(
      `Replica ${p.existingReplicaId} is not part of DTR cluster ${hints.cluster_id} (its replicas: ${ids.join(', ') || 'none'})`,
    );
  }
  if (p.existingReplicaId === p.replicaId && !p.forceRemove) {
    throw new Fatal(
      p.canForce
        ? `--existing-replica-id and --replica-id are both ${p.replicaId}: removing the replica you connect through needs --force-remove`
        : `--existing-replica-id ${p.replicaId} is a replica to remove: connect through another replica, or remove the last one with destroy`,
    );
  }
  if (p.existingReplicaId !== p.replicaId) {
    // Through the existing replica's member (then the others'): out of the replica list, then out
    // of the store's membership, so the quorum is counted without it.
    const others = ids.filter((id) => id !== p.replicaId && id !== p.existingReplicaId);
    const etcd = store.connect(
      [p.existingReplicaId, ...others].map((id) => hints.members[id].client_url),
      { timeout: 10000 },
    );
    if (!p.forceRemove) {
      // The existing replica as its record in the store has it (over dtr-ol when both are on it).
      const { cluster } = await readStoredCluster(etcd);
      const health = await probe(
        p,
        p.existingReplicaId,
        recordOf(cluster, hints, p.existingReplicaId),
        logger,
      );
      if (health !== 'OK') {
        throw new Fatal(
          `The existing replica ${p.existingReplicaId} is not healthy (${health}): connect through a healthy replica, or use --force-remove`,
        );
      }
    }
    // A healthy member goes only if a quorum of the smaller cluster stays healthy (retried while a
    // member that has just started catches up), checked before anything changes.
    const member = (await etcd.members()).find((m) => m.name === p.replicaId);
    if (member) {
      await store.whileForming(
        () => etcd.checkReconfiguration({ remove: member.id }),
        store.reconfigurationWaitMs,
      );
    }
    let removed = false;
    await etcd.update(store.keys.cluster, (cluster) => {
      if (!cluster || !cluster.replicas[p.replicaId]) return undefined;
      delete cluster.replicas[p.replicaId];
      removed = true;
      return cluster;
    });
    logger.info(
      removed
        ? `Removed replica ${p.replicaId} from DTR cluster ${hints.cluster_id}`
        : `Replica ${p.replicaId} was not in the metadata of DTR cluster ${hints.cluster_id} any more`,
    );
    if (member) {
      await store.whileForming(() => etcd.removeMember(member.id), 30000);
      logger.info(`Removed member ${p.replicaId} from the metadata store`);
    }
  } else {
    // The last replica, removed through itself (2.0's --force-remove): its store goes with its volume.
    logger.info(
      `Removing replica ${p.replicaId} through itself: DTR cluster ${hints.cluster_id} goes with it`,
    );
  }
  await meta.withLock(() => {
    const current = store.readHints() || hints;
    delete current.members[p.replicaId];
    store.writeHints(current);
    fs.rmSync(meta.files.health(p.replicaId), { force: true });
  });
}

async function phase2(logger) {
  const p = JSON.parse(Buffer.from(process.env.DTR_PHASE2 || '', 'base64').toString() || '{}');
  logger.configure({ debug: p.debug });
  const engine = new Engine();
  const run = {
    install: phase2Install,
    join: phase2Join,
    remove: (_, q, l) => phase2Remove(q, l),
    restore: phase2Restore,
    backup: phase2Backup,
    'emergency-repair': phase2EmergencyRepair,
  }[p.command];
  if (!run) throw new Fatal("phase2 is run by the installer's commands, not by hand");
  try {
    return await run(engine, p, logger);
  } catch (error) {
    // The store's refusals are the command's own failure: one fatal line, not a stack.
    if (error instanceof store.NoQuorum || error instanceof EtcdError) throw new Fatal(error.message);
    throw error;
  }
}

// ---- other hidden commands -------------------------------------------------------------------------

async function registry(ctx, logger, line) {
  const id = ctx.values['replica-id'];
  const cluster = await new store.Store(id, line).waitForCluster(logger);
  let secret;
  for (let attempt = 0; !(secret = meta.readHttpSecret()); attempt++) {
    if (attempt % 150 === 0)
      logger.warn(`replica ${id}: waiting for the registry HTTP secret in ${meta.metaDir}`);
    await delay(200);
  }
  const child = spawn('/usr/bin/docker-registry', ['serve', '/etc/dtr-standin/registry.yml'], {
    stdio: 'inherit',
    // The token flow's realm and service (the external URL's host) are known only at install.
    env: {
      ...process.env,
      REGISTRY_HTTP_SECRET: secret,
      ...(await require('./token').registryEnv(id, cluster)),
    },
  });
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c === null ? 1 : c)));
  process.exit(code);
}

/** Unmounts everything mounted on (or under) --path in PID 1's mount namespace (run with the host's PIDs). */
function releaseVolumeCommand(ctx) {
  const target = ctx.values.path.replace(/\/+$/, '');
  const unescape = (s) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  const mounted = () =>
    fs
      .readFileSync('/proc/1/mountinfo', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => unescape(line.split(' ')[4]))
      .filter((mp) => mp === target || mp.startsWith(`${target}/`))
      .sort((a, b) => b.length - a.length);
  let released = 0;
  for (let i = 0; i < 20; i++) {
    const list = mounted();
    if (!list.length) break;
    try {
      execFileSync('nsenter', ['-t', '1', '-m', '--', 'umount', list[0]], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new Fatal(`umount ${list[0]}: ${String(error.stderr || error.message).trim()}`);
    }
    released++;
  }
  if (mounted().length) throw new Fatal(`${target} is still mounted`);
  if (released) process.stdout.write(`Unmounted the storage mounted on ${target} (${released} mount(s))\n`);
}

// ---- the app ---------------------------------------------------------------------------------------

/**
 * The installer of one release: its commands and flags are exactly those of the release contract in
 * the image (/opt/standin-release/contract.json; STANDIN_CONTRACT for tests), so DTR 2.0 refuses
 * --dtr-ca and `destroy`, DTR 2.7 refuses --extra-envs, as the real ones do.
 */
function app(logger, contract = loadContract()) {
  const wrap = (fn) => (ctx) => fn(ctx, logger);
  const actions = {
    install: (ctx) => installOrJoin(ctx, logger, 'install', contract),
    join: (ctx) => installOrJoin(ctx, logger, 'join', contract),
    remove: wrap(remove),
    images,
    backup: (ctx) => backupCommand(ctx, logger, contract),
    restore: (ctx) => installOrJoin(ctx, logger, 'restore', contract),
    ...(hasCommand(contract, 'destroy') ? { destroy: wrap(destroy) } : {}),
    ...(hasCommand(contract, 'emergency-repair')
      ? { 'emergency-repair': (ctx) => emergencyRepair(ctx, logger, contract) }
      : {}),
  };
  const hidden = [
    {
      name: 'phase2',
      usage: 'Second phase of install/join/remove/restore/backup/emergency-repair',
      flags: [debugFlag],
      action: () => phase2(logger),
    },
    {
      name: 'front',
      usage: 'The HTTPS front of a replica (dtr-nginx-<id>)',
      flags: [hiddenReplica, debugFlag],
      action: (ctx) =>
        new (require('./front').Front)(ctx.values['replica-id'], logger, contract.line).serve(),
    },
    {
      name: 'registry',
      usage: 'The registry of a replica (dtr-registry-<id>)',
      flags: [hiddenReplica, debugFlag],
      action: (ctx) => registry(ctx, logger, contract.line),
    },
    {
      name: 'release-volume',
      usage: 'Unmount what is mounted on a volume directory (host PID namespace)',
      flags: [{ name: 'path', type: 'string', usage: 'the directory' }],
      action: releaseVolumeCommand,
    },
  ];
  return {
    name: 'dtr',
    invocation: 'docker run -it --rm docker/dtr',
    usage: `Docker Trusted Registry ${contract.line} (stand-in for the local lab)`,
    version: `${contract.line}.0-standin`,
    description:
      `A stand-in for the docker/dtr ${contract.line} installer: the commands and flags of its reference\n` +
      `(docker/docs ${contract.referenceDir}), a real registry (CNCF Distribution) behind an HTTPS front\n` +
      'per replica, metadata on shared storage.',
    commands: commandsFromContract(contract, actions, hidden),
  };
}

module.exports = { app, parseExtraEnvs, externalUrl, constraintsOf, engineMeets, componentImages };
