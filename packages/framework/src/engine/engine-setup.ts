import type { ClusterTls } from '../tls';
import { ensureServerCertificate } from '../tls';
import type { EngineEndpoint } from './engine-endpoint';
import type { SshSession } from '../ssh/ssh-session';
import { waitFor } from '../util/wait';
import { engineAnswers } from './engine-client';

export const enginePort = 2376;
const remoteTlsDir = '/etc/docker/dtr-ha';

/**
 * What docker-machine's generic driver does to a host, done by the framework over SSH: install a
 * server certificate for the host's IP (and any `dnsNames` it was listed by) signed by the cluster
 * CA, run dockerd with --tlsverify on 2376, and wait until the TLS API answers. Lab nodes go through
 * exactly this code.
 */
export async function setUpEngine(
  machine: { name: string; ip: string; dnsNames?: string[]; ssh: SshSession },
  tls: ClusterTls,
  options: { timeoutMs?: number } = {},
): Promise<EngineEndpoint> {
  const endpoint = engineEndpoint(machine.ip, tls);
  const server = await ensureServerCertificate(tls, machine.name, [machine.ip], machine.dnsNames);

  await machine.ssh.check(
    'command -v dockerd >/dev/null || { echo "dockerd is not installed on this host: install Docker first" >&2; exit 1; }',
  );
  // Side by side over the one connection (each is its own channel): one round trip, not three.
  await Promise.all([
    machine.ssh.writeFile(`${remoteTlsDir}/ca.pem`, tls.ca.cert, 0o644),
    machine.ssh.writeFile(`${remoteTlsDir}/server.pem`, server.cert, 0o644),
    machine.ssh.writeFile(`${remoteTlsDir}/server-key.pem`, server.key, 0o600),
  ]);
  await machine.ssh.check(engineSetupScript(machine.name));

  await waitFor(
    `the Docker engine of ${machine.name} to answer over TLS on ${machine.ip}:${enginePort}`,
    async () => ((await engineAnswers(endpoint, 2_000)) ? true : undefined),
    { timeoutMs: options.timeoutMs ?? 60_000, intervalMs: 200 },
  );
  return endpoint;
}

export function engineEndpoint(ip: string, tls: ClusterTls): EngineEndpoint {
  return { host: ip, port: enginePort, caPath: tls.caPath, certPath: tls.certPath, keyPath: tls.keyPath };
}

/**
 * The shell script run on the host. Hosts with systemd get a drop-in for docker.service (as
 * docker-machine writes one); a lab node has no init system, and its init script keeps dockerd
 * running with the arguments written to dockerd.args, so killing dockerd restarts it with them.
 */
export function engineSetupScript(machineName: string): string {
  const args = [
    '-H',
    'unix:///var/run/docker.sock',
    '-H',
    `tcp://0.0.0.0:${enginePort}`,
    '--tlsverify',
    `--tlscacert=${remoteTlsDir}/ca.pem`,
    `--tlscert=${remoteTlsDir}/server.pem`,
    `--tlskey=${remoteTlsDir}/server-key.pem`,
    `--label=dtr-ha.machine=${machineName}`,
  ];
  return `set -eu
if [ -x /usr/local/sbin/dtr-ha-node-init ]; then
  printf '%s\\n' ${args.map((a) => `'${a}'`).join(' ')} > ${remoteTlsDir}/dockerd.args
  pkill -x dockerd || true
elif [ -d /run/systemd/system ]; then
  mkdir -p /etc/systemd/system/docker.service.d
  cat > /etc/systemd/system/docker.service.d/10-dtr-ha.conf <<'UNIT'
[Service]
ExecStart=
ExecStart=/usr/bin/dockerd ${args.join(' ')}
UNIT
  systemctl daemon-reload
  systemctl restart docker
else
  echo "no systemd on this host: dtr-ha cannot manage its dockerd" >&2
  exit 1
fi
`;
}
