import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { runCommand } from '../util/run-command';
import { followToEnd } from '../engine/follow-progress';
import type { Progress } from '../util/progress';
import { contractsByName } from '../contracts';
import { debianSuite, findDebianMirror, findDebootstrap } from './debian-mirror';

export { findDebianMirror } from './debian-mirror';

/**
 * Lab images are built offline (no registry can be reached on our machines): a recipe folder under
 * `packages/framework/lab/<name>/` holds `image.json` (repository, entrypoint, cmd, env), an optional
 * `rootfs/` overlay and either `packages.txt` (Debian packages, debootstrapped into one layer) or, in
 * `image.json`, `from`: another recipe whose image it is built on, adding its `rootfs/` as one thin
 * layer. Images built on one base share its layer, so a node that has one of them loads only the thin
 * layer of the other. The tag is a hash of the folder (and of the base's tag), so an image is rebuilt
 * only when its recipe changes.
 */
export const labRecipesDir = path.resolve(__dirname, '../../lab');

interface ImageManifest {
  repository: string;
  /** The recipe this image is built on (its rootfs becomes one layer over that image). */
  from?: string;
  /** Prune what a runtime-only image never uses (see `slimPruned`). */
  slim?: boolean;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  /** Drop host keys made by openssh-server's install, so that each container makes its own. */
  removeSshHostKeys?: boolean;
  /** Paths (relative to the rootfs) removed to keep the image small. */
  prune?: string[];
  /**
   * A release contract ('ucp-1.1', 'dtr-2.7': contracts/index.ts) written into the image as
   * `/opt/standin-release/contract.json`, so that a stand-in reads the commands and flags it accepts
   * from the one copy the framework's own tests check its command lines against. Only with `from`.
   */
  contract?: string;
}

/** The label every lab image carries with the name of the recipe it was built from. */
export const recipeNameLabel = 'dtr-ha.recipe-name';
/** The tag an image was built as (`<repository>:<recipe hash>`): what tells a build from an alias. */
export const recipeLabel = 'dtr-ha.recipe';

/**
 * The label with the recipes folder an image was built from: a second checkout of the repository
 * (a worktree, another branch) builds its own images and must not remove this one's as "older".
 */
export const recipesDirLabel = 'dtr-ha.recipes-dir';

/** Where a recipe's `contract` is written in its image. */
export const contractPathInImage = '/opt/standin-release/contract.json';

function contractJson(recipe: string, name: string): string {
  const contract = contractsByName[name];
  if (!contract)
    throw new Error(
      `lab image recipe ${recipe} names contract ${name}, which is not one of ${Object.keys(contractsByName).join(', ')}`,
    );
  return `${JSON.stringify(contract, null, 2)}\n`;
}

const alwaysPruned = [
  'var/cache/apt/archives',
  'var/lib/apt/lists',
  'usr/share/doc',
  'usr/share/man',
  'usr/share/info',
];

/**
 * What `slim` images drop on top of `alwaysPruned`: they run one program and never apt, dpkg, perl or
 * a locale. Loading an image costs a node's engine per file, and these are most of the files.
 */
const slimPruned = [
  'usr/share/locale',
  'usr/share/i18n',
  'usr/share/zoneinfo',
  'usr/share/common-licenses',
  'usr/share/lintian',
  'usr/share/bash-completion',
  'usr/share/perl5',
  'usr/lib/x86_64-linux-gnu/perl-base',
  'usr/lib/x86_64-linux-gnu/gconv',
  'var/lib/dpkg/info',
  'var/cache/debconf',
];

export function recipeDir(name: string): string {
  return path.join(labRecipesDir, name);
}

/** A hash of every file of the recipe (names, modes and contents), walked in a stable order. */
export async function recipeHash(dir: string): Promise<string> {
  const hash = createHash('sha256').update(debianSuite);
  const walk = async (relative: string): Promise<void> => {
    const entries = (await fs.readdir(path.join(dir, relative), { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const rel = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        hash.update(`dir ${rel}\0`);
        await walk(rel);
      } else {
        const stat = await fs.stat(path.join(dir, rel));
        hash.update(`file ${rel} ${stat.mode & 0o777}\0`).update(await fs.readFile(path.join(dir, rel)));
      }
    }
  };
  await walk('');
  return hash.digest('hex').slice(0, 12);
}

interface Recipe {
  name: string;
  dir: string;
  manifest: ImageManifest;
  tag: string;
}

async function readRecipe(name: string, labDir = labRecipesDir, seen: string[] = []): Promise<Recipe> {
  if (seen.includes(name))
    throw new Error(`lab image recipes build on each other in a loop: ${[...seen, name].join(' → ')}`);
  const dir = path.join(labDir, name);
  const manifest = await readManifest(dir);
  let hash = await recipeHash(dir);
  if (manifest.contract) {
    // The contract is part of the recipe: a change to it makes a new image.
    hash = createHash('sha256')
      .update(hash)
      .update(contractJson(name, manifest.contract))
      .digest('hex')
      .slice(0, 12);
  }
  if (manifest.from) {
    // A new base makes a new image on it, even when this folder did not change.
    const base = await readRecipe(manifest.from, labDir, [...seen, name]);
    hash = createHash('sha256').update(`${hash} on ${base.tag}`).digest('hex').slice(0, 12);
  }
  return { name, dir, manifest, tag: `${manifest.repository}:${hash}` };
}

/** `<repository>:<hash>` of the recipe `name` (in `labDir`, the framework's own by default). */
export async function labImageTag(name: string, labDir = labRecipesDir): Promise<string> {
  return (await readRecipe(name, labDir)).tag;
}

const building = new Map<string, Promise<{ tag: string; built: boolean }>>();

/**
 * Makes sure the lab image of recipe `name` exists on `docker`, building it (and its base) when its
 * recipe changed. Concurrent calls in one process share one build.
 */
export function ensureLabImage(
  docker: Docker,
  name: string,
  options: { debianMirror?: string; progress?: Progress } = {},
): Promise<{ tag: string; built: boolean }> {
  const pending = building.get(name) ?? buildIfMissing(docker, name, options);
  building.set(name, pending);
  pending.finally(() => building.delete(name)).catch(() => undefined);
  return pending;
}

async function buildIfMissing(
  docker: Docker,
  name: string,
  options: { debianMirror?: string; progress?: Progress },
): Promise<{ tag: string; built: boolean }> {
  const recipe = await readRecipe(name);
  if (await imageExists(docker, recipe.tag)) return { tag: recipe.tag, built: false };
  await reapAbandonedRootfs();
  if (recipe.manifest.from) {
    const base = await ensureLabImage(docker, recipe.manifest.from, options);
    await buildOnBase(docker, recipe, base.tag, options.progress ?? (() => undefined));
    await removeOlderBuilds(docker, recipe.manifest.repository, recipe.tag);
    // An older base goes once no image is built on it any more (the engine refuses before).
    await removeOlderBuilds(docker, base.tag.split(':')[0], base.tag);
  } else {
    await bootstrapImage(docker, recipe, options);
    await removeOlderBuilds(docker, recipe.manifest.repository, recipe.tag);
  }
  return { tag: recipe.tag, built: true };
}

/** debootstrap a minimal Debian with the recipe's packages, lay the rootfs overlay over it, import. */
async function bootstrapImage(
  docker: Docker,
  { name, dir, manifest, tag }: Recipe,
  options: { debianMirror?: string; progress?: Progress },
): Promise<void> {
  const progress = options.progress ?? (() => undefined);
  const mirror = await findDebianMirror(options.debianMirror);
  const packages = (await fs.readFile(path.join(dir, 'packages.txt'), 'utf8'))
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean);
  const root = await builderTempDir(name);
  try {
    const debootstrap = await findDebootstrap();
    if (!debootstrap) {
      throw new Error('debootstrap is needed to build the lab images: apt-get install -y debootstrap');
    }
    progress(`building ${tag}: debootstrap ${debianSuite} with ${packages.join(', ')}`);
    await runCommand(debootstrap, [
      '--variant=minbase',
      `--include=${packages.join(',')}`,
      debianSuite,
      root,
      mirror,
    ]);
    if (manifest.removeSshHostKeys) {
      for (const file of await fs.readdir(path.join(root, 'etc/ssh'))) {
        if (file.startsWith('ssh_host_')) await fs.rm(path.join(root, 'etc/ssh', file));
      }
    }
    const pruned = [...alwaysPruned, ...(manifest.slim ? slimPruned : []), ...(manifest.prune ?? [])];
    for (const prune of pruned) {
      await fs.rm(path.join(root, prune), { recursive: true, force: true });
    }
    const overlay = path.join(dir, 'rootfs');
    if (await fs.stat(overlay).catch(() => undefined)) {
      await fs.cp(overlay, root, { recursive: true, force: true });
    }
    progress(`importing ${tag}`);
    await importRootfs(docker, root, tag, manifest, name);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

/**
 * Builds the recipe's `rootfs/` as one layer over its base image, with the engine's own builder (no
 * network: the Dockerfile only copies).
 */
async function buildOnBase(
  docker: Docker,
  { name, dir, manifest, tag }: Recipe,
  baseTag: string,
  progress: Progress,
) {
  const context = await builderTempDir(name);
  try {
    progress(`building ${tag} on ${baseTag}`);
    const lines = [`FROM ${baseTag}`, ...imageSettings(tag, manifest, name)];
    if (await fs.stat(path.join(dir, 'rootfs')).catch(() => undefined)) {
      await fs.cp(path.join(dir, 'rootfs'), path.join(context, 'rootfs'), { recursive: true });
      lines.splice(1, 0, 'COPY rootfs/ /');
    }
    if (manifest.contract) {
      await fs.writeFile(path.join(context, 'contract.json'), contractJson(name, manifest.contract));
      lines.splice(1, 0, `COPY contract.json ${contractPathInImage}`);
    }
    await fs.writeFile(path.join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
    await sendTar(docker, tag, ['-C', context, '-c', '.'], 'build context', async (stream) => {
      const response = await docker.buildImage(stream, { t: tag, rm: true, forcerm: true });
      await followToEnd(docker, response, `building ${tag}`);
    });
  } finally {
    await fs.rm(context, { recursive: true, force: true });
  }
}

/** The builder's pid in the name lets a later build tell an abandoned folder from one in use. */
function builderTempDir(name: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `dtrha-${name}-rootfs-${process.pid}-`));
}

/** The Dockerfile instructions of the manifest's settings (also `docker import`'s `changes`). */
function imageSettings(tag: string, manifest: ImageManifest, recipe: string): string[] {
  // The recipe's name tells its builds apart from other recipes' in the same repository.
  const settings = [
    `LABEL ${recipeLabel}=${tag} ${recipeNameLabel}=${recipe} ${recipesDirLabel}=${JSON.stringify(labRecipesDir)}`,
  ];
  if (manifest.entrypoint) settings.push(`ENTRYPOINT ${JSON.stringify(manifest.entrypoint)}`);
  if (manifest.cmd) settings.push(`CMD ${JSON.stringify(manifest.cmd)}`);
  for (const env of manifest.env ?? []) settings.push(`ENV ${env}`);
  return settings;
}

/** Rootfs folders of builds whose process died (killed mid-debootstrap): hundreds of MB each. */
export async function reapAbandonedRootfs(dir = os.tmpdir()): Promise<string[]> {
  const reaped: string[] = [];
  for (const entry of await fs.readdir(dir)) {
    const pid = Number(/^dtrha-.+-rootfs-(\d+)-/.exec(entry)?.[1]);
    if (!pid || processAlive(pid)) continue;
    await fs.rm(path.join(dir, entry), { recursive: true, force: true });
    reaped.push(entry);
  }
  return reaped;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Earlier builds of the same recipe (`<repository>:<older hash>`) are of no use once a new one exists;
 * each is a few hundred MB. One still used by a container stays (the engine refuses to remove it).
 * Only a build's own tag goes: an image built on this one may carry another tag in its repository
 * (the release's installer name, `dtrha-lab/dtr:2.0.0-standin`, on a DTR 2.0 stand-in), which a
 * cluster being set up beside this build is using.
 */
export async function removeOlderBuilds(docker: Docker, repository: string, current: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`${repository}:*`] } });
  for (const image of images) {
    // Builds without the label predate it and come from this checkout or an older one of it.
    const from = image.Labels?.[recipesDirLabel];
    if (from !== undefined && from !== labRecipesDir) continue;
    const builtAs = image.Labels?.[recipeLabel];
    for (const ref of image.RepoTags ?? []) {
      if (ref !== current && ref.startsWith(`${repository}:`) && (builtAs === undefined || builtAs === ref)) {
        await docker
          .getImage(ref)
          .remove()
          .catch(() => undefined);
      }
    }
  }
}

async function readManifest(dir: string): Promise<ImageManifest> {
  const text = await fs.readFile(path.join(dir, 'image.json'), 'utf8').catch(() => {
    throw new Error(`no lab image recipe at ${dir} (image.json missing)`);
  });
  return JSON.parse(text) as ImageManifest;
}

export async function imageExists(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}

async function importRootfs(
  docker: Docker,
  root: string,
  tag: string,
  manifest: ImageManifest,
  recipe: string,
): Promise<void> {
  const [repo, version] = tag.split(':');
  const changes = imageSettings(tag, manifest, recipe);
  // tar keeps numeric owners and device nodes as debootstrap made them; the engine reads the stream.
  const args = ['--numeric-owner', '-C', root, '-c', '.'];
  await sendTar(docker, tag, args, 'rootfs', async (stream) => {
    const response = await docker.importImage(stream, {
      repo,
      tag: version,
      changes,
    } as unknown as Record<string, unknown>);
    await followToEnd(docker, response, `importing ${tag}`);
  });
}

/**
 * Streams `tar <args>` into `consume` (an import or a build of `tag`). Should tar fail, a truncated
 * stream may still have made an image: it is removed, so that the next run builds it again.
 */
async function sendTar(
  docker: Docker,
  tag: string,
  args: string[],
  what: string,
  consume: (stream: NodeJS.ReadableStream) => Promise<void>,
): Promise<void> {
  const tar = spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tarError = '';
  tar.stderr.on('data', (chunk) => (tarError += chunk));
  const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? -1)));
  await consume(tar.stdout);
  const code = await tarDone;
  if (code !== 0) {
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
    throw new Error(`tar of the ${tag} ${what} failed (${code}): ${tarError.trim()}`);
  }
}
