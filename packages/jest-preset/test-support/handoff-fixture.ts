/**
 * A handoff as the preset's globalSetup writes it, for a cluster that does not exist: three machines
 * at 10.0.0.x (and, built to `dtr`, two replicas behind a load balancer), with placeholder TLS files in
 * the cluster's directory so that reading it with its file check passes. For tests of what a test
 * process does with a handoff; nothing here connects anywhere. Outside src/, so it is not published.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  buildHandoff,
  handoffPath,
  loadConfig,
  newRunId,
  writeHandoff,
  type Handoff,
} from '@dtr-ha/framework';

export interface HandoffFixture {
  /** The handoff file (what DTR_HA_HANDOFF names). */
  file: string;
  handoff: Handoff;
}

/** Writes the fixture's TLS files and handoff into `<stateDir>/<prefix>` (its cluster directory). */
export async function writeHandoffFixture(
  stateDir: string,
  built: Handoff['built'],
  prefix = 'unit',
): Promise<HandoffFixture> {
  const clusterDir = path.join(stateDir, prefix);
  const tls = path.join(clusterDir, 'tls');
  await fs.mkdir(tls, { recursive: true });
  for (const file of ['ca.pem', 'cert.pem', 'key.pem', 'id_ed25519', 'ucp-ca.pem']) {
    await fs.writeFile(path.join(tls, file), 'not a real pem\n');
  }
  await fs.writeFile(path.join(tls, 'dtr-ca.pem'), 'DTR CA PEM\n');
  const machine = (n: number) => ({
    name: `${prefix}-${n}`,
    role: n === 1 ? ('controller' as const) : ('replica' as const),
    ip: `10.0.0.${n}`,
    providerId: `c${n}`,
    ssh: { host: `10.0.0.${n}`, port: 22, user: 'root', privateKeyPath: path.join(tls, 'id_ed25519') },
    engine: {
      host: `10.0.0.${n}`,
      port: 2376,
      caPath: path.join(tls, 'ca.pem'),
      certPath: path.join(tls, 'cert.pem'),
      keyPath: path.join(tls, 'key.pem'),
    },
  });
  const machines = [machine(1), machine(2), machine(3)];
  const info =
    built === 'dtr'
      ? {
          machines,
          ucp: { url: 'https://10.0.0.1:8443', caPath: path.join(tls, 'ucp-ca.pem') },
          loadBalancer: { machine: `${prefix}-1`, host: '10.0.0.1', port: 443, url: 'https://10.0.0.1' },
          dtr: {
            caPath: path.join(tls, 'dtr-ca.pem'),
            replicas: [
              { id: 'aaaaaaaaaaaa', machine: `${prefix}-2`, url: 'https://10.0.0.2:443' },
              { id: 'bbbbbbbbbbbb', machine: `${prefix}-3`, url: 'https://10.0.0.3:443' },
            ],
          },
        }
      : { machines };
  // The configuration of the "globalSetup" process.
  const config = loadConfig({
    env: { HOME: stateDir, MACHINE_PREFIX: prefix, NUM_MACHINES: '3', DTR_HA_STATE_DIR: stateDir },
    cwd: stateDir,
  });
  const runId = newRunId();
  const file = handoffPath(clusterDir, runId);
  const handoff = buildHandoff({ config, clusterDir, info, built, runId });
  await writeHandoff(file, handoff);
  return { file, handoff };
}
