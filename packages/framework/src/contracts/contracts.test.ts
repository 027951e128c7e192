import { dtr20, dtr27, releasePairs, ucp11, ucp3x, urfaveCliErrors, type ReleaseContract } from './index';

const all: ReleaseContract[] = [ucp11, dtr20, ucp3x, dtr27];

// Every `source` a contract holds, with where it was found, so a failure names the entry.
function sources(c: ReleaseContract): [string, string | null][] {
  const out: [string, string | null][] = [['invocation', c.invocation.source]];
  for (const f of c.globalFlags) out.push([`global ${f.name}`, f.source]);
  for (const cmd of c.commands) {
    out.push([cmd.name, cmd.source]);
    for (const f of cmd.flags) out.push([`${cmd.name} ${f.name}`, f.source]);
  }
  for (const e of c.endpoints) out.push([`endpoint ${e.path}`, e.source]);
  for (const kind of ['containers', 'volumes', 'networks'] as const) {
    for (const n of c.names[kind]) out.push([`${kind} ${n.pattern}`, n.source]);
  }
  for (const p of c.ports) out.push([`port ${p.port}`, p.source]);
  for (const r of c.rules) out.push([`rule ${r.text.slice(0, 40)}`, r.source]);
  for (const p of c.procedures) out.push([`procedure ${p.name}`, p.source]);
  return out;
}

const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

describe.each(all.map((c) => [`${c.product} ${c.line}`, c] as const))('%s', (_label, c) => {
  test('command names are unique, and so are flag names within each command', () => {
    expect(dupes(c.commands.map((cmd) => cmd.name))).toEqual([]);
    for (const cmd of c.commands)
      expect([cmd.name, dupes(cmd.flags.map((f) => f.name))]).toEqual([cmd.name, []]);
    expect(dupes(c.globalFlags.map((f) => f.name))).toEqual([]);
  });

  test('every flag is spelled --lower-case-words', () => {
    const flags = [...c.globalFlags, ...c.commands.flatMap((cmd) => cmd.flags)];
    for (const f of flags) expect(f.name).toMatch(/^--[a-z0-9][a-z0-9-]*$/);
  });

  test('every entry names a docker/docs page, and every page named is in the page list with its commit', () => {
    const listed = new Set(c.pages.map((p) => p.path));
    for (const [where, source] of sources(c)) {
      expect([where, typeof source === 'string' && source.length > 0]).toEqual([where, true]);
      expect([where, listed.has(source as string)]).toEqual([where, true]);
    }
    expect(dupes(c.pages.map((p) => p.path))).toEqual([]);
    for (const p of c.pages) {
      expect(p.path).toMatch(/^(datacenter|reference|ee)\/[^\s]+\.(md|json|js|html)$/);
      expect(p.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  test("a flag transcribed from a command's page cites that page", () => {
    for (const cmd of c.commands)
      for (const f of cmd.flags) expect([cmd.name, f.name, f.source]).toEqual([cmd.name, f.name, cmd.source]);
  });

  test('flagsFrom agrees with the flags held', () => {
    for (const cmd of c.commands) {
      expect([cmd.name, cmd.flagsFrom === 'page' ? cmd.flags.length > 0 : cmd.flags.length === 0]).toEqual([
        cmd.name,
        true,
      ]);
    }
  });

  test('environment variables are bare names, descriptions are never empty', () => {
    for (const cmd of c.commands) {
      expect(cmd.description.trim()).not.toBe('');
      for (const f of cmd.flags) {
        expect(f.description.trim()).not.toBe('');
        if (f.env !== undefined) expect(f.env).toMatch(/^[A-Z][A-Z0-9_]*$/);
        // A default the page states is only ever for a flag given a value, or a true/false switch.
        if (f.default !== undefined && !f.takesValue) expect(['true', 'false']).toContain(f.default);
      }
    }
  });

  test('names are unique per kind, ports are real port numbers', () => {
    for (const kind of ['containers', 'volumes', 'networks'] as const) {
      expect(dupes(c.names[kind].map((n) => n.pattern))).toEqual([]);
    }
    for (const p of c.ports) expect(Number.isInteger(p.port) && p.port > 0 && p.port < 65536).toBe(true);
  });

  test('what the pages do not say is recorded with source null and a note', () => {
    for (const u of c.undocumented) {
      expect(u.source).toBeNull();
      expect(u.note.trim()).not.toBe('');
    }
  });
});

test('the pairs are UCP 1.1 + DTR 2.0 and UCP 3.x + DTR 2.7', () => {
  expect(
    releasePairs.map((p) => [`${p.ucp.product} ${p.ucp.line}`, `${p.dtr.product} ${p.dtr.line}`]),
  ).toEqual([
    ['ucp 1.1', 'dtr 2.0'],
    ['ucp 3.x', 'dtr 2.7'],
  ]);
});

// A few facts the framework leans on, pinned so an edit that loses them fails here.
test('pinned facts', () => {
  const cmd = (c: ReleaseContract, name: string) => c.commands.find((x) => x.name === name);
  const flag = (c: ReleaseContract, command: string, name: string) =>
    cmd(c, command)?.flags.find((f) => f.name === name);

  expect(cmd(dtr20, 'destroy')).toBeUndefined();
  expect(cmd(dtr20, 'emergency-repair')).toBeUndefined();
  expect(cmd(dtr27, 'destroy')).toBeDefined();
  expect(cmd(dtr27, 'emergency-repair')).toBeDefined();
  expect(cmd(ucp3x, 'join')).toBeUndefined();
  expect(flag(ucp11, 'join', '--url')?.env).toBe('UCP_URL');
  expect(flag(ucp11, 'join', '--fingerprint')?.env).toBe('UCP_FINGERPRINT');
  expect(flag(ucp11, 'install', '--admin-password')?.env).toBe('UCP_ADMIN_PASSWORD');
  expect(flag(ucp3x, 'install', '--admin-password')?.env).toBe('UCP_ADMIN_PASSWORD');
  expect(flag(dtr27, 'install', '--ucp-password')?.env).toBe('UCP_PASSWORD');
  expect(flag(dtr20, 'install', '--dtr-ca')).toBeUndefined();
  expect(flag(dtr27, 'install', '--dtr-ca')).toBeDefined();
  expect(flag(dtr20, 'remove', '--ucp-node')).toBeUndefined();
  expect(dtr20.rules.some((r) => r.text.includes('--extra-envs') && r.text.includes('--ucp-node'))).toBe(
    true,
  );
  expect(dtr20.endpoints.map((e) => e.path)).toEqual(['/load_balancer_status', '/ca']);
  expect(dtr27.endpoints.map((e) => e.path)).toEqual(
    expect.arrayContaining(['/_ping', '/api/v0/meta/cluster_status', '/api/v0/repositories']),
  );
  expect(ucp3x.endpoints.map((e) => e.path)).toContain('/_ping');
  expect(dtr20.names.networks.map((n) => n.pattern)).toEqual(['dtr-br', 'dtr-ol']);
});

test('urfave/cli error texts each cite a source', () => {
  for (const e of urfaveCliErrors) {
    expect(e.sources.length).toBeGreaterThan(0);
    for (const s of e.sources) expect(s.ref).toMatch(/^(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  }
  expect(urfaveCliErrors.map((e) => [e.text, e.exitCode])).toEqual([
    ['Incorrect Usage: flag provided but not defined: -x', null],
    ['Incorrect Usage. flag provided but not defined: -x', null],
    ["No help topic for 'x'", 3],
  ]);
});
