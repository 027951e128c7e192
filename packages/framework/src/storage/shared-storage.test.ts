import { labBindScript, nfsClientScript, nfsServerScript, volumePath } from './shared-storage';

// The exact commands for real hosts: they cannot run on our machines (no kernel NFS), so they are
// pinned here to the manual NFS steps they automate.
test('NFS server: nfs-kernel-server, export line per replica, exportfs and service start', () => {
  const script = nfsServerScript(['10.0.0.2', '10.0.0.3']).split('\n');
  expect(script).toContain(
    'command -v exportfs >/dev/null || { apt-get update -qq && apt-get install -y -qq nfs-kernel-server; }',
  );
  expect(script).toContain('mkdir -p /var/nfsshare');
  expect(script).toContain('chown nobody:nogroup /var/nfsshare');
  expect(script).toContain(
    "echo '/var/nfsshare 10.0.0.2(rw,sync,no_root_squash,no_subtree_check) 10.0.0.3(rw,sync,no_root_squash,no_subtree_check)' >> /etc/exports.dtr-ha",
  );
  expect(script.indexOf('exportfs -a')).toBeLessThan(script.indexOf('service nfs-kernel-server start'));
  expect(script[0]).toBe('set -e');
});

test('NFS client: nfs-common, then an idempotent nfs4 mount with actimeo=0 over the registry volume', () => {
  const script = nfsClientScript('10.0.0.1', 'dtr-registry-0123456789ab').split('\n');
  const target = '/var/lib/docker/volumes/dtr-registry-0123456789ab/_data';
  expect(volumePath('dtr-registry-0123456789ab')).toBe(target);
  expect(script).toContain(
    'command -v mount.nfs4 >/dev/null || { apt-get update -qq && apt-get install -y -qq nfs-common; }',
  );
  expect(script).toContain(
    `mountpoint -q ${target} || mount -t nfs4 -o actimeo=0 10.0.0.1:/var/nfsshare ${target}`,
  );
  expect(script).toContain(`mount -t nfs4 | grep -q ' ${target} '`);
});

test('lab: the shared volume is bound over the registry volume, once', () => {
  expect(labBindScript('dtr-registry-0123456789ab')).toContain(
    'mountpoint -q /var/lib/docker/volumes/dtr-registry-0123456789ab/_data || mount --bind /srv/dtr-ha-shared/dtr-registry /var/lib/docker/volumes/dtr-registry-0123456789ab/_data',
  );
});
