import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { openCluster } from './cluster-context';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-open-cluster-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a Config put together in code with an unsupported release pair makes nothing', async () => {
  const stateDir = path.join(dir, 'state');
  const config = loadConfig({ env: { HOME: dir, DTR_HA_STATE_DIR: stateDir }, cwd: dir });
  const bad = { ...config, ucp: { ...config.ucp, tag: '2.2.0' }, dtr: { ...config.dtr, tag: '2.7.1' } };
  await expect(openCluster(bad)).rejects.toThrow(ConfigError);
  await expect(openCluster(bad)).rejects.toThrow(
    /^UCP_TAG="2.2.0" and DTR_TAG="2.7.1": not a supported pair/,
  );
  // No state directory, no cluster directory, no certificate: nothing at all.
  expect(fs.existsSync(stateDir)).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]);
});
