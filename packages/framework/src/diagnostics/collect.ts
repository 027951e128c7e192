import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Machine } from '../machines/machine';
import type { Provider } from '../machines/types';
import { isDtrName } from '../products/dtr/names';
import { isUcpName } from '../products/ucp/names';
import { ensurePrivateDir, writePrivateFile } from '../state/private-files';
import { nfsServerContainer } from '../storage/userspace-nfs';
import { redactor } from './redact';

/** Containers worth collecting: UCP's, DTR's, the load balancer's and the lab's NFS server. */
export function productContainer(name: string): boolean {
  return isUcpName(name) || isDtrName(name) || name.replace(/^\//, '') === nfsServerContainer;
}

/**
 * Gathers what explains a failure into one folder: every machine's dockerd log, the logs and
 * `inspect` of every UCP, DTR and HAProxy container, and the provider's own logs. Secret values are
 * removed from everything written. Returns the folder.
 */
export async function collectDiagnostics(
  machines: Machine[],
  options: { dir: string; provider?: Provider; secrets: Array<string | undefined> },
): Promise<{ dir: string; files: string[]; problems: string[] }> {
  const { dir } = options;
  const redact = redactor(options.secrets);
  await ensurePrivateDir(dir);
  const files: string[] = [];
  const problems: string[] = [];
  const save = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writePrivateFile(file, redact(text));
    files.push(file);
  };

  await Promise.all(
    machines.map(async (machine) => {
      try {
        const log = await machine.ssh(
          'if [ -f /var/log/dockerd.log ]; then tail -n 5000 /var/log/dockerd.log; else journalctl -u docker --no-pager -n 5000; fi',
        );
        await save(`${machine.name}.dockerd.log`, log.stdout + log.stderr);
      } catch (error) {
        problems.push(`${machine.name}: dockerd log: ${(error as Error).message}`);
      }
      try {
        const docker = machine.getClient();
        for (const summary of await docker.listContainers({ all: true })) {
          const name = summary.Names[0]?.replace(/^\//, '') ?? summary.Id;
          if (!summary.Names.some(productContainer)) continue;
          const container = docker.getContainer(summary.Id);
          const inspect = await container.inspect();
          await save(`${machine.name}.${name}.inspect.json`, JSON.stringify(inspect, null, 2));
          const logs = (await container.logs({
            stdout: true,
            stderr: true,
            timestamps: true,
            tail: 5000,
          })) as unknown as Buffer;
          await save(`${machine.name}.${name}.log`, demux(logs));
        }
      } catch (error) {
        problems.push(`${machine.name}: containers: ${(error as Error).message}`);
      }
    }),
  );
  if (options.provider) {
    const providerDir = path.join(dir, 'provider');
    try {
      for (const file of await options.provider.collectLogs(providerDir)) {
        await fs.writeFile(file, redact(await fs.readFile(file, 'utf8')), { mode: 0o600 });
        files.push(file);
      }
    } catch (error) {
      problems.push(`provider logs: ${(error as Error).message}`);
    }
  }
  if (problems.length) await save('problems.txt', `${problems.join('\n')}\n`);
  return { dir, files, problems };
}

/** Docker multiplexes stdout/stderr frames (8-byte headers) for non-TTY containers: strip them. */
export function demux(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (
    offset + 8 <= buffer.length &&
    (buffer[offset] === 1 || buffer[offset] === 2) &&
    buffer.readUIntBE(offset + 1, 3) === 0
  ) {
    const size = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return offset === 0 ? buffer.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

export function diagnosticsDir(clusterDir: string, label = 'logs'): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(clusterDir, 'diagnostics', `${stamp}-${label}`);
}
