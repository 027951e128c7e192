import { deliverImage } from '../../images/cluster-images';
import { ensureStorageServer } from '../../storage/shared-storage';
import { ensureUserspaceNfsServer, verifyUserspaceNfs } from '../../storage/userspace-nfs';
import { need, type Step } from './step';

/** The registry's shared storage, served from the controller to the replica machines. */
export const storageStep: Step<'storage'> = {
  name: 'storage',
  async run(ctx) {
    const { hostDocker } = ctx;
    const plan = need(ctx, 'plan');
    const images = need(ctx, 'images');
    const [controller] = need(ctx, 'handles');
    await ctx.reporter.step('Preparing shared storage for the registry', async (detail) => {
      const replicaIps = plan.replicaMachines.map((m) => m.getIP());
      await ensureStorageServer(plan.storage, controller, replicaIps);
      if (plan.storage === 'lab-shared-volume' && images.nfs) {
        detail('no kernel NFS on lab nodes: every replica binds the cluster’s shared volume instead');
        // The server side of NFS still runs for real, in userspace, and a replica writes through it.
        const [probe] = plan.replicaMachines;
        const nfsImage = { image: images.nfs, pull: false } as const;
        await deliverImage(nfsImage, [controller, probe], detail, hostDocker);
        if (await ensureUserspaceNfsServer(controller, images.nfs, replicaIps)) {
          await verifyUserspaceNfs(controller, probe, images.nfs);
          detail(
            `NFS-Ganesha on ${controller.name} exports the shared storage; ${probe.name} wrote through it`,
          );
        }
      }
    });
  },
};
