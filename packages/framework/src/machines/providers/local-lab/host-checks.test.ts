import {
  bridgeCheck,
  debootstrapCheck,
  engineKindCheck,
  mirrorCheck,
  platformCheck,
  rootCheck,
} from './host-checks';

test('only Linux runs the lab; macOS and Windows are refused with the reason', () => {
  expect(platformCheck('linux')).toMatchObject({ status: 'ok' });
  expect(platformCheck('darwin')).toMatchObject({
    status: 'miss',
    summary: expect.stringMatching(/^macOS cannot run the local lab: .* not reachable from this host/),
    fix: expect.stringMatching(/MACHINE_DRIVER=generic/),
  });
  expect(platformCheck('win32').summary).toMatch(/^Windows cannot/);
});

test('rootless Docker, Docker Desktop and Windows containers are refused; a rootful engine passes', () => {
  const rootless = engineKindCheck({
    ServerVersion: '27.0.3',
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns'],
  });
  expect(rootless).toMatchObject({
    status: 'miss',
    summary: expect.stringMatching(/rootless: .*capabilities/),
  });
  expect(engineKindCheck({ OperatingSystem: 'Docker Desktop' })).toMatchObject({
    status: 'miss',
    summary: expect.stringMatching(/Docker Desktop's, which runs in a VM/),
  });
  expect(engineKindCheck({ OSType: 'windows' })).toMatchObject({ status: 'miss' });
  expect(
    engineKindCheck({
      ServerVersion: '26.1.5',
      OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
      SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
    }),
  ).toEqual({
    name: 'engine kind',
    status: 'ok',
    summary: 'Docker 26.1.5 on Debian GNU/Linux 12 (bookworm), rootful',
  });
});

test('root and debootstrap are needed only while the node image is not built', () => {
  expect(rootCheck(0, false).status).toBe('ok');
  expect(rootCheck(1000, false)).toMatchObject({ status: 'miss', fix: expect.stringMatching(/sudo -E/) });
  expect(rootCheck(1000, true).status).toBe('ok');
  expect(debootstrapCheck('/usr/sbin/debootstrap', false)).toMatchObject({
    status: 'ok',
    summary: '/usr/sbin/debootstrap',
  });
  expect(debootstrapCheck(undefined, false)).toMatchObject({
    status: 'miss',
    fix: 'apt-get install -y debootstrap',
  });
  expect(debootstrapCheck(undefined, true).status).toBe('ok');
});

test('a mirror is judged by where it comes from and whether it serves bookworm', () => {
  const located = {
    mirror: 'http://mirror.example.org/debian',
    file: '/etc/apt/sources.list.d/debian.sources',
  };
  expect(mirrorCheck(located, undefined)).toMatchObject({
    status: 'ok',
    summary: expect.stringMatching(/serves bookworm$/),
  });
  expect(
    mirrorCheck(located, 'http://mirror.example.org/debian/dists/bookworm/Release answers 404'),
  ).toMatchObject({
    status: 'miss',
    fix: expect.stringMatching(/DTR_HA_DEBIAN_MIRROR/),
  });
  expect(mirrorCheck({ problem: 'the apt sources here are not Debian’s' }, undefined)).toMatchObject({
    status: 'miss',
    summary: 'the apt sources here are not Debian’s',
  });
});

test('bridge addresses are reachable when a bridge gateway is an address of this host', () => {
  const local = new Map([
    ['127.0.0.1', 'lo'],
    ['172.17.0.1', 'docker0'],
  ]);
  expect(bridgeCheck(['172.17.0.1', '172.18.0.1'], local)).toMatchObject({
    status: 'ok',
    summary: 'reachable: the bridge gateway 172.17.0.1 is on this host (docker0)',
  });
  expect(bridgeCheck(['192.168.65.1'], local)).toMatchObject({
    status: 'miss',
    summary: expect.stringMatching(/no address of this host: the engine runs elsewhere/),
  });
  expect(bridgeCheck([], local).status).toBe('skipped');
});
