import type { MachineRecord } from '../machines/types';
import type { ClusterInfo, MadeFor } from './cluster-info';
import { madeForBefore, madeNow, movedSince, replicasOutdated } from './made-for';

function machine(name: string, ip: string): MachineRecord {
  const tls = { caPath: '/ca.pem', certPath: '/cert.pem', keyPath: '/key.pem' };
  return {
    name,
    role: name.endsWith('-1') ? 'controller' : 'replica',
    ip,
    ssh: { host: ip, port: 22, user: 'root', privateKeyPath: '/id' },
    engine: { host: ip, port: 2376, ...tls },
    providerId: name,
  };
}

const machines = [machine('m-1', '10.0.0.1'), machine('m-2', '10.0.0.2'), machine('m-3', '10.0.0.3')];
const addresses = { 'm-1': '10.0.0.1', 'm-2': '10.0.0.2', 'm-3': '10.0.0.3' };
const ucpMade: MadeFor = { ucpFingerprint: 'ucp-a', addresses, image: 'repo/ucp:1' };
const dtrMade: MadeFor = { ucpFingerprint: 'ucp-a', addresses, image: 'repo/dtr:1' };
const sameUcp = { fingerprint: 'ucp-a', installed: false };

function info(madeFor: ClusterInfo['madeFor'], now: MachineRecord[] = machines): ClusterInfo {
  return { machines: now, madeFor };
}

function at(ips: Record<string, string>): MachineRecord[] {
  return machines.map((m) => machine(m.name, ips[m.name] ?? m.ip));
}

describe('movedSince', () => {
  test('names the machines whose address differs from the record', () => {
    const now = at({ 'm-2': '10.0.0.22', 'm-3': '10.0.0.33' });
    expect([...movedSince(ucpMade, now)].sort()).toEqual(['m-2', 'm-3']);
  });

  test('a machine at its recorded address has not moved', () => {
    expect(movedSince(ucpMade, machines).size).toBe(0);
  });

  test('a machine the record does not know (added since) has not moved', () => {
    const grown = [...machines, machine('m-4', '10.0.0.4')];
    expect(movedSince(ucpMade, grown).size).toBe(0);
  });

  test('without a record nothing has moved', () => {
    expect(movedSince(undefined, at({ 'm-1': '10.9.9.9' })).size).toBe(0);
  });
});

describe('replicasOutdated', () => {
  test('replicas made for this UCP, these addresses and this image are kept', () => {
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }), sameUcp, 'repo/dtr:1')).toBeUndefined();
  });

  test('another DTR image remakes them, naming both images', () => {
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }), sameUcp, 'repo/dtr:2')).toBe(
      'the DTR image is now repo/dtr:2 (was repo/dtr:1)',
    );
  });

  test('the image is checked first: it wins over a new UCP and moved machines', () => {
    const now = at({ 'm-2': '10.0.0.22' });
    const newUcp = { fingerprint: 'ucp-b', installed: true };
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }, now), newUcp, 'repo/dtr:2')).toMatch(
      /^the DTR image is now/,
    );
  });

  test('a record without an image (older dtr-ha) does not count as another image', () => {
    const noImage = { ucpFingerprint: 'ucp-a', addresses };
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: noImage }), sameUcp, 'repo/dtr:2')).toBeUndefined();
  });

  test('replicas made for another UCP instance are remade, even if this run did not install UCP', () => {
    const other = { fingerprint: 'ucp-b', installed: false };
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }), other, 'repo/dtr:1')).toBe(
      'UCP was installed again',
    );
  });

  test('with a record, an install this run that kept the instance (same fingerprint) keeps them', () => {
    const reinstalledSame = { fingerprint: 'ucp-a', installed: true };
    expect(
      replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }), reinstalledSame, 'repo/dtr:1'),
    ).toBeUndefined();
  });

  test('without a DTR record, what this run did to UCP decides', () => {
    const installed = { fingerprint: 'ucp-a', installed: true };
    expect(replicasOutdated(info({ ucp: ucpMade }), installed, 'repo/dtr:1')).toBe('UCP was installed again');
    expect(replicasOutdated(info({ ucp: ucpMade }), sameUcp, 'repo/dtr:1')).toBeUndefined();
  });

  test('machines moved since the DTR record are named', () => {
    const now = at({ 'm-2': '10.0.0.22', 'm-3': '10.0.0.33' });
    expect(replicasOutdated(info({ ucp: ucpMade, dtr: dtrMade }, now), sameUcp, 'repo/dtr:1')).toBe(
      'm-2, m-3 changed address',
    );
  });

  test('the DTR record decides the addresses, not the newer UCP one', () => {
    // A run remade UCP for m-2's new address and died before DTR's steps ended well.
    const ucpNow = { ...ucpMade, addresses: { ...addresses, 'm-2': '10.0.0.22' } };
    const now = at({ 'm-2': '10.0.0.22' });
    expect(replicasOutdated(info({ ucp: ucpNow, dtr: dtrMade }, now), sameUcp, 'repo/dtr:1')).toBe(
      'm-2 changed address',
    );
  });

  test('without a DTR record the UCP record gives the addresses', () => {
    const now = at({ 'm-3': '10.0.0.33' });
    expect(replicasOutdated(info({ ucp: ucpMade }, now), sameUcp, 'repo/dtr:1')).toBe('m-3 changed address');
  });

  test('without any record (a first run) nothing is outdated', () => {
    expect(replicasOutdated(info(undefined), sameUcp, 'repo/dtr:1')).toBeUndefined();
  });
});

describe('madeForBefore', () => {
  test('no cluster file: no record', () => {
    expect(madeForBefore(undefined)).toBeUndefined();
  });

  test('a cluster file with a record: that record', () => {
    const madeFor = { ucp: ucpMade, dtr: dtrMade };
    expect(madeForBefore({ machines, madeFor })).toBe(madeFor);
  });

  test('a cluster file of an older dtr-ha with UCP: UCP was made for the machines it lists', () => {
    const before = { machines, ucp: { url: 'https://10.0.0.1:8443', caPath: '/ucp-ca.pem' } };
    expect(madeForBefore(before)).toEqual({ ucp: { addresses } });
  });

  test('a cluster file of an older dtr-ha without UCP: no record', () => {
    expect(madeForBefore({ machines })).toBeUndefined();
  });
});

test('madeNow records the fingerprint, every machine address and the image', () => {
  expect(madeNow(machines, { fingerprint: 'ucp-a' }, 'repo/ucp:1')).toEqual(ucpMade);
});
