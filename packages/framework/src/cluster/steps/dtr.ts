import { ensureReplicas } from '../../products/dtr/replicas';
import { need, type Step } from './step';

/** DTR's replicas, kept or made again for the reason the UCP step found. */
export const dtrStep: Step<'dtr'> = {
  name: 'dtr',
  async run(ctx) {
    const plan = need(ctx, 'plan');
    const [controller] = need(ctx, 'handles');
    const dtrImageDelivered = need(ctx, 'dtrImageDelivered');
    ctx.replicas = await ctx.reporter.step(
      `Installing DTR on ${plan.replicaMachines.length} replicas`,
      async (detail) => {
        // The DTR image goes only where replicas run.
        await dtrImageDelivered(detail);
        return ensureReplicas(plan, controller, detail, { remakeBecause: ctx.remakeReplicas });
      },
    );
  },
};
