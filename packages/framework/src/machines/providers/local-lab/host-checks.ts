import * as os from 'node:os';
import type Docker from 'dockerode';
import type { Config } from '../../../config';
import { hostEngineAddress, pingHostEngine, probeHostEngine } from '../../../engine/host-engine';
import { removeLabelledContainers } from '../../../engine/run-to-completion';
import { findDebootstrap, locateDebianMirror, mirrorMissingSuite } from '../../../lab/debian-mirror';
import { imageExists, labImageTag } from '../../../lab/lab-image';
import { HostNotReadyError } from '../../../util/failures';
import { setUpLabHost } from './host-setup';
import { nodeHostConfig } from './node-host-config';

/**
 * What the local lab needs of the host it runs on, checked one by one (`dtr-ha doctor`), and the
 * cheap part of it checked before `up` makes anything (`labPreflight`): each check says what it found
 * and, for a miss, what to do.
 */
export interface CheckResult {
  name: string;
  /** `skipped`: it could not be judged (what it needs is missing or not made yet); `summary` says why. */
  status: 'ok' | 'miss' | 'skipped';
  summary: string;
  /** For a miss: what to do. */
  fix?: string;
}

const ok = (name: string, summary: string): CheckResult => ({ name, status: 'ok', summary });
const miss = (name: string, summary: string, fix: string): CheckResult => ({
  name,
  status: 'miss',
  summary,
  fix,
});
const skipped = (name: string, summary: string): CheckResult => ({ name, status: 'skipped', summary });

/**
 * Only Linux runs the lab: elsewhere the engine is Docker Desktop's, in a VM, and the nodes' addresses
 * on its bridge networks cannot be reached from the host, where the framework dials them.
 */
export function platformCheck(platform: NodeJS.Platform): CheckResult {
  const name = 'platform';
  if (platform === 'linux') return ok(name, 'Linux');
  const what = platform === 'darwin' ? 'macOS' : platform === 'win32' ? 'Windows' : platform;
  return miss(
    name,
    `${what} cannot run the local lab: its Docker engine (Docker Desktop) runs in a VM, so the lab nodes' ` +
      'addresses are not reachable from this host',
    'run dtr-ha on a Linux machine (or inside a Linux VM) with Docker Engine, or use machines that are not ' +
      'containers here: MACHINE_DRIVER=generic (GENERIC_MACHINE_LIST) or a docker-machine driver',
  );
}

/** What `docker info` says that decides whether the lab's nodes can run on this engine. */
export interface EngineInfo {
  ServerVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  SecurityOptions?: string[];
}

/** Rootless Docker and Docker Desktop cannot run the nodes; a Windows-containers engine neither. */
export function engineKindCheck(info: EngineInfo): CheckResult {
  const name = 'engine kind';
  const version = info.ServerVersion ? `Docker ${info.ServerVersion}` : 'Docker';
  if (info.OSType && info.OSType !== 'linux') {
    return miss(name, `${version} runs ${info.OSType} containers`, 'switch the engine to Linux containers');
  }
  if ((info.SecurityOptions ?? []).some((option) => /(^|,)name=rootless(,|$)/.test(option))) {
    return miss(
      name,
      `${version} is rootless: each lab node runs its own dockerd, which needs capabilities, cgroups and ` +
        'iptables that a rootless engine cannot give its containers',
      'use the rootful engine: as root, systemctl start docker (or dockerd), and DOCKER_HOST=unix:///var/run/docker.sock',
    );
  }
  if (/Docker Desktop/i.test(info.OperatingSystem ?? '')) {
    return miss(
      name,
      `${version} is Docker Desktop's, which runs in a VM: the lab nodes' addresses are not reachable from this host`,
      'run dtr-ha where Docker Engine runs on the host itself (Linux), or use MACHINE_DRIVER=generic',
    );
  }
  return ok(name, `${version} on ${info.OperatingSystem ?? 'Linux'}, rootful`);
}

/** debootstrap builds the lab's base images, as root; with all of them built already, neither is needed. */
export function rootCheck(uid: number | undefined, imagesBuilt: boolean): CheckResult {
  const name = 'root';
  if (uid === 0) return ok(name, 'running as root');
  if (imagesBuilt) return ok(name, 'not root, but the lab’s base images are built: debootstrap will not run');
  return miss(
    name,
    'not root: the lab images are built with debootstrap, which needs root',
    'run dtr-ha as root, e.g. sudo -E env "PATH=$PATH" npx dtr-ha up',
  );
}

export function debootstrapCheck(found: string | undefined, imagesBuilt: boolean): CheckResult {
  const name = 'debootstrap';
  if (found) return ok(name, found);
  if (imagesBuilt) return ok(name, 'not installed, but the lab’s base images are built: it will not run');
  return miss(name, 'not installed: the lab images are built with it', 'apt-get install -y debootstrap');
}

const mirrorFix =
  'set DTR_HA_DEBIAN_MIRROR to the URL of a Debian mirror that serves bookworm (dists/bookworm/Release)';

export function mirrorCheck(
  located: { mirror: string; file: string } | { problem: string },
  missingSuite: string | undefined,
): CheckResult {
  const name = 'Debian mirror';
  if ('problem' in located) return miss(name, located.problem, mirrorFix);
  if (missingSuite)
    return miss(name, `${located.mirror} (from ${located.file}) has no bookworm: ${missingSuite}`, mirrorFix);
  return ok(name, `${located.mirror} (from ${located.file}) serves bookworm`);
}

/**
 * The engine's bridge networks are on this host's own network stack when one of their gateways is an
 * address of this machine: then the lab nodes' addresses are reachable from here, as the framework
 * needs (SSH, each node's engine). An engine in a VM or elsewhere (DOCKER_HOST) has its bridges there.
 */
export function bridgeCheck(gateways: string[], local: Map<string, string>): CheckResult {
  const name = 'bridge addresses';
  if (!gateways.length) return skipped(name, 'the engine has no bridge network with a gateway to judge by');
  const here = gateways.find((gateway) => local.has(gateway));
  if (here) return ok(name, `reachable: the bridge gateway ${here} is on this host (${local.get(here)})`);
  return miss(
    name,
    `the engine's bridge gateways (${gateways.join(', ')}) are no address of this host: the engine runs ` +
      'elsewhere (a VM, Docker Desktop, a remote DOCKER_HOST), where the lab nodes could not be reached from here',
    "run dtr-ha on the engine's own host, with the engine at unix:///var/run/docker.sock",
  );
}

/** This machine's addresses, each with its interface's name. */
function localAddresses(): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const [name, entries] of Object.entries(os.networkInterfaces())) {
    for (const entry of entries ?? []) addresses.set(entry.address, name);
  }
  return addresses;
}

async function bridgeGateways(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks({ filters: { driver: ['bridge'] } });
  return networks.flatMap(
    (network) => (network.IPAM?.Config ?? []).map((c) => c.Gateway).filter(Boolean) as string[],
  );
}

/** The label of the doctor's trial node container, so that one a killed doctor left is removed first. */
const trialLabel = 'dtr-ha.task=doctor-node-flags';

/**
 * Whether the engine runs a container with a lab node's settings (capabilities, seccomp and AppArmor
 * unconfined, unmasked /proc, the host's cgroups): it starts one from the node image that runs `true`.
 * Without the node image there is nothing to start it from.
 */
async function nodeFlagsCheck(docker: Docker, nodeImage: string | undefined): Promise<CheckResult> {
  const name = 'node container flags';
  if (!nodeImage)
    return skipped(name, 'the lab node image is not built yet (the first `dtr-ha up` builds it)');
  await removeLabelledContainers(docker, trialLabel);
  const [key, value] = trialLabel.split('=');
  let container: Docker.Container | undefined;
  try {
    container = await docker.createContainer({
      Image: nodeImage,
      Entrypoint: ['/bin/true'],
      Cmd: [],
      Labels: { [key]: value },
      HostConfig: nodeHostConfig([]),
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`its trial command exited with ${StatusCode}`);
    return ok(name, 'the engine runs a container with a lab node’s settings');
  } catch (error) {
    return miss(
      name,
      `the engine refused a container with a lab node's settings: ${(error as Error).message}`,
      'the nodes need CAP_ALL but SYS_RESOURCE, seccomp and AppArmor unconfined, /proc unmasked and the ' +
        "host's cgroup namespace: run a rootful engine that allows them (not rootless, not in a restricted " +
        'container or VM), with cgroup v2 or v1 mounted at /sys/fs/cgroup',
    );
  } finally {
    await container?.remove({ force: true }).catch(() => undefined);
  }
}

async function nodeImageIfBuilt(docker: Docker): Promise<string | undefined> {
  const tag = await labImageTag('node');
  return (await imageExists(docker, tag)) ? tag : undefined;
}

/** The lab's recipes that debootstrap builds (the others are layers over these). */
const bootstrappedRecipes = ['node', 'haproxy', 'nfs-ganesha', 'standin-base'];

/** Whether every image debootstrap would build is there already: then neither it nor root is needed. */
async function basesBuilt(docker: Docker): Promise<boolean> {
  const tags = await Promise.all(bootstrappedRecipes.map((name) => labImageTag(name)));
  return (await Promise.all(tags.map((tag) => imageExists(docker, tag)))).every(Boolean);
}

/** Every check `dtr-ha doctor` makes, in order; those that need the engine are skipped without it. */
export async function labHostChecks(config: Config, docker: Docker): Promise<CheckResult[]> {
  const results: CheckResult[] = [platformCheck(process.platform)];
  let engine: CheckResult;
  let info: EngineInfo | undefined;
  const advice = await probeHostEngine(docker);
  if (advice) engine = miss('engine', advice.problem, advice.fix);
  else {
    info = (await docker.info()) as EngineInfo;
    engine = ok('engine', `answers at ${hostEngineAddress(docker)} (Docker ${info.ServerVersion ?? '?'})`);
  }
  results.push(engine);
  const nodeImage = info ? await nodeImageIfBuilt(docker) : undefined;
  const built = info ? await basesBuilt(docker) : false;
  results.push(
    info ? engineKindCheck(info) : skipped('engine kind', 'needs the engine'),
    rootCheck(process.getuid?.(), built),
    debootstrapCheck(await findDebootstrap(), built),
  );
  const located = await locateDebianMirror(config.debianMirror);
  results.push(
    mirrorCheck(located, 'problem' in located ? undefined : await mirrorMissingSuite(located.mirror)),
  );
  results.push(
    info ? await nodeFlagsCheck(docker, nodeImage) : skipped('node container flags', 'needs the engine'),
    info
      ? bridgeCheck(await bridgeGateways(docker), localAddresses())
      : skipped('bridge addresses', 'needs the engine'),
  );
  return results;
}

/**
 * The cheap checks, before `up` makes anything on the local lab: Linux, the engine answers (else the
 * command that starts it), it is one that can run the nodes, and root and debootstrap are there while
 * the base images must be built. Throws EngineUnreachableError or HostNotReadyError; `dtr-ha doctor` checks the rest.
 */
export async function labPreflight(
  docker: Docker,
  options: { setUpHost?: boolean; progress?: (line: string) => void } = {},
): Promise<void> {
  const refuse = (check: CheckResult) => {
    if (check.status === 'miss') {
      throw new HostNotReadyError(
        `${check.summary}. To go on: ${check.fix}. \`dtr-ha doctor\` checks the rest`,
      );
    }
  };
  refuse(platformCheck(process.platform));
  // LAB_HOST_SETUP: root on Debian or Ubuntu installs and starts what is missing (and says so)
  // instead of stopping with the command.
  if (options.setUpHost) {
    const engineUp = !(await probeHostEngine(docker, 3_000));
    await setUpLabHost(docker, {
      imagesBuilt: engineUp && (await basesBuilt(docker)),
      progress: options.progress ?? (() => undefined),
    });
  }
  await pingHostEngine(docker);
  refuse(engineKindCheck((await docker.info()) as EngineInfo));
  if (!(await basesBuilt(docker))) {
    refuse(rootCheck(process.getuid?.(), false));
    refuse(debootstrapCheck(await findDebootstrap(), false));
  }
}
