import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { utils as ssh2Utils } from 'ssh2';
import { writePrivateFile } from '../state/private-files';

export interface SshIdentity {
  privateKeyPath: string;
  publicKey: string;
}

/**
 * The cluster's own SSH key pair (ed25519, OpenSSH format), made once per cluster in its state
 * directory. Lab nodes and docker-machine stand-ins authorise it; generic hosts use the user's key.
 */
export async function ensureSshIdentity(clusterDir: string, comment: string): Promise<SshIdentity> {
  const privateKeyPath = path.join(clusterDir, 'ssh', 'id_ed25519');
  const publicKeyPath = `${privateKeyPath}.pub`;
  const existing = await fs.readFile(publicKeyPath, 'utf8').catch(() => undefined);
  if (existing && (await fs.stat(privateKeyPath).catch(() => undefined))) {
    return { privateKeyPath, publicKey: existing.trim() };
  }
  const pair = ssh2Utils.generateKeyPairSync('ed25519', { comment });
  await writePrivateFile(privateKeyPath, pair.private);
  await writePrivateFile(publicKeyPath, `${pair.public}\n`);
  return { privateKeyPath, publicKey: pair.public.trim() };
}
