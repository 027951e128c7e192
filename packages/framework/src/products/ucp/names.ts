/**
 * The names UCP gives what it makes on its machines (UCP 1.1 reference, "UCP architecture"), spelled
 * here and nowhere else in the framework: what is there says whether UCP is installed and which nodes
 * joined it.
 *
 * The lab's UCP stand-in (lab/ucp-standin/rootfs/opt/ucp-standin/lib/state.js) follows these same
 * names with a copy of its own: it is plain JavaScript inside its image and stands in for the real UCP,
 * which has its own names, so it does not import this module.
 */

/** The installer's container, as its documentation runs it: `docker run --rm --name ucp … IMAGE <command>`. */
export const installerContainer = 'ucp';

/** The controller, on the machine UCP is installed on: UCP is installed while it runs. */
export const controllerContainer = 'ucp-controller';

/** Volumes UCP's install creates on the controller. */
export const controllerVolumes: readonly string[] = [
  'ucp-cluster-root-ca',
  'ucp-controller-server-certs',
  'ucp-kv',
];

/** The volume UCP leaves on every node it manages: a node joined while it is there. */
export const nodeCertsVolume = 'ucp-node-certs';

/** A container name of UCP's own (`ucp-…`, with or without the API's `/`); not the installer's `ucp`. */
export function isUcpName(name: string): boolean {
  return /^\/?ucp-/.test(name);
}
