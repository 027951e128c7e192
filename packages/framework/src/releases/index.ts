/**
 * Release profiles: one module per supported pair of UCP and DTR releases, chosen from UCP_TAG and
 * DTR_TAG (`selectReleaseProfile`), each with its contracts (contracts), what differs
 * between pairs, and builders of the command lines that pair documents. docs/releases.md has the
 * table of each.
 * products/ runs each pair's `driver`; the lab's stand-ins are driven by the profile of the
 * release they stand in for, and refuse what that release's pages do not document.
 */
export * from '../contracts';
export type {
  CommandLine,
  ImageListing,
  Invocation,
  NamePatterns,
  ProfileTraits,
  RealTraits,
  ReleaseLineProfile,
} from './profile';
export type {
  DtrBackupSettings,
  DtrEmergencyRepairSettings,
  DtrExternalAddress,
  DtrRemoveSettings,
  DtrReplicaSettings,
  DtrUcpAccess,
  UcpInstallSettings,
} from './settings';
export {
  releaseProfileOf,
  releaseProfiles,
  selectReleaseProfile,
  type ProfileSelection,
  type ReleaseProfile,
} from './select';
export type { DtrNewReplicaSettings, ReleaseDriver, UcpJoinSettings } from './driver';
export {
  ucp11Dtr20,
  type Dtr20BackupSettings,
  type Dtr20InstallSettings,
  type Dtr20JoinSettings,
  type Dtr20RestoreSettings,
  type Dtr20ReplicaSettings,
  type Ucp11Dtr20Commands,
  type Ucp11InstallSettings,
  type Ucp11JoinSettings,
} from './ucp-1.1+dtr-2.0';
export {
  ucp3xDtr27,
  type Dtr27DestroySettings,
  type Dtr27InstallSettings,
  type Dtr27JoinSettings,
  type Dtr27RestoreSettings,
  type Ucp3xDtr27Commands,
} from './ucp-3.x+dtr-2.7';
