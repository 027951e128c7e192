'use strict';
// Command-line parsing with the contract of the real installers, which are Go programs built on
// urfave/cli (Go's `flag` package underneath):
// - `--name value`, `--name=value`, `-name value` are the same; booleans take no value (`--name`) or
//   `--name=true|false`; repeatable flags collect every value; `-h`/`--help` prints the command's help.
// - an unknown flag prints `Incorrect Usage: flag provided but not defined: -name` and the command's
//   help, and exits 1; an unknown command prints `No help topic for 'name'` and exits 3.
// - a flag can fall back to environment variables (`[$UCP_URL]` in the help), as documented.

const readline = require('node:readline');
const { Fatal, createLogger } = require('./log');

class UsageError extends Error {}

const boolValues = {
  1: true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  0: false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

function findFlag(command, name) {
  return command.flags.find((flag) => flag.name === name || (flag.aliases || []).includes(name));
}

function convert(flag, raw, shown) {
  if (flag.type === 'bool') {
    if (!(raw in boolValues))
      throw new UsageError(`invalid boolean value "${raw}" for ${shown}: parse error`);
    return boolValues[raw];
  }
  if (flag.type === 'int') {
    if (!/^[+-]?\d+$/.test(raw))
      throw new UsageError(`invalid value "${raw}" for flag ${shown}: parse error`);
    return Number(raw);
  }
  return raw;
}

/** Parses `args` for `command`; returns { values, set, help }. Throws UsageError as Go's flag package would. */
function parse(command, args, env = process.env) {
  const values = {};
  const set = new Set();
  let help = false;
  for (const flag of command.flags) {
    values[flag.name] = flag.type === 'strings' ? [] : flag.type === 'bool' ? false : flag.value;
  }
  const given = new Set();
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token === '--') {
      if (i + 1 < args.length) throw new UsageError(`unexpected argument: ${args[i + 1]}`);
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      // Go's flag package stops at the first non-flag argument and the real CLIs then ignore the rest,
      // silently dropping every flag after it. The stand-in refuses instead of guessing.
      throw new UsageError(`unexpected argument: ${token}`);
    }
    const body = token.replace(/^--?/, '');
    if (!body || body.startsWith('-') || body.startsWith('='))
      throw new UsageError(`bad flag syntax: ${token}`);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const shown = `-${name}`;
    if (name === 'h' || name === 'help') {
      help = true;
      continue;
    }
    const flag = findFlag(command, name);
    if (!flag) throw new UsageError(`flag provided but not defined: ${shown}`);
    let value;
    if (flag.type === 'bool') {
      value = eq >= 0 ? convert(flag, body.slice(eq + 1), shown) : true;
    } else {
      let raw;
      if (eq >= 0) raw = body.slice(eq + 1);
      else if (i + 1 < args.length) raw = args[++i];
      else throw new UsageError(`flag needs an argument: ${shown}`);
      value = convert(flag, raw, shown);
    }
    if (flag.type === 'strings') values[flag.name].push(value);
    else values[flag.name] = value;
    given.add(flag.name);
    set.add(flag.name);
  }
  for (const flag of command.flags) {
    if (given.has(flag.name)) continue;
    const envName = (flag.env || []).find((name) => env[name] !== undefined && env[name] !== '');
    if (!envName) continue;
    const raw = env[envName];
    values[flag.name] =
      flag.type === 'strings' ? raw.split(',').map((s) => s.trim()) : convert(flag, raw, `$${envName}`);
    set.add(flag.name);
  }
  return { values, set, help };
}

function flagLine(flag) {
  const names = [flag.name, ...(flag.aliases || [])]
    .map((n) => (n.length === 1 ? `-${n}` : `--${n}`))
    .join(', ');
  const arg = flag.type === 'bool' ? '' : ' value';
  const def =
    flag.value !== undefined && flag.type !== 'bool' ? ` (default: ${JSON.stringify(flag.value)})` : '';
  const env = flag.env && flag.env.length ? ` [${flag.env.map((e) => `$${e}`).join(', ')}]` : '';
  return { left: `${names}${arg}`, right: `${flag.usage}${def}${env}` };
}

function commandHelp(app, command) {
  const lines = command.flags.filter((f) => !f.hidden).map(flagLine);
  const width = Math.max(0, ...lines.map((l) => l.left.length)) + 3;
  return [
    'NAME:',
    `   ${app.name} ${command.name} - ${command.usage}`,
    '',
    'USAGE:',
    `   ${app.invocation} ${command.name} [command options]`,
    ...(command.description
      ? ['', 'DESCRIPTION:', ...command.description.split('\n').map((l) => `   ${l}`)]
      : []),
    '',
    'OPTIONS:',
    ...lines.map((l) => `   ${l.left.padEnd(width)}${l.right}`),
    '',
  ].join('\n');
}

function appHelp(app) {
  const visible = app.commands.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length)) + 3;
  return [
    'NAME:',
    `   ${app.name} - ${app.usage}`,
    '',
    'USAGE:',
    `   ${app.invocation} command [command options]`,
    '',
    'VERSION:',
    `   ${app.version}`,
    '',
    ...(app.description ? ['DESCRIPTION:', ...app.description.split('\n').map((l) => `   ${l}`), ''] : []),
    'COMMANDS:',
    ...visible.map((c) => `   ${c.name.padEnd(width)}${c.usage}`),
    '',
    `Run '${app.invocation} COMMAND --help' for more information on a command.`,
    '',
  ].join('\n');
}

/** A line reader over stdin for interactive mode (`-i`), created on first use. */
let lines;
function ask(question) {
  if (!lines) {
    const queue = [];
    const waiting = [];
    let closed = false;
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    rl.on('line', (line) => (waiting.length ? waiting.shift()(line) : queue.push(line)));
    rl.on('close', () => {
      closed = true;
      while (waiting.length) waiting.shift()(undefined);
    });
    lines = () =>
      queue.length
        ? Promise.resolve(queue.shift())
        : closed
          ? Promise.resolve(undefined)
          : new Promise((r) => waiting.push(r));
  }
  process.stderr.write(question);
  return lines();
}

/**
 * The context an action gets: flag values, which were set, and `require(name)` that returns a
 * required value, prompting for it in interactive mode and failing clearly otherwise.
 */
function context(app, command, parsed) {
  const interactive = Boolean(parsed.values.interactive);
  return {
    app,
    command,
    values: parsed.values,
    set: parsed.set,
    interactive,
    has: (name) => parsed.set.has(name),
    async require(name, question) {
      const value = parsed.values[name];
      if (value !== undefined && value !== '' && !(Array.isArray(value) && !value.length)) return value;
      const flag = findFlag(command, name);
      if (interactive) {
        const answer = await ask(`${question || flag.usage}: `);
        if (answer !== undefined && answer.trim() !== '') {
          parsed.values[name] = convert(flag, answer.trim(), `-${name}`);
          parsed.set.add(name);
          return parsed.values[name];
        }
      }
      const env = flag.env && flag.env.length ? ` (or the environment variable $${flag.env[0]})` : '';
      const prompt = !interactive && findFlag(command, 'interactive') ? ', or run interactively with -i' : '';
      throw new Fatal(`Missing required flag --${name}${env}${prompt}`);
    },
  };
}

/**
 * Runs `argv` (without the program name) against `app`; resolves to the process exit code.
 * app: { name, invocation, usage, version, description?, commands: [{ name, usage, description?, hidden?,
 * flags: [{ name, aliases?, type: 'string'|'bool'|'int'|'strings', value?, env?, usage, hidden? }], action(ctx) }] }
 */
async function run(app, argv, logger, env = process.env) {
  const stdout = process.stdout;
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '-h' || name === '--help') {
    const topic = name === 'help' && rest[0] ? app.commands.find((c) => c.name === rest[0]) : undefined;
    if (name === 'help' && rest[0] && !topic) {
      process.stderr.write(`No help topic for '${rest[0]}'\n`);
      return 3;
    }
    stdout.write(topic ? commandHelp(app, topic) : appHelp(app));
    return 0;
  }
  if (name === '-v' || name === '--version') {
    stdout.write(`${app.name} version ${app.version}\n`);
    return 0;
  }
  const command = app.commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`No help topic for '${name}'\n`);
    return 3;
  }
  let parsed;
  try {
    parsed = parse(command, rest, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stdout.write(`Incorrect Usage: ${error.message}\n\n${commandHelp(app, command)}`);
    logger.fatal(error.message);
    return 1;
  }
  if (parsed.help) {
    stdout.write(commandHelp(app, command));
    return 0;
  }
  logger.configure({ json: parsed.values.jsonlog, debug: parsed.values.debug });
  try {
    await command.action(context(app, command, parsed));
    return 0;
  } catch (error) {
    if (error instanceof Fatal) {
      logger.fatal(error.message);
      return error.exitCode;
    }
    logger.fatal(error && error.stack ? error.stack : String(error));
    return 1;
  }
}

/** A stand-in's entry point: runs the command line of `makeApp(logger)` and exits with its code. */
function main(makeApp) {
  const logger = createLogger();
  run(makeApp(logger), process.argv.slice(2), logger).then(
    // Exit at once: an interactive prompt may still hold stdin open. (Writes to pipes and files are
    // synchronous on Linux, so nothing logged is lost.)
    (code) => process.exit(code),
    (error) => {
      logger.fatal(error && error.stack ? error.stack : String(error));
      process.exit(1);
    },
  );
}

module.exports = { run, main, parse, commandHelp, appHelp, UsageError };
