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
