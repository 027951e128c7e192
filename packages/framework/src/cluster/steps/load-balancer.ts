import { deployHaproxy } from '../../load-balancer/haproxy';
import { dtrHttpsPort, loadBalancerPort } from './ports';
import { need, type DtrPlan, type Step } from './step';

function dtrCa(plan: DtrPlan): string {
  if (plan.dtrCaPem === undefined)
    throw new Error('DTR is installed, but its CA was never read (a bug in the dtr step)');
  return plan.dtrCaPem;
}

/** HAProxy in front of the replicas, on the machine the plan chose. */
export const loadBalancerStep: Step<'load-balancer'> = {
  name: 'load-balancer',
  async run(ctx) {
    const plan = need(ctx, 'plan');
    const replicas = need(ctx, 'replicas');
    const haproxyImageDelivered = need(ctx, 'haproxyImageDelivered');
    await ctx.reporter.step(`Running HAProxy on ${plan.lbMachine.name}`, async (detail) => {
      await haproxyImageDelivered(detail);
      return deployHaproxy(
        plan.lbMachine,
        plan.haproxyImage,
        replicas.map((r) => ({ id: r.id, ip: r.machine.getIP(), port: dtrHttpsPort })),
        dtrCa(plan),
        { port: loadBalancerPort, checkPath: plan.settings.driver.healthPath, detail },
      );
    });
  },
};
