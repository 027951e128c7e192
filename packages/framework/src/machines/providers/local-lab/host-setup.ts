import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import type Docker from 'dockerode';
import { gatherEngineFacts, probeHostEngine, type EngineFacts } from '../../../engine/host-engine';
import { findDebootstrap } from '../../../lab/debian-mirror';
import { runCommand } from '../../../util/run-command';
import { waitFor } from '../../../util/wait';

const defaultEngine = 'unix:///var/run/docker.sock';

/** What the lab's host is missing and dtr-ha may set up itself (LAB_HOST_SETUP). */
export interface HostSetupPlan {
  /** Debian packages to install with apt-get, in this order. */
  install: string[];
  /** How to start the engine, when it does not answer: systemd's unit, or dockerd in the background. */
  start?: 'systemd' | 'background';
}

/**
 * What to do for a host whose engine does not answer (`engineDown`) or that lacks debootstrap while the
 * lab's images still need building: undefined when there is nothing to do, or when dtr-ha may not do
 * it (not root, not Debian or Ubuntu, or DOCKER_HOST names an engine but the default: then the preflight's
 * message gives the command). Pure, so each case can be tested alone.
 */
export function hostSetupPlan(
  facts: Pick<EngineFacts, 'isRoot' | 'debianLike' | 'dockerdInstalled' | 'systemd' | 'dockerHost'>,
  needs: { engineDown: boolean; debootstrap: boolean; sshClient: boolean },
): HostSetupPlan | undefined {
  if (!facts.isRoot || !facts.debianLike) return undefined;
  // dockerd started here listens on the default socket: an engine DOCKER_HOST names anywhere else
  // (another host, another socket) is someone else's to start.
  if (needs.engineDown && facts.dockerHost && facts.dockerHost !== defaultEngine) return undefined;
  const install = [
    ...(needs.engineDown && !facts.dockerdInstalled ? ['docker.io'] : []),
    ...(needs.debootstrap ? ['debootstrap'] : []),
    ...(needs.sshClient ? ['openssh-client'] : []),
  ];
  const start = needs.engineDown ? (facts.systemd ? 'systemd' : 'background') : undefined;
  if (!install.length && !start) return undefined;
  return { install, ...(start ? { start } : {}) };
}

async function commandExists(name: string): Promise<boolean> {
  const found = await runCommand('sh', ['-c', `command -v ${name}`], { allowFailure: true });
  return found.code === 0;
}

/**
 * Installs and starts what the lab's host lacks, where LAB_HOST_SETUP allows and dtr-ha may (see
 * hostSetupPlan), saying each thing it does; returns whether it did anything. A failure says what
 * ran and what it printed. Anything it may not do is left to the preflight, which names the command.
 */
export async function setUpLabHost(
  docker: Docker,
  options: { imagesBuilt: boolean; progress: (line: string) => void },
): Promise<boolean> {
  const down = await probeHostEngine(docker, 3_000);
  const debootstrapMissing = !options.imagesBuilt && !(await findDebootstrap());
  if (!down && !debootstrapMissing) return false;
  const facts = await gatherEngineFacts(docker, new Error('not asked'));
  const plan = hostSetupPlan(facts, {
    engineDown: Boolean(down),
    debootstrap: debootstrapMissing,
    sshClient: !(await commandExists('ssh')),
  });
  if (!plan) return false;
  if (plan.install.length) {
    options.progress(`installing ${plan.install.join(', ')} with apt-get: the local lab needs them`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...plan.install],
    ]) {
      const ran = await runCommand('apt-get', args, { env, allowFailure: true });
      if (ran.code !== 0) {
        const tail = (ran.stderr || ran.stdout).trim().split('\n').slice(-5).join('\n');
        throw new Error(`apt-get ${args.join(' ')} exited with ${ran.code}: ${tail}`);
      }
    }
  }
  let cannotStart: Error | undefined;
  if (plan.start === 'systemd') {
    options.progress('starting the Docker engine: systemctl start docker');
    await runCommand('systemctl', ['start', 'docker']);
  } else if (plan.start === 'background') {
    options.progress(
      'starting the Docker engine: dockerd in the background, its log in /var/log/dockerd.log',
    );
    // Detached, in a session of its own: the engine outlives this run, as a service would.
    const log = openSync('/var/log/dockerd.log', 'a');
    const dockerd = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
    dockerd.on('error', (error) => (cannotStart = error));
    dockerd.unref();
    // A dockerd that cannot be run at all says so at once (its error comes on a later tick).
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (cannotStart) throw new Error(`cannot run dockerd: ${(cannotStart as Error).message}`);
  }
  if (plan.start) {
    await waitFor(
      'the Docker engine to answer after starting it (see /var/log/dockerd.log)',
      async () => {
        if (cannotStart) throw new Error(`cannot run dockerd: ${cannotStart.message}`);
        return (await probeHostEngine(docker, 2_000)) ? undefined : true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    options.progress('the Docker engine answers');
  }
  return true;
}
