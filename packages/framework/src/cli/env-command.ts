import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../config';
import { readClusterFile } from '../cluster/cluster-file';
import { probeEngine } from '../engine/engine-client';
import type { MachineRecord } from '../machines/types';
import { clusterStateDir, ensurePrivateDir, writePrivateFile } from '../state/private-files';
import { EngineUnreachableError, NotFoundError, UsageError } from '../util/failures';
import { commandLineOf, detectShell, dockerEnv, renderEnv, renderUnset, type Shell } from './shell-env';

export interface EnvOptions {
  shell?: Shell;
  unset?: boolean;
}

/**
 * `dtr-ha env [machine]`: prints (returns) the exports that point a Docker client at the machine's
 * engine over verified TLS, as `docker-machine env` does. `args` are the command's own arguments as
 * given, for the usage hint; notes for stderr go to `note`.
 */
export async function envCommand(
  loadConfig: () => Config,
  machineName: string | undefined,
  options: EnvOptions,
  args: readonly string[],
  note: (line: string) => void,
): Promise<string> {
  const shell = options.shell ?? detected(note);
  const commandLine = commandLineOf(args, process.env);
  if (options.unset) {
    if (machineName)
      throw new UsageError('give no machine name with --unset: it unsets the variables whatever set them');
    return renderUnset(shell, commandLine);
  }
  const config = loadConfig();
  const dir = clusterStateDir(config.stateDir, config.machinePrefix);
  const records = (await readClusterFile(dir))?.machines ?? [];
  const known = records.map((r) => r.name).join(', ');
  if (!machineName) {
    throw new UsageError(
      `give a machine name: dtr-ha env <machine> (machines of ${config.machinePrefix}: ${known || 'none yet: run `dtr-ha up`'}). ` +
        'The table of configuration variables is `dtr-ha config`.',
    );
  }
  const record = records.find((r) => r.name === machineName);
  if (!record) {
    throw new NotFoundError(
      `no machine named ${machineName} in cluster ${config.machinePrefix} (machines: ${known || 'none: run `dtr-ha up`'})`,
    );
  }
  // As docker-machine does before it prints: exports that lead nowhere would only fail later, in docker.
  const probe = await probeEngine(record.engine);
  if (probe === 'no-answer') {
    throw new EngineUnreachableError(
      `the engine of ${record.name} (${record.engine.host}:${record.engine.port}) does not answer over verified TLS: ` +
        'is the machine running? `dtr-ha status` shows it, `dtr-ha up` starts it',
    );
  }
  if (probe === 'untrusted-certificate') {
    throw new EngineUnreachableError(
      `the engine of ${record.name} answers with a certificate this cluster cannot verify (the machine moved, or ` +
        'its state was made again): `dtr-ha up` gives it a new one',
    );
  }
  const certDir = await writeDockerCertDir(dir, record);
  return renderEnv(shell, dockerEnv(record.engine.host, record.engine.port, certDir), commandLine);
}

function detected(note: (line: string) => void): Shell {
  const { shell, note: why } = detectShell(process.env, process.platform);
  if (why) note(why);
  return shell;
}

/**
 * The folder DOCKER_CERT_PATH names: the machine's engine CA and the cluster's client certificate and
 * key under the names the Docker client reads (ca.pem, cert.pem, key.pem), 0600 in a 0700 folder of
 * the cluster's state directory. Its own folder, not the cluster's tls/, which also holds the CA's
 * private key that no client needs. Written anew each time, so it follows a renewed certificate.
 */
export async function writeDockerCertDir(clusterDir: string, record: MachineRecord): Promise<string> {
  const parent = path.join(clusterDir, 'docker-env');
  const dir = path.join(parent, record.name);
  await ensurePrivateDir(parent);
  await ensurePrivateDir(dir);
  const files: [string, string][] = [
    ['ca.pem', record.engine.caPath],
    ['cert.pem', record.engine.certPath],
    ['key.pem', record.engine.keyPath],
  ];
  for (const [name, from] of files) await writePrivateFile(path.join(dir, name), await fs.readFile(from));
  return dir;
}
