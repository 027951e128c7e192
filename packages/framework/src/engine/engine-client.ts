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

/**
 * What an engine says to a ping over verified TLS: it answers; it answers with a certificate that
 * does not name the address we reached it at (the machine has moved: only a new certificate helps);
 * or nothing within the timeout (down, starting, refusing us, another CA).
 */
export type EngineProbe = 'answers' | 'certificate-names-another-address' | 'no-answer';

export async function probeEngine(endpoint: EngineEndpoint, timeoutMs = 3_000): Promise<EngineProbe> {
  try {
    await engineClient(endpoint, { timeoutMs }).ping();
    return 'answers';
  } catch (error) {
    return (error as { code?: string }).code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? 'certificate-names-another-address'
      : 'no-answer';
  }
}

/** True when the engine answers a ping over verified TLS within the timeout. */
export async function engineAnswers(endpoint: EngineEndpoint, timeoutMs = 3_000): Promise<boolean> {
  return (await probeEngine(endpoint, timeoutMs)) === 'answers';
}
