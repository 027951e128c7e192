/**
 * The kinds of field the framework's JSON records (cluster.json, the test handoff) are made of, as
 * zod schemas with messages a person can act on, and the one validator of such a record. The record
 * schemas themselves live beside what they describe (ssh/, engine/, machines/, cluster/).
 */
import * as path from 'node:path';
import { z } from 'zod';

/** The message of a field of the wrong type, or of one that is missing. */
export function expected(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `is missing (must be ${what})` : `must be ${what}`,
  };
}

/** The kinds of field the cluster record and the handoff are made of. */
export const field = {
  text: () => z.string(expected('a non-empty string')).min(1, expected('a non-empty string')),
  /** A string that may be empty. */
  anyText: () => z.string(expected('a string')),
  absolutePath: () =>
    z.string(expected('an absolute path')).refine((p) => path.isAbsolute(p), expected('an absolute path')),
  port: () => {
    const port = expected('a port (1 to 65535)');
    return z.number(port).int(port).min(1, port).max(65535, port);
  },
  positiveInteger: () => {
    const positive = expected('a positive integer');
    return z.number(positive).int(positive).min(1, positive);
  },
  integer: () => z.number(expected('an integer')).int(expected('an integer')),
  httpUrl: () =>
    z.string(expected('an http(s) URL')).regex(/^https?:\/\/[^\s/]+/, expected('an http(s) URL')),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, expected(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`)),
  object: <S extends z.ZodRawShape>(shape: S) => z.object(shape, expected('an object')),
  array: <T extends z.ZodType>(item: T) => z.array(item, expected('an array')),
};

/**
 * Checks a parsed JSON value against one of these schemas: the value (fields the schema does not
 * know left out), or every problem, one line each, named by its path
 * (`machines[1].engine.port must be a port (1 to 65535)`).
 */
export function validateRecord<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; problems: string[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${pathText(i.path)} ${i.message}`) };
}

function pathText(at: readonly PropertyKey[]): string {
  let text = '';
  for (const key of at) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || 'the top level';
}
