import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { StatusReporter } from '../cluster/status';
import { up, type UpResult } from '../cluster/up';
import type { Config } from '../config';
import { TempClusters } from '../../test-support/temp-cluster';
import { ensureLabImage } from '../lab/lab-image';
import { transferImage } from './image-transfer';

// Transfers to real lab machines, one of which loses its engine in the middle of the load.
let clusters: TempClusters;
let config: Config;
let cluster: UpResult;
const hostDocker = new Docker();

beforeAll(async () => {
  clusters = await TempClusters.create('transfer');
  // Nodes that start without images, as real hosts do (no engine seed): the transfer is what is tested.
  config = clusters.config('transfer', { NUM_MACHINES: '3', LAB_ENGINE_SEED: 'off' });
  cluster = await up(config, { reporter: new StatusReporter(() => undefined), until: 'machines' });
});

afterAll(async () => {
  cluster?.handles.forEach((m) => m.dispose());
  await clusters?.remove();
});

test('a machine whose engine dies mid-load fails the transfer without holding up the others', async () => {
  const { tag: image } = await ensureLabImage(hostDocker, 'haproxy', { debianMirror: config.debianMirror });
  const { Id: id } = await hostDocker.getImage(image).inspect();
  const [dying, ...others] = cluster.handles;
  const targets = cluster.handles.map((m) => ({ name: m.name, docker: m.getClient() }));
  let killed: Promise<unknown> | undefined;
  // The progress line comes after the targets were inspected and before any byte is sent. The
  // dying engine is frozen there and then, synchronously (nothing of the stream can reach it
  // first, however fast this machine is), and killed while its load waits on it: a load that
  // cannot finish, then a connection that breaks. A kill on a timer raced a fast machine's load.
  const transfer = transferImage(hostDocker, image, targets, () => {
    execFileSync('docker', ['exec', dying.record.providerId, 'pkill', '-STOP', '-x', 'dockerd']);
    killed = new Promise((resolve) => setTimeout(resolve, 300)).then(() => dying.ssh('pkill -9 -x dockerd'));
  });
  // Only that machine fails; the tee does not wait for it.
  await expect(transfer).rejects.toThrow(`${image} did not load on ${dying.name}: `);
  expect(killed).toBeDefined();
  await killed;
  for (const machine of others) {
    expect((await machine.getClient().getImage(image).inspect()).Id).toBe(id);
  }
});
