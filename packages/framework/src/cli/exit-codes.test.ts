import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config';
import { EngineUnreachableError, HostNotReadyError, NotFoundError, UsageError } from '../util/failures';
import { LockLostError, LockTimeoutError } from '../util/lock';
import { exitCodeOf, exitCodes, exitKindOf } from './exit-codes';

test('each kind of failure has its own exit code', () => {
  const cases: [unknown, keyof typeof exitCodes][] = [
    [new Error('docker run exited with 1'), 'failed'],
    ['a thrown string', 'failed'],
    [new UsageError('give a machine name'), 'usage'],
    [new InvalidArgumentError('a number of seconds'), 'usage'],
    [new CommanderError(1, 'commander.unknownOption', 'unknown option'), 'usage'],
    [new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), 'ok'],
    [new CommanderError(0, 'commander.version', '0.1.0'), 'ok'],
    [new ConfigError([{ variable: 'NUM_MACHINES', message: 'a number' }]), 'config'],
    [new EngineUnreachableError('no engine'), 'engineUnreachable'],
    [new HostNotReadyError('macOS'), 'hostNotReady'],
    [new LockTimeoutError('timed out', '/x/run.lock'), 'busy'],
    [new LockLostError('lost', '/x/run.lock'), 'busy'],
    [new NotFoundError('no machine named x'), 'notFound'],
  ];
  for (const [error, kind] of cases) expect([error, exitKindOf(error)]).toEqual([error, kind]);
  const codes = Object.values(exitCodes).map((c) => c.code);
  expect(new Set(codes).size).toBe(codes.length);
  expect(exitCodeOf(new NotFoundError('x'))).toBe(7);
});

test('docs/cli.md lists exactly these exit codes', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../../docs/cli.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Exit codes'));
  const rows = [...section.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));
  expect(rows).toEqual(Object.values(exitCodes).map((c) => c.code));
});
