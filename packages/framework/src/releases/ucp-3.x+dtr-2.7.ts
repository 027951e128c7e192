/**
 * UCP 3.x with DTR 2.7, driven as docker/docs `reference/ucp/3.2/cli` and `reference/dtr/2.7/cli`
 * (with the unversioned `ee/` guides) describe them (contracts/ucp-3.x.ts, dtr-2.7.ts;
 * docs/releases.md has the table).
 *
 * products/ runs these builders through the profile's `driver` (below); the lab's stand-in of each
 * release reads the same contracts and refuses every flag they lack.
 * UCP 3.x has no join command: nodes join with `docker swarm join` (`ucpJoin: 'swarm-join'`), which is
 * no installer command line and has no builder here.
 */
import { dtr27, ucp3x } from '../contracts';
import {
  argsOf,
  imageListingOf,
  traitsFrom,
  type CommandLine,
  type Flag,
  type ReleaseLineProfile,
} from './profile';
import type {
  DtrBackupSettings,
  DtrEmergencyRepairSettings,
  DtrExternalAddress,
  DtrRemoveSettings,
  DtrReplicaSettings,
  DtrUcpAccess,
  UcpInstallSettings,
} from './settings';
import { replicaPorts, ucpInstallFlags } from './shared-flags';
import type { ReleaseDriver } from './driver';

export interface Dtr27InstallSettings extends DtrReplicaSettings {
  external: DtrExternalAddress;
  /** The certificate DTR serves: ours, so that every client can trust it from the start. */
  tls: { caPem: string; certPem: string; keyPem: string };
  /** `nfs://<host>/<path>` for the images; joined replicas take it from the cluster. */
  nfsStorageUrl?: string;
}

export interface Dtr27JoinSettings extends DtrReplicaSettings {
  existingReplicaId: string;
}

export type Dtr27DestroySettings = Omit<DtrRemoveSettings, 'existingReplicaId'>;

/**
 * restore is "a fresh installation": install's settings. `nfsStorageUrl` as at install: the page
 * wants the storage the backed-up cluster used, and without NFS that is DTR's default storage.
 */
export type Dtr27RestoreSettings = Dtr27InstallSettings;

export interface Ucp3xDtr27Commands {
  ucpInstall(settings: UcpInstallSettings): CommandLine;
  ucpImages(): CommandLine;
  dtrInstall(settings: Dtr27InstallSettings): CommandLine;
  dtrJoin(settings: Dtr27JoinSettings): CommandLine;
  dtrRemove(settings: DtrRemoveSettings): CommandLine;
  dtrDestroy(settings: Dtr27DestroySettings): CommandLine;
  dtrBackup(settings: DtrBackupSettings): CommandLine;
  dtrRestore(settings: Dtr27RestoreSettings): CommandLine;
  dtrEmergencyRepair(settings: DtrEmergencyRepairSettings): CommandLine;
  dtrImages(): CommandLine;
}

/** Every 2.7 page names UCP_PASSWORD for --ucp-password: the password goes there, not in the arguments. */
function ucpAccess(settings: DtrUcpAccess): { flags: Flag[]; env: Record<string, string> } {
  return {
    flags: [
      ['--ucp-url', settings.ucpUrl],
      ['--ucp-username', settings.ucpUsername],
      ['--ucp-ca', settings.ucpCaPem],
    ],
    env: { UCP_PASSWORD: settings.ucpPassword },
  };
}

/** "Format `https://host[:port]`, where port is the value you used with `--replica-https-port`". */
function externalUrl({ host, port }: DtrExternalAddress): string {
  return port === undefined || port === 443 ? `https://${host}` : `https://${host}:${port}`;
}

/** A DTR command: UCP access first, then its own flags; its own variables beside UCP_PASSWORD. */
function dtrCommand(
  name: string,
  settings: DtrUcpAccess,
  flags: Flag[],
  env: Record<string, string> = {},
): CommandLine {
  const access = ucpAccess(settings);
  return { args: argsOf(name, [...access.flags, ...flags]), env: { ...access.env, ...env } };
}

/** Where a new replica goes, what clients call DTR, its ports and its certificate: install's and restore's. */
function newClusterFlags(s: Dtr27InstallSettings): Flag[] {
  return [
    ['--ucp-node', s.node],
    ['--replica-id', s.replicaId],
    ['--dtr-external-url', externalUrl(s.external)],
    ...replicaPorts(s),
    ['--dtr-ca', s.tls.caPem],
    ['--dtr-cert', s.tls.certPem],
    ['--nfs-storage-url', s.nfsStorageUrl],
  ];
}

const commands: Ucp3xDtr27Commands = {
  ucpInstall: (s) => ({
    args: argsOf('install', ucpInstallFlags(s)),
    // The 3.2 install page names UCP_ADMIN_PASSWORD for --admin-password.
    env: { UCP_ADMIN_PASSWORD: s.adminPassword },
  }),
  ucpImages: () => ({ args: imageListingOf(ucp3x), env: {} }),
  dtrInstall: (s) =>
    dtrCommand(
      'install',
      s,
      newClusterFlags(s),
      // The private key is a secret, and the page names DTR_KEY for --dtr-key.
      { DTR_KEY: s.tls.keyPem },
    ),
  dtrJoin: (s) =>
    dtrCommand('join', s, [
      ['--ucp-node', s.node],
      ['--existing-replica-id', s.existingReplicaId],
      ['--replica-id', s.replicaId],
      ...replicaPorts(s),
    ]),
  dtrRemove: (s) =>
    dtrCommand('remove', s, [
      ['--existing-replica-id', s.existingReplicaId],
      // --replica-id is "DEPRECATED Alias for `--replica-ids`" on the 2.7 remove page.
      ['--replica-ids', s.replicaId],
    ]),
  dtrDestroy: (s) => dtrCommand('destroy', s, [['--replica-id', s.replicaId]]),
  dtrBackup: (s) => dtrCommand('backup', s, [['--existing-replica-id', s.existingReplicaId]]),
  dtrRestore: (s) =>
    dtrCommand(
      'restore',
      s,
      [
        ...newClusterFlags(s),
        // Each storage flag is a "Mandatory flag to allow for DTR to fall back to your configured
        // storage setting at the time of backup": NFS where the cluster had it, else the default.
        ['--dtr-use-default-storage', s.nfsStorageUrl === undefined],
      ],
      { DTR_KEY: s.tls.keyPem },
    ),
  dtrEmergencyRepair: (s) =>
    dtrCommand('emergency-repair', s, [
      ['--existing-replica-id', s.existingReplicaId],
      ['--prune', s.prune],
      // "Answer yes to any prompts": the installer runs without a terminal to answer its prompt.
      ['--y', true],
    ]),
  dtrImages: () => ({ args: imageListingOf(dtr27), env: {} }),
};

const traits = traitsFrom(ucp3x, dtr27, '/_ping');

/** The commands products/ runs, from the builders above. UCP 3.x nodes join the swarm: no `join`. */
const driver: ReleaseDriver = {
  ucp: {
    // 3.x has no --fresh-install: products/ uninstalls what a half-done install left first.
    install: (s) => commands.ucpInstall(s),
    dumpCa: () => ({ args: argsOf('dump-certs', [['--ca', true]]), env: {} }),
    id: () => ({ args: ['id'], env: {} }),
    uninstall: (id) => ({ args: argsOf('uninstall-ucp', [['--id', id]]), env: {} }),
    hasFreshInstall: false,
  },
  dtr: {
    install: (s) => commands.dtrInstall(s),
    join: (s) => commands.dtrJoin(s),
    remove: (s) => commands.dtrRemove(s),
    destroy: (s) => commands.dtrDestroy(s),
    backup: (s) => commands.dtrBackup(s),
    restore: (s) => commands.dtrRestore(s),
    emergencyRepair: (s) => commands.dtrEmergencyRepair(s),
    takesCertificate: traits.dtrInstallTakesTls,
    healthPath: traits.dtrHealthPath,
  },
};

export const ucp3xDtr27: ReleaseLineProfile<Ucp3xDtr27Commands> = {
  kind: 'release',
  name: 'ucp-3.x+dtr-2.7',
  summary: 'UCP 3.x with DTR 2.7 (docker/docs reference/ucp/3.2/cli, reference/dtr/2.7/cli, ee/)',
  ucp: ucp3x,
  dtr: dtr27,
  // The 2.7 load balancer page: "use the unauthenticated /_ping on each replica".
  ...traits,
  commands,
  driver,
};
