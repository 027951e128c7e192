import type { MachineRecord } from '../machines/types';

/**
 * What `up` leaves for everything after it (the CLI, the test handoff): addresses and paths only,
 * never a password or key material.
 */
export interface ClusterInfo {
  machines: MachineRecord[];
  ucp?: { url: string; caPath: string };
  loadBalancer?: { machine: string; host: string; port: number; url: string };
  dtr?: {
    caPath: string;
    replicas: Array<{ id: string; machine: string; url: string }>;
  };
  /** What UCP's joins and DTR's replicas were last made for; `cluster.json` only, not the handoff. */
  madeFor?: { ucp?: MadeFor; dtr?: MadeFor };
}

/**
 * The machine addresses, the UCP instance (by its CA's fingerprint) and the image that a product was
 * made for when its step last ended well. A run that fails before then keeps the older record, so the
 * next run still sees what has to be made again.
 */
export interface MadeFor {
  ucpFingerprint?: string;
  addresses: Record<string, string>;
  /** The installer image it was made with (UCP_REPO:UCP_TAG, DTR_REPO:DTR_TAG, or a lab stand-in's). */
  image?: string;
}
