/**
 * Release profiles: one module per supported pair of UCP and DTR releases, chosen from UCP_TAG and
 * DTR_TAG (`selectReleaseProfile`), each with its contracts (contracts), what differs
 * between pairs, and builders of the command lines that pair documents. docs/releases.md has the
 * table of each.
 *
 * Not wired into products/ yet: the lab's stand-ins (the `standin` profile, the default) accept the
 * union of both releases' flags, and products/ still builds that one command set for every tag. The
 * builders here are checked against the contracts only, until one strict stand-in per release can
 * prove them.
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
  DtrExternalAddress,
  DtrRemoveSettings,
  DtrReplicaSettings,
  DtrUcpAccess,
  UcpInstallSettings,
} from './settings';
export {
  refuseUndrivenRelease,
  releaseProfileOf,
  releaseProfiles,
  selectReleaseProfile,
  type ProfileSelection,
  type ReleaseProfile,
} from './select';
export { standinProfile, type StandinProfile } from './standin';
export {
  ucp11Dtr20,
  type Dtr20InstallSettings,
  type Dtr20JoinSettings,
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
  type Ucp3xDtr27Commands,
} from './ucp-3.x+dtr-2.7';
