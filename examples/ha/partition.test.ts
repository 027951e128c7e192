import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// A replica cut off from the other machines (iptables over SSH) is reported unhealthy by the others,
// and is healthy again once the partition heals.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('a partitioned replica is reported unhealthy, then heals', async () => {
  const [, isolated, observer] = suite.replicas;
  await suite.faults.partition(isolated.machine);
  // Asked on a replica on the other side, cluster_status cannot reach the isolated one.
  await suite.util.waitFor('the isolated replica to be reported not OK', async () => {
    const health = (await observer.api.clusterStatus()).replica_health;
    return health[isolated.id] !== 'OK' && health[observer.id] === 'OK' ? health : undefined;
  });
  await suite.faults.heal(isolated.machine);
  await suite.util.waitFor('the healed replica to be reported OK', async () => {
    const health = (await observer.api.clusterStatus()).replica_health;
    return health[isolated.id] === 'OK' ? health : undefined;
  });
});
