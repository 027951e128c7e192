'use strict';
// The DTR stand-in's replicated metadata: a real etcd 3.4 cluster with one member per replica, in the
// replica's store container (DTR 2.0: dtr-etcd-<id>; 2.7: dtr-rethinkdb-<id>, where etcd stands in for
// RethinkDB) with its data on the replica's own volume (dtr-etcd-<id> / dtr-rethink-<id>), never on
// the shared storage. What must be consistent lives there, under quorum:
//   /dtr/cluster                        cluster ID, external URL, replicas { id: { node, address, ports,
//                                       network (dtr-ol, DTR 2.7 on UCP's swarm), ucp } }
//   /dtr/repositories/<namespace>/<name> one repository each
// Every write goes through Raft and every read that must be current is linearizable (etcd.js), so a
// replica whose member cannot reach a majority refuses both.
//
// Members reach each other at their nodes' addresses on published ports: clients 2379 (the port DTR
// 2.0's troubleshooting page gives for dtr-etcd-<id> on dtr-br), peers 2380 (etcd's own; no DTR page
// names one). TLS everywhere, with client certificates (--client-cert-auth, --peer-client-cert-auth),
// from the DTR CA when the stand-in made it, else (2.7 with --dtr-ca, whose key DTR never gets) from a
// store CA made at install. The CAs, the registry HTTP secret and the token signing key, made once at
// install and read by every replica, stay on the shared storage (meta.js); so does
// dtr-meta/store-members.json, where a joining or removing installer finds a member to talk to (a
// hint, never the replica list: that is /dtr/cluster).

const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: delay } = require('node:timers/promises');
const pki = require('standin-common/pki');
const meta = require('./meta');
const { names, labels } = require('./names');
const { Etcd, NoQuorum } = require('./etcd');

const clientPort = 2379;
const peerPort = 2380;
const keys = {
  cluster: '/dtr/cluster',
  repositories: '/dtr/repositories/',
  repository: (key) => `/dtr/repositories/${key}`,
};
/** Where the store volume is mounted, in the store container and in the installer's phase 2. */
const storeMount = '/store';
const tlsDir = (root = storeMount) => path.join(root, 'tls');
/** The member's etcd data dir (its WAL and snapshots under member/) in the store volume. */
const dataDir = (root = storeMount) => path.join(root, 'etcd');
const files = {
  storeCaCert: path.join(meta.metaDir, 'ca', 'store-ca.pem'),
  storeCaKey: path.join(meta.metaDir, 'ca', 'store-ca-key.pem'),
  hints: path.join(meta.metaDir, 'store-members.json'),
};

const urlHost = (host) => (host.includes(':') ? `[${host}]` : host);
const clientUrl = (address) => `https://${urlHost(address)}:${clientPort}`;
const peerUrl = (address) => `https://${urlHost(address)}:${peerPort}`;

// ---- TLS ---------------------------------------------------------------------------------------------

/** The CA of the store's certificates: the DTR CA when it has its key, else the store CA. */
function storeCa() {
  const ca = meta.readCa();
  if (ca && ca.keyPem) return ca;
  try {
    return {
      certPem: fs.readFileSync(files.storeCaCert, 'utf8'),
      keyPem: fs.readFileSync(files.storeCaKey, 'utf8'),
    };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

/** At install (holding the metadata lock): makes the store CA when the DTR CA has no key. */
function ensureStoreCa(clusterId) {
  const ca = meta.readCa();
  if (ca && ca.keyPem) {
    fs.rmSync(files.storeCaCert, { force: true });
    fs.rmSync(files.storeCaKey, { force: true });
    return ca;
  }
  const made = pki.createCA('DTR metadata store CA', { organization: `DTR ${clusterId}` });
  meta.writeFileAtomic(files.storeCaCert, made.certPem, 0o644);
  meta.writeFileAtomic(files.storeCaKey, made.keyPem, 0o600);
  return made;
}

let clientCert;
/** A client certificate of the store CA for this process: { ca, cert, key }. */
function clientTls() {
  if (!clientCert) {
    const ca = storeCa();
    if (!ca) throw new NoQuorum(`the metadata store's CA is not in ${meta.metaDir} yet`);
    const issued = pki.issueCertificate(ca, 'dtr-standin-client', ['dtr-standin-client'], {
      organization: 'DTR metadata store',
    });
    clientCert = { ca: ca.certPem, cert: issued.certPem, key: issued.keyPem };
  }
  return clientCert;
}

/** Writes member `id`'s certificate (server and peer, both directions) into its store volume. */
function writeMemberTls(id, line, node, root = storeMount) {
  const ca = storeCa();
  const issued = pki.issueCertificate(
    ca,
    names.store(id, line),
    [node.address, node.name, names.store(id, line), 'localhost', '127.0.0.1'],
    { organization: 'DTR metadata store' },
  );
  meta.writeFileAtomic(path.join(tlsDir(root), 'ca.pem'), ca.certPem, 0o644);
  meta.writeFileAtomic(path.join(tlsDir(root), 'member.pem'), issued.certPem, 0o644);
  meta.writeFileAtomic(path.join(tlsDir(root), 'member-key.pem'), issued.keyPem, 0o600);
}

// ---- where the members are (hints on the shared storage) ------------------------------------------

/**
 * { cluster_id, members: { id: { address, https_port, network?, client_url } } } or null (`network`:
 * dtr-ol for a DTR 2.7 replica on UCP's swarm, as in its record).
 */
function readHints() {
  try {
    return JSON.parse(fs.readFileSync(files.hints, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

const writeHints = (hints) => meta.writeFileAtomic(files.hints, `${JSON.stringify(hints, null, 2)}\n`);

const hintOf = (record) => ({
  address: record.address,
  https_port: record.https_port,
  ...(record.network ? { network: record.network } : {}),
  client_url: clientUrl(record.address),
});

/** A client of the members at `urls` (tried in order). */
const connect = (urls, options) => new Etcd(urls, clientTls(), options);

// ---- the member's container ------------------------------------------------------------------------

const number = (value) =>
  /^[1-9][0-9]*$/.test(String(value ?? '').trim()) ? String(value).trim() : undefined;

/**
 * The store container of replica `p.replicaId` (etcd from the store component image), joining the
 * members of `initialCluster` ({ name: peerURL }) as a `new` or `existing` cluster. `forceNewCluster`
 * (emergency-repair): etcd 3.4's --force-new-cluster, which makes the member, from the data already in
 * its data dir, the one member of a cluster of its own; a container is started with it once only
 * (at every start it would drop the members added since).
 */
function memberContainer(
  p,
  line,
  { initialCluster, state, clusterId, tuning = {}, forceNewCluster = false },
) {
  const tls = tlsDir();
  const address = p.node.address;
  const cmd = [
    `--name=${p.replicaId}`,
    `--data-dir=${dataDir()}`,
    `--listen-client-urls=https://0.0.0.0:${clientPort}`,
    `--advertise-client-urls=${clientUrl(address)}`,
    `--listen-peer-urls=https://0.0.0.0:${peerPort}`,
    `--initial-advertise-peer-urls=${peerUrl(address)}`,
    `--initial-cluster=${Object.entries(initialCluster)
      .map(([name, url]) => `${name}=${url}`)
      .join(',')}`,
    `--initial-cluster-state=${state}`,
    `--initial-cluster-token=dtr-${clusterId}`,
    `--cert-file=${tls}/member.pem`,
    `--key-file=${tls}/member-key.pem`,
    `--trusted-ca-file=${tls}/ca.pem`,
    '--client-cert-auth',
    `--peer-cert-file=${tls}/member.pem`,
    `--peer-key-file=${tls}/member-key.pem`,
    `--peer-trusted-ca-file=${tls}/ca.pem`,
    '--peer-client-cert-auth',
    // etcd's check of a membership change counts a member only 5 s after it connected, so each join
    // right after another waited those seconds out. Etcd.checkReconfiguration makes the same check
    // on the members' own /health before each add and remove instead (etcd.js).
    '--strict-reconfig-check=false',
    // etcd's own defaults (100 ms, 1 s): a lost leader is replaced in about a second, within the
    // time a health check retries its read (etcd.js).
    `--heartbeat-interval=${number(tuning.heartbeat) || 100}`,
    `--election-timeout=${number(tuning.election) || 1000}`,
    ...(number(tuning.snapshot) ? [`--snapshot-count=${number(tuning.snapshot)}`] : []),
    ...(forceNewCluster ? ['--force-new-cluster'] : []),
    '--logger=zap',
    '--log-outputs=stderr',
  ];
  return {
    Image: p.components.store,
    Entrypoint: ['/usr/bin/etcd'],
    Cmd: cmd,
    Labels: { [labels.replica]: p.replicaId, [labels.role]: 'store' },
    ExposedPorts: { [`${clientPort}/tcp`]: {}, [`${peerPort}/tcp`]: {} },
    HostConfig: {
      Binds: [`${names.storeVolume(p.replicaId, line)}:${storeMount}`],
      NetworkMode: names.network,
      RestartPolicy: { Name: 'unless-stopped' },
      PortBindings: {
        [`${clientPort}/tcp`]: [{ HostPort: String(clientPort) }],
        [`${peerPort}/tcp`]: [{ HostPort: String(peerPort) }],
      },
    },
  };
}

/**
 * How long a membership change waits for etcd's check to pass (Etcd.checkReconfiguration): a member
 * that has just started is healthy within a few seconds; one that is down stays down.
 */
const reconfigurationWaitMs = 15000;

/** Retries `fn` while the store has no quorum (a member starting, a cluster forming), up to `ms`. */
async function whileForming(fn, ms = 60000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof NoQuorum) || Date.now() > deadline) throw error;
      await delay(200);
    }
  }
}

// ---- the replica's view: fronts and registry launchers ---------------------------------------------

/** The metadata as replica `id` sees it, through its own member (on dtr-br, by container name). */
class Store {
  constructor(id, line, { timeout = 2500 } = {}) {
    this.id = id;
    this.line = line;
    this.timeout = timeout;
    /** The last cluster document read with quorum: for what may be a little stale (names, UCP URL). */
    this.cached = null;
  }

  get etcd() {
    if (!this.client) {
      this.client = connect([`https://${names.store(this.id, this.line)}:${clientPort}`], {
        timeout: this.timeout,
      });
    }
    return this.client;
  }

  /** The cluster document, read with quorum (NoQuorum without one). */
  async readCluster() {
    const { value } = await this.etcd.get(keys.cluster);
    if (value) this.cached = value;
    return value;
  }

  /** The cluster document read with quorum, or without one the last one read (for status answers). */
  async current() {
    try {
      return await this.readCluster();
    } catch {
      return this.cached;
    }
  }

  /** Waits (forever, as the front waits for its metadata) until the cluster names this replica. */
  async waitForCluster(logger) {
    for (let attempt = 0; ; attempt++) {
      try {
        const cluster = await this.readCluster();
        if (cluster && cluster.replicas && cluster.replicas[this.id]) return cluster;
        if (attempt % 150 === 0) logger.warn(`replica ${this.id}: not in the cluster metadata yet`);
      } catch (error) {
        if (attempt % 150 === 0)
          logger.warn(`replica ${this.id}: waiting for the metadata store: ${error.message}`);
      }
      // Short: a replica's containers start while its install or join is still writing the metadata.
      await delay(200);
    }
  }

  /** The health's `metadata` part: { cluster, status } where status is "OK" or why not. */
  async metadataHealth() {
    let cluster;
    try {
      cluster = await this.readCluster();
    } catch (error) {
      return { cluster: this.cached, status: error.message };
    }
    if (!cluster) return { cluster, status: 'no cluster metadata in the metadata store' };
    if (!cluster.replicas[this.id]) {
      return { cluster, status: `replica ${this.id} is not part of cluster ${cluster.cluster_id}` };
    }
    return { cluster, status: 'OK' };
  }

  /** { "namespace/name": repository }, read with quorum. */
  async repositories() {
    const listed = await this.etcd.list(keys.repositories);
    return Object.fromEntries(
      Object.entries(listed).map(([key, value]) => [key.slice(keys.repositories.length), value]),
    );
  }

  async repository(key) {
    return (await this.etcd.get(keys.repository(key))).value;
  }

  /** Creates the repository unless it exists: the repository, or null when it did. */
  async createRepository(key, repository) {
    // A quorum read first: without a quorum it fails before anything is proposed to the log.
    if ((await this.etcd.get(keys.repository(key))).value) return null;
    return (await this.etcd.putIf(keys.repository(key), '0', repository)) ? repository : null;
  }

  /** Applies `fn` to the repository: the new one, or null when there is none. */
  async updateRepository(key, fn) {
    let missing = false;
    const next = await this.etcd.update(keys.repository(key), (current) => {
      if (!current) {
        missing = true;
        return undefined;
      }
      return fn(current);
    });
    return missing ? null : next;
  }

  /** Deletes the repository: false when there was none. */
  async deleteRepository(key) {
    for (;;) {
      const { value, modRevision } = await this.etcd.get(keys.repository(key));
      if (!value) return false;
      if (await this.etcd.deleteIf(keys.repository(key), modRevision)) return true;
    }
  }
}

module.exports = {
  Store,
  NoQuorum,
  keys,
  clientPort,
  peerPort,
  clientUrl,
  peerUrl,
  storeMount,
  dataDir,
  files,
  storeCa,
  ensureStoreCa,
  writeMemberTls,
  readHints,
  writeHints,
  hintOf,
  connect,
  memberContainer,
  reconfigurationWaitMs,
  whileForming,
};
