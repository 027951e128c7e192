import { REDACTED, redact } from './redact';

/** X-Registry-Auth as docker-modem builds it for a pull: URL-safe base64 of the auth JSON. */
function registryAuthHeader(auth: object, urlSafe = true): string {
  const base64 = Buffer.from(JSON.stringify(auth)).toString('base64');
  return urlSafe ? base64.replace(/\+/g, '-').replace(/\//g, '_') : base64;
}

test('every occurrence of each secret goes; unset and empty ones are ignored', () => {
  const text = 'login admin:s3cret-pw ok; again s3cret-pw; token=abc';
  expect(redact(text, ['s3cret-pw', undefined, ''])).toBe(
    `login admin:${REDACTED} ok; again ${REDACTED}; token=abc`,
  );
  expect(redact('nothing secret here', ['s3cret-pw'])).toBe('nothing secret here');
});

test('a password with " and \\ is removed from JSON, as *.inspect.json and Go programs write it', () => {
  const password = 'Zq"7\\kW<&>1';
  const inspect = JSON.stringify({ Config: { Env: [`UCP_ADMIN_PASSWORD=${password}`] } }, null, 2);
  const goJson = '{"password":"Zq\\"7\\\\kW\\u003c\\u0026\\u003e1"}';
  const quotedJson = JSON.stringify(JSON.stringify({ password })); // a log line quoting a request body
  for (const text of [inspect, goJson, quotedJson]) {
    const out = redact(text, [password]);
    expect(out).toContain(REDACTED);
    expect(out).not.toMatch(/Zq|kW/);
  }
  expect(redact(inspect, [password])).toContain(`"UCP_ADMIN_PASSWORD=${REDACTED}"`);
});

test('the X-Registry-Auth header (base64 of the auth JSON) is removed, standard or URL-safe', () => {
  for (const password of ['registry-secret-1', 'with"quote\\and/slash?>>']) {
    const auth = { serveraddress: 'registry.example.com', username: 'ci', password, email: 'ci@example.com' };
    for (const urlSafe of [true, false]) {
      const header = registryAuthHeader(auth, urlSafe);
      const text = `level=debug msg="POST /v1.41/images/create" X-Registry-Auth: ${header}\nnext line`;
      expect(redact(text, [password])).toBe(
        `level=debug msg="POST /v1.41/images/create" X-Registry-Auth: ${REDACTED}\nnext line`,
      );
    }
  }
  // The password's own base64, standing alone.
  const key = Buffer.from('DTR-KEY-SECRET-VALUE').toString('base64');
  expect(redact(`DTR_KEY_B64=${key}`, ['DTR-KEY-SECRET-VALUE'])).toBe(`DTR_KEY_B64=${REDACTED}`);
});

test('percent-encoded forms are removed, with either case of hex digits', () => {
  const password = 'p@ss/w:rd +1';
  const encoded = encodeURIComponent(password);
  for (const url of [
    `https://ci:${encoded}@registry.example.com/v2/`,
    `https://ci:${encoded.toLowerCase()}@registry.example.com/v2/`,
    `password=${encoded.replace('%20', '+')}&user=ci`,
  ]) {
    expect(redact(url, [password])).not.toMatch(/p(%40|@)ss/i);
  }
});

test('overlapping secrets are removed whole: no suffix or prefix of either is left', () => {
  expect(redact('x hunter22-and-more y', ['hunter22', 'hunter22-and-more'])).toBe(`x ${REDACTED} y`);
  expect(redact('x hunter22-and-more y', ['hunter22-and-more', 'hunter22'])).toBe(`x ${REDACTED} y`);
  expect(redact('x xxabcdefgh-yy y', ['xxabcdefgh', 'abcdefgh-yy'])).toBe(`x ${REDACTED} y`);
  expect(redact('aaaaaaaaaaaa', ['aaaaaaaaa'])).toBe(REDACTED);
});

test('a 1-character secret is removed where it stands as a value, and nowhere else', () => {
  const secret = 'x';
  const cases: [string, string][] = [
    ['REGISTRY_PASSWORD=x', `REGISTRY_PASSWORD=${REDACTED}`],
    ['"Env": ["REGISTRY_PASSWORD=x", "A=1"]', `"Env": ["REGISTRY_PASSWORD=${REDACTED}", "A=1"]`],
    ['{"username":"ci","password":"x"}', `{"username":"ci","password":"${REDACTED}"}`],
    ['docker login -u ci --password x registry', `docker login -u ci --password ${REDACTED} registry`],
    ['password: x', `password: ${REDACTED}`],
    ['https://ci:x@registry.example.com', `https://ci:${REDACTED}@registry.example.com`],
    ['?user=ci&password=x&next=1', `?user=ci&password=${REDACTED}&next=1`],
  ];
  for (const [text, redacted] of cases) expect(redact(text, [secret])).toBe(redacted);
  const ordinary = 'exit 0, max x-ray 0x1f xylophone; [x] box "mix" x=y';
  expect(redact(ordinary, [secret])).toBe(ordinary);
});

test('a short secret inside base64 (X-Registry-Auth, a Basic header) is removed with the token', () => {
  const header = registryAuthHeader({ serveraddress: 'r.example.com', username: 'ci', password: 'x' });
  expect(redact(`X-Registry-Auth: ${header}`, ['x'])).toBe(`X-Registry-Auth: ${REDACTED}`);
  const basic = Buffer.from('ci:x').toString('base64');
  expect(redact(`Authorization: Basic ${basic}`, ['x'])).toBe(`Authorization: Basic ${REDACTED}`);
  // Words that decode to random bytes are left alone.
  const words = 'containers restarting successfully deadbeef 2024-01-01T00:00:00Z';
  expect(redact(words, ['x', '='])).toBe(words);
});

test('a private key goes whole, JSON-escaped, and line by line', () => {
  const body = Array.from({ length: 4 }, (_, i) => `${String.fromCharCode(65 + i).repeat(60)}abcd`);
  const key = ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----', ''].join('\n');
  expect(redact(`DTR_KEY=${key}`, [key])).toBe(`DTR_KEY=${REDACTED}`);
  expect(redact(JSON.stringify({ Env: [`DTR_KEY=${key}`] }), [key])).toBe(`{"Env":["DTR_KEY=${REDACTED}"]}`);
  const oneLine = `unexpected line: ${body[2]}`;
  expect(redact(oneLine, [key])).toBe(`unexpected line: ${REDACTED}`);
  // The armour alone says what a key is, not what it holds: it stays.
  expect(redact('-----BEGIN PRIVATE KEY-----', [key])).toBe('-----BEGIN PRIVATE KEY-----');
});
