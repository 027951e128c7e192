import { deliverImage, imageDelivery, prepareClusterImages } from '../../images/cluster-images';
import { need, type Step } from './step';

/** Every image of the cluster made ready on the host; UCP's goes to every machine now. */
export const imagesStep: Step<'images'> = {
  name: 'images',
  async run(ctx) {
    const { config, hostDocker } = ctx;
    const machines = need(ctx, 'handles');
    ctx.images = await ctx.reporter.step('Preparing images; UCP’s to every machine', async (detail) => {
      const prepared = await prepareClusterImages(config, detail, hostDocker);
      await deliverImage(
        imageDelivery(prepared.ucp, config.ucpPullImages, config.registry),
        machines,
        detail,
        hostDocker,
      );
      return prepared;
    });
  },
};
