/**
 * @dtr-ha/jest-preset: `preset: '@dtr-ha/jest-preset'` in a jest config builds or reuses the cluster
 * once per run (globalSetup) and hands it to every test file, which loads it as a DTRHATestSuite.
 */
export {
  DTRHATestSuite,
  KEEP_DTR_ENV,
  type HAFramework,
  type LoadBalancer,
  type LoadOptions,
  type SuiteReplica,
} from './suite';
export {
  SuiteUtil,
  describeConnections,
  shellQuote,
  waitFor,
  type DockerResult,
  type ReplicaConnections,
  type WaitOptions,
} from './suite-util';
export type { SummaryEntry } from './summaries';
export {
  QUIET_ENV,
  UNTIL_ENV,
  setup,
  teardown,
  type SetupOptions,
  type SetupResult,
  type TeardownOptions,
} from './run';
export {
  HANDOFF_ENV,
  HANDOFF_VERSION,
  HandoffError,
  readHandoff,
  readHandoffSync,
  type Handoff,
  type HandoffMachine,
  type HandoffTarget,
  type ReadHandoffOptions,
} from '@dtr-ha/framework';
/** DTR's and UCP's container and volume names, for tests that look at a machine's engine. */
export { dtrNames, ucpNames } from '@dtr-ha/framework';
