import Docker from 'dockerode';
import { TempClusters } from '../../test-support/temp-cluster';
import { labels } from '../machines/providers/local-lab/local-lab-provider';
import { silentWriter, StatusReporter } from './status';
import { up } from './up';

// An installer image that is neither on this host nor pulled is refused before any machine exists.
let clusters: TempClusters;
const hostDocker = new Docker();

beforeAll(async () => {
  clusters = await TempClusters.create('missing');
});

afterAll(async () => {
  await clusters?.remove();
});

test('a UCP image that is not here and not pulled stops up before any machine is made, naming it and the way out', async () => {
  const config = clusters.config('missing', { UCP_REPO: 'registry.invalid/nowhere', UCP_TAG: '1.1.3' });
  const error = await up(config, { reporter: new StatusReporter(silentWriter), until: 'dtr' }).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain('registry.invalid/nowhere/ucp:1.1.3 is not on this host');
  expect(error?.message).toContain('UCP_PULL_IMAGES=1');
  const filters = { label: [`${labels.cluster}=${config.machinePrefix}`] };
  expect(await hostDocker.listContainers({ all: true, filters })).toEqual([]);
  expect((await hostDocker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
  expect(await hostDocker.listNetworks({ filters })).toEqual([]);
});
