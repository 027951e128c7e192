import https from 'node:https';
import type { DTRHATestSuite } from '@dtr-ha/jest-preset';

/**
 * Which replica answers a fresh connection to `url` (DTR's `X-Replica-Id` header). Each call opens its
 * own TCP connection, as a new client would, so the load balancer chooses again every time.
 */
export function replicaAnswering(suite: DTRHATestSuite, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      `${url}/_ping`,
      { ca: suite.dtrCaPem, agent: false, timeout: 5_000 },
      (response) => {
        response.resume();
        if (response.statusCode !== 200) reject(new Error(`${url}/_ping answered ${response.statusCode}`));
        else resolve(String(response.headers['x-replica-id']));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${url}/_ping timed out`)));
    request.on('error', reject);
  });
}

/** The replicas that `count` fresh connections through the load balancer reached. */
export async function replicasReached(suite: DTRHATestSuite, count: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) seen.add(await replicaAnswering(suite, suite.lb.url));
  return seen;
}
