import Docker from 'dockerode';
import type { Config } from '../config';
import type { Machine } from '../machines/machine';
import type { Progress } from '../machines/types';
import { ensureLabImage, imageExists } from './lab-image';
import { followToEnd, transferImage } from './image-transfer';
import { ensureStandinImages, standinRepo, standinTag } from '../products/standins/standin-images';

export interface ClusterImages {
  ucp: string;
  dtr: string;
  haproxy: string;
}

/**
 * Gets the UCP, DTR and HAProxy images onto every machine. With UCP_PULL_IMAGES / DTR_PULL_IMAGES each
 * machine pulls with the registry credentials; otherwise the images go from the engine the framework
 * runs on to all machines at once (the stand-ins and HAProxy are built there first when missing).
 */
export async function ensureClusterImages(
  config: Config,
  machines: Machine[],
  progress: Progress,
  hostDocker: Docker = new Docker(),
): Promise<ClusterImages> {
  const haproxy = (
    await ensureLabImage(hostDocker, 'haproxy', { debianMirror: config.debianMirror, progress })
  ).tag;
  const wanted: Array<{ image: string; pull: boolean }> = [
    { image: config.ucp.image, pull: config.ucpPullImages },
    { image: config.dtr.image, pull: config.dtrPullImages },
    { image: haproxy, pull: false },
  ];
  const standins = [`${standinRepo}/ucp:${standinTag}`, `${standinRepo}/dtr:${standinTag}`];
  if (wanted.some(({ image, pull }) => !pull && standins.includes(image))) {
    await ensureStandinImages(hostDocker, { debianMirror: config.debianMirror, progress });
  }
  for (const { image, pull } of wanted) {
    if (pull || standins.includes(image)) continue;
    if (!(await imageExists(hostDocker, image))) {
      throw new Error(
        `${image} is not on this host's Docker engine: pull or build it here first, or set ` +
          `${image === config.ucp.image ? 'UCP_PULL_IMAGES' : 'DTR_PULL_IMAGES'}=1 with REGISTRY_USERNAME/REGISTRY_PASSWORD`,
      );
    }
  }
  const targets = machines.map((m) => ({ name: m.name, docker: m.getClient() }));
  for (const { image, pull } of wanted) {
    if (pull) await pullEverywhere(config, machines, image, progress);
    else await transferImage(hostDocker, image, targets, progress);
  }
  return { ucp: config.ucp.image, dtr: config.dtr.image, haproxy };
}

async function pullEverywhere(config: Config, machines: Machine[], image: string, progress: Progress) {
  const registry = /^[^/]+[.:][^/]*\//.test(image) ? image.split('/')[0] : 'https://index.docker.io/v1/';
  const authconfig = {
    username: config.registry.username,
    password: config.registry.password,
    email: config.registry.email,
    serveraddress: registry,
  };
  progress(`pulling ${image} on ${machines.map((m) => m.name).join(', ')}`);
  await Promise.all(
    machines.map(async (machine) => {
      const docker = machine.getClient();
      const stream = (await docker.pull(image, { authconfig })) as NodeJS.ReadableStream;
      await followToEnd(docker, stream, `pulling ${image} on ${machine.name}`);
    }),
  );
}
