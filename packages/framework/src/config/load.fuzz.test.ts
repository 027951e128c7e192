/**
 * Fuzzing loadConfig with random environments and dotenv files: each either loads or is refused with
 * a ConfigError whose every problem names a variable of the schema, and no secret value, nor a
 * piece of one, is in the message or in the configuration serialised. What loads goes on to the
 * generic provider's reading of its flags, held to the same.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FUZZ_TIMEOUT_MS, fuzzRuns, parsesOrNamedError, text, word } from '../../test-support/fuzz';
import { genericSshSettings } from '../machines/providers/generic/generic-flags';
import { ConfigError, loadConfig } from './load';
import { variables, type VariableName } from './schema';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-config-fuzz-'));
  fs.mkdirSync(path.join(dir, 'home'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Marks a secret's value at both ends: neither end may be found where the value must not be. */
const SECRET_START = 'SekritStart';
const SECRET_END = 'SekritEnd';
/** A secret's value: any characters but blanks between the marks (a blank would end its word). */
const secretValue = fc
  .string({ unit: 'grapheme-ascii', maxLength: 10 })
  .map((s) => `${SECRET_START}${s.replace(/[\s]/g, '')}${SECRET_END}`);

/** MACHINE_CREATE_FLAGS words that carry a secret, in each form the flag mask knows. */
const secretFlagWords = secretValue.chain((secret) =>
  fc.constantFrom(
    `--amazonec2-secret-key ${secret}`,
    `--amazonec2-secret-key=${secret}`,
    `--linode-root-pass ${secret}`,
    `--google-auth-encoded-json ${secret}`,
    `--passphrase=${secret}`,
    `--engine-env K=${secret}`,
    `--swarm-discovery token://${secret}`,
    `--engine-registry-mirror https://user:${secret}@mirror.example.com`,
  ),
);

const names = variables.map((spec) => spec.name);
const secretNames = new Set(variables.filter((spec) => spec.secret).map((spec) => spec.name));

/** A value for a variable: a good one (its example or default), or random text. */
function valueOf(name: VariableName): fc.Arbitrary<string> {
  const spec = variables.find((s) => s.name === name)!;
  if (secretNames.has(name)) return secretValue;
  const good = [spec.example, spec.default].filter((v): v is string => v !== undefined);
  const arbitraries: fc.Arbitrary<string>[] = [text, word];
  if (good.length > 0) arbitraries.push(fc.constantFrom(...good));
  if (name === 'MACHINE_CREATE_FLAGS') {
    arbitraries.push(
      fc.array(fc.oneof(secretFlagWords, word), { maxLength: 4 }).map((words) => words.join(' ')),
    );
  }
  return fc.oneof(...arbitraries);
}

/** Some of the schema's variables, each with a value, plus a few names it does not know. */
const variablesArb = fc
  .array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.constantFrom(...names).chain((n) => valueOf(n).map((v) => [n, v] as const)),
      },
      { weight: 1, arbitrary: fc.tuple(word, text) },
    ),
    { maxLength: 12 },
  )
  .map((pairs) => pairs.filter(([name]) => name !== 'DTR_HA_ENV_FILE'));

/** A dotenv file's text: lines of NAME=value (quoted or not), comments and noise. */
const dotenvArb = fc
  .array(
    fc.oneof(
      variablesArb.map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('\n')),
      variablesArb.map((pairs) => pairs.map(([n, v]) => `export ${n}="${v}"`).join('\n')),
      text,
    ),
    { maxLength: 3 },
  )
  .map((parts) => parts.join('\n'));

const envFileArb = fc.oneof(
  fc.constant(undefined),
  fc.constant('none'),
  dotenvArb.map((content) => ({ content })),
  word.map((name) => ({ name })),
);

let run = 0;

test(
  'loadConfig: every environment loads or is a ConfigError naming variables, and shows no secret',
  () => {
    const home = path.join(dir, 'home');
    fc.assert(
      fc.property(variablesArb, envFileArb, (pairs, envFile) => {
        const env: NodeJS.ProcessEnv = { HOME: home, DTR_HA_STATE_DIR: path.join(dir, 'state') };
        for (const [name, value] of pairs) env[name] = value;
        if (envFile === 'none') {
          env.DTR_HA_ENV_FILE = 'no-such.env';
        } else if (envFile && 'content' in envFile) {
          const file = path.join(dir, `fuzz-${run++}.env`);
          fs.writeFileSync(file, envFile.content);
          env.DTR_HA_ENV_FILE = file;
        } else if (envFile) {
          env.DTR_HA_ENV_FILE = envFile.name;
        }
        const secretShown = (shown: string) => shown.includes(SECRET_START) || shown.includes(SECRET_END);
        parsesOrNamedError(
          () => loadConfig({ env, cwd: dir }),
          (error) => {
            if (!(error instanceof ConfigError) || error.problems.length === 0) return false;
            if (!error.problems.every((p) => (names as string[]).includes(p.variable))) return false;
            if (!error.message.startsWith(error.problems[0].variable)) return false;
            if (secretShown(error.message)) throw new Error(`a secret in a ConfigError:\n${error.message}`);
            return true;
          },
          (config) => {
            const serialised = JSON.stringify(config);
            if (secretShown(serialised)) throw new Error(`a secret in the configuration:\n${serialised}`);
            // The generic provider reads its own flags from the words loadConfig made.
            parsesOrNamedError(
              () => genericSshSettings(config),
              (error) =>
                error instanceof ConfigError &&
                error.problems.every((p) => p.variable === 'MACHINE_CREATE_FLAGS' && p.value === undefined) &&
                !secretShown(error.message),
            );
          },
        );
      }),
      fuzzRuns(1500),
    );
  },
  FUZZ_TIMEOUT_MS,
);
