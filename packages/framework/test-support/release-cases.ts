/**
 * Sample command lines of each real release profile, built from settings whose secrets have values
 * nothing else has: for the builders' tests (src/releases/builders.test.ts) and the check of
 * docs/releases.md (src/releases/releases-doc.test.ts). Outside src/, so not in the published dist.
 */
import type { ReleaseContract } from '../src/contracts';
import type { CommandLine } from '../src/releases/profile';
import { ucp11Dtr20 } from '../src/releases/ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from '../src/releases/ucp-3.x+dtr-2.7';

// Secrets with values no other setting has, so finding one in the arguments cannot be a coincidence.
export const ADMIN_PASSWORD = 'admin-secret-7f3a';
export const UCP_PASSWORD = 'ucp-secret-19c2';
export const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nkey-secret-55d0\n-----END PRIVATE KEY-----\n';
export const CA_PEM = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
export const CERT_PEM = '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n';

export const ucpInstall = {
  hostAddress: '10.0.0.2',
  sans: ['dtrha-1'],
  controllerPort: 8443,
  adminUsername: 'admin',
  adminPassword: ADMIN_PASSWORD,
};
export const access = {
  ucpUrl: 'https://10.0.0.2:8443',
  ucpCaPem: CA_PEM,
  ucpUsername: 'admin',
  ucpPassword: UCP_PASSWORD,
};
export const replica = {
  ...access,
  replicaId: 'aaaaaaaaaaaa',
  node: 'dtrha-3',
  httpPort: 80,
  httpsPort: 443,
};
export const external = { host: '10.0.0.4', port: 444 };
export const constraints = [{ key: 'node', operator: '!=', value: 'dtrha-1' }] as const;
export const ucp11Join = {
  url: 'https://10.0.0.2:8443',
  fingerprint: 'AB:CD',
  hostAddress: '10.0.0.3',
  adminUsername: 'admin',
  adminPassword: ADMIN_PASSWORD,
};

export interface ReleaseCase {
  label: string;
  contract: ReleaseContract;
  line: CommandLine;
  /** Each secret the line carries, by the flag it is the value of. */
  secrets: { flag: string; value: string }[];
}

const admin = [{ flag: '--admin-password', value: ADMIN_PASSWORD }];
const ucpPassword = [{ flag: '--ucp-password', value: UCP_PASSWORD }];
/** DTR 2.7's install and restore: our certificate, its key a secret beside the UCP password. */
const ourTls = { caPem: CA_PEM, certPem: CERT_PEM, keyPem: KEY_PEM };
const withKey = [...ucpPassword, { flag: '--dtr-key', value: KEY_PEM }];
export const c1 = ucp11Dtr20.commands;
export const c2 = ucp3xDtr27.commands;

export const releaseCases: ReleaseCase[] = [
  { label: 'UCP 1.1 install', contract: ucp11Dtr20.ucp, line: c1.ucpInstall(ucpInstall), secrets: admin },
  {
    label: 'UCP 1.1 install --fresh-install',
    contract: ucp11Dtr20.ucp,
    line: c1.ucpInstall({ ...ucpInstall, freshInstall: true }),
    secrets: admin,
  },
  { label: 'UCP 1.1 join', contract: ucp11Dtr20.ucp, line: c1.ucpJoin(ucp11Join), secrets: admin },
  {
    label: 'UCP 1.1 join --fresh-install',
    contract: ucp11Dtr20.ucp,
    line: c1.ucpJoin({ ...ucp11Join, freshInstall: true }),
    secrets: admin,
  },
  { label: 'UCP 1.1 images', contract: ucp11Dtr20.ucp, line: c1.ucpImages(), secrets: [] },
  {
    label: 'DTR 2.0 install on a node',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrInstall({ ...replica, constraints: [], external }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 install by constraints',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrInstall({ ...replica, constraints, external }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 join on a node',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrJoin({ ...replica, constraints: [], existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 join by constraints',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrJoin({ ...replica, constraints, existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 remove',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrRemove({ ...access, replicaId: 'aaaaaaaaaaaa', existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 remove of the last replica',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrRemove({ ...access, replicaId: 'aaaaaaaaaaaa', existingReplicaId: 'aaaaaaaaaaaa' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 backup',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrBackup({ ...access, existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 backup --config-only',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrBackup({ ...access, existingReplicaId: 'bbbbbbbbbbbb', configOnly: true }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 restore',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrRestore({ ...replica, external }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.0 restore --config-only',
    contract: ucp11Dtr20.dtr,
    line: c1.dtrRestore({ ...replica, external, configOnly: true }),
    secrets: ucpPassword,
  },
  { label: 'DTR 2.0 images', contract: ucp11Dtr20.dtr, line: c1.dtrImages(), secrets: [] },
  { label: 'UCP 3.x install', contract: ucp3xDtr27.ucp, line: c2.ucpInstall(ucpInstall), secrets: admin },
  { label: 'UCP 3.x images', contract: ucp3xDtr27.ucp, line: c2.ucpImages(), secrets: [] },
  {
    label: 'DTR 2.7 install',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrInstall({ ...replica, external, tls: ourTls }),
    secrets: withKey,
  },
  {
    label: 'DTR 2.7 install on NFS',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrInstall({
      ...replica,
      external,
      tls: ourTls,
      nfsStorageUrl: 'nfs://10.0.0.2/dtr',
    }),
    secrets: withKey,
  },
  {
    label: 'DTR 2.7 join',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrJoin({ ...replica, existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.7 remove',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrRemove({ ...access, replicaId: 'aaaaaaaaaaaa', existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.7 destroy',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrDestroy({ ...access, replicaId: 'aaaaaaaaaaaa' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.7 backup',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrBackup({ ...access, existingReplicaId: 'bbbbbbbbbbbb' }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.7 restore',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrRestore({ ...replica, external, tls: ourTls }),
    secrets: withKey,
  },
  {
    label: 'DTR 2.7 restore on NFS',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrRestore({
      ...replica,
      external,
      tls: ourTls,
      nfsStorageUrl: 'nfs://10.0.0.2/dtr',
    }),
    secrets: withKey,
  },
  {
    label: 'DTR 2.7 emergency-repair',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrEmergencyRepair({ ...access, existingReplicaId: 'bbbbbbbbbbbb', prune: false }),
    secrets: ucpPassword,
  },
  {
    label: 'DTR 2.7 emergency-repair --prune',
    contract: ucp3xDtr27.dtr,
    line: c2.dtrEmergencyRepair({ ...access, existingReplicaId: 'bbbbbbbbbbbb', prune: true }),
    secrets: ucpPassword,
  },
  { label: 'DTR 2.7 images', contract: ucp3xDtr27.dtr, line: c2.dtrImages(), secrets: [] },
  // The lines the drivers add to the builders': reading UCP's CA and ID, and uninstalling it.
  ...[ucp11Dtr20, ucp3xDtr27].flatMap((profile) => {
    const { ucp } = profile.driver;
    const name = `UCP ${profile.ucp.line}`;
    const lines: [string, CommandLine | undefined][] = [
      ['fingerprint', ucp.fingerprint?.()],
      ['dump-certs --ca', ucp.dumpCa()],
      ['id', ucp.id()],
      ['uninstall --id', ucp.uninstall('0123abcd')],
      ['uninstall without an ID', ucp.uninstall(undefined)],
    ];
    return lines.flatMap(([label, line]) =>
      line ? [{ label: `${name} ${label}`, contract: profile.ucp, line, secrets: [] }] : [],
    );
  }),
];
