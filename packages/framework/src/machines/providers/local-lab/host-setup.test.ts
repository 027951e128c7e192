import { hostSetupPlan } from './host-setup';

// What dtr-ha sets up on the lab's host by itself (LAB_HOST_SETUP), decided from what the host is.
const debianRoot = {
  isRoot: true,
  debianLike: true,
  dockerdInstalled: false,
  systemd: false,
  dockerHost: undefined,
};
const nothingElse = { engineDown: true, debootstrap: false, sshClient: false };

test('root on Debian without Docker: docker.io (and what else is missing) installed, dockerd started', () => {
  expect(hostSetupPlan(debianRoot, { engineDown: true, debootstrap: true, sshClient: true })).toEqual({
    install: ['docker.io', 'debootstrap', 'openssh-client'],
    start: 'background',
  });
  expect(hostSetupPlan({ ...debianRoot, systemd: true }, nothingElse)).toEqual({
    install: ['docker.io'],
    start: 'systemd',
  });
});

test('Docker installed but not running: only started; running but no debootstrap: only that installed', () => {
  expect(hostSetupPlan({ ...debianRoot, dockerdInstalled: true }, nothingElse)).toEqual({
    install: [],
    start: 'background',
  });
  expect(
    hostSetupPlan(
      { ...debianRoot, dockerdInstalled: true },
      { engineDown: false, debootstrap: true, sshClient: false },
    ),
  ).toEqual({ install: ['debootstrap'] });
  expect(
    hostSetupPlan(
      { ...debianRoot, dockerdInstalled: true },
      { engineDown: false, debootstrap: false, sshClient: false },
    ),
  ).toBeUndefined();
});

test('not root, not Debian or Ubuntu, or DOCKER_HOST naming an engine but the default socket: nothing done here', () => {
  expect(hostSetupPlan({ ...debianRoot, isRoot: false }, nothingElse)).toBeUndefined();
  expect(hostSetupPlan({ ...debianRoot, debianLike: false }, nothingElse)).toBeUndefined();
  expect(hostSetupPlan({ ...debianRoot, dockerHost: 'tcp://10.0.0.5:2376' }, nothingElse)).toBeUndefined();
  expect(hostSetupPlan({ ...debianRoot, dockerHost: 'unix:///tmp/other.sock' }, nothingElse)).toBeUndefined();
  // The default socket named outright is this machine's own engine.
  expect(hostSetupPlan({ ...debianRoot, dockerHost: 'unix:///var/run/docker.sock' }, nothingElse)).toEqual({
    install: ['docker.io'],
    start: 'background',
  });
});
