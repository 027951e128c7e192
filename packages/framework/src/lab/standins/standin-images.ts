import type Docker from 'dockerode';
import { ensureLabImage } from '../lab-image';
import type { Progress } from '../../util/progress';

/** The default UCP_REPO/DTR_REPO and UCP_TAG/DTR_TAG: the local lab's stand-in images. */
export const standinRepo = 'dtrha-lab';
export const standinTag = 'standin';

export interface StandinImages {
  /** `dtrha-lab/ucp:standin`, the default `<UCP_REPO>/ucp:<UCP_TAG>`. */
  ucp: string;
  /** `dtrha-lab/dtr:standin`, the default `<DTR_REPO>/dtr:<DTR_TAG>`. */
  dtr: string;
  /** The tags they were built as, `<repository>:<hash of the recipe folder>`. */
  recipeTags: { ucp: string; dtr: string };
}

/**
 * Builds (when their recipes changed) the UCP and DTR stand-in images from `lab/ucp-standin` and
 * `lab/dtr-standin`, and tags them as the configuration's defaults, `dtrha-lab/ucp:standin` and
 * `dtrha-lab/dtr:standin`, so that the framework's `<UCP_REPO>/ucp:<UCP_TAG>` finds them.
 */
export async function ensureStandinImages(
  docker: Docker,
  options: { debianMirror?: string; progress?: Progress } = {},
): Promise<StandinImages> {
  const [ucp, dtr] = await Promise.all([
    ensureLabImage(docker, 'ucp-standin', options),
    ensureLabImage(docker, 'dtr-standin', options),
  ]);
  const tagAs = async (built: string, product: 'ucp' | 'dtr'): Promise<string> => {
    const repo = `${standinRepo}/${product}`;
    await docker.getImage(built).tag({ repo, tag: standinTag });
    return `${repo}:${standinTag}`;
  };
  return {
    ucp: await tagAs(ucp.tag, 'ucp'),
    dtr: await tagAs(dtr.tag, 'dtr'),
    recipeTags: { ucp: ucp.tag, dtr: dtr.tag },
  };
}
