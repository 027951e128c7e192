import type Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ucp11Dtr20, ucp3xDtr27 } from '../../releases';
import {
  dtrDestroyLine,
  dtrRemoveLine,
  newReplicaId,
  newReplicaLine,
  pipedDtrScript,
  ucpNodeName,
  type DtrSettings,
} from './dtr';

// products/ builds each command line with the release's driver; the builders' own tests check every
// flag against the release's pages. These check what products/ puts into them, for both pairs.

const base = {
  image: 'dtrha-lab/dtr:2.0.0-standin',
  ucp: { url: 'https://10.0.0.1:8443', caPem: 'UCP-CA' },
  ucpUsername: 'admin',
  ucpPassword: 'pw-secret',
  externalUrl: 'https://10.0.0.1',
  tls: { caPem: 'CA', certPem: 'CERT', keyPem: 'KEY' },
  constraints: [],
  httpPort: 80,
  httpsPort: 443,
};
const dtr20: DtrSettings = { ...base, driver: ucp11Dtr20.driver.dtr };
const dtr27: DtrSettings = { ...base, driver: ucp3xDtr27.driver.dtr };

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

/** A machine whose engine reports another hostname than the machine's name, as a cloud VM's does. */
function machineNamed(name: string, engineName: unknown) {
  return { name, getClient: () => ({ info: async () => ({ Name: engineName }) }) as unknown as Docker };
}

test('replica IDs are 12 hexadecimal digits, as the reference requires', () => {
  const ids = new Set(Array.from({ length: 50 }, newReplicaId));
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/);
  expect(ids.size).toBe(50);
});

test('install on 2.7: verified UCP CA, node, replica, external URL, our certificate; secrets in the environment', async () => {
  const { args, env } = await newReplicaLine(dtr27, machineNamed('c-2', 'c-2'), '0123456789ab');
  expect(args[0]).toBe('install');
  expect(flag(args, '--ucp-url')).toBe('https://10.0.0.1:8443');
  expect(flag(args, '--ucp-ca')).toBe('UCP-CA');
  expect(args).not.toContain('--ucp-insecure-tls');
  expect(flag(args, '--ucp-node')).toBe('c-2');
  expect(flag(args, '--replica-id')).toBe('0123456789ab');
  expect(flag(args, '--dtr-external-url')).toBe('https://10.0.0.1');
  expect([flag(args, '--dtr-ca'), flag(args, '--dtr-cert')]).toEqual(['CA', 'CERT']);
  expect(env).toEqual({ UCP_PASSWORD: 'pw-secret', DTR_KEY: 'KEY' });
  expect(args.join(' ')).not.toMatch(/pw-secret|KEY/);
});

test('install on 2.0: no certificate flags (DTR makes its own), the external address without a scheme', async () => {
  const { args } = await newReplicaLine(dtr20, machineNamed('c-2', 'c-2'), '0123456789ab');
  expect(args).not.toContain('--dtr-ca');
  expect(args).not.toContain('--dtr-key');
  expect(flag(args, '--dtr-external-url')).toBe('10.0.0.1');
  expect(dtr20.driver.takesCertificate).toBe(false);
  expect(dtr27.driver.takesCertificate).toBe(true);
});

test('join names the existing replica; destroy exists on 2.7 only', async () => {
  for (const settings of [dtr20, dtr27]) {
    const { args } = await newReplicaLine(
      settings,
      machineNamed('c-3', 'c-3'),
      'bbbbbbbbbbbb',
      'aaaaaaaaaaaa',
    );
    expect(args[0]).toBe('join');
    expect(flag(args, '--existing-replica-id')).toBe('aaaaaaaaaaaa');
    expect(flag(args, '--replica-id')).toBe('bbbbbbbbbbbb');
  }
  const destroy = dtrDestroyLine(dtr27, 'bbbbbbbbbbbb')!;
  expect(destroy.args[0]).toBe('destroy');
  expect(flag(destroy.args, '--replica-id')).toBe('bbbbbbbbbbbb');
  expect(dtrDestroyLine(dtr20, 'bbbbbbbbbbbb')).toBeUndefined();
});

test('DTR_CONSTRAINTS on 2.0 go to --extra-envs with the node as one more constraint, never with --ucp-node', async () => {
  const constrained: DtrSettings = {
    ...dtr20,
    constraints: [
      { key: 'container', operator: '!=', value: 'ucp-controller' },
      { key: 'node', operator: '!=', value: 'c-1' },
    ],
  };
  const { args } = await newReplicaLine(constrained, machineNamed('c-2', 'ip-10-0-0-7'), '0123456789ab');
  expect(flag(args, '--extra-envs')).toBe(
    'constraint:container!=ucp-controller&constraint:node!=c-1&constraint:node==ip-10-0-0-7',
  );
  expect(args).not.toContain('--ucp-node');
  // 2.7 has no --extra-envs: the framework chose the machine by the constraints, --ucp-node places it.
  const placed = await newReplicaLine(
    { ...constrained, driver: dtr27.driver },
    machineNamed('c-2', 'ip-10-0-0-7'),
    '0123456789ab',
  );
  expect(placed.args).not.toContain('--extra-envs');
  expect(flag(placed.args, '--ucp-node')).toBe('ip-10-0-0-7');
});

test('remove: through the existing replica, the replica to remove; --force-remove only for the last one', () => {
  const on20 = dtrRemoveLine(dtr20, 'bbbbbbbbbbbb', 'aaaaaaaaaaaa').args;
  expect(on20[0]).toBe('remove');
  expect(flag(on20, '--existing-replica-id')).toBe('aaaaaaaaaaaa');
  expect(flag(on20, '--replica-id')).toBe('bbbbbbbbbbbb');
  expect(on20).not.toContain('--force-remove');
  expect(dtrRemoveLine(dtr20, 'aaaaaaaaaaaa', 'aaaaaaaaaaaa').args).toContain('--force-remove');
  const on27 = dtrRemoveLine(dtr27, 'bbbbbbbbbbbb', 'aaaaaaaaaaaa');
  expect(flag(on27.args, '--replica-ids')).toBe('bbbbbbbbbbbb');
  expect(on27.env).toEqual({ UCP_PASSWORD: 'pw-secret' });
  for (const args of [on20, on27.args]) {
    expect(args).not.toContain('--ucp-node');
    expect(args).not.toContain('--ucp-insecure-tls');
  }
});

test('--ucp-node is the hostname the engine reports (docker info: Name), not the machine name', async () => {
  const machine = machineNamed('c-2', 'ip-10-0-0-7');
  expect(await ucpNodeName(machine)).toBe('ip-10-0-0-7');
  const install = (await newReplicaLine(dtr27, machine, '0123456789ab')).args;
  expect(flag(install, '--ucp-node')).toBe('ip-10-0-0-7');
  expect(install).not.toContain('c-2');
});

test('an engine that reports no hostname is an error naming the machine', async () => {
  await expect(ucpNodeName(machineNamed('c-2', ''))).rejects.toThrow(/engine of c-2 reported no hostname/);
});

describe('runDtrPiped: docker run -i over SSH, as the backup and restore pages run them', () => {
  let bin: string;
  beforeAll(async () => {
    // A docker CLI that shows what it was given: its words, the two variables, its stdin.
    bin = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-piped-'));
    await fs.writeFile(
      path.join(bin, 'docker'),
      '#!/bin/sh\nfor a in "$@"; do printf "ARG[%s]\\n" "$a"; done\n' +
        'printf "UCP_PASSWORD[%s]\\nDTR_KEY[%s]\\nSTDIN[" "$UCP_PASSWORD" "$DTR_KEY"; cat; printf "]\\n"\n',
      { mode: 0o755 },
    );
  });
  afterAll(() => fs.rm(bin, { recursive: true, force: true }));

  /** The script run by a local sh with that docker first on PATH: exit code, decoded stdout, stderr. */
  function runLocally(piped: { script: string; stdin: string }) {
    const result = spawnSync('sh', ['-c', piped.script], {
      input: piped.stdin,
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    return {
      code: result.status,
      stdout: Buffer.from(result.stdout.toString(), 'base64').toString('latin1'),
      stderr: result.stderr.toString(),
    };
  }

  const pem = '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n';
  const line = {
    args: ['restore', '--ucp-ca', pem, '--dtr-external-url', "it's $HOME `x`"],
    env: { UCP_PASSWORD: 'pw secret $1', DTR_KEY: 'k3y\nPEM\n' },
  };

  test('every word and value reaches the installer as it was, none of them on the command line', () => {
    const input = Buffer.from([0, 1, 2, 255, 10, 13]);
    const piped = pipedDtrScript('dtrha-lab/dtr:2.7.0-standin', line, { input });
    for (const secret of ['pw secret', 'k3y', 'CERTIFICATE', 'restore', 'dtrha-lab', 'HOME']) {
      expect(piped.script).not.toContain(secret);
    }
    const result = runLocally(piped);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const shown = [
      'run',
      '-i',
      '--rm',
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      '--label',
      'dtr-ha.role=dtr-installer',
      '-e',
      'UCP_PASSWORD',
      '-e',
      'DTR_KEY',
      'dtrha-lab/dtr:2.7.0-standin',
      ...line.args,
    ].map((word) => `ARG[${word}]\n`);
    expect(result.stdout).toBe(
      `${shown.join('')}UCP_PASSWORD[pw secret $1]\nDTR_KEY[k3y\nPEM\n]\nSTDIN[${input.toString('latin1')}]\n`,
    );
  });

  test('without input the installer reads nothing; logs: false adds --log-driver none', () => {
    const result = runLocally(pipedDtrScript('img', { args: ['backup'], env: {} }, { logs: false }));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ARG[--log-driver]\nARG[none]\n');
    expect(result.stdout).toContain('STDIN[]');
  });

  test("the installer's failure is the script's", () => {
    const failing = pipedDtrScript('img', { args: ['backup'], env: {} });
    const result = spawnSync('sh', ['-c', failing.script], {
      input: failing.stdin,
      env: { PATH: `${path.join(bin, 'none')}:/usr/bin:/bin` },
    });
    expect(result.status).not.toBe(0);
    expect(() => pipedDtrScript('img', { args: [], env: { 'NOT A NAME': 'x' } })).toThrow(
      'not a variable name',
    );
  });
});
