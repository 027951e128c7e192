import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labImageTag, reapAbandonedRootfs, recipeHash } from './lab-image';

test('abandoned rootfs folders of dead builders are reaped; live ones and others are kept', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reap-test-'));
  try {
    // A pid far above pid_max is never alive.
    const dead = path.join(dir, 'dtrha-node-rootfs-99999999-abc');
    const live = path.join(dir, `dtrha-node-rootfs-${process.pid}-def`);
    const other = path.join(dir, 'unrelated-99999999-x');
    for (const d of [dead, live, other]) await fs.mkdir(d);
    expect(await reapAbandonedRootfs(dir)).toEqual(['dtrha-node-rootfs-99999999-abc']);
    expect((await fs.readdir(dir)).sort()).toEqual([path.basename(live), path.basename(other)].sort());
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('the recipe hash changes with any file’s content or mode, and not otherwise', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'recipe-test-'));
  try {
    await fs.writeFile(path.join(dir, 'packages.txt'), 'haproxy\n');
    await fs.mkdir(path.join(dir, 'rootfs'));
    await fs.writeFile(path.join(dir, 'rootfs', 'init'), '#!/bin/sh\n', { mode: 0o644 });
    const first = await recipeHash(dir);
    expect(await recipeHash(dir)).toBe(first);
    await fs.chmod(path.join(dir, 'rootfs', 'init'), 0o755);
    const second = await recipeHash(dir);
    expect(second).not.toBe(first);
    await fs.writeFile(path.join(dir, 'packages.txt'), 'haproxy\nprocps\n');
    expect(await recipeHash(dir)).not.toBe(second);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('an image built on another gets a new tag when its base’s recipe changes; a loop is refused', async () => {
  const lab = await fs.mkdtemp(path.join(os.tmpdir(), 'recipes-test-'));
  const write = async (name: string, manifest: object, packages?: string) => {
    await fs.mkdir(path.join(lab, name), { recursive: true });
    await fs.writeFile(path.join(lab, name, 'image.json'), JSON.stringify(manifest));
    if (packages) await fs.writeFile(path.join(lab, name, 'packages.txt'), packages);
  };
  try {
    await write('base', { repository: 'lab/base' }, 'nodejs\n');
    await write('thin', { repository: 'lab/thin', from: 'base' });
    const before = await labImageTag('thin', lab);
    expect(before).toMatch(/^lab\/thin:[0-9a-f]{12}$/);
    expect(await labImageTag('thin', lab)).toBe(before);
    await write('base', { repository: 'lab/base' }, 'nodejs\nprocps\n');
    expect(await labImageTag('thin', lab)).not.toBe(before);

    await write('base', { repository: 'lab/base', from: 'thin' });
    await expect(labImageTag('thin', lab)).rejects.toThrow('in a loop: thin → base → thin');
  } finally {
    await fs.rm(lab, { recursive: true, force: true });
  }
});
