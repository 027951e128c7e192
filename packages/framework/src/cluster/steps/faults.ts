import { FaultJournal } from '../../faults/fault-journal';
import { Faults, providerPower } from '../../faults/faults';
import { need, type Step } from './step';

/**
 * Faults a run put on the cluster and did not live to undo (its process died mid-test, or was a
 * `dtr-ha fault` that nobody healed) are healed before anything is built on the machines, as each
 * fault's own undo would. Prints nothing when there are none.
 */
export const healFaultsStep: Step<'heal-faults'> = {
  name: 'heal-faults',
  async run(ctx) {
    const { context, reporter } = ctx;
    const journal = new FaultJournal(context.dir);
    const orphans = await journal.orphans();
    if (!orphans.length) return;
    const faults = new Faults(need(ctx, 'handles'), providerPower(context.provider), journal);
    await reporter.step(`Healing ${orphans.length} fault(s) a run left behind`, async (detail) => {
      for (const healed of await faults.healOrphans()) detail(`healed ${healed}`);
    });
  },
};
