import { DOCKER_HUB, registryHost } from './image-ref';
import { isRepositoryPath } from './load';

describe('registryHost', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  test.each([
    ['localhost/x', 'localhost'],
    ['localhost:5000/x', 'localhost:5000'],
    ['registry.example.com/x/y:tag', 'registry.example.com'],
    ['registry.example.com:5000/team/ucp:1.1.0', 'registry.example.com:5000'],
    ['docker.io/library/ucp', 'docker.io'],
    ['dockerorcadev/ucp:1.1.0', DOCKER_HUB],
    ['ucp', DOCKER_HUB],
    ['ucp:1.1.0', DOCKER_HUB],
    [`ucp@${digest}`, DOCKER_HUB],
    [`dockerorcadev/ucp@${digest}`, DOCKER_HUB],
    [`registry.example.com/x/ucp@${digest}`, 'registry.example.com'],
    [`localhost:5000/ucp:1.1.0@${digest}`, 'localhost:5000'],
  ])('%s is on %s', (ref, host) => {
    expect(registryHost(ref)).toBe(host);
  });

  test('DOCKER_HUB is docker.io', () => {
    expect(DOCKER_HUB).toBe('docker.io');
  });
});

describe('isRepositoryPath agrees with registryHost on the host', () => {
  test.each([
    // A registry host is checked as a host (upper case allowed, a port), the rest as path components.
    ['localhost', true],
    ['localhost/team', true],
    ['localhost:5000', true],
    ['Registry.Example.com:5000/team', true],
    ['team/sub', true],
    // Not a host, so a path component, which must be lower case.
    ['Team/sub', false],
    ['registry.example.com:port/team', false],
  ])('%s: %s', (repo, valid) => {
    expect(isRepositoryPath(repo, 'ucp')).toBe(valid);
  });
});
