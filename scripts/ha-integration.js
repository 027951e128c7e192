#!/usr/bin/env node
// `npm run ha-integration`: dhe-deploy's `make ha-integration`. Runs the HA suites with Jest, taking
// its TEST_ARGS (Ginkgo flags such as `-trace -notify -v ./ha-integration -focus '…'`) and turning
// each into Jest's own option. Flags Jest has no use for are said and dropped; anything else passes on.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Ginkgo flag → Jest arguments (a function receives the flag's value). */
const ginkgo = {
  '-v': () => ['--verbose'],
  '-notify': () => ['--notify'],
  '-focus': (value) => ['--testNamePattern', value],
  '-skip': (value) => ['--testNamePattern', `^(?!.*(${value}))`],
  '-failFast': () => ['--bail'],
  '-trace': null, // Jest always prints the full stack of a failure.
  '-progress': null,
  '-noColor': () => ['--colors=false'],
};
const takesValue = new Set(['-focus', '-skip']);

/**
 * Jest's options that take a value, from jest-cli's own table (`-t`, `--testNamePattern`,
 * `--test-name-pattern`, `-c`, `--selectProjects`, …): the word after one is its value, passed on as
 * it is, even when it looks like a Ginkgo flag or the Go package path (`-t ha-integration`).
 */
function jestValueOptions() {
  // jest-cli is jest's own dependency, not ours: found from where jest is.
  const jestDir = path.dirname(require.resolve('jest/package.json'));
  const { yargsOptions } = require(require.resolve('jest-cli', { paths: [jestDir] }));
  const names = new Set();
  for (const [name, option] of Object.entries(yargsOptions)) {
    if (option.type === 'boolean' || option.type === undefined) continue;
    const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    names.add(`--${name}`).add(`--${kebab}`);
    for (const alias of [].concat(option.alias ?? []))
      names.add(alias.length === 1 ? `-${alias}` : `--${alias}`);
  }
  return names;
}
let jestTakesValue;

/**
 * Jest compiles a test name pattern with `new RegExp(pattern, 'i')` in every test file, where a bad
 * one is a SyntaxError far from TEST_ARGS: the flag's value and each pattern made of it are compiled
 * here first, as Jest will (the value alone too: `-skip ')|('` makes a pattern that compiles but
 * means something else).
 */
function checkedPatterns(flag, value, args) {
  const patterns = args.filter((_, i) => args[i - 1] === '--testNamePattern');
  for (const pattern of value === undefined ? patterns : [value, ...patterns]) {
    try {
      new RegExp(pattern, 'i');
    } catch (error) {
      throw new Error(
        `TEST_ARGS: ${flag} ${JSON.stringify(value)} is not a regular expression Jest can use ` +
          `(${error.message}); Jest's are JavaScript's, Ginkgo's were Go's`,
      );
    }
  }
  return args;
}

function toJestArgs(words) {
  const out = [];
  const dropped = [];
  jestTakesValue ??= jestValueOptions();
  for (let i = 0; i < words.length; i++) {
    if (jestTakesValue.has(words[i])) {
      out.push(...words.slice(i, i + 2));
      i += 1;
      continue;
    }
    const [flag, inline] = words[i].split(/=(.*)/s, 2);
    // Own keys only: `in` also finds Object.prototype's (toString, constructor, __proto__), which
    // would turn an ordinary Jest word such as `-t toString` into garbage or a crash.
    if (Object.hasOwn(ginkgo, flag)) {
      let value;
      if (takesValue.has(flag)) {
        value = inline ?? words[++i];
        // Jest would get `--testNamePattern undefined` (or swallow the next option) otherwise.
        if (value === undefined) throw new Error(`TEST_ARGS: ${flag} needs a value (${flag} '<pattern>')`);
      }
      const map = ginkgo[flag];
      if (map) out.push(...checkedPatterns(flag, value, map(value)));
      else dropped.push(flag);
    } else if (/^\.?\/?ha-integration\/?$/.test(words[i])) {
      dropped.push(words[i]); // ha-integration's Go package path: the `ha` project is where the suites are
    } else out.push(words[i]);
  }
  return { args: out, dropped };
}

/**
 * The script's exit code for a Jest run that exited with `status`, given the run's JSON report (or
 * undefined when Jest wrote none): the framework's code for failed tests when the suites ran and a
 * test failed, else Jest's own (1 when its globalSetup, which builds the cluster, failed).
 */
function exitCodeOfRun(status, report, codes) {
  if (status === 0) return 0;
  const ran = report && report.numTotalTestSuites > 0 && report.testResults && report.testResults.length > 0;
  const testsFailed = ran && (report.numFailedTests > 0 || report.numRuntimeErrorTestSuites > 0);
  return testsFailed ? codes.testsFailed.code : (status ?? codes.failed.code);
}

module.exports = { toJestArgs, jestValueOptions, exitCodeOfRun };

if (require.main === module) {
  // Only here: toJestArgs (and its unit test) must not need a build of the framework.
  const { loadConfig, ConfigError } = require('../packages/framework/dist');
  const { exitCodes } = require('../packages/framework/dist/cli/exit-codes');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(error instanceof ConfigError ? exitCodes.config.code : exitCodes.failed.code);
  }
  let converted;
  try {
    converted = toJestArgs(config.testArgs);
  } catch (error) {
    console.error(error.message);
    process.exit(exitCodes.config.code);
  }
  const { args, dropped } = converted;
  if (dropped.length) console.error(`TEST_ARGS: not needed with Jest, ignored: ${dropped.join(' ')}`);
  const jest = require.resolve('jest/bin/jest');
  const command = [jest, '--selectProjects', 'ha', ...args, ...process.argv.slice(2)];
  console.error(`jest ${command.slice(1).join(' ')}`);
  // Jest's JSON report tells a failed test from a failed setup (both exit 1): written beside, unless
  // the caller asked for a report of their own.
  const own = command.some((word) => word === '--json' || word.startsWith('--outputFile'));
  const reportFile = own ? undefined : path.join(os.tmpdir(), `dtr-ha-jest-${process.pid}.json`);
  const run = reportFile ? [...command, '--json', `--outputFile=${reportFile}`] : command;
  const result = spawnSync(process.execPath, run, { stdio: 'inherit', cwd: path.join(__dirname, '..') });
  let report;
  if (reportFile) {
    try {
      report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    } catch {
      report = undefined; // none written: Jest stopped before its tests (its globalSetup failed)
    }
    fs.rmSync(reportFile, { force: true });
  }
  process.exit(exitCodeOfRun(result.status, report, exitCodes));
}
