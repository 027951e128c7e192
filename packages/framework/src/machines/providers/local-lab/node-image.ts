import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { runCommand } from '../../../util/run-command';
import type { Progress } from '../../types';

/** The recipe folder shipped with the package: `lab/node` (packages.txt, init.sh, README.md). */
export const nodeRecipeDir = path.resolve(__dirname, '../../../../lab/node');
const imageRepository = 'dtrha-lab-node';
const debianSuite = 'bookworm';

/** A hash of every file of the recipe: the image tag, so a changed recipe means a new image. */
export async function recipeHash(dir = nodeRecipeDir): Promise<string> {
  const hash = createHash('sha256').update(debianSuite);
  for (const name of (await fs.readdir(dir)).sort()) {
    hash.update(name).update('\0').update(await fs.readFile(path.join(dir, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

export async function nodeImageTag(): Promise<string> {
  return `${imageRepository}:${await recipeHash()}`;
}

/**
 * The Debian mirror to bootstrap from: DTR_HA_DEBIAN_MIRROR when set, else the first mirror of this
 * machine's own apt sources (we never write an archive's host into the repository).
 */
export async function findDebianMirror(explicit?: string): Promise<string> {
  if (explicit) return explicit;
  const candidates = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];
  for (const file of candidates) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/m.exec(text);
    if (oneLine) return oneLine[1];
  }
  throw new Error(
    'cannot find a Debian mirror to build the lab node image: set DTR_HA_DEBIAN_MIRROR ' +
      `(no mirror found in ${candidates.join(' or ')})`,
  );
}

/**
 * Makes sure the lab node image exists on the host engine, building it offline when its recipe
 * changed: debootstrap a minimal Debian with the recipe's packages, add init.sh, `docker import`.
 * Returns the image tag.
 */
export async function ensureNodeImage(
  docker: Docker,
  options: { debianMirror?: string; progress?: Progress } = {},
): Promise<{ tag: string; built: boolean }> {
  const tag = await nodeImageTag();
  if (await imageExists(docker, tag)) return { tag, built: false };

  const progress = options.progress ?? (() => undefined);
  const mirror = await findDebianMirror(options.debianMirror);
  const packages = (await fs.readFile(path.join(nodeRecipeDir, 'packages.txt'), 'utf8'))
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-node-rootfs-'));
  try {
    progress(`building ${tag}: debootstrap ${debianSuite} with ${packages.join(', ')}`);
    await runCommand('debootstrap', [
      '--variant=minbase',
      `--include=${packages.join(',')}`,
      debianSuite,
      root,
      mirror,
    ]).catch((error: Error) => {
      if (/cannot run debootstrap/.test(error.message)) {
        throw new Error('debootstrap is needed to build the lab node image: apt-get install debootstrap');
      }
      throw error;
    });
    // Host keys made by openssh-server's install would be shared by every node: init.sh makes each its own.
    for (const file of await fs.readdir(path.join(root, 'etc/ssh'))) {
      if (file.startsWith('ssh_host_')) await fs.rm(path.join(root, 'etc/ssh', file));
    }
    // Keep the image small: package lists and caches are of no use inside a node.
    await fs.rm(path.join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    await fs.rm(path.join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
    await fs.copyFile(path.join(nodeRecipeDir, 'init.sh'), path.join(root, 'usr/local/sbin/dtr-ha-node-init'));
    await fs.chmod(path.join(root, 'usr/local/sbin/dtr-ha-node-init'), 0o755);

    progress(`importing ${tag}`);
    await importRootfs(docker, root, tag);
    return { tag, built: true };
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

async function importRootfs(docker: Docker, root: string, tag: string): Promise<void> {
  const [repo, version] = tag.split(':');
  // tar keeps numeric owners and device nodes as debootstrap made them; the engine reads the stream.
  const tar = spawn('tar', ['--numeric-owner', '-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tar.stderr.on('data', (chunk) => (tarError += chunk));
  const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? -1)));
  const response = await docker.importImage(tar.stdout, {
    repo,
    tag: version,
    changes: ['ENTRYPOINT ["/usr/local/sbin/dtr-ha-node-init"]', 'LABEL dtr-ha.image=lab-node'],
  } as unknown as Record<string, unknown>);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(response, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  const code = await tarDone;
  if (code !== 0) {
    await docker.getImage(tag).remove().catch(() => undefined);
    throw new Error(`tar of the lab node rootfs failed (${code}): ${tarError.trim()}`);
  }
}
