import { engineUnreachableAdvice, type EngineFacts } from './host-engine';

const noSocket: EngineFacts = {
  address: '/var/run/docker.sock',
  code: 'ENOENT',
  message: 'connect ENOENT /var/run/docker.sock',
  isRoot: true,
  dockerdInstalled: false,
  debootstrapInstalled: false,
  systemd: false,
  debianLike: true,
};

test('no Docker on a root Debian machine without systemd: one line installs what the lab needs and starts dockerd', () => {
  expect(engineUnreachableAdvice(noSocket)).toEqual({
    problem:
      'no Docker engine answers at /var/run/docker.sock (connect ENOENT /var/run/docker.sock): Docker is not installed',
    fix:
      'install what the lab needs and start the engine:\n' +
      '  apt-get update && apt-get install -y docker.io debootstrap && (dockerd >/var/log/dockerd.log 2>&1 &)\n' +
      'or set DOCKER_HOST to an engine that runs on this machine',
  });
});

test('with systemd, not root, debootstrap there: the service is started, through sudo', () => {
  const advice = engineUnreachableAdvice({
    ...noSocket,
    systemd: true,
    isRoot: false,
    debootstrapInstalled: true,
  });
  expect(advice.fix).toContain(
    "  sudo sh -c 'apt-get update && apt-get install -y docker.io && systemctl start docker'\n",
  );
});

test('Docker installed but not running: only the start', () => {
  expect(engineUnreachableAdvice({ ...noSocket, dockerdInstalled: true, systemd: true })).toEqual({
    problem: expect.stringMatching(/: Docker is installed but its engine is not running$/),
    fix: 'start it:\n  systemctl start docker\nor set DOCKER_HOST to an engine that runs on this machine',
  });
});

test('permission denied on the socket: root or the docker group', () => {
  const advice = engineUnreachableAdvice({
    ...noSocket,
    code: 'EACCES',
    message: 'connect EACCES /var/run/docker.sock',
  });
  expect(advice.problem).toMatch(/: this user may not use it$/);
  expect(advice.fix).toMatch(/run dtr-ha as root .* sudo usermod -aG docker "\$USER"/);
});

test('a DOCKER_HOST that does not answer is named, and unsetting it is the way back', () => {
  const tcp = engineUnreachableAdvice({
    ...noSocket,
    dockerHost: 'tcp://10.0.0.9:2375',
    address: 'http://10.0.0.9:2375',
    code: 'ECONNREFUSED',
    message: 'connect ECONNREFUSED 10.0.0.9:2375',
  });
  expect(tcp.problem).toBe(
    'no Docker engine answers at DOCKER_HOST=tcp://10.0.0.9:2375 (connect ECONNREFUSED 10.0.0.9:2375)',
  );
  expect(tcp.fix).toMatch(/unset DOCKER_HOST/);
  const unix = engineUnreachableAdvice({
    ...noSocket,
    dockerHost: 'unix:///tmp/x.sock',
    dockerdInstalled: true,
  });
  expect(unix.fix).toMatch(/\nor unset DOCKER_HOST to use \/var\/run\/docker.sock$/);
});

test('not Debian: install Docker Engine the system’s way', () => {
  expect(engineUnreachableAdvice({ ...noSocket, debianLike: false }).fix).toMatch(
    /^install Docker Engine with this system's packages, then start it/,
  );
});
