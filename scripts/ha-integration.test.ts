// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toJestArgs } = require('./ha-integration.js') as {
  toJestArgs: (words: string[]) => { args: string[]; dropped: string[] };
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
