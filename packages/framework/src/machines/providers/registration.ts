import type Docker from 'dockerode';
import type { Config, DriverNotes } from '../../config';
import type { KnownHosts } from '../../ssh/known-hosts';
import type { ClusterTls } from '../../tls';
import type { FoundMachine, MachinePowerSwitch, Provider, ProviderCapabilities } from '../types';

/** What an open cluster gives the provider it makes: its state directory, certificates, host keys. */
export interface ProviderContext {
  /** `<DTR_HA_STATE_DIR>/<MACHINE_PREFIX>`, 0700. */
  dir: string;
  tls: ClusterTls;
  knownHosts: KnownHosts;
  /** The engine the framework runs on; default: the one of the environment (DOCKER_HOST, the socket). */
  hostDocker?: Docker;
}

/** How a configured provider is made, once the cluster's state is open. */
export type MakeProvider = (context: ProviderContext) => Provider | Promise<Provider>;

/**
 * One kind of provider as the registry (./index.ts) knows it: what it can do, and how to make one.
 * A provider's folder exports its registration; the registry maps MACHINE_DRIVER to it.
 */
export interface ProviderRegistration {
  readonly capabilities: ProviderCapabilities;
  /**
   * Reads and checks the provider's part of the configuration (its MACHINE_CREATE_FLAGS, the generic
   * driver's host names, which it resolves), throwing or rejecting with a ConfigError naming the
   * variable; nothing is made. Returns how to make the provider once the cluster's state is open.
   */
  configure(config: Config): MakeProvider | Promise<MakeProvider>;
  /**
   * Its machines' power switch, from the configuration alone: nothing is read or made (a test
   * process has no open cluster). Absent when it cannot power machines off and on.
   */
  power?(config: Config, hostDocker?: Docker): MachinePowerSwitch;
  /**
   * The machines of the configured cluster as they are now, from the configuration alone: nothing is
   * read from or made in its state directory (`dtr-ha status` makes nothing).
   */
  find(config: Config, hostDocker?: Docker): Promise<FoundMachine[]>;
  /**
   * The cheap checks of the host before `up` makes anything (the lab: Linux, an engine that answers and
   * can run its nodes): throws an EngineUnreachableError or HostNotReadyError that says what to do.
   */
  preflight?(hostDocker: Docker, config: Config, progress: (line: string) => void): Promise<void>;
  /** What `dtr-ha config` shows of it besides the variables; reads the configuration as `configure` does. */
  describe?(config: Config): DriverNotes;
}
