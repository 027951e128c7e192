import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Config } from '../config';
import { readTextIfExists, writePrivateFile } from '../state/private-files';

/**
 * The UCP admin password: UCP_ADMIN_PASSWORD when set; otherwise one generated for this cluster the
 * first time and kept (0600) in its state directory, so every later run — and every test process —
 * uses the same one without it ever being printed.
 */
export async function adminPassword(config: Config, clusterDir: string): Promise<string> {
  if (config.admin.password) return config.admin.password;
  const file = path.join(clusterDir, 'admin-password');
  const existing = (await readTextIfExists(file))?.trim();
  if (existing) return existing;
  const generated = randomBytes(18).toString('base64url');
  await writePrivateFile(file, `${generated}\n`);
  return generated;
}
