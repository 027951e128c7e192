/**
 * What the fuzz tests of the input parsers share (`*.fuzz.test.ts`, in the unit project): one fixed
 * seed, so a failure found once is found again on every machine; a bound on the runs, so each file
 * takes a few seconds; the one property they check; and inputs that have broken parsers before.
 */
import fc from 'fast-check';

/** Fixed, so that a failure reproduces; fast-check prints the seed and path of one it found. */
export const FUZZ_SEED = 1_342_177_280;

/** A fuzz test's own timeout: its fixed runs take a second or two; an exploration (FUZZ_RUNS) longer. */
export const FUZZ_TIMEOUT_MS = process.env.FUZZ_RUNS ? 10 * 60_000 : 60_000;

/**
 * fast-check's options for `numRuns` inputs with the shared seed. To explore further by hand, set
 * FUZZ_SEED and FUZZ_RUNS for one run (e.g. `FUZZ_SEED=7 FUZZ_RUNS=100000 npx jest load.fuzz`):
 * what that finds is then a case of its own in the test beside the parser.
 */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED || FUZZ_SEED);
  return { seed, numRuns: Number(process.env.FUZZ_RUNS || numRuns) };
}

/**
 * The property: `parse` either returns (then `check` may judge what it returned) or throws an Error
 * that `named` accepts: one of the parser's own, whose message names the input. A TypeError, a
 * RangeError, a SyntaxError or anything else is a crash, and fails the property with its stack.
 */
export function parsesOrNamedError<T>(
  parse: () => T,
  named: (error: Error) => boolean,
  check: (value: T) => void = () => undefined,
): void {
  let value: T;
  try {
    value = parse();
  } catch (error) {
    expectNamed(error, named);
    return;
  }
  check(value);
}

/** parsesOrNamedError for a parser that returns a promise. */
export async function parsesOrNamedErrorAsync<T>(
  parse: () => Promise<T>,
  named: (error: Error) => boolean,
  check: (value: T) => void = () => undefined,
): Promise<void> {
  let value: T;
  try {
    value = await parse();
  } catch (error) {
    expectNamed(error, named);
    return;
  }
  check(value);
}

function expectNamed(error: unknown, named: (error: Error) => boolean): void {
  if (error instanceof Error && named(error)) return;
  const shown = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  throw new Error(`a crash, not a named error:\n${shown}`);
}

/**
 * Words that have tripped parsers: Object.prototype's keys (a lookup with `in` or `[]` finds them),
 * quoting and expansion characters, separators, numbers at and past their bounds, control characters.
 */
export const trickyWords: readonly string[] = [
  '',
  ' ',
  '\t',
  '\n',
  '\0',
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  '~',
  '~/',
  '~root',
  '\\',
  "'",
  '"',
  '$',
  '$HOME',
  '${X}',
  "$'x'",
  '{a,b}',
  '{1..3}',
  '*',
  '?',
  '#',
  ';',
  '&',
  '|',
  '&&',
  '(',
  ')',
  '[',
  '/',
  '//',
  '/(/',
  '=',
  '==',
  '!=',
  ':',
  ',',
  ',,',
  '-',
  '--',
  '-1',
  '0',
  '1',
  '2',
  '16',
  '17',
  '65535',
  '65536',
  '1e3',
  '0x10',
  '9007199254740993',
  'NaN',
  'Infinity',
  'on',
  'off',
  'generic',
  'local',
  'amazonec2',
  '10.0.0.1',
  '300.1.1.1',
  '::1',
  'localhost',
  'http://',
  'https://u:p@h',
  'constraint:a==b',
  'constraint:a==/(/',
  'constraint:a==b&c',
  '1.1.0',
  '2.0.0',
  '3.2.0',
  '2.7.0',
  'ucp',
  'dtr',
  'machines',
  '\u00e9',
  '\u{1F600}',
  '\u202e',
];

/** A word: one of the tricky ones, or any string (every code point, lone surrogates too). */
export const word: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...trickyWords) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 24 }) },
);

/** Text made of words and separators, as a variable's value or a line of output might be. */
export const text: fc.Arbitrary<string> = fc
  .array(fc.tuple(word, fc.constantFrom('', ' ', ',', '|', '=', ':', '\t', '\n', '/', '-')), {
    maxLength: 8,
  })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(''));

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values that have broken readers: of each JSON type, and the words parsers trip over. */
const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e300, 65536, 2, 1, '', [], {}, [[]], { version: 2 }),
  word,
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

type Change = { steps: number[]; action: 'delete' | { value: Json } | { key: string } };

/** One change at a place reached by `steps` (each picks a key of the object or array it is at). */
const change: fc.Arbitrary<Change> = fc.record({
  steps: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
  action: fc.oneof(
    fc.constant<'delete'>('delete'),
    jsonValue.map((value) => ({ value })),
    word.map((key) => ({ key })),
  ),
});

/** Sets an own property, even `__proto__` (an assignment would set the prototype instead). */
function setOwn(target: Record<string, Json> | Json[], key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Applies the changes to a copy of `record`: deletes or replaces a value, or adds a key beside it. */
function mutated(record: Json, changes: readonly Change[]): Json {
  const root: Record<string, Json> = { root: structuredClone(record) };
  for (const { steps, action } of changes) {
    let parent: Record<string, Json> | Json[] = root;
    let key: string | number = 'root';
    for (const step of steps) {
      const here: Json = (parent as Record<string, Json>)[key as string];
      if (typeof here !== 'object' || here === null) break;
      const keys: (string | number)[] = Array.isArray(here) ? here.map((_, i) => i) : Object.keys(here);
      if (keys.length === 0) break;
      parent = here;
      key = keys[step % keys.length];
    }
    if (action === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if ('value' in action) {
      // A copy: fast-check hands the same constant to several changes and runs.
      setOwn(parent, key, structuredClone(action.value));
    } else if (!Array.isArray(parent)) {
      setOwn(parent, action.key, structuredClone((parent as Record<string, Json>)[key as string]));
    }
  }
  return root.root;
}

/**
 * The text of a JSON file that should hold `good`: `good` changed at random places (most often),
 * cut short, random JSON, any word, or one of `known` (texts that have broken a reader of it).
 */
export function jsonFileText(good: Json, known: readonly string[] = []): fc.Arbitrary<string> {
  const changed = fc.array(change, { maxLength: 4 }).map(
    (changes) =>
      // Changes that delete the whole record leave nothing: an empty file.
      JSON.stringify(mutated(good, changes)) ?? '',
  );
  return fc.oneof(
    { weight: 6, arbitrary: changed },
    {
      weight: 1,
      arbitrary: fc.tuple(changed, fc.nat()).map(([t, cut]) => t.slice(0, cut % (t.length + 1))),
    },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: word },
    ...(known.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...known) }] : []),
  );
}
