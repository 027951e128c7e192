import { deliverInstaller, imageDelivery, prepareClusterImages } from '../../images/cluster-images';
import { need, type Step } from './step';

/**
 * Every image of the cluster made ready on the engine the framework runs on, before any machine is
 * made: the lab's images are built, the installers' component lists read, and an image that is
 * neither here nor pulled is refused while nothing exists yet.
 */
export const hostImagesStep: Step<'host-images'> = {
  name: 'host-images',
  async run(ctx) {
    const { config, hostDocker, context } = ctx;
    ctx.images = await ctx.reporter.step('Preparing the cluster’s images on this host', (detail) =>
      prepareClusterImages(config, detail, hostDocker, ctx.profile.imageListing, context.dir),
    );
  },
};

/** UCP's installer and every image it lists go to every machine now, before anything is installed. */
export const imagesStep: Step<'images'> = {
  name: 'images',
  async run(ctx) {
    const { config, hostDocker } = ctx;
    const machines = need(ctx, 'handles');
    const images = need(ctx, 'images');
    await ctx.reporter.step('Sending UCP’s images to every machine', async (detail) => {
      images.components.ucp = await deliverInstaller(
        imageDelivery(images.ucp, config.ucpPullImages, config.registry),
        images.components.ucp,
        ctx.profile.imageListing.ucp,
        machines,
        detail,
        hostDocker,
      );
    });
  },
};
