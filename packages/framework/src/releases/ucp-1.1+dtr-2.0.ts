/**
 * UCP 1.1 with DTR 2.0, driven as docker/docs `datacenter/ucp/1.1` and `datacenter/dtr/2.0` describe
 * them (contracts/ucp-1.1.ts, dtr-2.0.ts; docs/releases.md has the table).
 *
 * products/ runs these builders through the profile's `driver` (below); the lab's stand-in of each
 * release reads the same contracts and refuses every flag they lack.
 */
import type { Constraint } from '../config';
import { dtr20, ucp11 } from '../contracts';
import {
  argsOf,
  endpoint,
  imageListingOf,
  traitsFrom,
  type CommandLine,
  type Flag,
  type ReleaseLineProfile,
} from './profile';
import type {
  DtrBackupSettings,
  DtrExternalAddress,
  DtrRemoveSettings,
  DtrReplicaSettings,
  DtrUcpAccess,
  UcpInstallSettings,
} from './settings';
import { replicaPorts, ucpInstallFlags } from './shared-flags';
import type { ReleaseDriver, UcpJoinSettings } from './driver';

export interface Ucp11InstallSettings extends UcpInstallSettings {
  /** Over an install that died half-way: "Destroy any existing state and start fresh." */
  freshInstall?: boolean;
}

/** The driver's join settings are UCP 1.1's: it is the only release with a `join`. */
export type Ucp11JoinSettings = UcpJoinSettings;

export interface Dtr20ReplicaSettings extends DtrReplicaSettings {
  /** DTR_CONSTRAINTS: with any, the replica is placed by --extra-envs, which cannot go with --ucp-node. */
  constraints: readonly Constraint[];
}

export interface Dtr20InstallSettings extends Dtr20ReplicaSettings {
  external: DtrExternalAddress;
}

export interface Dtr20JoinSettings extends Dtr20ReplicaSettings {
  existingReplicaId: string;
}

export interface Dtr20BackupSettings extends DtrBackupSettings {
  /** --config-only: "Backup/restore only the configurations of DTR and not the database". */
  configOnly?: boolean;
}

/**
 * restore is "a fresh installation": a replica's placement and ports, and the external URL. Its page
 * has --ucp-node but no --extra-envs, so a restored replica is placed by its node alone.
 */
export interface Dtr20RestoreSettings extends DtrReplicaSettings {
  external: DtrExternalAddress;
  /** --config-only: the configurations stored on etcd, not the repository metadata. */
  configOnly?: boolean;
}

export interface Ucp11Dtr20Commands {
  ucpInstall(settings: Ucp11InstallSettings): CommandLine;
  ucpJoin(settings: Ucp11JoinSettings): CommandLine;
  ucpImages(): CommandLine;
  dtrInstall(settings: Dtr20InstallSettings): CommandLine;
  dtrJoin(settings: Dtr20JoinSettings): CommandLine;
  dtrRemove(settings: DtrRemoveSettings): CommandLine;
  dtrBackup(settings: Dtr20BackupSettings): CommandLine;
  dtrRestore(settings: Dtr20RestoreSettings): CommandLine;
  dtrImages(): CommandLine;
}

// UCP 1.1 names UCP_ADMIN_PASSWORD for --admin-password on install and join.
const adminPassword = (password: string) => ({ UCP_ADMIN_PASSWORD: password });

/**
 * DTR 2.0's pages name no environment variable for any flag, so the UCP password can only be
 * --ucp-password's value.
 */
function ucpAccess(settings: DtrUcpAccess): Flag[] {
  return [
    ['--ucp-url', settings.ucpUrl],
    ['--ucp-username', settings.ucpUsername],
    ['--ucp-password', settings.ucpPassword],
    ['--ucp-ca', settings.ucpCaPem],
  ];
}

/** A DTR 2.0 command: UCP access first (the password among the flags), then its own flags. */
function dtrCommand(name: string, settings: DtrUcpAccess, flags: Flag[]): CommandLine {
  return { args: argsOf(name, [...ucpAccess(settings), ...flags]), env: {} };
}

/**
 * --ucp-node, or with DTR_CONSTRAINTS the node as one more swarm constraint in --extra-envs
 * ("Can't be used in combination with --ucp-node"; variables separated by `&`).
 */
function placement(settings: Dtr20ReplicaSettings): Flag[] {
  if (settings.constraints.length === 0) return [['--ucp-node', settings.node]];
  const node: Constraint = { key: 'node', operator: '==', value: settings.node };
  const envs = [...settings.constraints, node].map((c) => `constraint:${c.key}${c.operator}${c.value}`);
  return [['--extra-envs', envs.join('&')]];
}

/** "the external domain name and port": no scheme, as the install guide's `$DTR_PUBLIC_IP`. */
function externalAddress({ host, port }: DtrExternalAddress): string {
  return port === undefined || port === 443 ? host : `${host}:${port}`;
}

const commands: Ucp11Dtr20Commands = {
  ucpInstall: (s) => ({
    args: argsOf('install', [...ucpInstallFlags(s), ['--fresh-install', s.freshInstall]]),
    env: adminPassword(s.adminPassword),
  }),
  ucpJoin: (s) => ({
    args: argsOf('join', [
      ['--url', s.url],
      ['--fingerprint', s.fingerprint],
      ['--host-address', s.hostAddress],
      ['--admin-username', s.adminUsername],
      ['--fresh-install', s.freshInstall],
    ]),
    env: adminPassword(s.adminPassword),
  }),
  ucpImages: () => ({ args: imageListingOf(ucp11), env: {} }),
  dtrInstall: (s) =>
    dtrCommand('install', s, [
      ...placement(s),
      ['--replica-id', s.replicaId],
      ['--dtr-external-url', externalAddress(s.external)],
      ...replicaPorts(s),
    ]),
  dtrJoin: (s) =>
    dtrCommand('join', s, [
      ...placement(s),
      ['--existing-replica-id', s.existingReplicaId],
      ['--replica-id', s.replicaId],
      ...replicaPorts(s),
    ]),
  dtrRemove: (s) =>
    dtrCommand('remove', s, [
      ['--existing-replica-id', s.existingReplicaId],
      ['--replica-id', s.replicaId],
      // "Necessary only when --existing-replica-id == --replica-id": removing the last replica.
      ['--force-remove', s.existingReplicaId === s.replicaId],
    ]),
  // The backups and disaster recovery page's example, `backup --ucp-url … --ucp-ca …
  // --existing-replica-id <replica-id> --ucp-username … --ucp-password … > /var/tmp/backup.tar`:
  // "--existing-replica-id is the id of the replica to backup".
  dtrBackup: (s) =>
    dtrCommand('backup', s, [
      ['--existing-replica-id', s.existingReplicaId],
      ['--config-only', s.configOnly],
    ]),
  dtrRestore: (s) =>
    dtrCommand('restore', s, [
      ['--ucp-node', s.node],
      ['--replica-id', s.replicaId],
      ['--dtr-external-url', externalAddress(s.external)],
      ...replicaPorts(s),
      ['--config-only', s.configOnly],
    ]),
  dtrImages: () => ({ args: imageListingOf(dtr20), env: {} }),
};

const traits = traitsFrom(ucp11, dtr20, '/load_balancer_status');

/** The commands products/ runs, from the builders above. */
const driver: ReleaseDriver = {
  ucp: {
    install: (s, fresh) => commands.ucpInstall({ ...s, freshInstall: fresh }),
    join: (s) => commands.ucpJoin(s),
    fingerprint: () => ({ args: ['fingerprint'], env: {} }),
    dumpCa: () => ({ args: argsOf('dump-certs', [['--ca', true]]), env: {} }),
    id: () => ({ args: ['id'], env: {} }),
    uninstall: (id) => ({ args: argsOf('uninstall', [['--id', id]]), env: {} }),
    hasFreshInstall: true,
  },
  dtr: {
    install: (s) => commands.dtrInstall(s),
    join: (s) => commands.dtrJoin(s),
    remove: (s) => commands.dtrRemove(s),
    backup: (s) => commands.dtrBackup(s),
    restore: (s) => commands.dtrRestore(s),
    // No emergency-repair in 2.0: a cluster that lost its majority for good is restored from a backup.
    takesCertificate: traits.dtrInstallTakesTls,
    // datacenter/dtr/2.0/repos-and-images/index.md: "curl -k https://<dtr-domain-name>/ca".
    caPath: endpoint(dtr20, '/ca').path,
    healthPath: traits.dtrHealthPath,
  },
};

export const ucp11Dtr20: ReleaseLineProfile<Ucp11Dtr20Commands> = {
  kind: 'release',
  name: 'ucp-1.1+dtr-2.0',
  summary: 'UCP 1.1 with DTR 2.0 (docker/docs datacenter/ucp/1.1, datacenter/dtr/2.0)',
  ucp: ucp11,
  dtr: dtr20,
  // DTR 2.0 documents one health endpoint, and its HA page has the load balancer check it.
  ...traits,
  commands,
  driver,
};
