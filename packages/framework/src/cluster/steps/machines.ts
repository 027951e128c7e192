import { imagesFromHost } from '../../images/cluster-images';
import { machineSpecs } from '../../machines/types';
import { toMachines } from '../cluster-context';
import { readClusterFile } from '../cluster-file';
import { madeForBefore } from '../made-for';
import type { Step } from './step';

/** The machines of NUM_MACHINES, reused, started or created; the cluster record starts from them. */
export const machinesStep: Step<'machines'> = {
  name: 'machines',
  async run(ctx) {
    const { config, context, reporter } = ctx;
    const specs = machineSpecs(config.machinePrefix, config.numMachines);
    // Where the machines were on the last run: UCP and DTR are bound to those addresses.
    const before = await readClusterFile(context.dir).catch(() => undefined);
    const ensured = await reporter.step(
      `Ensuring ${specs.length} machines (${context.provider.name})`,
      async (detail) => {
        // Machines beyond NUM_MACHINES (left by a bigger run) are not part of this cluster any more.
        const wanted = new Set(specs.map((s) => s.name));
        const extra = (await context.provider.list()).filter((m) => !wanted.has(m.name)).map((m) => m.name);
        if (extra.length && context.provider.capabilities.ownsMachines) {
          await context.provider.remove(extra, detail);
          detail(`removed ${extra.join(', ')} (beyond NUM_MACHINES=${specs.length})`);
        }
        // The lab puts the images on the nodes it makes; they are checked and sent afterwards all the same.
        const images = ctx.images && imagesFromHost(ctx.images, config);
        return context.provider.ensure(specs, detail, { images });
      },
    );
    ctx.ensured = ensured;
    ctx.info = { machines: ensured.machines, madeFor: madeForBefore(before) };
    ctx.handles = toMachines(context, ensured.machines);
  },
};
