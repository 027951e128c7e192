import type Docker from 'dockerode';
import {
  dtrDestroyArgs,
  dtrInstallArgs,
  dtrJoinArgs,
  dtrRemoveArgs,
  newReplicaArgs,
  newReplicaId,
  ucpNodeName,
  type DtrSettings,
} from './dtr';

const settings: DtrSettings = {
  image: 'dtrha-lab/dtr:standin',
  ucp: { url: 'https://10.0.0.1:8443', caPem: 'UCP-CA' },
  ucpUsername: 'admin',
  ucpPassword: 'pw-secret',
  externalUrl: 'https://10.0.0.1',
  tls: { caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' },
  constraints: [],
  httpPort: 80,
  httpsPort: 443,
};

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

test('replica IDs are 12 hexadecimal digits, as the reference requires', () => {
  const ids = new Set(Array.from({ length: 50 }, newReplicaId));
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  expect(ids.size).toBe(50);
});

test('install: UCP URL, verified UCP CA (never --ucp-insecure-tls), node, replica, external URL, our cert', () => {
  const args = dtrInstallArgs(settings, { id: '0123456789ab', node: 'c-2' });
  expect(args[0]).toBe('install');
  expect(flag(args, '--ucp-url')).toBe('https://10.0.0.1:8443');
  expect(flag(args, '--ucp-ca')).toBe('UCP-CA');
  expect(args).not.toContain('--ucp-insecure-tls');
  expect(flag(args, '--ucp-node')).toBe('c-2');
  expect(flag(args, '--replica-id')).toBe('0123456789ab');
  expect(flag(args, '--dtr-external-url')).toBe('https://10.0.0.1');
  expect([flag(args, '--dtr-ca'), flag(args, '--dtr-cert'), flag(args, '--dtr-key')]).toEqual([
    'CA',
    'CERT',
    'KEY',
  ]);
  expect([flag(args, '--replica-http-port'), flag(args, '--replica-https-port')]).toEqual(['80', '443']);
});

test('join names the existing replica; destroy names the replica to destroy', () => {
  const join = dtrJoinArgs(settings, { id: 'bbbbbbbbbbbb', node: 'c-3' }, 'aaaaaaaaaaaa');
  expect(join[0]).toBe('join');
  expect(flag(join, '--existing-replica-id')).toBe('aaaaaaaaaaaa');
  expect(flag(join, '--replica-id')).toBe('bbbbbbbbbbbb');
  const destroy = dtrDestroyArgs(settings, 'bbbbbbbbbbbb');
  expect(destroy[0]).toBe('destroy');
  expect(flag(destroy, '--replica-id')).toBe('bbbbbbbbbbbb');
  expect(destroy).not.toContain('--ucp-node');
});

test('DTR_CONSTRAINTS go to --extra-envs with the node as one more constraint, never with --ucp-node', () => {
  const constrained: DtrSettings = {
    ...settings,
    constraints: [
      { key: 'container', operator: '!=', value: 'ucp-controller' },
      { key: 'container', operator: '!=', value: 'dtr-haproxy' },
    ],
  };
  const args = dtrInstallArgs(constrained, { id: '0123456789ab', node: 'c-2' });
  expect(flag(args, '--extra-envs')).toBe(
    'constraint:container!=ucp-controller&constraint:container!=dtr-haproxy&constraint:node==c-2',
  );
  expect(args).not.toContain('--ucp-node');
});

test('remove: through the existing replica, the replica to remove, the UCP flags; no --ucp-node, no --force-remove', () => {
  const args = dtrRemoveArgs(settings, 'bbbbbbbbbbbb', 'aaaaaaaaaaaa');
  expect(args[0]).toBe('remove');
  expect(flag(args, '--existing-replica-id')).toBe('aaaaaaaaaaaa');
  expect(flag(args, '--replica-id')).toBe('bbbbbbbbbbbb');
  expect([flag(args, '--ucp-url'), flag(args, '--ucp-ca'), flag(args, '--ucp-username')]).toEqual([
    'https://10.0.0.1:8443',
    'UCP-CA',
    'admin',
  ]);
  expect(args).not.toContain('--ucp-node');
  expect(args).not.toContain('--force-remove');
  expect(args).not.toContain('--ucp-insecure-tls');
});

/** A machine whose engine reports another hostname than the machine's name, as a cloud VM's does. */
function machineNamed(name: string, engineName: unknown) {
  return { name, getClient: () => ({ info: async () => ({ Name: engineName }) }) as unknown as Docker };
}

test('--ucp-node is the hostname the engine reports (docker info: Name), not the machine name', async () => {
  const machine = machineNamed('c-2', 'ip-10-0-0-7');
  expect(await ucpNodeName(machine)).toBe('ip-10-0-0-7');
  const install = await newReplicaArgs(settings, machine, '0123456789ab');
  expect(install[0]).toBe('install');
  expect(flag(install, '--ucp-node')).toBe('ip-10-0-0-7');
  const join = await newReplicaArgs(settings, machine, 'bbbbbbbbbbbb', 'aaaaaaaaaaaa');
  expect(join[0]).toBe('join');
  expect(flag(join, '--ucp-node')).toBe('ip-10-0-0-7');
  expect(flag(join, '--existing-replica-id')).toBe('aaaaaaaaaaaa');
  // With DTR_CONSTRAINTS the engine's name goes to the node constraint instead.
  const constrained: DtrSettings = {
    ...settings,
    constraints: [{ key: 'node', operator: '!=', value: 'c-1' }],
  };
  const placed = await newReplicaArgs(constrained, machine, '0123456789ab');
  expect(flag(placed, '--extra-envs')).toBe('constraint:node!=c-1&constraint:node==ip-10-0-0-7');
  expect([install, join, placed].flat()).not.toContain('c-2');
});

test('an engine that reports no hostname is an error naming the machine', async () => {
  await expect(ucpNodeName(machineNamed('c-2', ''))).rejects.toThrow(/engine of c-2 reported no hostname/);
});
