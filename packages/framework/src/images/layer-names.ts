import { createHash } from 'node:crypto';

/**
 * Which entries of a `docker save` archive hold layers a machine already has, so that a transfer can
 * leave them out: `docker load` does not read the file of a layer its engine has.
 *
 * Two archive layouts name layer files differently:
 * - OCI layout (Docker 25 and later): `blobs/sha256/<diff ID>`, the uncompressed layer's own digest.
 * - legacy layout (Docker before 25): `<v1 ID>/layer.tar`, where the v1 ID of every layer but the
 *   image's last is the digest of a fixed, empty v1 config naming the layer's chain ID and its
 *   parent's v1 ID (moby's `image/v1.CreateID`), the same whichever image is saved. The last layer's
 *   v1 ID also covers the image's config, so it is never left out.
 * A name computed wrongly only means that the file is sent after all.
 */

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Chain IDs of every prefix of an image's layers (`RootFS.Layers`, the diff IDs, bottom first). */
export function chainIds(diffIds: string[]): string[] {
  const chains: string[] = [];
  for (const diffId of diffIds) {
    const parent = chains[chains.length - 1];
    chains.push(parent ? `sha256:${sha256(`${parent} ${diffId}`)}` : diffId);
  }
  return chains;
}

// The v1 config docker save writes for a layer that is not an image's last (Go's field order).
const emptyV1ContainerConfig =
  '{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,' +
  '"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,' +
  '"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}';

/** The legacy archive's directory names (`<v1 ID>`) of every layer but the last. */
export function legacyLayerDirs(diffIds: string[]): string[] {
  const dirs: string[] = [];
  const chains = chainIds(diffIds);
  for (let i = 0; i < chains.length - 1; i++) {
    const parent = i > 0 ? `,"parent":"sha256:${dirs[i - 1]}"` : '';
    dirs.push(
      sha256(
        `{"container_config":${emptyV1ContainerConfig},"created":"1970-01-01T00:00:00Z",` +
          `"layer_id":"${chains[i]}"${parent}}`,
      ),
    );
  }
  return dirs;
}

/**
 * The archive entries of `diffIds`' layers that a machine holding the chains `present` does not
 * need, in both layouts. Only a bottom run of layers can be present: a layer is only ever stored
 * on top of its parent chain.
 */
export function entriesToLeaveOut(diffIds: string[], present: ReadonlySet<string>): Set<string> {
  const chains = chainIds(diffIds);
  const legacy = legacyLayerDirs(diffIds);
  const out = new Set<string>();
  for (let i = 0; i < chains.length && present.has(chains[i]); i++) {
    out.add(`blobs/sha256/${diffIds[i].replace(/^sha256:/, '')}`);
    if (i < legacy.length) out.add(`${legacy[i]}/layer.tar`);
  }
  return out;
}
