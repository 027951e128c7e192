import { probeEngine } from '../engine/engine-client';
import { engineEndpoint, setUpEngine } from '../engine/engine-setup';
import type { KnownHosts } from '../ssh/known-hosts';
import { SshSession } from '../ssh/ssh-session';
import type { ClusterTls } from '../tls';
import { waitFor } from '../util/wait';
import type { MachineRecord, MachineSpec, SshEndpoint } from './types';

export interface HostContext {
  tls: ClusterTls;
  knownHosts: KnownHosts;
}

/**
 * Brings a host that answers SSH to a ready machine: reuses its engine when it already answers over
 * TLS with this cluster's certificates, otherwise (or when `fresh`) sets the engine up. Shared by
 * the local lab and generic hosts, so the lab tests the generic path for real.
 */
export async function prepareHost(
  spec: MachineSpec,
  /** `dnsNames`: names of the host (besides the machine's) that its engine's certificate carries. */
  host: { ip: string; ssh: SshEndpoint; providerId: string; dnsNames?: string[] },
  context: HostContext,
  options: {
    engineGraceMs?: number;
    sshTimeoutMs?: number;
    /** Settles once what the engine starts from is in place (a lab node's engine seed): set up only then. */
    engineStateWritten?: Promise<unknown>;
  } = {},
): Promise<MachineRecord> {
  const endpoint = engineEndpoint(host.ip, context.tls);
  const record: MachineRecord = {
    name: spec.name,
    role: spec.role,
    ip: host.ip,
    ssh: host.ssh,
    engine: endpoint,
    providerId: host.providerId,
  };

  // A machine whose engine answers with our certificates is ready as it is: skip SSH altogether.
  let probe = await probeEngine(endpoint, 2_000);
  // A machine that was just started may be a few seconds from its engine answering. One whose engine
  // answers with a certificate we cannot trust (another address, another CA) needs a new one now:
  // waiting cannot mend that.
  if (options.engineGraceMs && probe === 'no-answer') {
    probe = await waitFor(
      `${spec.name}'s engine`,
      async () => {
        const seen = await probeEngine(endpoint, 1_000);
        return seen === 'no-answer' ? undefined : seen;
      },
      { timeoutMs: options.engineGraceMs, intervalMs: 250 },
    ).catch(() => probe);
  }
  if (probe === 'answers') return record;

  const ssh = new SshSession(spec.name, host.ssh, context.knownHosts);
  try {
    await ssh.waitUntilReachable(options.sshTimeoutMs ?? 30_000);
    await options.engineStateWritten;
    await setUpEngine({ name: spec.name, ip: host.ip, dnsNames: host.dnsNames, ssh }, context.tls);
  } finally {
    ssh.dispose();
  }
  return record;
}
