import { CommanderError } from 'commander';
import { ConfigError } from '../config';
import { EngineUnreachableError, HostNotReadyError, NotFoundError, UsageError } from '../util/failures';
import { LockLostError, LockTimeoutError } from '../util/lock';

/**
 * The exit codes of `dtr-ha`, one per kind of failure, so that a script can tell "fix the
 * configuration" from "start the engine" from "the cluster failed" without reading the message.
 * docs/cli.md lists them; a unit test checks that it lists exactly these.
 */
export const exitCodes = {
  ok: { code: 0, meaning: 'done' },
  failed: {
    code: 1,
    meaning: 'a step of the work failed (an install, a health wait, a command on a machine, …)',
  },
  usage: {
    code: 2,
    meaning: 'the command line is wrong: an unknown command or option, a missing or bad argument',
  },
  config: { code: 3, meaning: 'the configuration is wrong: every bad variable is named, nothing was made' },
  engineUnreachable: {
    code: 4,
    meaning: 'a Docker engine does not answer: the host’s (the message says how to start one) or a machine’s',
  },
  hostNotReady: {
    code: 5,
    meaning:
      'this host cannot run the local lab as it is (`dtr-ha doctor` says what to do; macOS, Windows and rootless Docker are refused)',
  },
  busy: {
    code: 6,
    meaning: 'another command or test run holds the cluster’s lock (timed out waiting), or this run lost it',
  },
  notFound: {
    code: 7,
    meaning: 'no such machine, replica or cluster, or nothing recorded yet (run `dtr-ha up`)',
  },
  testsFailed: {
    code: 8,
    meaning:
      'the HA suites ran and a test failed (`scripts/ha-integration.js`; its setup failing is 1, a bad TEST_ARGS 3)',
  },
} as const;

export type ExitKind = keyof typeof exitCodes;

/** Commander's own codes for the help or the version it printed on request: not failures. */
const commanderAnswers = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** What kind of failure an error is (see `exitCodes`). */
export function exitKindOf(error: unknown): ExitKind {
  if (error instanceof CommanderError) return commanderAnswers.has(error.code) ? 'ok' : 'usage';
  if (error instanceof UsageError) return 'usage';
  if (error instanceof ConfigError) return 'config';
  if (error instanceof EngineUnreachableError) return 'engineUnreachable';
  if (error instanceof HostNotReadyError) return 'hostNotReady';
  if (error instanceof LockTimeoutError || error instanceof LockLostError) return 'busy';
  if (error instanceof NotFoundError) return 'notFound';
  return 'failed';
}

export function exitCodeOf(error: unknown): number {
  return exitCodes[exitKindOf(error)].code;
}
