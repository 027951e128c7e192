export {
  BOOLEAN_OFF,
  BOOLEAN_ON,
  MAX_MACHINES,
  MIN_MACHINES,
  groups,
  variable,
  variables,
  type VariableGroup,
  type VariableKind,
  type VariableName,
  type VariableSpec,
} from './schema';
export { DOCKER_HUB, registryHost } from './image-ref';
export {
  ConfigError,
  HIDDEN,
  expandHome,
  formatConstraints,
  isHostAddress,
  isRepositoryPath,
  loadConfig,
  parseBoolean,
  parseConstraints,
  splitShellWords,
  type Config,
  type ConfigProblem,
  type Constraint,
  type ImageConfig,
  type LoadConfigOptions,
  type ShellWords,
  type ValueSource,
} from './load';
export {
  MASK,
  describeEnvironment,
  maskSecretFlags,
  renderConfigurationDoc,
  type DriverNotes,
} from './render';
export {
  CLI_UNTIL_DEFAULT,
  PRESET_UNTIL_DEFAULT,
  UP_TARGETS,
  describeUpTargets,
  isUpTarget,
  type UpTarget,
} from './up-target';
export { secretValues } from './secrets';
export {
  STANDIN_TAG,
  checkReleasePair,
  describeLine,
  describeSupportedPairs,
  parseReleaseTag,
  supportedPairs,
  type ReleaseLine,
  type ReleasePairCheck,
  type ReleasePairName,
  type ReleasePairProblem,
  type ReleaseVersion,
  type SupportedPair,
} from './release-pair';
