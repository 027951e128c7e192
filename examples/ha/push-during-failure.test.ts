import { DTRHATestSuite } from '@dtr-ha/jest-preset';

// Pushes keep going while a replica dies: the client retries, and nothing that was acknowledged is
// lost. Every image pushed is counted, and every one is pulled back afterwards.
const suite = DTRHATestSuite.loadSync();
beforeAll(() => suite.setup());
afterAll(() => suite.teardown());

test('images pushed while a replica dies are all there afterwards', async () => {
  const name = suite.util.uniqueName('inflight');
  await suite.util.ensureRepository(name);
  const pusher = suite.controller;
  await suite.util.login(pusher);
  const acknowledged = new Map<string, string>();
  let retries = 0;

  const refs = Array.from({ length: 12 }, (_, i) => suite.util.imageRef(name, `n${i}`));
  const ids = new Map<string, string>();
  for (const [i, ref] of refs.entries())
    ids.set(ref, await suite.util.createImage(pusher, ref, `image number ${i}`));

  const pushOne = async (ref: string) => {
    // The docker client's own retries, then ours: a push that failed mid-way is simply pushed again.
    for (let attempt = 1; ; attempt++) {
      const result = await suite.util.docker(pusher, ['push', ref], { allowFailure: true });
      if (result.code === 0) break;
      if (attempt === 10) throw new Error(`push of ${ref} kept failing: ${result.stderr}`);
      retries++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    acknowledged.set(ref, ids.get(ref)!);
  };

  // A few pushes before anything happens, then eight at once, with the replica killed while they
  // are in flight.
  for (const ref of refs.slice(0, 4)) await pushOne(ref);
  const victim = suite.replicas[suite.replicas.length - 1];
  const inFlight = Promise.all(refs.slice(4).map(pushOne));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await suite.faults.killReplica(victim);
  await inFlight;
  expect(acknowledged.size).toBe(refs.length);

  const puller = suite.replicas[0].machine;
  await suite.util.login(puller);
  for (const [ref, id] of acknowledged) {
    await suite.util.removeImage(puller, ref);
    await suite.util.docker(puller, ['pull', ref]);
    expect(await suite.util.imageId(puller, ref)).toBe(id);
  }
  // For the record (and the JUnit report): how many pushes had to be retried while the replica went away.
  suite.summary(
    'pushes',
    `${refs.length} images pushed, ${retries} push retries while replica ${victim.id} died`,
  );
});
