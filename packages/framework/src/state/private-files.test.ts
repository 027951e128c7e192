import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clusterStateDir, ensurePrivateDir, readTextIfExists, writePrivateFile } from './private-files';

const mode = async (p: string): Promise<number> => (await fs.stat(p)).mode & 0o777;

describe('private files', () => {
  let root: string;
  let oldUmask: number;

  beforeAll(() => {
    // A typical, permissive umask: it must not loosen what these helpers create.
    oldUmask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(oldUmask);
  });
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dtr-ha-private-'));
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  describe('ensurePrivateDir', () => {
    it('creates nested directories, the leaf 0700', async () => {
      const dir = path.join(root, 'a', 'b', 'c');
      await ensurePrivateDir(dir);
      expect((await fs.stat(dir)).isDirectory()).toBe(true);
      expect(await mode(dir)).toBe(0o700);
    });

    it('tightens an existing directory with looser bits', async () => {
      const dir = path.join(root, 'loose');
      await fs.mkdir(dir, { mode: 0o755 });
      await fs.chmod(dir, 0o777);
      await ensurePrivateDir(dir);
      expect(await mode(dir)).toBe(0o700);
    });

    it('is idempotent', async () => {
      const dir = path.join(root, 'twice');
      await ensurePrivateDir(dir);
      await ensurePrivateDir(dir);
      expect(await mode(dir)).toBe(0o700);
    });
  });

  describe('writePrivateFile', () => {
    it('creates the parent 0700 and the file 0600', async () => {
      const file = path.join(root, 'state', 'tls', 'key.pem');
      await writePrivateFile(file, 'secret');
      expect(await fs.readFile(file, 'utf8')).toBe('secret');
      expect(await mode(file)).toBe(0o600);
      expect(await mode(path.dirname(file))).toBe(0o700);
    });

    it('keeps 0600 even with an empty umask', async () => {
      const previous = process.umask(0);
      try {
        const file = path.join(root, 'open-umask', 'key.pem');
        await writePrivateFile(file, 'secret');
        expect(await mode(file)).toBe(0o600);
        expect(await mode(path.dirname(file))).toBe(0o700);
      } finally {
        process.umask(previous);
      }
    });

    it('writes Buffers byte for byte', async () => {
      const file = path.join(root, 'bin');
      const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
      await writePrivateFile(file, data);
      expect(Buffer.compare(await fs.readFile(file), data)).toBe(0);
    });

    it('replaces an existing file atomically: new inode, new content, 0600, no temp files left', async () => {
      const dir = path.join(root, 'atomic');
      const file = path.join(dir, 'ca.pem');
      await fs.mkdir(dir);
      await fs.writeFile(file, 'old content that is longer than the new one', { mode: 0o644 });
      await fs.chmod(file, 0o644);
      const before = await fs.stat(file);
      // A reader holding the old file keeps seeing the old, complete content.
      const reader = await fs.open(file, 'r');
      try {
        await writePrivateFile(file, 'new');
        const after = await fs.stat(file);
        expect(after.ino).not.toBe(before.ino);
        expect(await fs.readFile(file, 'utf8')).toBe('new');
        expect(await mode(file)).toBe(0o600);
        expect(await reader.readFile('utf8')).toBe('old content that is longer than the new one');
      } finally {
        await reader.close();
      }
      expect(await fs.readdir(dir)).toEqual(['ca.pem']);
    });

    it('survives concurrent writers: one complete value wins, no temp files left', async () => {
      const dir = path.join(root, 'race');
      const file = path.join(dir, 'f');
      const values = Array.from({ length: 20 }, (_, i) => `value-${i}-`.repeat(1000));
      await Promise.all(values.map((v) => writePrivateFile(file, v)));
      expect(values).toContain(await fs.readFile(file, 'utf8'));
      expect(await fs.readdir(dir)).toEqual(['f']);
      expect(await mode(file)).toBe(0o600);
    });

    it('leaves no temp file behind when the rename fails', async () => {
      const dir = path.join(root, 'fail');
      const target = path.join(dir, 'is-a-dir');
      await fs.mkdir(path.join(target, 'child'), { recursive: true });
      await expect(writePrivateFile(target, 'x')).rejects.toThrow();
      expect(await fs.readdir(dir)).toEqual(['is-a-dir']);
    });
  });

  describe('readTextIfExists', () => {
    it('returns the text of an existing file', async () => {
      const file = path.join(root, 'f.txt');
      await fs.writeFile(file, 'héllo\n');
      expect(await readTextIfExists(file)).toBe('héllo\n');
    });

    it('returns undefined for a missing file or directory', async () => {
      expect(await readTextIfExists(path.join(root, 'missing'))).toBeUndefined();
      expect(await readTextIfExists(path.join(root, 'no', 'such', 'file'))).toBeUndefined();
    });

    it('throws other errors', async () => {
      await expect(readTextIfExists(root)).rejects.toMatchObject({ code: 'EISDIR' });
    });
  });

  describe('clusterStateDir', () => {
    it('is <stateRoot>/<prefix>', () => {
      expect(clusterStateDir('/var/lib/dtr-ha', 'dtr')).toBe(path.join('/var/lib/dtr-ha', 'dtr'));
      expect(clusterStateDir('state', 'lab-1')).toBe(path.join('state', 'lab-1'));
    });

    it.each(['', '.', '..', 'a/b', '../escape', 'a\\b'])('rejects prefix %j', (prefix) => {
      expect(() => clusterStateDir('/state', prefix)).toThrow(/prefix/);
    });
  });
});
