export * from './config';
export * from './machines/types';
export { Machine } from './machines/machine';
export { LocalLabProvider } from './machines/providers/local-lab/local-lab-provider';
export { ensureLabImage, labImageTag } from './lab/lab-image';
export { GenericProvider } from './machines/providers/generic/generic-provider';
export {
  genericSshSettings,
  parseGenericFlags,
  type GenericDriverConfig,
} from './machines/providers/generic/generic-flags';
export { DockerMachineProvider } from './machines/providers/docker-machine/docker-machine-provider';
export { providerRegistration, type ProviderContext, type ProviderRegistration } from './machines/providers';
export { engineClient, engineAnswers } from './engine/engine-client';
export { setUpEngine, enginePort } from './engine/engine-setup';
export { openCluster, toMachines, type ClusterContext } from './cluster/cluster-context';
export { up, type UpResult } from './cluster/up';
export { down, uninstallDtr } from './cluster/teardown';
export {
  DtrOperations,
  lackedRecoveryCommand,
  type DtrBackup,
  type DtrOperationsOptions,
  type RecoveryCommand,
} from './cluster/recovery';
export type { DtrReplica } from './products/dtr/dtr';
export type { ClusterInfo } from './cluster/cluster-info';
export {
  DtrApiClient,
  DtrApiError,
  type PingAnswer,
  type ReplicaHealth,
  type Repository,
} from './products/dtr/dtr-client';
export * as dtrNames from './products/dtr/names';
export * as ucpNames from './products/ucp/names';
export {
  releaseProfileOf,
  releaseProfiles,
  selectReleaseProfile,
  type ProfileSelection,
  type ReleaseProfile,
} from './releases';
export { renderHaproxyConfig } from './load-balancer/haproxy';
export {
  haproxyServerStats,
  parseHaproxyStats,
  readHaproxyStats,
  replicaServerStats,
  type HaproxyServerStats,
  type HaproxyStatsRow,
} from './load-balancer/haproxy-stats';
export { readMachinesFile, readClusterFile, clusterFilePath } from './cluster/cluster-file';
export { adminPassword } from './cluster/admin-password';
export { StatusReporter, silentWriter, stderrWriter } from './cluster/status';
export * from './tls';
export {
  Faults,
  configuredPower,
  providerPower,
  partitionRules,
  type ReplicaRef,
  type MachinePower,
} from './faults/faults';
export { FaultJournal, type FaultEntry, type FaultKind } from './faults/fault-journal';
export { collectDiagnostics, diagnosticsDir } from './diagnostics/collect';
export { diagnosticSecrets, type DiagnosticSecretsOptions } from './diagnostics/secrets';
export { REDACTED, redact, redactor, type Redactor } from './diagnostics/redact';
export * from './handoff/handoff';
export * from './util/lock';
