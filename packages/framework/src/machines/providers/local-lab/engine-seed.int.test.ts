import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, type Config } from '../../../config';
import { down, up } from '../../../cluster/up';
import { toMachines } from '../../../cluster/cluster-context';
import { silentWriter, StatusReporter } from '../../../cluster/status';
import { runToCompletion } from '../../../engine/run-to-completion';
import { imagesFromHost, prepareClusterImages } from '../../../images/cluster-images';
import { releaseProfileOf } from '../../../releases';
import type { Machine } from '../../machine';
import { copySeed, removeStaleSeeds, seedLabels } from './engine-seed';

// Real lab nodes on this host's engine, seeded from the lab's engine seed (LAB_ENGINE_SEED, on by default).
const hostDocker = new Docker();
const quiet = () => new StatusReporter(silentWriter);
let stateDir: string;
let config: Config;
let machines: Machine[] = [];
let images: string[];

function labConfig(prefix: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    env: { ...process.env, MACHINE_PREFIX: prefix, NUM_MACHINES: '2', DTR_HA_STATE_DIR: stateDir, ...extra },
    cwd: stateDir,
  });
}

async function seedVolumes() {
  const { Volumes } = await hostDocker.listVolumes({ filters: { label: [seedLabels.seed] } });
  return (Volumes ?? []).map((v) => v.Name).sort();
}

async function idOn(docker: Docker, image: string): Promise<string | undefined> {
  return (
    await docker
      .getImage(image)
      .inspect()
      .catch(() => undefined)
  )?.Id;
}

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-seed-test-'));
  config = labConfig(`seedtest${process.pid}`);
  const prepared = await prepareClusterImages(
    config,
    () => undefined,
    hostDocker,
    releaseProfileOf(config).imageListing,
  );
  images = imagesFromHost(prepared, config);
  const result = await up(config, { reporter: quiet(), until: 'machines' });
  machines = toMachines(result.context, result.machines);
});

afterAll(async () => {
  machines.forEach((m) => m.dispose());
  if (config) await down(config, { reporter: quiet() });
  if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
});

test('new nodes start with every image of the cluster, under the IDs it has on this host', async () => {
  expect(images.length).toBeGreaterThanOrEqual(5);
  for (const image of images) {
    const id = await idOn(hostDocker, image);
    for (const machine of machines) {
      expect({ image, on: machine.name, id: await idOn(machine.getClient(), image) }).toEqual({
        image,
        on: machine.name,
        id,
      });
    }
  }
});

test('each node’s engine is its own: an image removed on one still runs on the other', async () => {
  const [one, other] = machines;
  const haproxy = images.find((image) => image.includes('haproxy'))!;
  await one.getClient().getImage(haproxy).tag({ repo: 'only-on-one', tag: 'x' });
  await one.getClient().getImage(haproxy).remove({ force: true });
  expect(await idOn(one.getClient(), haproxy)).toBeUndefined();
  expect(await idOn(other.getClient(), 'only-on-one:x')).toBeUndefined();
  const ran = await runToCompletion(other.getClient(), { image: haproxy, cmd: ['haproxy', '-v'] });
  expect(ran.code).toBe(0);
  expect(ran.stdout).toMatch(/HAProxy version/);
});

test('a second cluster of the same images makes no new seed; LAB_ENGINE_SEED=off starts nodes empty', async () => {
  const before = await seedVolumes();
  const again = labConfig(`seedtest${process.pid}b`, { NUM_MACHINES: '2' });
  const empty = labConfig(`seedtest${process.pid}c`, { NUM_MACHINES: '2', LAB_ENGINE_SEED: 'off' });
  try {
    const seeded = await up(again, { reporter: quiet(), until: 'machines' });
    const unseeded = await up(empty, { reporter: quiet(), until: 'machines' });
    const [a] = toMachines(seeded.context, seeded.machines);
    const [b] = toMachines(unseeded.context, unseeded.machines);
    try {
      expect(await seedVolumes()).toEqual(before);
      expect(await idOn(a.getClient(), images[0])).toBe(await idOn(hostDocker, images[0]));
      expect(await b.getClient().listImages()).toEqual([]);
    } finally {
      a.dispose();
      b.dispose();
    }
  } finally {
    await down(again, { reporter: quiet() });
    await down(empty, { reporter: quiet() });
  }
});

test('a seed that is not whole is not copied, and goes so that the next run makes it again', async () => {
  const [node] = await hostDocker.listImages({ filters: { reference: ['dtrha-lab-node'] } });
  const seed = `dtrha-engine-seed-halfmade${process.pid}`;
  const target = `dtrha-seed-target${process.pid}`;
  await hostDocker.createVolume({ Name: seed, Labels: { [seedLabels.seed]: 'halfmade' } });
  await hostDocker.createVolume({ Name: target });
  try {
    expect(await copySeed(hostDocker, node.Id, seed, target)).toBe(false);
    expect(
      await hostDocker
        .getVolume(seed)
        .inspect()
        .catch(() => undefined),
    ).toBeUndefined();
    const listed = await runToCompletion(hostDocker, {
      image: node.Id,
      entrypoint: ['ls', '-A', '/engine'],
      cmd: [],
      binds: [`${target}:/engine`],
    });
    expect(listed.stdout.trim()).toBe('');
  } finally {
    await hostDocker
      .getVolume(seed)
      .remove()
      .catch(() => undefined);
    await hostDocker.getVolume(target).remove();
  }
});

test('a seed whose images are no longer on this host is removed; a current one stays', async () => {
  const stale = `dtrha-engine-seed-stale${process.pid}`;
  const gone = `sha256:${'0'.repeat(64)}`;
  await hostDocker.createVolume({
    Name: stale,
    Labels: { [seedLabels.seed]: 'stale', [seedLabels.content]: JSON.stringify({ node: gone, images: {} }) },
  });
  const current = await seedVolumes();
  const removed = await removeStaleSeeds(hostDocker);
  expect(removed).toEqual([stale]);
  expect(await seedVolumes()).toEqual(current.filter((name) => name !== stale));
});
