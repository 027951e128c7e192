import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findDebootstrap, parseAptSources, pickDebianMirror } from './debian-mirror';

// Mirrors are written as example.org: no archive's host goes into the repository.
const debian12 = `Types: deb
URIs: http://mirror.example.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.org/debian-security
Suites: bookworm-security
Components: main
`;

const ubuntu2404 = `Types: deb
URIs: http://ubuntu.example.org/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
`;

const ubuntu2204 = `# See http://help.ubuntu.com/community/UpgradeNotes
deb http://ubuntu.example.org/ubuntu/ jammy main restricted
deb [arch=amd64] http://ubuntu.example.org/ubuntu/ jammy-updates main restricted
`;

test('deb822 and one-line sources are both read, disabled and deb-src stanzas skipped', () => {
  expect(parseAptSources('/etc/apt/sources.list.d/debian.sources', debian12)).toEqual([
    {
      file: '/etc/apt/sources.list.d/debian.sources',
      uri: 'http://mirror.example.org/debian',
      suites: ['bookworm', 'bookworm-updates'],
    },
    {
      file: '/etc/apt/sources.list.d/debian.sources',
      uri: 'http://security.example.org/debian-security',
      suites: ['bookworm-security'],
    },
  ]);
  expect(parseAptSources('a.sources', 'Types: deb-src\nURIs: http://x\nSuites: bookworm\n')).toEqual([]);
  expect(parseAptSources('a.sources', 'Types: deb\nURIs: http://x\nSuites: bookworm\nEnabled: no\n')).toEqual(
    [],
  );
  expect(parseAptSources('/etc/apt/sources.list', ubuntu2204)).toEqual([
    { file: '/etc/apt/sources.list', uri: 'http://ubuntu.example.org/ubuntu/', suites: ['jammy'] },
    { file: '/etc/apt/sources.list', uri: 'http://ubuntu.example.org/ubuntu/', suites: ['jammy-updates'] },
  ]);
});

test('Debian 12: its main archive, not the security one', () => {
  expect(pickDebianMirror(parseAptSources('/etc/apt/sources.list.d/debian.sources', debian12))).toEqual({
    mirror: 'http://mirror.example.org/debian',
    file: '/etc/apt/sources.list.d/debian.sources',
  });
  const securityFirst = debian12.split('\n\n').reverse().join('\n\n');
  expect(pickDebianMirror(parseAptSources('d.sources', securityFirst))).toMatchObject({
    mirror: 'http://mirror.example.org/debian',
  });
});

test('Ubuntu 22.04 and 24.04: no mirror, and the reason names what was found', () => {
  expect(pickDebianMirror(parseAptSources('/etc/apt/sources.list', ubuntu2204))).toEqual({
    problem: expect.stringMatching(
      /not Debian's \(jammy at .* in \/etc\/apt\/sources.list: Ubuntu, which has no Debian bookworm\)/,
    ),
  });
  expect(pickDebianMirror(parseAptSources('/etc/apt/sources.list.d/ubuntu.sources', ubuntu2404))).toEqual({
    problem: expect.stringMatching(/noble, noble-updates, noble-backports at .* in .*ubuntu.sources: Ubuntu/),
  });
  expect(pickDebianMirror([])).toEqual({ problem: 'no apt source was found' });
  expect(
    pickDebianMirror(
      parseAptSources('s.sources', 'Types: deb\nURIs: http://s/debian-security\nSuites: bookworm-security\n'),
    ),
  ).toEqual({ problem: expect.stringMatching(/security archives only/) });
});

test('debootstrap is found on PATH, else in /usr/sbin', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-debootstrap-'));
  try {
    const program = path.join(dir, 'debootstrap');
    await fs.writeFile(program, '#!/bin/sh\n', { mode: 0o755 });
    expect(await findDebootstrap(dir)).toBe(program);
    const usrSbin = await fs
      .access('/usr/sbin/debootstrap')
      .then(() => '/usr/sbin/debootstrap')
      .catch(() => undefined);
    expect(await findDebootstrap(path.join(dir, 'nothing-here'))).toBe(usrSbin);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});
