/**
 * Removing secrets from the text diagnostics write out. A secret rarely stands in a log or an
 * `inspect` output as it was typed: a password with `"` or `\` is JSON-escaped in `*.inspect.json`
 * (and Go's encoder also escapes `<`, `>`, `&`), it is percent-encoded in a URL, and the registry
 * password travels base64-encoded inside the JSON of the `X-Registry-Auth` header. Each of those forms
 * is removed, wherever it stands.
 */

/** What stands where a secret was. */
export const REDACTED = '********';

/**
 * Secrets shorter than this are removed only where they stand as a value (see `valueContexts`). A
 * 1-character REGISTRY_PASSWORD removed everywhere would make every log unreadable, and words of a
 * few letters (`true`, `admin`, `info`) are everywhere in logs; 8 is UCP's own minimum for a password,
 * and the keys and generated passwords are far longer.
 */
export const SHORT_SECRET_LENGTH = 8;

/** Lines of a multi-line secret (a PEM key) at least this long are removed on their own too. */
const SECRET_LINE_LENGTH = 16;

/** A character of base64, standard or URL-safe (padding aside). */
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;
/** A base64 token that may hold a whole short `user:password` or auth JSON (X-Registry-Auth, Basic …). */
const BASE64_TOKEN = /[A-Za-z0-9+/_-]{4,}={0,2}/g;

/** Replaces every form of each secret by REDACTED. */
export type Redactor = (text: string) => string;

export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets)(text);
}

/**
 * A function that removes every form of each secret from a text: the literal, its JSON-escaped forms,
 * its percent-encoded forms, and base64 that holds it. Overlapping and nested secrets are removed as one
 * stretch, so no part of any of them is left (`pass` and `password` leave no `word`).
 */
export function redactor(secrets: Iterable<string | undefined>): Redactor {
  const literal = new Set<string>();
  const inBase64 = new Set<string>();
  const short: RegExp[] = [];
  const shortDecoded: RegExp[] = [];
  for (const secret of expand(secrets)) {
    if (secret.length >= SHORT_SECRET_LENGTH) {
      for (const form of textForms(secret)) literal.add(form);
      // Base64 of the secret, or of a JSON holding it (escaped as JSON does), at any offset.
      for (const form of [secret, jsonEscaped(secret), goJsonEscaped(secret)]) {
        base64Fragments(form).forEach((fragment) => inBase64.add(fragment));
      }
    } else {
      for (const form of new Set([
        secret,
        jsonEscaped(secret),
        goJsonEscaped(secret),
        ...urlEncoded(secret),
      ])) {
        short.push(...valueContexts(form));
        shortDecoded.push(...valueContexts(form, true));
      }
    }
  }
  return (text) => {
    const found: Span[] = [];
    for (const form of literal) occurrences(text, form, found);
    // A base64 fragment is removed with the whole base64 run around it (the rest of the header).
    for (const fragment of inBase64) occurrences(text, fragment, found, (span) => base64Run(text, span));
    for (const pattern of short) {
      for (const match of text.matchAll(pattern)) found.push([match.index, match.index + match[0].length]);
    }
    if (shortDecoded.length > 0) base64Holding(text, shortDecoded, found);
    return replaceSpans(text, found);
  };
}

type Span = [start: number, end: number];

/** The secrets, each multi-line one also line by line (a log may show one line of a key). */
function expand(secrets: Iterable<string | undefined>): Set<string> {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    out.add(secret);
    if (!secret.includes('\n')) continue;
    for (const line of secret.split(/\r?\n/)) {
      const trimmed = line.trim();
      // Not the PEM armour (`-----BEGIN … KEY-----`): it says what the key is, not what it holds.
      if (trimmed.length >= SECRET_LINE_LENGTH && !trimmed.startsWith('-----')) out.add(trimmed);
    }
  }
  return out;
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** As Go's encoding/json writes a string (the engine's and the products' JSON): also `<`, `>`, `&` escaped. */
function goJsonEscaped(text: string): string {
  return jsonEscaped(text).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Percent-encoded, with upper- and lowercase hex digits, and as a form (`+` for a space). */
function urlEncoded(text: string): string[] {
  let encoded: string;
  try {
    encoded = encodeURIComponent(text);
  } catch {
    return []; // a lone surrogate: no URL holds it encoded
  }
  return [
    encoded,
    encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    encoded.replace(/%20/g, '+'),
  ];
}

/** The forms of a secret searched for as they are. */
function textForms(secret: string): Set<string> {
  const escaped = jsonEscaped(secret);
  return new Set([
    secret,
    escaped,
    goJsonEscaped(secret),
    // A JSON string inside a JSON string (a log line that quotes a request body).
    jsonEscaped(escaped),
    ...urlEncoded(secret),
  ]);
}

/**
 * The base64 characters that encode `text` wherever it starts within a 3-byte group: for each of the
 * three offsets, the characters that depend on its bytes only. Whatever surrounds it in the encoded
 * whole (the rest of an auth JSON), one of these stands in the base64, standard or URL-safe.
 */
function base64Fragments(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(2)]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(first, end);
    fragments.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return fragments;
}

const DELIMITER_AFTER = String.raw`(?=$|[\s"'\x60,;&)\]}>\\])`;

/** `password`, `secret`, … in any case, as the name before a value. */
const SECRET_NAME = [
  'pass',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'auth',
  'credential',
  'key',
]
  .map((word) => [...word].map((c) => `[${c}${c.toUpperCase()}]`).join(''))
  .join('|');

/**
 * Where a short secret is removed: where it stands as a whole value. After `=` (`KEY=VALUE` in an
 * environment, `--flag=VALUE`, a query string), as a whole quoted string (`"password":"x"`, an
 * argument in a JSON array), as the password of a URL (`user:x@host`), and after a name such as
 * `password` (`password: x`, `--ucp-password x`). In text decoded from base64 (`user:x` of a Basic
 * header) the password may also end the text.
 */
function valueContexts(form: string, decoded = false): RegExp[] {
  const value = form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return [
    new RegExp(String.raw`(?<==|["'\x60])${value}${DELIMITER_AFTER}`, 'g'),
    new RegExp(String.raw`(?<=:)${value}(?=@${decoded ? '|$' : ''})`, 'g'),
    new RegExp(
      String.raw`(?<=(?:${SECRET_NAME})["']?(?:\s*[:=]\s*|\s+)["']?)${value}${DELIMITER_AFTER}`,
      'g',
    ),
  ];
}

/** Adds every place `form` stands to `spans`, overlapping ones too (`widen` may make each larger). */
function occurrences(text: string, form: string, spans: Span[], widen = (span: Span) => span): void {
  for (let i = text.indexOf(form); i >= 0; i = text.indexOf(form, i + 1))
    spans.push(widen([i, i + form.length]));
}

/** The whole run of base64 around a span, with its padding (a `=` before it separates, as in `auth=`). */
function base64Run(text: string, [start, end]: Span): Span {
  while (start > 0 && BASE64_CHAR.test(text[start - 1])) start--;
  while (end < text.length && BASE64_CHAR.test(text[end])) end++;
  while (end < text.length && text[end] === '=') end++;
  return [start, end];
}

/**
 * Adds the base64 tokens whose decoded text holds a short secret as a value. Only tokens that decode, from
 * their first character, to printable text count: random words decode to random bytes, which could
 * hold a one-character secret after a `=` by chance.
 */
function base64Holding(text: string, patterns: RegExp[], spans: Span[]): void {
  for (const match of text.matchAll(BASE64_TOKEN)) {
    const bytes = Buffer.from(match[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const decoded = bytes.toString('utf8');
    if (decoded.includes('\uFFFD') || /(?![\t\n\r])\p{Cc}/u.test(decoded)) continue;
    if (patterns.some((pattern) => decoded.search(pattern) >= 0)) {
      spans.push([match.index, match.index + match[0].length]);
    }
  }
}

/** The text with each stretch that spans cover (merged where they overlap or touch) replaced by REDACTED. */
function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  let [start, end] = spans[0];
  for (const [s, e] of spans.slice(1)) {
    if (s <= end) {
      end = Math.max(end, e);
      continue;
    }
    out += text.slice(at, start) + REDACTED;
    at = end;
    [start, end] = [s, e];
  }
  return out + text.slice(at, start) + REDACTED + text.slice(end);
}
