import { promises as fs } from 'node:fs';
import https from 'node:https';
import axios from 'axios';
import type Docker from 'dockerode';
import type { Config, UpTarget } from '../config';
import { probeEngine, type EngineProbe } from '../engine/engine-client';
import { providerRegistration } from '../machines/providers';
import type { MachineState } from '../machines/types';
import { releaseProfileOf } from '../releases';
import { clusterStateDir } from '../state/private-files';
import { readClusterFile } from './cluster-file';
import type { ClusterInfo } from './cluster-info';

/** What a health check of one HTTPS endpoint found: it answered healthy, or not (and why). */
export interface Health {
  health: 'healthy' | 'unhealthy';
  /** Why it is not healthy: the status it answered, or the error of the request. */
  detail?: string;
}

export interface MachineStatus {
  name: string;
  role?: string;
  state: MachineState;
  ip?: string;
  /** The machine's engine over verified TLS; `not-recorded`: no record of it in cluster.json. */
  engine: { url?: string; status: EngineProbe | 'not-recorded' | 'not-running' };
  /** What `up` did with it (only in `up --json`). */
  action?: string;
}

/** The cluster as it is now: `dtr-ha status`, and `up --json` after it. One JSON document of it. */
export interface ClusterStatus {
  prefix: string;
  driver: string;
  /** `<DTR_HA_STATE_DIR>/<prefix>`. */
  stateDir: string;
  /** How far it was built, by its record: undefined when nothing is recorded. */
  built?: UpTarget;
  machines: MachineStatus[];
  ucp?: { url: string } & Health;
  dtr?: { replicas: ({ id: string; machine: string; url: string } & Health)[] };
  loadBalancer?: { machine: string; url: string } & Health;
}

/** How far a cluster record says its cluster was built. */
export function builtAs(info: ClusterInfo | undefined): UpTarget | undefined {
  if (!info) return undefined;
  if (info.dtr && info.loadBalancer) return 'dtr';
  return info.ucp ? 'ucp' : 'machines';
}

/** One HTTPS GET verified against the CA in `caPath`: healthy on 200 (and not `Healthy: false`). */
async function httpsHealth(url: string, caPath: string, timeoutMs: number): Promise<Health> {
  try {
    const ca = await fs.readFile(caPath, 'utf8');
    const response = await axios.get(url, {
      httpsAgent: new https.Agent({ ca, keepAlive: false }),
      timeout: timeoutMs,
      validateStatus: () => true,
    });
    // DTR 2.7's /_ping says { Healthy, Error } (contracts/dtr-2.7.ts).
    const body = response.data as { Healthy?: unknown; Error?: unknown } | undefined;
    if (response.status === 200 && body?.Healthy !== false) return { health: 'healthy' };
    const error = typeof body?.Error === 'string' && body.Error ? `: ${body.Error}` : '';
    return { health: 'unhealthy', detail: `${url} answered ${response.status}${error}` };
  } catch (error) {
    return { health: 'unhealthy', detail: `${url}: ${(error as Error).message}` };
  }
}

/**
 * The cluster's machines (as its provider finds them), each one's engine over verified TLS, and,
 * as far as the record says it was built, UCP's, each DTR replica's and the load balancer's health
 * by their unauthenticated health paths. Reads only: nothing is made, not even a state directory.
 */
export async function clusterStatus(
  config: Config,
  options: { hostDocker?: Docker; timeoutMs?: number } = {},
): Promise<ClusterStatus> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const dir = clusterStateDir(config.stateDir, config.machinePrefix);
  const [found, info] = await Promise.all([
    providerRegistration(config.machineDriver).find(config, options.hostDocker),
    readClusterFile(dir),
  ]);
  const records = new Map((info?.machines ?? []).map((r) => [r.name, r]));
  const machines = await Promise.all(
    found.map(async (machine): Promise<MachineStatus> => {
      const record = records.get(machine.name);
      if (!record) return { name: machine.name, state: machine.state, engine: { status: 'not-recorded' } };
      const url = `tcp://${record.engine.host}:${record.engine.port}`;
      const status =
        machine.state === 'stopped' ? 'not-running' : await probeEngine(record.engine, timeoutMs);
      return {
        name: machine.name,
        role: record.role,
        state: machine.state,
        ip: record.ip,
        engine: { url, status },
      };
    }),
  );
  // A recorded machine its provider no longer finds (removed by hand, its container gone) is missing.
  const foundNames = new Set(found.map((m) => m.name));
  for (const record of info?.machines ?? []) {
    if (foundNames.has(record.name)) continue;
    machines.push({
      name: record.name,
      role: record.role,
      state: 'missing',
      ip: record.ip,
      engine: { url: `tcp://${record.engine.host}:${record.engine.port}`, status: 'not-running' },
    });
  }
  const status: ClusterStatus = {
    prefix: config.machinePrefix,
    driver: config.machineDriver,
    stateDir: dir,
    built: builtAs(info),
    machines,
  };
  if (info?.ucp) {
    status.ucp = {
      url: info.ucp.url,
      ...(await httpsHealth(`${info.ucp.url}/_ping`, info.ucp.caPath, timeoutMs)),
    };
  }
  const healthPath = releaseProfileOf(config).driver.dtr.healthPath;
  if (info?.dtr) {
    const caPath = info.dtr.caPath;
    status.dtr = {
      replicas: await Promise.all(
        info.dtr.replicas.map(async (r) => ({
          ...r,
          ...(await httpsHealth(`${r.url}${healthPath}`, caPath, timeoutMs)),
        })),
      ),
    };
    if (info.loadBalancer) {
      const { machine, url } = info.loadBalancer;
      status.loadBalancer = {
        machine,
        url,
        ...(await httpsHealth(`${url}${healthPath}`, caPath, timeoutMs)),
      };
    }
  }
  return status;
}
