/**
 * What products/ asks of a release pair: one command line per thing the framework does, in settings
 * every pair can be given. Each profile makes its driver from its own builders, so what a release
 * lacks (UCP 3.x's join, DTR 2.0's destroy and certificate flags) is absent here too, and products/
 * branches on that absence, never on a version number.
 */
import type { Constraint } from '../config';
import type {
  DtrBackupSettings,
  DtrEmergencyRepairSettings,
  DtrExternalAddress,
  DtrRemoveSettings,
  DtrReplicaSettings,
  UcpInstallSettings,
} from './settings';

/**
 * One run of an installer: its arguments after the image, and the environment variables given to its
 * container. A secret goes in `env` wherever the command's page names a variable for it: the
 * arguments of a container's process are shown by `ps` to every user of the machine, its environment
 * only to its owner.
 */
export interface CommandLine {
  args: string[];
  env: Record<string, string>;
}

/** UCP 1.1's `join` (the only release with one). */
export interface UcpJoinSettings {
  /** The controller: `https://<address>:<controller port>` (the page does not show the form). */
  url: string;
  /** The controller's SHA-256 fingerprint, as `ucp fingerprint` prints it. */
  fingerprint: string;
  /** This node's address. */
  hostAddress: string;
  adminUsername: string;
  adminPassword: string;
  /** Over a join that died half-way: "Destroy any existing state and start fresh." */
  freshInstall?: boolean;
}

export interface DtrNewReplicaSettings extends DtrReplicaSettings {
  /** DTR_CONSTRAINTS; a release without --extra-envs places by --ucp-node alone (the framework chose the node by them). */
  constraints: readonly Constraint[];
  external: DtrExternalAddress;
  /** Ours, given where the release's install takes a certificate. */
  tls: { caPem: string; certPem: string; keyPem: string };
  /** Set for a join: the healthy replica it joins through. */
  existingReplicaId?: string;
}

export interface ReleaseDriver {
  ucp: {
    /** `fresh` only where the release has --fresh-install; elsewhere leftovers go with `uninstall` first. */
    install(settings: UcpInstallSettings, fresh: boolean): CommandLine;
    /** UCP 1.1's `join`; undefined where nodes join the swarm instead (3.x). */
    join?: (settings: UcpJoinSettings) => CommandLine;
    /** `fingerprint`, where the release has it (1.1: the value `join --fingerprint` wants). */
    fingerprint?: () => CommandLine;
    /** `dump-certs --ca`: the CA, printed by the installer on the controller's own engine. */
    dumpCa(): CommandLine;
    id(): CommandLine;
    /** `uninstall --id` (1.1) or `uninstall-ucp --id` (3.x); without an ID where none can be read. */
    uninstall(id: string | undefined): CommandLine;
    /** Whether `install` can go over a half-done install (--fresh-install). */
    hasFreshInstall: boolean;
  };
  dtr: {
    install(settings: DtrNewReplicaSettings): CommandLine;
    join(settings: DtrNewReplicaSettings & { existingReplicaId: string }): CommandLine;
    remove(settings: DtrRemoveSettings): CommandLine;
    /** Undefined where the release has no destroy (2.0): a replica then goes with remove. */
    destroy?: (settings: Omit<DtrRemoveSettings, 'existingReplicaId'>) => CommandLine;
    /**
     * `backup`, run with `docker run -i`: the cluster's configuration and metadata (not the images)
     * as a tar on stdout, read through a healthy replica.
     */
    backup(settings: DtrBackupSettings): CommandLine;
    /**
     * `restore`, run with `docker run -i` and the backup on stdin: a fresh installation, a cluster of
     * one new replica with the backup's configuration and metadata; the others join it.
     */
    restore(settings: DtrNewReplicaSettings): CommandLine;
    /**
     * `emergency-repair`, where the release has it (2.7): the cluster reverted to one replica of a
     * cluster that lost its quorum. Undefined where it has not (2.0): there a cluster that lost its
     * majority for good is restored from a backup.
     */
    emergencyRepair?: (settings: DtrEmergencyRepairSettings) => CommandLine;
    /** Whether install takes our certificate; if not, DTR makes its own CA, served at `caPath`. */
    takesCertificate: boolean;
    /**
     * Where DTR serves its own CA to clients that must trust it (the release's "configure your
     * engine" page); only for a release whose install takes no certificate.
     */
    caPath?: string;
    /** The unauthenticated path that says whether one replica is healthy, and HAProxy's check. */
    healthPath: string;
  };
}
