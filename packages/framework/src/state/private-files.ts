/**
 * Files that hold secrets (TLS keys, cluster state): owner-only directories (0700) and files (0600),
 * written atomically so a reader never sees half a key and a crash never leaves a truncated one.
 */
import { createHash, randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { processIsGone, thisProcess } from '../util/process-identity';

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
  const tmp = tempPathFor(file);
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

/**
 * Where writePrivateFile writes `file` before renaming it: beside it, as
 * `.<name>.<pid>-<start time>-<machine>.<random>.tmp`. The writer is named in it so that a later run
 * can tell a dead writer's leftover from a live one's file (removeStaleTempFiles): its pid, its start
 * time (Linux; `x` where unknown) against the pid's reuse, and a hash of its host, boot and pid
 * namespace, within which alone the pid means that process.
 */
export function tempPathFor(file: string): string {
  const { startTime } = thisProcess();
  const writer = `${process.pid}-${startTime ?? 'x'}-${machineTag()}`;
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${writer}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/** This host, boot and pid namespace, as 12 hex digits (the same for every process that shares them). */
function machineTag(): string {
  const { bootId = '', pidNamespace = '' } = thisProcess();
  return createHash('sha256')
    .update(`${os.hostname()}\0${bootId}\0${pidNamespace}`)
    .digest('hex')
    .slice(0, 12);
}

/** tempPathFor's names; and those of before it (`.<name>.<pid>.<random>.tmp`), whose writer is unknown. */
const TEMP_NAME = /^\..+\.(\d+)-(\d+|x)-([0-9a-f]{12})\.[0-9a-f]{12}\.tmp$/;
const OLD_TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/**
 * A temp file older than this is a leftover whoever wrote it: writePrivateFile's writes are of a few
 * kilobytes and take milliseconds, and a writer stopped that long loses only its own write (its rename
 * fails), never a file already in place.
 */
export const STALE_TEMP_AGE_MS = 60 * 60_000;

/**
 * Removes, anywhere under `dir` (a cluster's state directory), the temp files of writePrivateFile
 * that a writer killed between its write and its rename left (a SIGKILL during `up`). One is removed
 * when its writer is known gone (a process of this host, boot and pid namespace that no longer runs,
 * or whose pid another process has now), or when it is older than `maxAgeMs`; any other may be a
 * live writer's, of this process, a test worker or `dtr-ha logs` beside the run, and is left.
 * Returns the paths removed, relative to `dir`. Symbolic links are not followed.
 */
export async function removeStaleTempFiles(
  dir: string,
  options: { maxAgeMs?: number; now?: number } = {},
): Promise<string[]> {
  const maxAgeMs = options.maxAgeMs ?? STALE_TEMP_AGE_MS;
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  const visit = async (at: string): Promise<void> => {
    const entries = await fs.readdir(at, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      // Gone meanwhile, or not a directory: nothing of ours to remove there.
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw error;
    });
    for (const entry of entries) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) await visit(file);
      else if (entry.isFile() && (await isStaleTemp(file, entry.name, now, maxAgeMs))) {
        await fs.rm(file, { force: true });
        removed.push(path.relative(dir, file));
      }
    }
  };
  await visit(dir);
  return removed.sort();
}

async function isStaleTemp(file: string, name: string, now: number, maxAgeMs: number): Promise<boolean> {
  const ours = TEMP_NAME.exec(name);
  if (!ours && !OLD_TEMP_NAME.test(name)) return false;
  if (ours && ours[2] !== 'x' && ours[3] === machineTag()) {
    // Same host, boot and pid namespace as this process: the pid can be asked about.
    const { bootId, pidNamespace } = thisProcess();
    const writer = {
      pid: Number(ours[1]),
      host: os.hostname(),
      startTime: Number(ours[2]),
      bootId,
      pidNamespace,
    };
    if (processIsGone(writer)) return true;
  }
  const stat = await fs.lstat(file).catch(() => undefined);
  return stat !== undefined && now - stat.mtimeMs > maxAgeMs;
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
