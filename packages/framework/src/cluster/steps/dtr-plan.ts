import * as path from 'node:path';
import type { Config } from '../../config';
import { deliverImage, deliverInstaller, imageDelivery } from '../../images/cluster-images';
import type { Machine } from '../../machines/machine';
import type { UcpEndpoint } from '../../products/ucp/ucp';
import { ensureClusterTls, ensureServerCertificate } from '../../tls';
import type { ReleaseDriver } from '../../releases';
import { readTextIfExists } from '../../state/private-files';
import type { ClusterContext } from '../cluster-context';
import { allowedMachines } from '../placement';
import { dtrHttpPort, dtrHttpsPort, loadBalancerPort } from './ports';
import { need, type DeliveredAhead, type DtrPlan, type Step } from './step';

/**
 * No status line of its own: plans DTR, then starts sending DTR's and HAProxy's images, which travel
 * while the storage step runs (a transfer to one or two machines leaves much of 2 cores idle, waiting
 * on the engines); the DTR and load-balancer steps wait for them.
 */
export const dtrPlanStep: Step<'dtr-plan'> = {
  name: 'dtr-plan',
  async run(ctx) {
    const { config, hostDocker } = ctx;
    const images = need(ctx, 'images');
    const plan = await planDtr(config, ctx.context, need(ctx, 'handles'), {
      dtrImage: images.dtr,
      haproxyImage: images.haproxy,
      ucp: need(ctx, 'ucp'),
      password: need(ctx, 'password'),
      driver: ctx.profile.driver.dtr,
    });
    ctx.plan = plan;
    ctx.dtrImageDelivered = deliverAhead(async (detail) => {
      images.components.dtr = await deliverInstaller(
        imageDelivery(images.dtr, config.dtrPullImages, config.registry),
        images.components.dtr,
        ctx.profile.imageListing.dtr,
        plan.replicaMachines,
        detail,
        hostDocker,
      );
    });
    ctx.haproxyImageDelivered = deliverAhead((detail) =>
      deliverImage({ image: plan.haproxyImage, pull: false }, [plan.lbMachine], detail, hostDocker),
    );
  },
};

export async function planDtr(
  config: Config,
  context: ClusterContext,
  machines: Machine[],
  deps: {
    dtrImage: string;
    haproxyImage: string;
    ucp: Pick<UcpEndpoint, 'url' | 'caPem'>;
    password: string;
    driver: ReleaseDriver['dtr'];
  },
): Promise<DtrPlan> {
  const others = machines.slice(1);
  // HAProxy runs on the UCP controller by default; DTR_LB_CONSTRAINTS may send it elsewhere.
  const lbMachine = (
    await allowedMachines(machines, config.dtrLbConstraints, 'the load balancer (DTR_LB_CONSTRAINTS)')
  )[0];
  const replicaMachines = await allowedMachines(
    others.filter((m) => m !== lbMachine),
    config.dtrConstraints,
    'DTR replicas (DTR_CONSTRAINTS)',
  );
  const lbHost = lbMachine.getIP();
  // DTR serves a certificate of our own making: every client can trust it from the first request.
  const dtrTls = await ensureClusterTls(path.join(context.dir, 'dtr-tls'), `${config.machinePrefix} DTR`);
  const server = await ensureServerCertificate(dtrTls, 'dtr', [
    lbHost,
    ...replicaMachines.map((m) => m.getIP()),
  ]);
  const ownCaPath = path.join(context.dir, 'dtr-own-ca.pem');
  const takesOurs = deps.driver.takesCertificate;
  return {
    settings: {
      driver: deps.driver,
      image: deps.dtrImage,
      ucp: deps.ucp,
      ucpUsername: config.admin.username,
      ucpPassword: deps.password,
      externalUrl: `https://${lbHost}${loadBalancerPort === 443 ? '' : `:${loadBalancerPort}`}`,
      tls: { caPem: dtrTls.ca.cert, certPem: server.cert, keyPem: server.key },
      constraints: config.dtrConstraints,
      httpPort: dtrHttpPort,
      httpsPort: dtrHttpsPort,
    },
    replicaMachines,
    lbMachine,
    storage: context.provider.capabilities.storage,
    caPath: takesOurs ? dtrTls.caPath : ownCaPath,
    dtrCaPem: takesOurs ? dtrTls.ca.cert : await readTextIfExists(ownCaPath),
    haproxyImage: deps.haproxyImage,
  };
}

/**
 * Starts delivering an image now. The returned function, called from the step that needs the image,
 * waits for it and reports there what the delivery said (or throws its error there).
 */
function deliverAhead(deliver: (detail: (line: string) => void) => Promise<void>): DeliveredAhead {
  const said: string[] = [];
  const delivered = deliver((line) => said.push(line));
  // Awaited by its step; a step before it may fail first, and then nobody waits for this one.
  delivered.catch(() => undefined);
  return async (detail) => {
    try {
      await delivered;
    } finally {
      said.forEach((line) => detail(line));
    }
  };
}
