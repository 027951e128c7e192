import { deliverInstaller, imageDelivery, prepareClusterImages } from '../../images/cluster-images';
import { need, type Step } from './step';

/**
 * Every image of the cluster made ready on the host; UCP's installer and every image it lists go to
 * every machine now, before anything is installed.
 */
export const imagesStep: Step<'images'> = {
  name: 'images',
  async run(ctx) {
    const { config, hostDocker } = ctx;
    const machines = need(ctx, 'handles');
    ctx.images = await ctx.reporter.step('Preparing images; UCP’s to every machine', async (detail) => {
      const listing = ctx.profile.imageListing;
      const prepared = await prepareClusterImages(config, detail, hostDocker, listing);
      prepared.components.ucp = await deliverInstaller(
        imageDelivery(prepared.ucp, config.ucpPullImages, config.registry),
        prepared.components.ucp,
        listing.ucp,
        machines,
        detail,
        hostDocker,
      );
      return prepared;
    });
  },
};
