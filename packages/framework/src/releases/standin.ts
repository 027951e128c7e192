/**
 * The lab's current stand-ins (packages/framework/lab/ucp-standin, dtr-standin), chosen by the default
 * UCP_TAG=DTR_TAG=standin. They accept the union of both releases' flags, so the framework's command
 * lines stay as today for them: products/ucp/ucp.ts and products/dtr/dtr.ts build those, and this
 * profile has no builders of its own. To be replaced by one strict stand-in per release, each
 * refusing what its release's pages do not document.
 *
 * Its traits say what the framework does with the stand-ins today; they come from the framework's
 * and the stand-ins' own code (cited per field), not from any reference page.
 */
import type { ProfileTraits } from './profile';

export interface StandinProfile extends ProfileTraits {
  kind: 'standin';
  name: 'standin';
  summary: string;
}

export const standinProfile: StandinProfile = {
  kind: 'standin',
  name: 'standin',
  summary:
    "the lab's current stand-ins, which accept the union of both releases' flags; to be replaced by one " +
    'strict stand-in per release',
  // products/ucp/ucp.ts runs the stand-in's `join` on every node.
  ucpJoin: 'ucp-join',
  // products/dtr/dtr-client.ts reads a replica's health from /_ping (DTR 2.7's spelling).
  dtrHealthPath: '/_ping',
  // load-balancer/haproxy.ts: `option httpchk GET /_ping`.
  haproxyCheckPath: '/_ping',
  // The stand-in has both `remove` and `destroy`; products/dtr/replicas.ts destroys replicas on teardown.
  dtrHasDestroy: true,
  // products/dtr/dtr.ts gives the framework's certificate with --dtr-ca/--dtr-cert/--dtr-key.
  dtrInstallTakesTls: true,
  // The stand-ins have no `images` command: the lab's images are built on this host and sent whole.
  imageListing: null,
  invocation: {
    ucp: { containerName: 'ucp', mountsDockerSocket: true },
    // products/dtr/dtr.ts binds the socket for the stand-in, which starts its containers through it.
    dtr: { mountsDockerSocket: true },
  },
  names: {
    // lab/ucp-standin/rootfs/opt/ucp-standin/lib/state.js, followed by products/ucp/names.ts.
    ucp: {
      containers: ['ucp-controller'],
      volumes: ['ucp-cluster-root-ca', 'ucp-controller-server-certs', 'ucp-kv', 'ucp-node-certs'],
      networks: [],
    },
    // lab/dtr-standin/rootfs/opt/dtr-standin/lib/names.js, followed by products/dtr/names.ts.
    dtr: {
      containers: [
        'dtr-nginx-<replica_id>',
        'dtr-registry-<replica_id>',
        'dtr-phase2-<replica_id>',
        'dtr-release-<replica_id>',
      ],
      volumes: ['dtr-registry-<replica_id>'],
      networks: ['dtr-br'],
    },
  },
};
