import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { secretValues, type Config } from '../config';
import type { MachineRecord } from '../machines/types';

/**
 * The folders of a cluster's state directory that hold private keys: the cluster CA, the framework's
 * client and every engine's server key (`tls/`), DTR's CA and its server key, the one DTR installs
 * with (`dtr-tls/`), and the cluster's SSH key (`ssh/`).
 */
const KEY_FOLDERS = ['tls', 'dtr-tls', 'ssh'] as const;

/** A private key in PEM (PKCS#1, PKCS#8, SEC1, OpenSSH): `-----BEGIN … PRIVATE KEY-----` to its END. */
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;

export interface DiagnosticSecretsOptions {
  config: Config;
  /** `<DTR_HA_STATE_DIR>/<MACHINE_PREFIX>`. */
  clusterDir: string;
  /** The admin password in use (it may have been generated for the cluster). */
  adminPassword?: string;
  /** Their SSH and engine client keys may lie outside the state directory (docker-machine's store, generic hosts' key). */
  machines?: readonly { record: MachineRecord }[];
}

/**
 * Everything diagnostics must remove: the configuration's secrets (passwords, the secret flags of
 * MACHINE_CREATE_FLAGS), the admin password, and every private key the cluster uses, each read from
 * its file: the CA keys, DTR's private key, the TLS client and server keys, the SSH keys.
 */
export async function diagnosticSecrets(options: DiagnosticSecretsOptions): Promise<string[]> {
  const secrets = new Set(secretValues(options.config, options.adminPassword));
  const files = new Set<string>();
  for (const folder of KEY_FOLDERS) {
    for (const file of await filesBelow(path.join(options.clusterDir, folder))) files.add(file);
  }
  for (const { record } of options.machines ?? []) {
    files.add(record.ssh.privateKeyPath).add(record.engine.keyPath);
  }
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const [key] of text.matchAll(PRIVATE_KEY)) secrets.add(key);
  }
  return [...secrets];
}

/** Every file below `dir` (none when it does not exist). */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesBelow(entryPath)));
    else if (entry.isFile()) files.push(entryPath);
  }
  return files;
}
