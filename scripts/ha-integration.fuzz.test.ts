/**
 * Fuzzing the TEST_ARGS of `npm run ha-integration`: as words (toJestArgs) and as the variable's text
 * (loadConfig, then toJestArgs). Each becomes Jest arguments, all strings, every test name pattern
 * one that Jest can compile; or it is refused with an error naming TEST_ARGS.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '../packages/framework/src/config';
import {
  FUZZ_TIMEOUT_MS,
  fuzzRuns,
  parsesOrNamedError,
  text,
  word,
} from '../packages/framework/test-support/fuzz';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toJestArgs, jestValueOptions } = require('./ha-integration.js') as {
  toJestArgs: (words: string[]) => { args: string[]; dropped: string[] };
  jestValueOptions: () => Set<string>;
};

const ginkgoFlags = ['-v', '-notify', '-focus', '-skip', '-failFast', '-trace', '-progress', '-noColor'];

/** A word of TEST_ARGS: a Ginkgo flag (alone or `-flag=value`), a Jest option, or anything. */
const argWord = fc.oneof(
  fc.constantFrom(...ginkgoFlags, './ha-integration', 'ha-integration/', '-t', '--testNamePattern', '--ci'),
  fc.tuple(fc.constantFrom(...ginkgoFlags), word).map(([flag, value]) => `${flag}=${value}`),
  word,
);

/** What Jest does with a test name pattern: a RegExp, case-insensitive (jest-config's normalize). */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

const jestTakesValue = jestValueOptions();
const namePatternOptions = new Set(['-t', '--testNamePattern', '--test-name-pattern']);

/**
 * The Jest arguments are all strings, and every test name pattern made of a Ginkgo flag compiles.
 * They are read as Jest reads them (an option that takes a value takes the next word); a pattern
 * given as Jest's own (`-t P` in the input too) passes on as it is: Jest judges it.
 */
function checkJestArgs(words: readonly string[]) {
  const given = new Set(words.slice(1).map((next, i) => `${words[i]}\0${next}`));
  return ({ args, dropped }: { args: unknown[]; dropped: unknown[] }): void => {
    for (const arg of [...args, ...dropped]) expect(typeof arg).toBe('string');
    const jest = args as string[];
    for (let i = 0; i < jest.length - 1; i++) {
      if (!jestTakesValue.has(jest[i])) continue;
      const [option, value] = [jest[i], jest[(i += 1)]];
      if (namePatternOptions.has(option) && !given.has(`${option}\0${value}`) && !compiles(value)) {
        throw new Error(`Jest cannot compile the test name pattern ${JSON.stringify(value)}`);
      }
    }
  };
}

/** The words Jest gets, converted from Ginkgo's: refusals name TEST_ARGS. */
const namesTestArgs = (error: Error) =>
  error.constructor === Error && error.message.startsWith('TEST_ARGS: ');

test(
  'toJestArgs: every list of words becomes Jest arguments or an error naming TEST_ARGS',
  () => {
    fc.assert(
      fc.property(fc.array(argWord, { maxLength: 8 }), (words) => {
        parsesOrNamedError(() => toJestArgs(words), namesTestArgs, checkJestArgs(words));
      }),
      fuzzRuns(3000),
    );
  },
  FUZZ_TIMEOUT_MS,
);

test(
  'TEST_ARGS as text: loadConfig and toJestArgs give Jest arguments, or an error naming TEST_ARGS',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-test-args-fuzz-'));
    const quoted = fc.oneof(
      argWord,
      argWord.map((w) => `'${w}'`),
      argWord.map((w) => `"${w}"`),
    );
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.array(quoted, { maxLength: 6 }).map((ws) => ws.join(' ')),
            text,
          ),
          (value) => {
            let words: string[] = [];
            parsesOrNamedError(
              () => {
                words = loadConfig({ env: { HOME: dir, TEST_ARGS: value }, cwd: dir }).testArgs;
                return toJestArgs(words);
              },
              (error) =>
                error instanceof ConfigError
                  ? error.problems.every((p) => p.variable === 'TEST_ARGS')
                  : namesTestArgs(error),
              (converted) => checkJestArgs(words)(converted),
            );
          },
        ),
        fuzzRuns(1500),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
  FUZZ_TIMEOUT_MS,
);
