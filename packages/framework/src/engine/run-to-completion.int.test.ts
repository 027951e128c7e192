import Docker from 'dockerode';
import { ensureLabImage } from '../lab/lab-image';
import { runToCompletion } from './run-to-completion';

// On this host's engine, with the lab's HAProxy image (any small image would do).
const docker = new Docker();
const task = `dtr-ha.task=run-test-${process.pid}`;

test('a task run removes what a killed run of the same task left, and leaves no container of its own', async () => {
  const { tag: image } = await ensureLabImage(docker, 'haproxy', {});
  const [key, value] = task.split('=');
  const leftover = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { [key]: value } });
  const result = await runToCompletion(docker, { image, cmd: ['haproxy', '-v'], task });
  expect(result.code).toBe(0);
  expect(await leftover.inspect().catch(() => undefined)).toBeUndefined();
  expect(await docker.listContainers({ all: true, filters: { label: [task] } })).toEqual([]);
});
