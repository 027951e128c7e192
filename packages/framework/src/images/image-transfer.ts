import type Docker from 'dockerode';
import { PassThrough, Readable, Transform, pipeline } from 'node:stream';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { followToEnd } from '../engine/follow-progress';
import type { Progress } from '../util/progress';
import { chainIds, entriesToLeaveOut } from './layer-names';

export interface TransferTarget {
  name: string;
  docker: Docker;
}

interface Delivery {
  target: TransferTarget;
  /** Archive entries of layers the target has already (see `layer-names.ts`). */
  leaveOut: Set<string>;
}

/**
 * Copies an image from the engine the framework runs on to every target engine at once: one
 * `docker save` stream, teed into each target's `docker load`. A target that already has an image
 * with the same ID is skipped; one that has some of its layers (an image on the same base) gets the
 * archive without them, from a save stream of its own shared with every target that has the same
 * layers. Returns the names of the targets that received it.
 */
export async function transferImage(
  source: Docker,
  image: string,
  targets: TransferTarget[],
  progress: Progress = () => undefined,
): Promise<string[]> {
  const { Id: id, Size: size, RootFS: rootFs } = await source.getImage(image).inspect();
  const diffIds = rootFs?.Layers ?? [];
  const deliveries: Delivery[] = [];
  await Promise.all(
    targets.map(async (target) => {
      const existing = await target.docker
        .getImage(image)
        .inspect()
        .catch(() => undefined);
      if (existing?.Id === id) return;
      const leaveOut = entriesToLeaveOut(diffIds, await presentChains(target.docker));
      deliveries.push({ target, leaveOut });
    }),
  );
  if (!deliveries.length) return [];

  const groups = new Map<string, Delivery[]>();
  for (const delivery of deliveries) {
    const key = [...delivery.leaveOut].sort().join(' ');
    groups.set(key, [...(groups.get(key) ?? []), delivery]);
  }
  const names = deliveries.map((d) => d.target.name);
  const trimmed = deliveries.filter((d) => d.leaveOut.size).map((d) => d.target.name);
  const lacking =
    trimmed.length === names.length
      ? ' (only the layers they lack)'
      : ` (to ${trimmed.join(', ')} only the layers they lack)`;
  progress(`${image} (${Math.round(size / 1e6)} MB) → ${names.join(', ')}${trimmed.length ? lacking : ''}`);
  await Promise.all(
    [...groups.values()].map((group) =>
      send(
        source,
        image,
        id,
        group[0].leaveOut,
        group.map((d) => d.target),
      ).catch(async (error: unknown) => {
        // Should a trimmed archive not load (a layer gone meanwhile, an archive layout we misread),
        // the whole image still goes to the machines it failed on.
        if (!group[0].leaveOut.size || !(error instanceof LoadFailure)) throw error;
        await send(source, image, id, new Set(), error.failed);
      }),
    ),
  );
  return names;
}

/** Every layer chain some image on the engine is made of. */
async function presentChains(docker: Docker): Promise<Set<string>> {
  const chains = new Set<string>();
  const images = await docker.listImages();
  await Promise.all(
    images.map(async ({ Id }) => {
      const inspected = await docker
        .getImage(Id)
        .inspect()
        .catch(() => undefined);
      chainIds(inspected?.RootFS?.Layers ?? []).forEach((chain) => chains.add(chain));
    }),
  );
  return chains;
}

/** Loads that failed: which machines, and the first one's error. */
class LoadFailure extends Error {
  constructor(
    image: string,
    readonly failed: TransferTarget[],
    first: unknown,
  ) {
    const reason = first instanceof Error ? first.message : String(first);
    super(`${image} did not load on ${failed.map((t) => t.name).join(', ')}: ${reason}`);
  }
}

/** One save stream, teed to every target's load; throws a LoadFailure once every load has ended. */
async function send(
  source: Docker,
  image: string,
  id: string,
  leaveOut: Set<string>,
  targets: TransferTarget[],
): Promise<void> {
  const saved = (await source.getImage(image).get()) as NodeJS.ReadableStream;
  const chunks = coalesce();
  const branches = targets.map(() => new PassThrough({ highWaterMark: 4 << 20 }));
  // A save that breaks off must fail every load, not leave them waiting for the rest.
  const broken = (error: Error | null | undefined) =>
    error && branches.forEach((branch) => branch.destroy(error));
  if (leaveOut.size) pipeline(withoutEntries(saved, leaveOut), chunks, broken);
  else pipeline(saved, chunks, broken);
  const results = await Promise.allSettled(
    targets.map(async (target, index) => {
      const branch = branches[index];
      chunks.pipe(branch);
      try {
        const response = await target.docker.loadImage(branch, { quiet: true });
        await followToEnd(target.docker, response, `loading ${image} on ${target.name}`);
      } catch (error) {
        // The tee goes at its slowest branch's pace: one nobody reads any more would stop the rest.
        chunks.unpipe(branch);
        branch.destroy();
        throw error;
      }
      const loaded = await target.docker.getImage(image).inspect();
      if (loaded.Id !== id)
        throw new Error(`${image} on ${target.name} has ID ${loaded.Id} after load, not ${id}`);
    }),
  );
  // Every load has ended; should all have failed, nothing reads the save any more: let it go.
  chunks.destroy();
  (saved as Readable).destroy();
  const failures = results.flatMap((result, index) =>
    result.status === 'rejected' ? [{ target: targets[index], error: result.reason as unknown }] : [],
  );
  if (failures.length) {
    throw new LoadFailure(
      image,
      failures.map((f) => f.target),
      failures[0].error,
    );
  }
}

/** The archive without the named entries, every other entry as it was. */
export function withoutEntries(archive: NodeJS.ReadableStream, names: ReadonlySet<string>): Readable {
  // tar-stream's streams are streamx streams: Node's pipe feeds them, async iteration reads them.
  const input = tarExtract();
  const output = tarPack();
  const fail = (error: Error) => output.destroy(error);
  archive.on('error', fail);
  input.on('error', fail);
  input.on('entry', (header, body, next) => {
    body.on('error', fail);
    if (names.has(header.name.replace(/^\.\//, ''))) {
      body.on('end', () => next());
      body.resume();
    } else {
      const sink = output.entry(header, (error) => next(error ?? undefined));
      sink.on('error', fail);
      body.pipe(sink);
    }
  });
  input.on('finish', () => output.finalize());
  archive.pipe(input as unknown as NodeJS.WritableStream);
  return Readable.from(output, { objectMode: false });
}

/**
 * Joins the engine's ~20 KB chunks into 1 MiB ones before they are teed: every chunk written to a
 * target's TLS socket costs this process CPU that the targets' engines need for unpacking.
 */
function coalesce(size = 1 << 20): Transform {
  let parts: Buffer[] = [];
  let length = 0;
  const release = (stream: Transform) => {
    if (length) stream.push(Buffer.concat(parts, length));
    parts = [];
    length = 0;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= size) release(this);
      done();
    },
    flush(done) {
      release(this);
      done();
    },
  });
}
