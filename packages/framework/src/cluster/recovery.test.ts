import { inspect } from 'node:util';
import type { Machine } from '../machines/machine';
import { backupDtr } from '../products/dtr/recovery';
import { ucp11Dtr20, ucp3xDtr27 } from '../releases';
import { lackedRecoveryCommand, type RecoveryCommand } from './recovery';

// What a release lacks of DTR's recovery commands is read from its driver, and the error cites the
// reference page whose command table shows it.

const commands: RecoveryCommand[] = ['backup', 'restore', 'emergency-repair'];

test('DTR 2.7 has every recovery command; DTR 2.0 all but emergency-repair', () => {
  expect(commands.map((c) => lackedRecoveryCommand(ucp3xDtr27, c))).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
  expect(commands.map((c) => lackedRecoveryCommand(ucp11Dtr20, c) === undefined)).toEqual([
    true,
    true,
    false,
  ]);
});

test('the error names the release and its page, and says what it does instead', () => {
  const message = lackedRecoveryCommand(ucp11Dtr20, 'emergency-repair')!;
  expect(message).toMatch(
    /^emergency-repair: DTR 2\.0 \(release profile ucp-1\.1\+dtr-2\.0\) has no emergency-repair/,
  );
  const cited = /the command table of (\S+) lists none/.exec(message)![1];
  expect(ucp11Dtr20.dtr.pages.map((p) => p.path)).toContain(cited);
  expect(ucp11Dtr20.dtr.commands.map((c) => c.name)).not.toContain('emergency-repair');
  expect(message).toContain('backup, then restore');
});

test('a backup, printed or serialised, shows no byte of its archive (it holds private keys)', async () => {
  const archive = Buffer.from('-----BEGIN EC PRIVATE KEY----- key-9f1');
  const machine = {
    name: 'unit-2',
    ssh: async () => ({ code: 0, stdout: archive.toString('base64'), stderr: '' }),
  } as unknown as Machine;
  const access = {
    image: 'dtr',
    ucp: { url: 'https://10.0.0.1:8443', caPem: 'CA' },
    ucpUsername: 'admin',
    ucpPassword: 'pw',
    driver: ucp3xDtr27.driver.dtr,
  };
  const backup = await backupDtr(access, { id: 'aaaaaaaaaaaa', machine });
  expect(backup.archive.equals(archive)).toBe(true);
  expect(backup.replicaId).toBe('aaaaaaaaaaaa');
  for (const shown of [
    JSON.stringify(backup),
    inspect(backup, { depth: 5 }),
    JSON.stringify({ ...backup }),
  ]) {
    expect(shown).not.toContain('key-9f1');
    expect(shown).not.toContain(archive.toString('base64'));
  }
});
