/**
 * The local lab's layout: what its nodes, its stand-ins and the storage steps agree on about a lab
 * node. Kept below `machines/` so that the provider that makes the nodes and the layers that use
 * them read one definition.
 */

/** Where every lab node sees the cluster's shared volume (the lab's stand-in for an NFS export). */
export const labSharedDir = '/srv/dtr-ha-shared';
