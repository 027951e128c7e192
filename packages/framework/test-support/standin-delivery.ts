/**
 * For the stand-ins' integration tests: a stand-in image and every component image it lists, onto
 * lab nodes, as the framework's images step does it (src/images/cluster-images.ts): the listing is
 * the installer's own (`images --list`, `images`), each listed name is tagged on this host as the
 * stand-in image, then everything is sent. Outside src/, so not in the published dist.
 */
import type Docker from 'dockerode';
import { listComponentImages } from '../src/images/cluster-images';
import { transferImage } from '../src/images/image-transfer';
import type { Machine } from '../src/machines/machine';

/** The components `image` lists with `listing`, now on every machine with it. */
export async function deliverStandin(
  hostDocker: Docker,
  image: string,
  listing: readonly string[],
  machines: Machine[],
): Promise<string[]> {
  const components = await listComponentImages(hostDocker, image, listing);
  for (const component of components) {
    const at = component.lastIndexOf(':');
    await hostDocker.getImage(image).tag({ repo: component.slice(0, at), tag: component.slice(at + 1) });
  }
  const targets = machines.map((m) => ({ name: m.name, docker: m.getClient() }));
  for (const each of [image, ...components]) await transferImage(hostDocker, each, targets);
  return components;
}
