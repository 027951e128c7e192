import { DTRHATestSuite } from '@dtr-ha/jest-preset';

const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('images pushed through the load balancer are read back from every replica', async () => {
  const name = suite.util.uniqueName('pushpull');
  await suite.util.ensureRepository(name);
  const pusher = suite.controller;
  const pushed = new Map<string, string>();
  for (const tag of ['one', 'two', 'three']) {
    const ref = suite.util.imageRef(name, tag);
    pushed.set(tag, await suite.util.createImage(pusher, ref));
    await suite.util.pushImage(pusher, ref);
  }
  // Each replica directly (its own address, not the load balancer), from a machine that never had them.
  for (const replica of suite.replicas) {
    const puller = replica.machine;
    const address = replica.machine.getIP();
    await suite.util.docker(puller, ['login', '-u', suite.admin.username, '--password-stdin', address], {
      stdin: suite.admin.password,
    });
    for (const [tag, id] of pushed) {
      const ref = `${address}/${suite.admin.username}/${name}:${tag}`;
      await suite.util.removeImage(puller, ref);
      await suite.util.docker(puller, ['pull', ref]);
      expect(await suite.util.imageId(puller, ref)).toBe(id);
    }
  }
});
