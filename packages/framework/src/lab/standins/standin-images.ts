import type Docker from 'dockerode';
import { STANDIN_TAGS } from '../../config';
import { ensureLabImage } from '../lab-image';
import type { Progress } from '../../util/progress';

/** The default UCP_REPO and DTR_REPO: the local lab's stand-in images. */
export const standinRepo = 'dtrha-lab';

/**
 * Every stand-in image of the lab, by the reference a configuration names it with
 * (`dtrha-lab/ucp:1.1.0-standin`, `<UCP_REPO>/ucp:<UCP_TAG>` with the default repository and a
 * stand-in tag), and the recipe it is built from: one per release line, each with its release's
 * contract (lab/<product>-<line>-standin).
 */
export const standinImages: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(STANDIN_TAGS).flatMap((tags) =>
    (['ucp', 'dtr'] as const).map((product) => {
      const line = /^(\d+)\.(\d+)\./.exec(tags[product])!;
      const recipeLine = product === 'ucp' && line[1] === '3' ? '3.x' : `${line[1]}.${line[2]}`;
      return [`${standinRepo}/${product}:${tags[product]}`, `${product}-${recipeLine}-standin`];
    }),
  ),
);

/** Whether `image` is one of the lab's stand-ins, which the lab builds rather than finds. */
export function isStandinImage(image: string): boolean {
  return image in standinImages;
}

/**
 * Builds (when its recipe changed) the stand-in that `image` names and tags it as that name, so
 * that the framework's `<UCP_REPO>/ucp:<UCP_TAG>` finds it. Returns the tag it was built as,
 * `<repository>:<hash of the recipe>`.
 */
export async function ensureStandinImage(
  docker: Docker,
  image: string,
  options: { debianMirror?: string; progress?: Progress } = {},
): Promise<string> {
  const recipe = standinImages[image];
  if (!recipe)
    throw new Error(`${image} is not a stand-in image of the lab (${Object.keys(standinImages).join(', ')})`);
  const built = await ensureLabImage(docker, recipe, options);
  const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
  await docker.getImage(built.tag).tag({ repo, tag });
  return built.tag;
}
