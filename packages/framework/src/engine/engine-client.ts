import { readFileSync } from 'node:fs';
import https from 'node:https';
import Docker from 'dockerode';
import type { EngineEndpoint } from './engine-endpoint';

/**
 * A dockerode client for a cluster engine. Always TLS with the cluster CA and our client
 * certificate: the engine's certificate is verified (hostname/IP against its SANs, chain against
 * the CA), and the engine verifies ours.
 */
export function engineClient(endpoint: EngineEndpoint, options: { timeoutMs?: number } = {}): Docker {
  // docker-modem takes an `agent`; @types/dockerode does not list it.
  const dockerOptions: Docker.DockerOptions & { agent: https.Agent } = {
    protocol: 'https',
    host: endpoint.host,
    port: endpoint.port,
    ca: readFileSync(endpoint.caPath),
    cert: readFileSync(endpoint.certPath),
    key: readFileSync(endpoint.keyPath),
    timeout: options.timeoutMs,
    // No idle keep-alive sockets: Node's default agent keeps them open for seconds after the last
    // call, which keeps test processes and the CLI alive after their work is done.
    agent: new https.Agent({ keepAlive: false }),
  };
  const client = new Docker(dockerOptions);
  engineNames.set(client, endpoint.host);
  return client;
}

/** What each engine client is of: a machine's name once its Machine says so, else the engine's host. */
const engineNames = new WeakMap<Docker, string>();

/** Names the machine an engine client reaches (for the commands `--verbose` shows). */
export function nameEngine(client: Docker, machine: string): void {
  engineNames.set(client, machine);
}

/** The machine (or host) an engine client reaches; `host` for this host's own engine. */
export function engineName(client: Docker): string {
  return engineNames.get(client) ?? 'host';
}

/**
 * What an engine says to a ping over verified TLS: it answers; it answers TLS with a certificate we
 * cannot trust here (one that names another address: the machine moved; one of another CA: the
 * cluster's state was made again), which only a new certificate mends; or nothing within the timeout
 * (down, starting, or refusing our client certificate).
 */
export type EngineProbe = 'answers' | 'untrusted-certificate' | 'no-answer';

/** Node's codes for a server certificate that fails verification (OpenSSL's names, and Node's own). */
const untrustedCertificate = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
]);

export async function probeEngine(endpoint: EngineEndpoint, timeoutMs = 3_000): Promise<EngineProbe> {
  try {
    await engineClient(endpoint, { timeoutMs }).ping();
    return 'answers';
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code && untrustedCertificate.has(code) ? 'untrusted-certificate' : 'no-answer';
  }
}

/** True when the engine answers a ping over verified TLS within the timeout. */
export async function engineAnswers(endpoint: EngineEndpoint, timeoutMs = 3_000): Promise<boolean> {
  return (await probeEngine(endpoint, timeoutMs)) === 'answers';
}
