import Docker from 'dockerode';
import { DOCKER_HUB, registryHost, type Config } from '../config';
import type { Machine } from '../machines/machine';
import { providerRegistration } from '../machines/providers';
import type { Progress } from '../util/progress';
import { ensureLabImage, imageExists } from '../lab/lab-image';
import { followToEnd } from '../engine/follow-progress';
import { transferImage } from './image-transfer';
import { ensureStandinImage, isStandinImage } from '../lab/standins/standin-images';

export interface ClusterImages {
  ucp: string;
  dtr: string;
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
  const { extraImages } = providerRegistration(config.machineDriver).capabilities;
  const nfs = extraImages.includes('nfs-ganesha')
    ? (await ensureLabImage(hostDocker, 'nfs-ganesha', { debianMirror: config.debianMirror, progress })).tag
    : undefined;
  return { ucp: config.ucp.image, dtr: config.dtr.image, haproxy, nfs };
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
      const stream = (await docker.pull(image, { authconfig })) as NodeJS.ReadableStream;
      await followToEnd(docker, stream, `pulling ${image} on ${machine.name}`);
    }),
  );
}
