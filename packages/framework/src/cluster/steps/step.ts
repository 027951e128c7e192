import type Docker from 'dockerode';
import type { Config } from '../../config';
import type { ClusterImages } from '../../images/cluster-images';
import type { Machine } from '../../machines/machine';
import type { EnsureResult, StorageMode } from '../../machines/types';
import type { DtrReplica, DtrSettings } from '../../products/dtr/dtr';
import type { UcpEndpoint } from '../../products/ucp/ucp';
import type { ClusterContext } from '../cluster-context';
import type { ClusterInfo } from '../cluster-info';
import type { StatusReporter } from '../status';
import type { ReleaseProfile } from '../../releases';

/** Everything DTR needs to be installed or removed, derived again on every run (the dtr-plan step). */
export interface DtrPlan {
  settings: DtrSettings;
  replicaMachines: Machine[];
  lbMachine: Machine;
  storage: StorageMode;
  /** Where the CA that DTR's certificates chain to is kept for the handoff's clients. */
  caPath: string;
  /** That CA: ours, or (a release whose install takes no certificate) DTR's own, once it is known. */
  dtrCaPem?: string;
  haproxyImage: string;
}

/** Waits for an image sent ahead, reporting in the calling step what its delivery said. */
export type DeliveredAhead = (detail: (line: string) => void) => Promise<void>;

/**
 * The one context every step of `up` reads and writes: what `up` opened, then what each step makes
 * for the steps after it, in their order. A step reads what an earlier one made with `need`.
 */
export interface StepContext {
  readonly config: Config;
  readonly context: ClusterContext;
  readonly reporter: StatusReporter;
  /** The engine the framework runs on: images are built and sent from it. */
  readonly hostDocker: Docker;
  /** The release pair UCP_TAG and DTR_TAG name: what each installer is run with. */
  readonly profile: ReleaseProfile;

  // machines
  ensured?: EnsureResult;
  /** The record `up` writes to cluster.json however the run ends, once the machines are known. */
  info?: ClusterInfo;
  /** Open Machines of this run (SSH connections), the controller first. */
  handles?: Machine[];
  // images
  images?: ClusterImages;
  // ucp
  password?: string;
  ucp?: UcpEndpoint & { installed: boolean };
  /** Why the DTR replicas there are made again; undefined: they are kept. */
  remakeReplicas?: string;
  // dtr-plan: the DTR and HAProxy images are on their way while the storage step runs.
  plan?: DtrPlan;
  dtrImageDelivered?: DeliveredAhead;
  haproxyImageDelivered?: DeliveredAhead;
  // dtr
  replicas?: DtrReplica[];
}

/** One step of `up`: it checks before it acts, so running it again reuses what exists. */
export interface Step<Name extends string = string> {
  readonly name: Name;
  run(ctx: StepContext): Promise<void>;
}

/** What an earlier step made; a step that runs before the one making it is a bug in the step list. */
export function need<K extends keyof StepContext>(ctx: StepContext, key: K): NonNullable<StepContext[K]> {
  const value = ctx[key];
  if (value === undefined || value === null) {
    throw new Error(`up: "${key}" is made by a step that has not run before this one`);
  }
  return value;
}
