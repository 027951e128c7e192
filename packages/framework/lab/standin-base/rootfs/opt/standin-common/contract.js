'use strict';
// A stand-in's commands and flags, read from the release contract the lab wrote into its image
// (`contract` in the recipe's image.json: /opt/standin-release/contract.json). It is the one copy of
// what the release's reference pages document, the same data the framework's unit tests check every
// command line it builds against (packages/framework/src/contracts). So a stand-in accepts exactly
// the flags its release documents, and refuses every other one as the real urfave/cli does.

const fs = require('node:fs');
const { Fatal } = require('./log');

const contractPath = '/opt/standin-release/contract.json';

/** The contract of this image; `file` only for tests. */
function loadContract(file = process.env.STANDIN_CONTRACT || contractPath) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`this stand-in image has no release contract at ${file} (${error.code})`);
  }
  return JSON.parse(text);
}

/** `-D` → `D`, `--debug` → `debug`, as cli.js's flag tables name flags. */
const bare = (name) => name.replace(/^-+/, '');

/** cli.js's flag of a contract flag: a switch, a value, or a value given more than once. */
function cliFlag(spec) {
  return {
    name: bare(spec.name),
    aliases: (spec.aliases || []).map(bare).filter((alias) => alias !== bare(spec.name)),
    type: !spec.takesValue ? 'bool' : spec.repeatable ? 'strings' : 'string',
    env: spec.env ? [spec.env] : [],
    usage: spec.description,
    // The page's default, for the help text only: each action decides what an unset flag means.
    defaultText: spec.default,
  };
}

/**
 * The app's commands: every command of the contract (its flags exactly as the page lists them), run
 * by `actions[name]` where the stand-in implements it; a documented command it does not implement
 * fails with a message that says so. `hidden` are the stand-in's own internal commands (what the
 * installer runs in containers of its own image); the real images have such internals too.
 */
function commandsFromContract(contract, actions, hidden = []) {
  const commands = [];
  for (const spec of contract.commands) {
    if (spec.name === 'help') continue; // cli.js answers `help` itself, as urfave/cli does
    const action =
      actions[spec.name] ||
      (() => {
        throw new Fatal(
          `The ${contract.product.toUpperCase()} ${contract.line} stand-in does not implement '${spec.name}' ` +
            '(documented by the release; see the stand-in README for what it implements)',
        );
      });
    commands.push({
      name: spec.name,
      usage: spec.description,
      flags: spec.flags.map(cliFlag),
      action,
    });
  }
  for (const name of Object.keys(actions)) {
    if (!contract.commands.some((c) => c.name === name))
      throw new Error(
        `the stand-in implements '${name}', which ${contract.product} ${contract.line} does not document`,
      );
  }
  return [...commands, ...hidden.map((command) => ({ ...command, hidden: true }))];
}

/** Whether the contract's command `name` has flag `flag` ('--dtr-ca'). */
function hasFlag(contract, name, flag) {
  const command = contract.commands.find((c) => c.name === name);
  return Boolean(command && command.flags.some((f) => f.name === flag));
}

function hasCommand(contract, name) {
  return contract.commands.some((c) => c.name === name);
}

/** A port flag's value: the given one, else the page's default; refused as the real tools refuse a bad number. */
function portValue(ctx, flag, fallback) {
  const raw = ctx.values[flag];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw)) || value < 1 || value > 65535)
    throw new Fatal(`Invalid --${flag} ${raw}: must be a port number between 1 and 65535`);
  return value;
}

module.exports = {
  loadContract,
  commandsFromContract,
  cliFlag,
  hasFlag,
  hasCommand,
  portValue,
  contractPath,
};
