import * as path from 'node:path';
import { recipeDir } from '../lab-image';

// Where a DTR stand-in replica probes another's /health: over the overlay dtr-ol by container name
// when both are on it (DTR 2.7 on a UCP with a swarm), else at its node address and published port.

/* eslint-disable @typescript-eslint/no-explicit-any */
const probeFile = path.join(recipeDir('dtr-standin'), 'rootfs/opt/dtr-standin/lib/probe.js');
let healthUrl: (id: string, replica: any, viaOverlay: boolean) => string;

beforeAll(async () => {
  ({ healthUrl } = await import(probeFile));
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
