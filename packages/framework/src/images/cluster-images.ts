import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writePrivateFile } from '../state/private-files';
import { DOCKER_HUB, registryHost, type Config } from '../config';
import type { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import type { Progress } from '../util/progress';
import { ensureLabImage, imageExists } from '../lab/lab-image';
import { followToEnd } from '../engine/follow-progress';
import { runToCompletion } from '../engine/run-to-completion';
import { transferImage } from './image-transfer';
import { ensureStandinImage, isStandinImage } from '../lab/standins/standin-images';

export interface ClusterImages {
  ucp: string;
  dtr: string;
  /**
   * The images each installer lists (`images --list`, `images`) and starts its containers from,
   * read on this host where the installer is here; undefined where the machines pull it (they list
   * them after pulling the installer).
   */
  components: { ucp?: string[]; dtr?: string[] };
  haproxy: string;
  /** The lab's userspace NFS server and client (for providers whose `extraImages` name it). */
  nfs?: string;
}

/** Credentials for one registry, in the form of the Engine API's pull. */
export interface RegistryAuth {
  /** The registry they are for: `host[:port]`, or Docker Hub's v1 index address. */
  serveraddress: string;
  username?: string;
  password?: string;
  email?: string;
}

/**
 * How one image gets to the machines: copied from the engine the framework runs on, or (UCP_PULL_IMAGES /
 * DTR_PULL_IMAGES) pulled by the machines with the credentials for the registry the image lives on.
 */
export type ImageDelivery =
  { image: string; pull: false } | { image: string; pull: true; auth: RegistryAuth };

/**
 * The delivery of an image of the configuration. Pulling carries REGISTRY_USERNAME/PASSWORD/EMAIL for
 * the image's own registry only; copying carries no credentials at all.
 */
export function imageDelivery(image: string, pull: boolean, registry: Config['registry']): ImageDelivery {
  if (!pull) return { image, pull };
  const host = registryHost(image);
  // The engine knows Docker Hub's credentials by its v1 index address.
  const serveraddress = host === DOCKER_HUB ? 'https://index.docker.io/v1/' : host;
  const { username, password, email } = registry;
  return { image, pull, auth: { serveraddress, username, password, email } };
}

/**
 * Makes sure the engine the framework runs on has the images it will send: the lab's stand-ins and
 * HAProxy are built there when missing; other images must be there already unless they are pulled.
 */
export async function prepareClusterImages(
  config: Config,
  progress: Progress,
  hostDocker: Docker = new Docker(),
  listing: { ucp: readonly string[]; dtr: readonly string[] } = { ucp: [], dtr: [] },
  cacheDir?: string,
): Promise<ClusterImages> {
  const haproxy = (
    await ensureLabImage(hostDocker, 'haproxy', { debianMirror: config.debianMirror, progress })
  ).tag;
  const wanted: { image: string; pull: boolean }[] = [
    { image: config.ucp.image, pull: config.ucpPullImages },
    { image: config.dtr.image, pull: config.dtrPullImages },
  ];
  await Promise.all(
    wanted
      .filter(({ image, pull }) => !pull && isStandinImage(image))
      .map(({ image }) =>
        ensureStandinImage(hostDocker, image, { debianMirror: config.debianMirror, progress }),
      ),
  );
  for (const { image, pull } of wanted) {
    if (pull || isStandinImage(image)) continue;
    if (!(await imageExists(hostDocker, image))) {
      throw new Error(
        `${image} is not on this host's Docker engine: pull or build it here first, or set ` +
          `${image === config.ucp.image ? 'UCP_PULL_IMAGES' : 'DTR_PULL_IMAGES'}=1 with REGISTRY_USERNAME/REGISTRY_PASSWORD`,
      );
    }
  }
  const components: ClusterImages['components'] = {};
  for (const [product, { image, pull }] of [
    ['ucp', wanted[0]],
    ['dtr', wanted[1]],
  ] as const) {
    if (pull) continue;
    const listed = await listComponentImagesOnce(hostDocker, image, listing[product], cacheDir);
    for (const component of listed) {
      if (isStandinImage(image)) {
        // The lab's stand-in starts its containers from images of these names; they are its own
        // content under the release's component names (lab/dtr-standin/README.md).
        await tagAs(hostDocker, image, component);
      } else if (!(await imageExists(hostDocker, component))) {
        throw new Error(
          `${component}, which ${image} lists as an image it installs from (${listing[product].join(' ')}), is not ` +
            `on this host's Docker engine: pull or load it here first, or set ` +
            `${product === 'ucp' ? 'UCP_PULL_IMAGES' : 'DTR_PULL_IMAGES'}=1 with REGISTRY_USERNAME/REGISTRY_PASSWORD`,
        );
      }
    }
    components[product] = listed;
  }
  const { extraImages } = providerRegistration(config.machineDriver).capabilities;
  const nfs = extraImages.includes('nfs-ganesha')
    ? (await ensureLabImage(hostDocker, 'nfs-ganesha', { debianMirror: config.debianMirror, progress })).tag
    : undefined;
  return { ucp: config.ucp.image, dtr: config.dtr.image, components, haproxy, nfs };
}

/**
 * The images of the cluster that are sent from the engine the framework runs on (all but those the
 * machines pull), as `prepareClusterImages` made them ready.
 */
export function imagesFromHost(
  images: ClusterImages,
  config: Pick<Config, 'ucpPullImages' | 'dtrPullImages'>,
): string[] {
  return [
    ...(config.ucpPullImages ? [] : [images.ucp, ...(images.components.ucp ?? [])]),
    ...(config.dtrPullImages ? [] : [images.dtr, ...(images.components.dtr ?? [])]),
    images.haproxy,
    ...(images.nfs ? [images.nfs] : []),
  ];
}

/**
 * `listComponentImages`, remembered in `cacheDir` by the installer's image ID: an image's content
 * never changes under its ID, and running the installer costs a container on every `up`.
 */
async function listComponentImagesOnce(
  docker: Docker,
  image: string,
  listing: readonly string[],
  cacheDir: string | undefined,
): Promise<string[]> {
  if (!listing.length || !cacheDir) return listComponentImages(docker, image, listing);
  const file = path.join(cacheDir, 'component-images.json');
  const key = `${(await docker.getImage(image).inspect()).Id} ${listing.join(' ')}`;
  const cache = await fs
    .readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as Record<string, string[]>)
    .catch(() => ({}) as Record<string, string[]>);
  if (Array.isArray(cache[key])) return cache[key];
  const listed = await listComponentImages(docker, image, listing);
  await writePrivateFile(file, `${JSON.stringify({ ...cache, [key]: listed }, null, 2)}\n`);
  return listed;
}

async function tagAs(docker: Docker, image: string, reference: string): Promise<void> {
  const at = reference.lastIndexOf(':');
  const slash = reference.lastIndexOf('/');
  const [repo, tag] = at > slash ? [reference.slice(0, at), reference.slice(at + 1)] : [reference, 'latest'];
  await docker.getImage(image).tag({ repo, tag });
}

/** `images` names one image per line; anything else an installer prints (logs) is not one. */
const IMAGE_LINE = /^[a-z0-9][a-z0-9._\-/:@]*$/;

/**
 * The images the installer `image` lists with `listing` (the release's `images` command), run on
 * `docker` as the installer is run there (with the engine socket, as its reference index shows),
 * the installer itself left out.
 */
export async function listComponentImages(
  docker: Docker,
  image: string,
  listing: readonly string[],
): Promise<string[]> {
  if (!listing.length) return [];
  const result = await runToCompletion(docker, {
    image,
    cmd: [...listing],
    binds: ['/var/run/docker.sock:/var/run/docker.sock'],
  });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join('\n');
    throw new Error(`${image} ${listing.join(' ')} exited with ${result.code}: ${tail}`);
  }
  const listed = result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => IMAGE_LINE.test(line) && line !== image);
  return [...new Set(listed)];
}

/**
 * An installer and every image it lists, onto the machines that run it: the installer first, then
 * (listed on the first machine where they pull, so that they come from the same registry with the
 * same credentials) every component, so that the install finds them all and pulls nothing itself.
 */
export async function deliverInstaller(
  delivery: ImageDelivery,
  components: readonly string[] | undefined,
  listing: readonly string[],
  machines: Machine[],
  progress: Progress,
  hostDocker: Docker = new Docker(),
): Promise<string[]> {
  await deliverImage(delivery, machines, progress, hostDocker);
  const listed: readonly string[] =
    components ??
    (machines.length ? await listComponentImages(machines[0].getClient(), delivery.image, listing) : []);
  for (const component of listed) {
    await deliverImage({ ...delivery, image: component }, machines, progress, hostDocker);
  }
  return [...listed];
}

/**
 * Gets one image onto the machines that run it (UCP's onto all, DTR's onto the replicas, HAProxy onto
 * the load balancer's machine): pulled there, or sent from the engine the framework runs on to all of
 * them at once, skipping machines that have it already.
 */
export async function deliverImage(
  delivery: ImageDelivery,
  machines: Machine[],
  progress: Progress,
  hostDocker: Docker = new Docker(),
): Promise<void> {
  if (delivery.pull) await pullEverywhere(delivery.image, delivery.auth, machines, progress);
  else {
    const targets = machines.map((m) => ({ name: m.name, docker: m.getClient() }));
    await transferImage(hostDocker, delivery.image, targets, progress);
  }
}

async function pullEverywhere(
  image: string,
  authconfig: RegistryAuth,
  machines: Machine[],
  progress: Progress,
) {
  progress(`pulling ${image} on ${machines.map((m) => m.name).join(', ')}`);
  await Promise.all(
    machines.map(async (machine) => {
      const docker = machine.getClient();
      try {
        const stream = (await docker.pull(image, { authconfig })) as NodeJS.ReadableStream;
        await followToEnd(docker, stream, `pulling ${image} on ${machine.name}`);
      } catch (error) {
        throw pullError(error, image, machine.name, authconfig);
      }
    }),
  );
}

/**
 * A refused pull said in terms of the configuration: which registry refused which user, and the
 * variables to fix. The engine's own words are kept only where they cannot hold the password (they
 * never do: the engine does not echo it, and it is cut out should it ever appear).
 */
export function pullError(error: unknown, image: string, machine: string, auth: RegistryAuth): Error {
  let said = error instanceof Error ? error.message : String(error);
  if (auth.password) said = said.split(auth.password).join('***');
  if (/unauthorized|authentication required|denied|401|403|no basic auth credentials/i.test(said)) {
    const who = auth.username ? `REGISTRY_USERNAME=${auth.username}` : 'no REGISTRY_USERNAME';
    return new Error(
      `the registry ${auth.serveraddress} refused to let ${machine} pull ${image} with ${who} and the ` +
        `REGISTRY_PASSWORD given: check REGISTRY_USERNAME and REGISTRY_PASSWORD for ${auth.serveraddress} (${said.trim()})`,
    );
  }
  return new Error(`pulling ${image} on ${machine} failed: ${said.trim()}`);
}
