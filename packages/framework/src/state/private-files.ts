/**
 * Files that hold secrets (TLS keys, cluster state): owner-only directories (0700) and files (0600),
 * written atomically so a reader never sees half a key and a crash never leaves a truncated one.
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

const PRIVATE_DIR_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** `mkdir -p` the directory, then make it owner-only (also when it already existed with looser bits). */
export async function ensurePrivateDir(dir: string): Promise<void> {
  // `mode` only applies to directories mkdir creates (and is filtered by the umask); chmod is not.
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await fs.chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Write `data` to `file` atomically with mode 0600: the parent directory is made private, the data goes
 * to a fresh temp file in that same directory (so the rename cannot cross filesystems), is flushed, and
 * is then renamed over `file`. An existing file (whatever its mode) is replaced, never partially rewritten.
 */
export async function writePrivateFile(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  await ensurePrivateDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already at the temp path.
  const handle = await fs.open(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    try {
      // The open mode is filtered by the umask; set the final bits explicitly.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/** The file's text (UTF-8), or `undefined` when it does not exist. Any other error is thrown. */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Where one cluster's private state lives: `<stateRoot>/<prefix>`. The prefix is one path segment, so a
 * cluster's state can never land outside `stateRoot` or inside another cluster's directory.
 */
export function clusterStateDir(stateRoot: string, prefix: string): string {
  if (!prefix || prefix === '.' || prefix === '..' || /[/\\\0]/.test(prefix)) {
    throw new Error(`Invalid cluster prefix ${JSON.stringify(prefix)}: it must be a single path segment`);
  }
  return path.join(stateRoot, prefix);
}
