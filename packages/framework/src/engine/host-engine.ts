import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { EngineUnreachableError } from '../util/failures';

/** Where dockerode connects for the host's engine: DOCKER_HOST, or the default socket. */
export function hostEngineAddress(docker: Docker): string {
  const modem = docker.modem as {
    socketPath?: string;
    host?: string;
    port?: number | string;
    protocol?: string;
  };
  if (modem.socketPath) return String(modem.socketPath);
  return `${modem.protocol ?? 'http'}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
}

/** What decides the advice for an engine that does not answer: what there is on this machine. */
export interface EngineFacts {
  /** Where the engine was looked for (a socket path, or DOCKER_HOST's URL). */
  address: string;
  /** DOCKER_HOST, when it is set. */
  dockerHost?: string;
  /** The error's code: ENOENT (no socket), ECONNREFUSED, EACCES, ETIMEDOUT, … */
  code?: string;
  message: string;
  isRoot: boolean;
  /** `dockerd` is installed (on PATH, /usr/bin or /usr/sbin). */
  dockerdInstalled: boolean;
  /** `debootstrap` is installed: when it is not, the install line brings it too (the lab needs it). */
  debootstrapInstalled: boolean;
  /** systemd runs this machine (/run/systemd/system): dockerd is a service there. */
  systemd: boolean;
  /** Debian or a derivative (apt-get installs docker.io). */
  debianLike: boolean;
}

/** What is wrong with an engine that does not answer, and what to do: each for its own line. */
export interface EngineAdvice {
  problem: string;
  /** The exact commands go on lines of their own, indented, so they can be copied whole. */
  fix: string;
}

/**
 * What to tell someone whose engine does not answer: what is wrong, and the exact command that mends
 * it here (root or not, systemd or not, Docker installed or not), as .ci/install-system-packages.sh
 * does it on Debian.
 */
export function engineUnreachableAdvice(facts: EngineFacts): EngineAdvice {
  const where = facts.dockerHost ? `DOCKER_HOST=${facts.dockerHost}` : facts.address;
  const seen = `no Docker engine answers at ${where} (${facts.message})`;
  if (facts.code === 'EACCES') {
    return {
      problem: `${seen}: this user may not use it`,
      fix:
        "run dtr-ha as root (the lab's image builds need root too), or give your user the engine: " +
        'sudo usermod -aG docker "$USER", then log in again',
    };
  }
  if (facts.dockerHost && !facts.dockerHost.startsWith('unix://')) {
    return {
      problem: seen,
      fix: "start that engine, or unset DOCKER_HOST to use this machine's own (/var/run/docker.sock)",
    };
  }
  const asRoot = (command: string) => (facts.isRoot ? command : `sudo sh -c '${command}'`);
  const start = facts.systemd ? 'systemctl start docker' : '(dockerd >/var/log/dockerd.log 2>&1 &)';
  const otherEngine = facts.dockerHost
    ? 'or unset DOCKER_HOST to use /var/run/docker.sock'
    : 'or set DOCKER_HOST to an engine that runs on this machine';
  if (facts.dockerdInstalled) {
    return {
      problem: `${seen}: Docker is installed but its engine is not running`,
      fix: `start it:\n  ${asRoot(start)}\n${otherEngine}`,
    };
  }
  if (facts.debianLike) {
    const packages = ['docker.io', ...(facts.debootstrapInstalled ? [] : ['debootstrap'])];
    const install = `apt-get update && apt-get install -y ${packages.join(' ')} && ${start}`;
    return {
      problem: `${seen}: Docker is not installed`,
      fix: `install what the lab needs and start the engine:\n  ${asRoot(install)}\n${otherEngine}`,
    };
  }
  return {
    problem: `${seen}: Docker is not installed`,
    fix: `install Docker Engine with this system's packages, then start it (${start}), ${otherEngine}`,
  };
}

async function executableIn(dirs: string[], name: string): Promise<boolean> {
  for (const dir of dirs) {
    const found = await fs
      .access(path.join(dir, name), constants.X_OK)
      .then(() => true)
      .catch(() => false);
    if (found) return true;
  }
  return false;
}

/** The facts of this machine that engineUnreachableAdvice decides on. */
export async function gatherEngineFacts(docker: Docker, error: unknown): Promise<EngineFacts> {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin'];
  const osRelease = await fs.readFile('/etc/os-release', 'utf8').catch(() => '');
  const ids = [/^ID=(.*)$/m, /^ID_LIKE=(.*)$/m].map((re) => re.exec(osRelease)?.[1].replace(/"/g, '') ?? '');
  return {
    address: hostEngineAddress(docker),
    dockerHost: process.env.DOCKER_HOST || undefined,
    code: (error as NodeJS.ErrnoException).code,
    message: (error as Error).message,
    isRoot: process.getuid?.() === 0,
    dockerdInstalled: await executableIn(dirs, 'dockerd'),
    debootstrapInstalled: await executableIn(dirs, 'debootstrap'),
    systemd: await fs
      .stat('/run/systemd/system')
      .then((s) => s.isDirectory())
      .catch(() => false),
    debianLike: /\b(debian|ubuntu)\b/.test(ids.join(' ')),
  };
}

/** Pings the host's engine: undefined when it answers, else what is wrong and what to do. */
export async function probeHostEngine(docker: Docker, timeoutMs = 5_000): Promise<EngineAdvice | undefined> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) =>
        setTimeout(
          () =>
            reject(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
          timeoutMs,
        ).unref(),
      ),
    ]);
    return undefined;
  } catch (error) {
    return engineUnreachableAdvice(await gatherEngineFacts(docker, error));
  }
}

/**
 * Pings the host's engine; when it does not answer, throws an EngineUnreachableError that says what
 * to run, instead of dockerode's bare `connect ENOENT /var/run/docker.sock`.
 */
export async function pingHostEngine(docker: Docker, timeoutMs?: number): Promise<void> {
  const advice = await probeHostEngine(docker, timeoutMs);
  if (advice) throw new EngineUnreachableError(`${advice.problem}. To go on, ${advice.fix}`);
}
