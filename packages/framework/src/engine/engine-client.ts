import { readFileSync } from 'node:fs';
import https from 'node:https';
import Docker from 'dockerode';
import type { EngineEndpoint } from '../machines/types';

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
  return new Docker(dockerOptions);
}

/** True when the engine answers a ping over verified TLS within the timeout. */
export async function engineAnswers(endpoint: EngineEndpoint, timeoutMs = 3_000): Promise<boolean> {
  try {
    await engineClient(endpoint, { timeoutMs }).ping();
    return true;
  } catch {
    return false;
  }
}
