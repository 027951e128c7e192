// `preset: '@dtr-ha/jest-preset/ts'`: the preset, and TypeScript test files through ts-jest (an
// optional peer dependency: only this preset needs it). JavaScript files keep Jest's default,
// babel-jest with the project's babel config.
const base = require('../jest-preset.js');

function tsJest() {
  try {
    return require.resolve('ts-jest');
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') {
      throw new Error(
        "preset '@dtr-ha/jest-preset/ts' compiles TypeScript with ts-jest, which is not installed here: " +
          "`npm install --save-dev ts-jest typescript`, or use preset '@dtr-ha/jest-preset' with a " +
          'transform of your own',
      );
    }
    throw error;
  }
}

module.exports = {
  ...base,
  transform: {
    // The project's tsconfig.json (when there is one), transpiled file by file: type checking is the
    // job of `tsc`, so a test file starts in milliseconds. `import x from 'cjs-module'` works as in Node.
    '^.+\\.tsx?$': [tsJest(), { tsconfig: { isolatedModules: true, esModuleInterop: true } }],
    // Setting `transform` replaces Jest's default one, so JavaScript gets it back: Jest itself
    // resolves the name 'babel-jest' (its own copy) and applies the project's babel config.
    '\\.jsx?$': 'babel-jest',
  },
};
