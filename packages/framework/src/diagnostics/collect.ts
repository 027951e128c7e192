import * as path from 'node:path';
import { demux } from '../engine/log-frames';
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
 * `inspect` of every UCP, DTR and HAProxy container, and the provider's own logs (in `provider/`).
 * Secret values are removed from everything before it is written, 0600 in 0700 folders. Returns the
 * folder.
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
    // The provider hands over text, never a file: only the redacted text is ever written.
    try {
      for (const log of await options.provider.collectLogs()) {
        await save(path.join('provider', path.basename(log.name)), log.text);
      }
    } catch (error) {
      problems.push(`provider logs: ${(error as Error).message}`);
    }
  }
  if (problems.length) await save('problems.txt', `${problems.join('\n')}\n`);
  return { dir, files, problems };
}

export function diagnosticsDir(clusterDir: string, label = 'logs'): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return path.join(clusterDir, 'diagnostics', `${stamp}-${label}`);
}
