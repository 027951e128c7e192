import type Docker from 'dockerode';
import { connect } from 'node:net';
import { runToCompletion } from '../engine/run-to-completion';
import type { Machine } from '../machines/machine';
import { haproxyContainer } from '../products/dtr/names';
import { waitFor } from '../util/wait';

export interface Backend {
  /** The replica ID: the server's name in haproxy.cfg. */
  id: string;
  ip: string;
  port: number;
}

/** The load balancer's container, named among DTR's (products/dtr/names). */
export { haproxyContainer };
const configDir = '/etc/dtr-ha/haproxy';
const inContainer = '/usr/local/etc/haproxy';

/**
 * Where HAProxy answers its stats socket: the loopback of its own container, so nothing outside the
 * container can reach it and no port is published; `haproxy-stats.ts` reads it with `docker exec`.
 */
export const statsSocket = { host: '127.0.0.1', port: 9999 };

const serverPrefix = 'replica-';

/** A replica's server name in haproxy.cfg (and so in HAProxy's logs and statistics). */
export function serverName(replicaId: string): string {
  return `${serverPrefix}${replicaId}`;
}

/** The replica ID a server of ours is named after, or undefined for any other name. */
export function replicaOfServer(name: string): string | undefined {
  return name.startsWith(serverPrefix) ? name.slice(serverPrefix.length) : undefined;
}

/**
 * The documented HAProxy setup for DTR, made explicit: TCP passthrough on 443 (TLS ends at the replicas, so clients
 * see DTR's certificate), round robin, and a health check of each replica's health path (the one its
 * release's load balancer page names: `/_ping` in DTR 2.7, `/load_balancer_status` in 2.0) over TLS verified
 * against DTR's CA, so a dead replica leaves the rotation within a few seconds. Plus HAProxy's own
 * statistics on a stats socket, which tell which replica took each connection: DTR's answers do not.
 */
export function renderHaproxyConfig(
  backends: Backend[],
  options: { port?: number; checkPath?: string } = {},
): string {
  if (!backends.length) throw new Error('the load balancer needs at least one DTR replica');
  const servers = backends
    .map(
      (b) =>
        `  server ${serverName(b.id)} ${b.ip}:${b.port} check check-ssl verify required ca-file ${inContainer}/dtr-ca.pem inter 1s fall 2 rise 2`,
    )
    .join('\n');
  return `# Rendered by dtr-ha: do not edit, the next \`up\` rewrites it.
global
  log stdout format raw local0 info
  maxconn 4096
  # Configuration Manual, 3.1 "Process management and security" (stats socket; "ipv4@" is in 11
  # "Address formats"): the Management Guide's 9.3 "Unix Socket commands" on a TCP socket, because
  # the image has no client for a UNIX one (no socat) while its bash can open /dev/tcp. Bound to the
  # container's loopback and not published. 5.1 "Bind options": level user, read-only.
  stats socket ipv4@${statsSocket.host}:${statsSocket.port} level user

defaults
  log global
  option tcplog
  timeout connect 10s
  timeout client 1m
  timeout server 1m
  timeout check 3s

frontend dtr
  bind *:${options.port ?? 443}
  mode tcp
  default_backend replicas

backend replicas
  mode tcp
  balance roundrobin
  option httpchk GET ${options.checkPath ?? '/_ping'}
  http-check expect status 200
${servers}
`;
}

async function running(docker: Docker): Promise<{ running: boolean; image?: string }> {
  const info = await docker
    .getContainer(haproxyContainer)
    .inspect()
    .catch(() => undefined);
  return { running: info?.State.Running === true, image: info?.Config.Image };
}

/**
 * The image HAProxy runs from on `machine`, as its container was created: for deploying it again in
 * front of other replicas from a process that built no images (a test file's).
 */
export async function haproxyImageOn(machine: Machine): Promise<string> {
  const { image } = await running(machine.getClient());
  if (!image) throw new Error(`no HAProxy container (${haproxyContainer}) on ${machine.name}`);
  return image;
}

/**
 * Runs HAProxy on `machine` publishing `port`: writes the configuration and DTR's CA, validates them
 * with `haproxy -c` in the image before anything runs, (re)starts the container when the
 * configuration or image changed, and checks its logs for alerts.
 */
export async function deployHaproxy(
  machine: Machine,
  image: string,
  backends: Backend[],
  dtrCaPem: string,
  options: { port?: number; checkPath?: string; detail?: (message: string) => void } = {},
): Promise<{ changed: boolean }> {
  const port = options.port ?? 443;
  const config = renderHaproxyConfig(backends, { port, checkPath: options.checkPath });
  const docker = machine.getClient();
  const current = await machine.ssh(
    `cat ${configDir}/haproxy.cfg 2>/dev/null; echo; cat ${configDir}/dtr-ca.pem 2>/dev/null`,
  );
  const state = await running(docker);
  if (state.running && state.image === image && current.stdout === `${config}\n${dtrCaPem}`.trimEnd()) {
    return { changed: false };
  }

  // Validate the new files in a staging folder before they replace what runs.
  const staging = `${configDir}.next`;
  await machine.upload(`${staging}/haproxy.cfg`, config, 0o644);
  await machine.upload(`${staging}/dtr-ca.pem`, dtrCaPem, 0o644);
  const check = await runToCompletion(docker, {
    image,
    cmd: ['haproxy', '-c', '-f', `${inContainer}/haproxy.cfg`],
    binds: [`${staging}:${inContainer}:ro`],
    task: 'dtr-ha.task=haproxy-check',
  });
  if (check.code !== 0) {
    throw new Error(
      `haproxy -c rejected the configuration on ${machine.name}: ${(check.stdout + check.stderr).trim()}`,
    );
  }
  const swapped = await machine.ssh(`rm -rf ${configDir} && mv ${staging} ${configDir}`);
  if (swapped.code !== 0) throw new Error(`cannot install haproxy.cfg on ${machine.name}: ${swapped.stderr}`);

  await docker
    .getContainer(haproxyContainer)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await docker.createContainer({
    name: haproxyContainer,
    Image: image,
    Labels: { 'dtr-ha.role': 'load-balancer' },
    ExposedPorts: { [`${port}/tcp`]: {} },
    HostConfig: {
      Binds: [`${configDir}:${inContainer}:ro`],
      PortBindings: { [`${port}/tcp`]: [{ HostPort: String(port) }] },
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  await container.start();
  options.detail?.(
    `HAProxy on ${machine.name}:${port} → ${backends.map((b) => `${b.ip}:${b.port}`).join(', ')}`,
  );

  // HAProxy reports a configuration it cannot use as [ALERT] lines and exits: catch that here, once it
  // listens (or has stopped trying).
  await waitFor(
    `HAProxy on ${machine.name}:${port}`,
    async () =>
      (await container.inspect()).State.Running ? (await listens(machine.getIP(), port)) || undefined : true,
    { timeoutMs: 5_000, intervalMs: 50 },
  ).catch(() => undefined);
  const inspect = await container.inspect();
  const logs = ((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer).toString('utf8');
  if (!inspect.State.Running || /\[ALERT\]/.test(logs)) {
    throw new Error(
      `HAProxy on ${machine.name} is not running cleanly:\n${logs.trim().split('\n').slice(-10).join('\n')}`,
    );
  }
  return { changed: true };
}

/** Whether something accepts TCP connections at host:port (within a second). */
function listens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
