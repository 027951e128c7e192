/**
 * `@dtr-ha/jest-preset/junit`: jest-junit as a reporter that also attaches, to each HA test file's
 * `<testsuite>`, the cluster it ran on and what its checks recorded with `suite.summary()`:
 *
 *   reporters: ['default', require('@dtr-ha/jest-preset/junit').junitReporter({ outputDirectory: 'reports' })]
 *
 * jest-junit (a package of yours: `npm install --save-dev jest-junit`) reads suite properties from a
 * module it loads by path; this points it at ours. Everything else is jest-junit's own options.
 */
// junit-properties.ts is `export =` (jest-junit calls the module itself): its default import is it.
import junitProperties from './junit-properties';

export { junitProperties };

/** jest-junit's options, as strings (its reporter options and environment variables are). */
export type JunitOptions = Record<string, string>;

/** The file jest-junit loads for `<testsuite>` properties (compiled from junit-properties.ts). */
export const JUNIT_PROPERTIES_FILE = 'junit-properties.js';

/**
 * `['jest-junit', options]` for Jest's `reporters`, with `testSuitePropertiesDirectory` and
 * `testSuitePropertiesFile` set to this package's properties module. Give your own
 * `testSuitePropertiesFile` to use yours instead (call `junitProperties` from it to keep ours).
 */
export function junitReporter(options: JunitOptions = {}): [string, JunitOptions] {
  return [
    'jest-junit',
    {
      testSuitePropertiesDirectory: __dirname,
      testSuitePropertiesFile: JUNIT_PROPERTIES_FILE,
      ...options,
    },
  ];
}
