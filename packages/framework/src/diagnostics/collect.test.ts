import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Provider } from '../machines/types';
import { collectDiagnostics, productContainer } from './collect';
import { REDACTED } from './redact';

test("containers collected: UCP's, DTR's, the load balancer's and the lab's NFS server, no others", () => {
  const collected = [
    '/ucp-controller',
    'ucp-proxy',
    '/dtr-nginx-0123456789ab',
    '/dtr-haproxy',
    '/nfs-ganesha',
  ];
  const others = ['/ucp', '/nfs-ganesha-2', '/my-dtr-nginx', '/node-exporter'];
  expect(collected.filter(productContainer)).toEqual(collected);
  expect(others.filter(productContainer)).toEqual([]);
});

test("the provider's logs are written only redacted, 0600 in 0700 folders", async () => {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-diag-')), 'diagnostics', 'run');
  const secret = 'provider-log-secret-1';
  const provider = {
    collectLogs: async () => [{ name: 'dtrha-1.log', text: `dockerd: login with ${secret}\n` }],
  } as unknown as Provider;
  const previous = process.umask(0o022);
  try {
    const result = await collectDiagnostics([], { dir, provider, secrets: [secret] });
    const file = path.join(dir, 'provider', 'dtrha-1.log');
    expect(result.files).toEqual([file]);
    expect(await fs.readFile(file, 'utf8')).toBe(`dockerd: login with ${REDACTED}\n`);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    for (const folder of [dir, path.dirname(file)]) expect((await fs.stat(folder)).mode & 0o777).toBe(0o700);
    // Nothing else was written: no raw copy, no temporary file.
    expect(await fs.readdir(path.dirname(file))).toEqual(['dtrha-1.log']);
  } finally {
    process.umask(previous);
    await fs.rm(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  }
});
