import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { execInContainer } from '../../../engine/exec-in-container';
import { ignoreMissing } from '../../../engine/ignore-missing';
import { removeLabelledContainers, runToCompletion } from '../../../engine/run-to-completion';
import { tarSingleFile } from '../../../util/tar';
import { waitFor } from '../../../util/wait';
import type { Progress } from '../../types';

/**
 * A lab node's engine unpacking every image of the cluster by itself (a `docker load` per node) is
 * most of a cold `up`'s time and none of what it tests: real hosts still get the images by transfer,
 * and so do lab nodes with LAB_ENGINE_SEED=off. With it on, the images are loaded once into an engine
 * seed: the /var/lib/docker of a node engine that holds them, kept in a volume of the host and copied
 * into each new node's engine volume before the node first starts. The framework then finds the
 * images on the node with their IDs and sends nothing.
 *
 * One seed per set of images (their IDs) and node image (its dockerd's storage format): the volume's
 * labels are its state, as everything of the lab's.
 */
export const seedLabels = {
  /** The seed's key: a hash of the node image ID and each image's name and ID. */
  seed: 'dtr-ha.engine-seed',
  /** JSON of what the seed holds, `{ node, images: { name: id } }`: a seed whose images are gone is stale. */
  content: 'dtr-ha.engine-seed-content',
  /** On the container that builds a seed: its name is the lock that keeps two runs from building one. */
  builder: 'dtr-ha.engine-seed-builder',
} as const;

/** Written last, once the seed's dockerd has shut down cleanly: a seed without it is not whole. */
const completeMarker = '.dtr-ha-seed-complete';
/** The copy's exit code for a seed without its marker (being built, or left half-built by a run that died). */
const incompleteExit = 97;
/** A builder older than this is one a dead run left: building a seed takes seconds, not minutes. */
const staleBuilderMs = 10 * 60_000;

export interface SeedContent {
  node: string;
  images: Record<string, string>;
}

/** The seed's key for `content`: the same images with the same IDs on the same node image, the same key. */
export function seedKey(content: SeedContent): string {
  const images = Object.entries(content.images).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([content.node, images]))
    .digest('hex')
    .slice(0, 12);
}

export function seedVolumeName(key: string): string {
  return `dtrha-engine-seed-${key}`;
}

/**
 * The seed volume holding `images` (names on the host's engine) for engines of `nodeImage`, built
 * now when there is none; undefined when another run is building it at this moment (this run then
 * sends the images as it would without a seed).
 */
export async function ensureEngineSeed(
  docker: Docker,
  nodeImage: string,
  images: readonly string[],
  hostConfig: (binds: string[]) => Docker.HostConfig,
  progress: Progress,
): Promise<string | undefined> {
  const content: SeedContent = {
    node: (await docker.getImage(nodeImage).inspect()).Id,
    images: Object.fromEntries(
      await Promise.all(
        [...new Set(images)].map(
          async (image) => [image, (await docker.getImage(image).inspect()).Id] as const,
        ),
      ),
    ),
  };
  const key = seedKey(content);
  const volume = seedVolumeName(key);
  await removeLeftoverCopies(docker);
  const existing = await docker.getVolume(volume).inspect().catch(ignoreMissing);
  if (existing?.Labels?.[seedLabels.seed] === key) return volume;

  await removeStaleSeeds(docker);
  const builderName = `${volume}-builder`;
  if (await builderAt(docker, builderName)) {
    progress(`another run is making the engine seed ${volume}: sending the images instead`);
    return undefined;
  }
  const started = Date.now();
  progress(`making the engine seed ${volume}: ${Object.keys(content.images).length} images, once`);
  await docker.createVolume({
    Name: volume,
    Labels: { [seedLabels.seed]: key, [seedLabels.content]: JSON.stringify(content) },
  });
  let builder: Docker.Container;
  try {
    builder = await docker.createContainer({
      name: builderName,
      Image: nodeImage,
      Labels: { [seedLabels.builder]: key },
      // The same privileges as a node (its dockerd needs them); no network: it only unpacks images.
      HostConfig: { ...hostConfig([`${volume}:/var/lib/docker`]), NetworkMode: 'none' },
    });
  } catch (error) {
    // Another run created the builder between our look and our create: it builds, we send.
    if ((error as { statusCode?: number }).statusCode === 409) return undefined;
    throw error;
  }
  try {
    await buildSeed(docker, builder, builderName, content);
    progress(`engine seed ${volume} made in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return volume;
  } catch (error) {
    // The builder first: a volume cannot be removed while a container holds it.
    await builder.remove({ force: true }).catch(() => undefined);
    await docker
      .getVolume(volume)
      .remove()
      .catch(() => undefined);
    throw new Error(`making the lab's engine seed ${volume} failed: ${(error as Error).message}`);
  } finally {
    await builder.remove({ force: true }).catch(() => undefined);
  }
}

/** Whether a builder of that name is at work; one a dead run left behind is removed. */
async function builderAt(docker: Docker, name: string): Promise<boolean> {
  const found = await docker.getContainer(name).inspect().catch(ignoreMissing);
  if (!found) return false;
  if (found.State.Running && Date.now() - Date.parse(found.Created) < staleBuilderMs) return true;
  await docker.getContainer(name).remove({ force: true });
  return false;
}

async function buildSeed(
  docker: Docker,
  builder: Docker.Container,
  name: string,
  content: SeedContent,
): Promise<void> {
  // The node's init runs dockerd with the arguments in this file (lab/node); here only on its socket,
  // with no bridge (the seed must not carry a network of its own into the nodes).
  const args = ['-H', 'unix:///var/run/docker.sock', '--bridge=none', '--iptables=false'];
  await builder.putArchive(
    await tarSingleFile('etc/docker/dtr-ha/dockerd.args', `${args.join('\n')}\n`, 0o644, [
      'etc/docker',
      'etc/docker/dtr-ha',
    ]),
    { path: '/' },
  );
  await builder.start();
  await waitFor(
    `the seed engine in ${name}`,
    async () => ((await execInContainer(docker, name, ['docker', 'version'])).code === 0 ? true : undefined),
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const names = Object.keys(content.images);
  // One save of every image: layers they share travel once.
  // @types/dockerode leaves out getImages (the Engine API's GET /images/get?names=…), which dockerode has.
  const saved = (await (docker as unknown as SaveMany).getImages({ names })) as NodeJS.ReadableStream;
  const loaded = await execInContainer(docker, name, ['docker', 'load', '-q'], saved);
  if (loaded.code !== 0) throw new Error(`docker load exited with ${loaded.code}: ${loaded.stderr.trim()}`);
  const ids = await execInContainer(docker, name, [
    'docker',
    'image',
    'inspect',
    '--format',
    '{{.Id}}',
    ...names,
  ]);
  const got = ids.stdout.trim().split('\n');
  names.forEach((image, i) => {
    if (got[i] !== content.images[image]) {
      throw new Error(`${image} has ID ${got[i] ?? '(none)'} in the seed, not ${content.images[image]}`);
    }
  });
  // dockerd stopped cleanly (its databases closed) before the seed is marked whole. The init would
  // start it again without the arguments file. Its network database goes: each node makes its own.
  const finish = [
    'rm -f /etc/docker/dtr-ha/dockerd.args',
    'pkill -TERM -x dockerd',
    'for i in $(seq 300); do pgrep -x dockerd >/dev/null || break; sleep 0.1; done',
    '! pgrep -x dockerd >/dev/null',
    'rm -f /var/lib/docker/network/files/local-kv.db',
    `touch /var/lib/docker/${completeMarker}`,
  ].join(' && ');
  const finished = await execInContainer(docker, name, ['sh', '-c', finish]);
  if (finished.code !== 0) throw new Error(`the seed engine did not stop cleanly: ${finished.stderr.trim()}`);
}

interface SaveMany {
  getImages(options: { names: string[] }): Promise<unknown>;
}

/**
 * Copies a whole seed into a new node's engine volume (before the node first starts). False when the
 * seed is not whole: the node then starts empty and gets its images by transfer.
 *
 * The layers' content (`overlay2/<id>/diff`, nearly all of a seed) is hard-linked, not copied: it is
 * never written once unpacked (overlayfs copies a file up into a container's own layer before
 * changing it, and removing an image unlinks only that node's names), so nodes can share it as a
 * host's images share it between containers. Everything else (databases, metadata) is each node's
 * own copy. Links need both volumes under one mount: the helper binds the engine's volume directory,
 * a path on the engine's host (binds are resolved there). Where the two volumes do not live in one
 * such directory (another volume driver), everything is copied.
 */
export async function copySeed(
  docker: Docker,
  nodeImage: string,
  seed: string,
  target: string,
): Promise<boolean> {
  const [seedAt, targetAt] = await Promise.all(
    [seed, target].map(async (name) => (await docker.getVolume(name).inspect()).Mountpoint),
  );
  const root = volumesRoot(seed, seedAt);
  const linked = root !== undefined && root === volumesRoot(target, targetAt);
  const [from, to] = linked ? [`/volumes/${seed}/_data`, `/volumes/${target}/_data`] : ['/seed', '/engine'];
  const ownCopies =
    `find . -path './overlay2/*/diff' -prune -o -type f -links +1 -exec sh -c ` +
    `'for f; do cp -a "$f" "$f.copy" && mv -f "$f.copy" "$f"; done' sh {} +`;
  const script = [
    'set -e',
    `test -e ${from}/${completeMarker} || exit ${incompleteExit}`,
    linked ? `cp -al ${from}/. ${to}/` : `cp -a ${from}/. ${to}/`,
    `rm -f ${to}/${completeMarker}`,
    `cd ${to}`,
    ...(linked ? [ownCopies] : []),
  ].join('\n');
  const result = await runToCompletion(docker, {
    image: nodeImage,
    entrypoint: ['sh', '-c'],
    cmd: [script],
    binds: linked ? [`${root}:/volumes`] : [`${seed}:/seed:ro`, `${target}:/engine`],
    networkMode: 'none',
    // overlay2 keeps opaque directories as trusted.* attributes, which only CAP_SYS_ADMIN may write.
    capAdd: ['SYS_ADMIN'],
    labels: { [seedLabels.builder]: 'copy' },
  });
  if (result.code === incompleteExit) {
    // Half-built by a run that died (no builder at work on it): made again on the next run.
    if (!(await builderAt(docker, `${seed}-builder`)))
      await docker
        .getVolume(seed)
        .remove()
        .catch(() => undefined);
    return false;
  }
  if (result.code !== 0) {
    throw new Error(`copying the engine seed ${seed} into ${target} failed: ${result.stderr.trim()}`);
  }
  return true;
}

/** The directory that holds a local volume's folder (`<root>/<name>/_data`), or undefined. */
function volumesRoot(name: string, mountpoint: string): string | undefined {
  const data = path.posix.basename(mountpoint);
  const folder = path.posix.dirname(mountpoint);
  if (data !== '_data' || path.posix.basename(folder) !== name) return undefined;
  return path.posix.dirname(folder);
}

/** Copies a killed run left behind: they remove themselves when they end, unless the run died first. */
async function removeLeftoverCopies(docker: Docker): Promise<void> {
  await removeLabelledContainers(docker, `${seedLabels.builder}=copy`, ['exited', 'dead', 'created']);
}

/**
 * Seeds whose node image or images are no longer on the host with the IDs they hold: nothing can
 * ask for them again. One in use by a copy at this moment stays until next time.
 */
export async function removeStaleSeeds(docker: Docker): Promise<string[]> {
  const { Volumes: volumes } = await docker.listVolumes({ filters: { label: [seedLabels.seed] } });
  const removed: string[] = [];
  for (const volume of volumes ?? []) {
    let content: SeedContent | undefined;
    try {
      content = JSON.parse(volume.Labels?.[seedLabels.content] ?? '') as SeedContent;
    } catch {
      content = undefined;
    }
    const wanted = content ? [content.node, ...Object.values(content.images)] : [];
    const present = await Promise.all(
      wanted.map((id) =>
        docker
          .getImage(id)
          .inspect()
          .then(() => true)
          .catch(() => false),
      ),
    );
    if (content && present.every(Boolean)) continue;
    if (
      await docker
        .getVolume(volume.Name)
        .remove()
        .then(
          () => true,
          () => false,
        )
    )
      removed.push(volume.Name);
  }
  return removed;
}
