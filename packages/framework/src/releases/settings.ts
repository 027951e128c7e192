/**
 * The settings the command builders of every release take: what the framework knows when it runs an
 * installer. A release adds what only it has (UCP 1.1's --fresh-install, DTR 2.7's certificate);
 * the compiler then refuses a setting the release's pages do not document.
 */

/** UCP's install on the controller. */
export interface UcpInstallSettings {
  /** The controller's address: --host-address, and the first subject alternative name. */
  hostAddress: string;
  /** More names UCP's certificate must hold (the controller's hostname). */
  sans: readonly string[];
  /** --controller-port: not 443, which the lab's HAProxy takes on the controller for DTR. */
  controllerPort: number;
  adminUsername: string;
  adminPassword: string;
}

/** How a DTR command reaches UCP: every DTR command logs in to UCP. */
export interface DtrUcpAccess {
  /** `https://<controller>:<port>`. */
  ucpUrl: string;
  /** UCP's CA, checked against `ucp fingerprint`: never --ucp-insecure-tls. */
  ucpCaPem: string;
  ucpUsername: string;
  ucpPassword: string;
}

/** Where DTR's clients reach it: the load balancer. Each release writes it in its own form. */
export interface DtrExternalAddress {
  host: string;
  /** Omitted when it is 443. */
  port?: number;
}

/** One replica's placement and ports, for install and join. */
export interface DtrReplicaSettings extends DtrUcpAccess {
  /** 12 hexadecimal digits. */
  replicaId: string;
  /** The UCP node (its hostname) the replica goes on. */
  node: string;
  httpPort: number;
  httpsPort: number;
}

/** Removing one replica, telling DTR a healthy one to work through. */
export interface DtrRemoveSettings extends DtrUcpAccess {
  replicaId: string;
  existingReplicaId: string;
}

/** A backup, read through a replica that is healthy. */
export interface DtrBackupSettings extends DtrUcpAccess {
  existingReplicaId: string;
}

/** emergency-repair: the cluster made again from one replica. */
export interface DtrEmergencyRepairSettings extends DtrUcpAccess {
  /** The replica the cluster is repaired from: it becomes its only replica. */
  existingReplicaId: string;
  /** Delete the other replicas' volumes too (`--prune`). */
  prune: boolean;
}
