import { newReplicaId } from './dtr';
import {
  haproxyContainer,
  isDtrName,
  isPhase2Container,
  nginxContainer,
  parseReplicaContainer,
  registryVolume,
  replicaContainer,
  replicaContainerPattern,
  replicaIdPattern,
  replicaOfNginx,
  parseReplicaVolume,
  replicaOfRegistryVolume,
} from './names';

const id = '0123456789ab';

test('the names DTR gives a replica', () => {
  expect([nginxContainer(id), replicaContainer('phase2', id), registryVolume(id)]).toEqual([
    'dtr-nginx-0123456789ab',
    'dtr-phase2-0123456789ab',
    'dtr-registry-0123456789ab',
  ]);
  expect(newReplicaId()).toMatch(replicaIdPattern);
  expect(replicaIdPattern.test('0123456789abc')).toBe(false);
  expect(replicaIdPattern.test('0123456789AB')).toBe(false);
});

test('the recognisers find what the builders make, as named or as the Engine API lists it', () => {
  for (const name of [nginxContainer(id), `/${nginxContainer(id)}`]) {
    expect(parseReplicaContainer(name)).toEqual({ part: 'nginx', id });
    expect(replicaOfNginx(name)).toBe(id);
    expect(replicaContainerPattern(id).test(name)).toBe(true);
    expect(isDtrName(name)).toBe(true);
  }
  expect(parseReplicaContainer(`/${replicaContainer('notary-server', id)}`)).toEqual({
    part: 'notary-server',
    id,
  });
  expect(isPhase2Container(`/${replicaContainer('phase2', id)}`)).toBe(true);
  expect(replicaOfRegistryVolume(registryVolume(id))).toBe(id);
  expect(parseReplicaVolume(`dtr-etcd-${id}`)).toEqual({ part: 'etcd', id });
  expect(parseReplicaVolume(registryVolume(id))).toEqual({ part: 'registry', id });
  expect(isDtrName(registryVolume(id))).toBe(true);
  expect(isDtrName(`/${haproxyContainer}`)).toBe(true);
});

test('near misses are not a replica’s', () => {
  const other = 'ba9876543210';
  for (const name of [
    'dtr-nginx-0123456789abc', // 13 digits
    'dtr-nginx-0123456789a', // 11
    'dtr-nginx-0123456789AB', // not lower-case hexadecimal
    'dtr-0123456789ab', // no part
    'my-dtr-nginx-0123456789ab',
    '//dtr-nginx-0123456789ab',
    haproxyContainer,
  ])
    expect(parseReplicaContainer(name)).toBeUndefined();
  expect(replicaOfNginx(registryVolume(id))).toBeUndefined();
  expect(replicaOfNginx(replicaContainer('nginx-2', id))).toBeUndefined();
  expect(isPhase2Container(nginxContainer(id))).toBe(false);
  expect(replicaContainerPattern(id).test(nginxContainer(other))).toBe(false);
  expect(replicaContainerPattern(id).test(`${nginxContainer(id)}0`)).toBe(false);
  expect(replicaOfRegistryVolume(`/${registryVolume(id)}`)).toBeUndefined(); // volumes have no `/`
  expect(replicaOfRegistryVolume(`${registryVolume(id)}0`)).toBeUndefined();
  expect(replicaOfRegistryVolume(nginxContainer(id))).toBeUndefined();
  expect(isDtrName('ucp-controller')).toBe(false);
  expect(isDtrName('/my-dtr-nginx')).toBe(false);
});
