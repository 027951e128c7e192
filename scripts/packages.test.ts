/**
 * What the two published packages say about themselves, checked without packing them (packing runs
 * their prepack, a clean build, which other tests running meanwhile would see). The consumer
 * integration test packs them and checks the tarballs' contents.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');
const packages = ['framework', 'jest-preset'] as const;

interface PackageJson {
  name: string;
  license: string;
  main: string;
  types: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  files: string[];
  exports: Record<string, string | Record<string, string>>;
  scripts?: Record<string, string>;
}

function packageJson(name: (typeof packages)[number]): PackageJson {
  return JSON.parse(
    readFileSync(path.join(repoRoot, 'packages', name, 'package.json'), 'utf8'),
  ) as PackageJson;
}

/** Where an exported file comes from in this checkout: dist/x.js and dist/x.d.ts are built from src/x.ts. */
function sourceOf(packageDir: string, target: string): string {
  const built = /^\.\/dist\/(.+?)(\.d\.ts|\.js)$/.exec(target);
  return built ? path.join(packageDir, 'src', `${built[1]}.ts`) : path.join(packageDir, target);
}

describe.each(packages)('@dtr-ha/%s', (name) => {
  const dir = path.join(repoRoot, 'packages', name);
  const pkg = packageJson(name);

  test('ships the Apache-2.0 LICENSE of the repository and a README that links the docs', () => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toBe(
      readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'),
    );
    expect(readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`^# ${pkg.name}\\n`));
    expect(readme).toMatch(/## Install\n/);
    expect(readme).toContain(`npm install --save-dev ${pkg.name}`);
    expect(readme).toMatch(/## Documentation\n[^]*\]\(https:\/\/[^)]+\/docs\/[a-z-]+\.md\)/);
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'LICENSE', 'README.md', 'CHANGELOG.md']));
  });

  test('says where it comes from: repository (with its folder), homepage, bugs', () => {
    expect(pkg.repository).toEqual({
      type: 'git',
      url: expect.stringMatching(/^git\+https:\/\/.+\.git$/),
      directory: `packages/${name}`,
    });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });

  test('exports: the main entry for require and import, with its types; every target exists', () => {
    expect(pkg.exports['.']).toEqual({ types: `./${pkg.types}`, default: `./${pkg.main}` });
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
        expect({ subpath, file, exists: existsSync(sourceOf(dir, file)) }).toEqual({
          subpath,
          file,
          exists: true,
        });
      }
    }
  });

  test('is packed from a clean build, so no output of a moved or deleted source (a test helper) ships', () => {
    expect(pkg.scripts?.prepack).toBe('node ../../scripts/clean-dist.js && tsc -b');
  });
});

test('source maps carry their sources (a package has no src/ to point to)', () => {
  const base = JSON.parse(readFileSync(path.join(repoRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  expect(base.compilerOptions).toMatchObject({ sourceMap: true, inlineSources: true });
});

describe('scripts/clean-dist.js', () => {
  const script = path.join(repoRoot, 'scripts', 'clean-dist.js');

  test('removes dist/ and the build info, nothing else', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'clean-dist-'));
    try {
      await fs.writeFile(path.join(dir, 'package.json'), '{}\n');
      await fs.mkdir(path.join(dir, 'dist', 'testing'), { recursive: true });
      await fs.writeFile(path.join(dir, 'dist', 'testing', 'temp-cluster.js'), '');
      await fs.writeFile(path.join(dir, 'tsconfig.tsbuildinfo'), '{}');
      await fs.mkdir(path.join(dir, 'src'));
      const result = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect((await fs.readdir(dir)).sort()).toEqual(['package.json', 'src']);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  test('refuses a folder that is not a package, naming it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'clean-dist-'));
    try {
      await fs.mkdir(path.join(dir, 'dist'));
      const result = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`clean-dist: ${dir} is not a package (no package.json)`);
      expect(existsSync(path.join(dir, 'dist'))).toBe(true);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
