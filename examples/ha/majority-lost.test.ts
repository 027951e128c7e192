import { DTRHATestSuite } from '@dtr-ha/jest-preset';
import { DtrApiError, releaseProfileOf } from '@dtr-ha/framework';

// Lose the majority for good: with 3 replicas, 2 are gone with their volumes, as when their disks
// die. The survivor has no quorum left. What the release documents for that brings the cluster back
// from the survivor: DTR 2.7's emergency-repair reverts the cluster to it; DTR 2.0, which has no
// emergency-repair, restores the backup taken before the loss on the survivor's machine. Then 2
// replicas join again, and every image pushed before the loss pulls back, on every replica.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('the majority lost for good: repaired (2.7) or restored (2.0) from the survivor, then 3 replicas again, every image there', async () => {
  expect(suite.replicas.length).toBe(3);
  const namespace = suite.admin.username;
  const name = suite.util.uniqueName('lost');
  const images = await suite.util.pushNewImages(name, ['a', 'b', 'c']);

  const [survivor, ...lost] = suite.replicas;
  // A read through the survivor answers only once its own store has applied the writes before it:
  // what it is repaired from holds the repository.
  expect((await survivor.api.getRepository(namespace, name)).name).toBe(name);
  // The release says how the cluster comes back: emergency-repair where it has one, else a backup
  // taken while the cluster is healthy.
  const repairs = releaseProfileOf(suite.framework.config).driver.dtr.emergencyRepair !== undefined;
  const backup = repairs ? undefined : await suite.backup({ through: survivor });

  for (const replica of lost) await suite.loseReplica(replica);
  // Without a quorum the survivor is unhealthy by the release's own health check.
  await suite.util.waitFor('the survivor to report itself unhealthy', async () =>
    survivor.api.ping().then(
      () => undefined,
      (error: unknown) => error instanceof DtrApiError && error.status === 503,
    ),
  );

  let anchor = survivor;
  if (backup) anchor = await suite.restore(backup, { machine: survivor.machine });
  else await suite.emergencyRepair(survivor);
  // One replica, healthy, and the lost ones are no part of the cluster.
  expect(suite.replicas.map((r) => r.id)).toEqual([anchor.id]);
  await suite.util.waitForHealthy();
  expect(Object.keys((await suite.api.clusterStatus()).replica_health)).toEqual([anchor.id]);

  // Back to 3: a new replica on each lost one's machine, joined through the one there is.
  for (const replica of lost) await suite.joinReplica(replica.machine, { through: anchor });
  expect(suite.replicas.length).toBe(3);
  const health = await suite.util.waitForHealthy();
  for (const replica of lost) expect(health).not.toHaveProperty(replica.id);

  // Every image pushed before the loss pulls back, on a machine that has none of them.
  expect(await suite.util.pullAgain(lost[0].machine, images.keys())).toEqual(images);
  // Every replica lists the repository, and writes are accepted again.
  for (const replica of suite.replicas) {
    expect((await replica.api.listRepositories(namespace)).map((r) => r.name)).toContain(name);
  }
  const after = suite.util.uniqueName('after');
  await suite.util.ensureRepository(after);
  expect((await suite.api.getRepository(namespace, after)).name).toBe(after);
});
