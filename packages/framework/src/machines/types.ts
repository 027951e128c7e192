/**
 * What every layer above the machines sees. Providers turn a plan into `MachineRecord`s; the rest of
 * the framework only ever reads records (through `Machine`), never a provider's own state.
 */

import type { MachineRecord, MachineRole } from './machine-record';

// The records are part of the cluster's one serialized form (cluster.json, the handoff): their types
// come from its schema, so what is written and what a reader accepts cannot drift apart.
export type { EngineEndpoint, MachineRecord, MachineRole, SshEndpoint } from './machine-record';

/** One wanted machine. The first machine of a cluster is the controller, the rest are replicas. */
export interface MachineSpec {
  name: string;
  role: MachineRole;
  index: number;
}

export type MachineState = 'running' | 'stopped' | 'missing' | 'unknown';

/** What a provider found of one machine, before it is made ready. */
export interface FoundMachine {
  name: string;
  state: MachineState;
  providerId?: string;
}

import type { Progress } from '../util/progress';

export type { Progress };

/**
 * How the DTR replicas share the registry's storage: an NFS export on the controller, or (lab nodes
 * share the host's kernel, which has no NFS here) one volume every node mounts.
 */
export type StorageMode = 'nfs' | 'lab-shared-volume';

/** An image of the lab's recipes (lab/lab-image.ts) that a provider's clusters need built on the host. */
export type ProviderImage = 'nfs-ganesha';

/**
 * What a provider can do and needs, known without asking it anything (as kind's `Provider.Info()`):
 * the layers above ask this instead of the provider's name.
 */
export interface ProviderCapabilities {
  /**
   * Whether it made the machines and may delete them: only then are machines beyond NUM_MACHINES
   * removed. Generic hosts are the user's.
   */
  readonly ownsMachines: boolean;
  /** How DTR's replicas share the registry's storage on its machines. */
  readonly storage: StorageMode;
  /** Images built on the framework's host besides the products' (the lab's userspace NFS server). */
  readonly extraImages: readonly ProviderImage[];
}

/** Powering a provider's machines off and on, by machine name (machine faults). */
export interface MachinePowerSwitch {
  stopMachine(name: string): Promise<void>;
  /**
   * Resolves once the machine runs again; its engine may answer a moment later. `knownIp`, the address
   * the cluster knows the machine at: a provider whose machines can come back elsewhere fails when it
   * did (the cluster's certificates and UCP name the old one).
   */
  startMachine(name: string, knownIp?: string): Promise<void>;
}

/**
 * A narrow provider interface (in the spirit of kind's): make the planned machines exist and
 * answer, list what exists for this cluster, remove machines, collect their logs.
 * `ensure` reuses what already answers, restarts what is stopped, creates what is missing.
 */
export interface Provider {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  ensure(specs: MachineSpec[], progress?: Progress, options?: EnsureOptions): Promise<EnsureResult>;
  list(): Promise<FoundMachine[]>;
  /** Removes these machines (default: all of the cluster's); says on `progress` what it could not. */
  remove(names?: string[], progress?: Progress): Promise<string[]>;
  /**
   * The provider's own logs of its machines, as text: the caller (diagnostics) removes the secrets
   * before anything is written, so no raw copy ever lands on disk.
   */
  collectLogs(): Promise<ProviderLog[]>;
  /**
   * Powers a machine off and on again (for faults, see `providerPower`); providers that cannot leave
   * these out.
   */
  stopMachine?: MachinePowerSwitch['stopMachine'];
  startMachine?: MachinePowerSwitch['startMachine'];
}

/** What `ensure` may know of the cluster beyond its machines. */
export interface EnsureOptions {
  /**
   * The images (names on the framework's engine) the cluster will send to its machines. A provider
   * may put them on the machines it creates its own, faster way (the lab seeds new nodes' engines);
   * they are sent afterwards all the same, to every machine that lacks them.
   */
  images?: readonly string[];
}

/** One log of a provider's: a file name (one path segment) and its text. */
export interface ProviderLog {
  name: string;
  text: string;
}

export interface EnsureResult {
  machines: MachineRecord[];
  /** Per machine what `ensure` did: reused as it was, started again, or created. */
  actions: Record<string, 'reused' | 'started' | 'created'>;
}

export function machineSpecs(prefix: string, count: number): MachineSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    role: i === 0 ? 'controller' : 'replica',
    index: i + 1,
  }));
}
