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
}
