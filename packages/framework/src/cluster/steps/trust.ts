import type { Machine } from '../../machines/machine';
import { DtrApiClient } from '../../products/dtr/dtr-client';
import type { DtrReplica } from '../../products/dtr/dtr';
import { waitFor } from '../../util/wait';
import { waitForCheckedUp } from '../../load-balancer/haproxy-stats';
import { readTextIfExists, writePrivateFile } from '../../state/private-files';
import { madeNow } from '../made-for';
import type { DtrPlan } from './step';
import { dtrHttpsPort, loadBalancerPort } from './ports';
import { need, type Step } from './step';

/**
 * The last step: every engine trusts DTR, the cluster reports healthy, and only then is DTR recorded
 * (load balancer, replicas, what they were made for). A run that fails before keeps the older record.
 */
export const trustStep: Step<'trust'> = {
  name: 'trust',
  async run(ctx) {
    const plan = need(ctx, 'plan');
    const machines = need(ctx, 'handles');
    const replicas = need(ctx, 'replicas');
    const info = need(ctx, 'info');
    const ucp = need(ctx, 'ucp');
    const images = need(ctx, 'images');
    await ctx.reporter.step('Trusting DTR on every machine and waiting for a healthy cluster', () =>
      trustAndWait(plan, machines, replicas),
    );
    const lbHost = plan.lbMachine.getIP();
    info.loadBalancer = {
      machine: plan.lbMachine.name,
      host: lbHost,
      port: loadBalancerPort,
      url: plan.settings.externalUrl,
    };
    info.dtr = {
      caPath: plan.caPath,
      replicas: replicas.map((r) => ({
        id: r.id,
        machine: r.machine.name,
        url: `https://${r.machine.getIP()}:${dtrHttpsPort}`,
      })),
    };
    info.madeFor = { ...info.madeFor, dtr: madeNow(info.machines, ucp, images.dtr) };
  },
};

/** Every engine trusts DTR's CA for the load balancer's and each replica's address; then health. */
async function trustAndWait(plan: DtrPlan, machines: Machine[], replicas: DtrReplica[]): Promise<void> {
  const caPem = plan.dtrCaPem;
  if (caPem === undefined)
    throw new Error('DTR is installed, but its CA was never read (a bug in the dtr step)');
  // DTR's own CA (a release whose install takes none) is kept for the handoff; ours is there already.
  if (!plan.settings.driver.takesCertificate && (await readTextIfExists(plan.caPath)) !== caPem)
    await writePrivateFile(plan.caPath, caPem);
  const { healthPath } = plan.settings.driver;
  const addresses = [plan.lbMachine.getIP(), ...replicas.map((r) => r.machine.getIP())];
  await Promise.all(
    machines.map(async (machine) => {
      for (const address of addresses) {
        await machine.upload(`/etc/docker/certs.d/${address}/ca.crt`, caPem, 0o644);
      }
    }),
  );
  for (const replica of replicas) {
    const client = new DtrApiClient(`https://${replica.machine.getIP()}:${dtrHttpsPort}`, caPem, undefined, {
      healthPath,
    });
    await waitFor(
      `DTR replica ${replica.id} on ${replica.machine.name} to be healthy`,
      async () => (await client.ping(), true),
      {
        timeoutMs: 90_000,
        intervalMs: 100,
      },
    );
  }
  const lb = new DtrApiClient(
    plan.settings.externalUrl,
    caPem,
    { username: plan.settings.ucpUsername, password: plan.settings.ucpPassword },
    { healthPath },
  );
  await waitFor(
    'cluster_status to report every replica OK through the load balancer',
    async () => {
      const health = (await lb.clusterStatus()).replica_health;
      const ok = replicas.every((r) => health[r.id] === 'OK');
      return ok ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );
  // Handed over once HAProxy's own check passed on every replica, not while it counts them UP
  // because no check has run yet (see waitForCheckedUp).
  await waitForCheckedUp(
    plan.lbMachine,
    replicas.map((r) => r.id),
  );
}
