import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type { Progress } from '../machines/types';

export interface TransferTarget {
  name: string;
  docker: Docker;
}

/**
 * Copies an image from the engine the framework runs on to every target engine at once: one
 * `docker save` stream, teed into each target's `docker load`. A target that already has an image
 * with the same ID is skipped. Returns the names of the targets that received it.
 */
export async function transferImage(
  source: Docker,
  image: string,
  targets: TransferTarget[],
  progress: Progress = () => undefined,
): Promise<string[]> {
  const { Id: id, Size: size } = await source.getImage(image).inspect();
  const needing: TransferTarget[] = [];
  await Promise.all(
    targets.map(async (target) => {
      const existing = await target.docker
        .getImage(image)
        .inspect()
        .catch(() => undefined);
      if (existing?.Id !== id) needing.push(target);
    }),
  );
  if (!needing.length) return [];
  progress(`${image} (${Math.round(size / 1e6)} MB) → ${needing.map((t) => t.name).join(', ')}`);

  const saved = (await source.getImage(image).get()) as NodeJS.ReadableStream;
  const loads = needing.map(async (target) => {
    const branch = new PassThrough({ highWaterMark: 4 << 20 });
    saved.pipe(branch);
    const response = await target.docker.loadImage(branch, { quiet: true });
    await followToEnd(target.docker, response, `loading ${image} on ${target.name}`);
    const loaded = await target.docker.getImage(image).inspect();
    if (loaded.Id !== id)
      throw new Error(`${image} on ${target.name} has ID ${loaded.Id} after load, not ${id}`);
  });
  await Promise.all(loads);
  return needing.map((t) => t.name);
}

/** Reads a Docker progress stream to its end, failing on the first error message in it. */
export function followToEnd(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error?.message ?? output?.find((event) => event.error)?.error;
      if (failed) reject(new Error(`${what} failed: ${failed}`));
      else resolve();
    });
  });
}
