// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toJestArgs, exitCodeOfRun } = require('./ha-integration.js') as {
  toJestArgs: (words: string[]) => { args: string[]; dropped: string[] };
  exitCodeOfRun: (status: number | null, report: unknown, codes: unknown) => number;
};

test('ha-integration’s TEST_ARGS become Jest options', () => {
  expect(toJestArgs(['-trace', '-notify', '-v', './ha-integration'])).toEqual({
    args: ['--notify', '--verbose'],
    dropped: ['-trace', './ha-integration'],
  });
  expect(toJestArgs(['-focus', 'installs with constraints']).args).toEqual([
    '--testNamePattern',
    'installs with constraints',
  ]);
  expect(toJestArgs(['-focus=replica loss', '--ci']).args).toEqual([
    '--testNamePattern',
    'replica loss',
    '--ci',
  ]);
});

test('words that are Object.prototype’s keys are Jest’s words, not Ginkgo flags', () => {
  for (const word of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    expect(toJestArgs(['-t', word])).toEqual({ args: ['-t', word], dropped: [] });
    expect(toJestArgs(['--testNamePattern', word])).toEqual({
      args: ['--testNamePattern', word],
      dropped: [],
    });
    expect(toJestArgs([word])).toEqual({ args: [word], dropped: [] });
  }
  // Still a Ginkgo value when it follows a Ginkgo flag.
  expect(toJestArgs(['-focus', 'constructor']).args).toEqual(['--testNamePattern', 'constructor']);
});

test('a Ginkgo flag missing its value is refused, naming TEST_ARGS and the flag', () => {
  expect(() => toJestArgs(['-v', '-focus'])).toThrow(/^TEST_ARGS: -focus needs a value/);
  expect(() => toJestArgs(['-skip'])).toThrow(/^TEST_ARGS: -skip needs a value/);
});

test('a -focus or -skip pattern Jest cannot compile is refused, naming TEST_ARGS and the flag', () => {
  expect(() => toJestArgs(['-focus', '('])).toThrow(
    /^TEST_ARGS: -focus "\(" is not a regular expression Jest can use \(Invalid regular expression/,
  );
  expect(() => toJestArgs(['-skip=/(/'])).toThrow(/^TEST_ARGS: -skip "\/\(\/" is not a regular expression/);
  expect(() => toJestArgs(['-skip', ')|('])).toThrow(
    /^TEST_ARGS: -skip "\)\|\(" is not a regular expression/,
  );
  // Go's inline flags are not JavaScript's.
  expect(() => toJestArgs(['-focus', '(?i)replica'])).toThrow(/^TEST_ARGS: -focus "\(\?i\)replica"/);
  // Jest's own option passes on as it is: Jest says what is wrong with it.
  expect(toJestArgs(['--testNamePattern', '(']).args).toEqual(['--testNamePattern', '(']);
  expect(toJestArgs(['-skip', 'a|b']).args).toEqual(['--testNamePattern', '^(?!.*(a|b))']);
});

test('the value of a Jest option is passed on as it is, even when it looks like a Ginkgo word', () => {
  expect(toJestArgs(['--testNamePattern', 'ha-integration/', '-v'])).toEqual({
    args: ['--testNamePattern', 'ha-integration/', '--verbose'],
    dropped: [],
  });
  expect(toJestArgs(['-t', '-progress', '-trace']).args).toEqual(['-t', '-progress']);
  expect(toJestArgs(['--test-name-pattern', '-focus', '-c', './ha-integration']).args).toEqual([
    '--test-name-pattern',
    '-focus',
    '-c',
    './ha-integration',
  ]);
  // `--flag=value` is one word; a flag of Jest's with no value after it, Jest's to refuse.
  expect(toJestArgs(['--testNamePattern=-v', '-v']).args).toEqual(['--testNamePattern=-v', '--verbose']);
  expect(toJestArgs(['-t']).args).toEqual(['-t']);
});

describe('exit code of a run: a failed test told apart from a failed setup', () => {
  const codes = { failed: { code: 1 }, testsFailed: { code: 8 } };
  const report = (failedTests: number, runtimeErrors = 0) => ({
    numTotalTestSuites: 2,
    numFailedTests: failedTests,
    numRuntimeErrorTestSuites: runtimeErrors,
    testResults: [{}, {}],
  });
  test.each([
    ['every test passed', 0, report(0), 0],
    ['a test failed', 1, report(1), 8],
    ['a suite could not run', 1, report(0, 1), 8],
    ['globalSetup failed: Jest wrote no report', 1, undefined, 1],
    ['globalSetup failed: a report without results', 1, { numTotalTestSuites: 0, testResults: [] }, 1],
    ['Jest killed (no status)', null, undefined, 1],
  ])('%s', (_what, status, given, expected) => {
    expect(exitCodeOfRun(status, given, codes)).toBe(expected);
  });
});
