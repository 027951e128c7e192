'use strict';
// Names of what a DTR stand-in replica consists of on its node's engine, as the real DTR names them.

const names = {
  registry: (id) => `dtr-registry-${id}`,
  nginx: (id) => `dtr-nginx-${id}`,
  phase2: (id) => `dtr-phase2-${id}`,
  release: (id) => `dtr-release-${id}`,
  /** The replica's registry storage (on the storage every replica shares). */
  registryVolume: (id) => `dtr-registry-${id}`,
  /**
   * The replica's member of the metadata store (etcd), named as the release names its store: DTR
   * 2.0's dtr-etcd-<id>; on 2.7, RethinkDB's dtr-rethinkdb-<id> (etcd stands in for RethinkDB).
   */
  store: (id, line) => (line === '2.0' ? `dtr-etcd-${id}` : `dtr-rethinkdb-${id}`),
  /** The store member's data: the replica's own volume, as the release names it (dtr-etcd / dtr-rethink). */
  storeVolume: (id, line) => (line === '2.0' ? `dtr-etcd-${id}` : `dtr-rethink-${id}`),
  /** The component image the store member runs from (<repo>/dtr-etcd:<tag> or <repo>/dtr-rethinkdb:<tag>). */
  storeComponent: (line) => (line === '2.0' ? 'dtr-etcd' : 'dtr-rethinkdb'),
  /** The bridge network the replica's containers (and the installer's phase 2) talk over. */
  network: 'dtr-br',
  /**
   * DTR 2.7: the attachable overlay network (made through UCP, on the swarm) the replicas' fronts
   * join, with their container names as aliases; replicas probe each other over it.
   */
  overlay: 'dtr-ol',
};

const labels = {
  replica: 'com.docker.dtr.replica',
  role: 'com.docker.dtr.role',
};

const replicaIdPattern = /^[0-9a-f]{12}$/;

/** A container or volume name of replica `id`: dtr-<component>-<id>. */
const belongsTo = (name, id) => new RegExp(`^/?dtr-[a-z0-9]+(-[a-z0-9]+)*-${id}$`).test(name);

/** The replica IDs that have containers or volumes on this engine. */
function replicaIdsOf(containerNames, volumeNames) {
  const ids = new Set();
  for (const name of [...containerNames, ...volumeNames]) {
    const match = /^\/?dtr-(?:registry|nginx|etcd|rethinkdb|rethink)-([0-9a-f]{12})$/.exec(name);
    if (match) ids.add(match[1]);
  }
  return [...ids];
}

module.exports = { names, labels, replicaIdPattern, belongsTo, replicaIdsOf };
