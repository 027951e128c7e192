import * as path from 'node:path';
import { recipeDir } from '../lab-image';

// Where a DTR stand-in replica probes another's /health: over the overlay dtr-ol by container name
// when both are on it (DTR 2.7 on a UCP with a swarm), else at its node address and published port.

/* eslint-disable @typescript-eslint/no-explicit-any */
const probeFile = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin/lib/probe.js');
const storeFile = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin/lib/store.js');
let healthUrl: (id: string, replica: any, viaOverlay: boolean) => string;
let hintOf: (record: any) => any;

beforeAll(async () => {
  ({ healthUrl } = await import(probeFile));
  ({ hintOf } = await import(storeFile));
});

const onOverlay = { address: '10.0.0.3', https_port: 8443, network: 'dtr-ol' };
const onAddress = { address: '10.0.0.4', https_port: 4443 };

test('a prober on dtr-ol reaches a replica on dtr-ol by its front container name, on 443', () => {
  expect(healthUrl('0123456789ab', onOverlay, true)).toBe('https://dtr-nginx-0123456789ab:443/health');
});

test('a replica not on dtr-ol, or a prober off it, goes to the node address and published port', () => {
  expect(healthUrl('0123456789ab', onAddress, true)).toBe('https://10.0.0.4:4443/health');
  expect(healthUrl('0123456789ab', onOverlay, false)).toBe('https://10.0.0.3:8443/health');
  expect(healthUrl('0123456789ab', { ...onAddress, address: 'fd00::4' }, false)).toBe(
    'https://[fd00::4]:4443/health',
  );
});

test("a replica's hint on the shared storage keeps its network: probed from it, still over dtr-ol", () => {
  // The installer falls back to the hints (store-members.json) when the store does not answer.
  const hint = hintOf({ node: 'n3', ...onOverlay, ucp: {} });
  expect(hint).toEqual({
    address: '10.0.0.3',
    https_port: 8443,
    network: 'dtr-ol',
    client_url: 'https://10.0.0.3:2379',
  });
  expect(healthUrl('0123456789ab', hint, true)).toBe('https://dtr-nginx-0123456789ab:443/health');
  expect(hintOf(onAddress)).not.toHaveProperty('network');
});
