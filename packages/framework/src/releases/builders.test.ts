// The command builders of each real profile, checked against that release's contract data: every
// flag is the release's, required ones are there, documented incompatibilities never meet, secrets go
// through the documented environment variable where there is one.
import {
  ADMIN_PASSWORD,
  CA_PEM,
  CERT_PEM,
  KEY_PEM,
  c1,
  c2,
  constraints,
  external,
  releaseCases as cases,
  replica,
  ucpInstall,
} from '../../test-support/release-cases';
import type { CommandSpec, FlagSpec, ReleaseContract } from '../contracts';
import { ucp11Dtr20 } from './ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from './ucp-3.x+dtr-2.7';

interface Parsed {
  command: CommandSpec;
  given: { flag: FlagSpec; value?: string }[];
  unknown: string[];
}

/** Reads the arguments as the contract's command defines them: a flag that takes a value takes the next word. */
function parse(contract: ReleaseContract, args: string[]): Parsed {
  const [name, ...rest] = args;
  const command = contract.commands.find((c) => c.name === name);
  if (!command) throw new Error(`${contract.product} ${contract.line} has no command ${name}`);
  const given: Parsed['given'] = [];
  const unknown: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = command.flags.find((f) => f.name === rest[i]);
    if (!flag) unknown.push(rest[i]);
    else if (flag.takesValue) given.push({ flag, value: rest[++i] });
    else given.push({ flag });
  }
  return { command, given, unknown };
}

const flagNames = (parsed: Parsed) => parsed.given.map((g) => g.flag.name);
const valueOf = (parsed: Parsed, name: string) => parsed.given.find((g) => g.flag.name === name)?.value;

/** Flags given either way: in the arguments, or by the variable the page names for them. */
function flagsGiven(parsed: Parsed, env: Record<string, string>): string[] {
  const byEnv = parsed.command.flags.filter((f) => f.env !== undefined && f.env in env).map((f) => f.name);
  return [...flagNames(parsed), ...byEnv];
}

describe.each(cases.map((c) => [c.label, c] as const))('%s', (_label, { contract, line, secrets }) => {
  const parsed = parse(contract, line.args);

  test("every flag is one the release's page lists for the command, with a value exactly when it takes one", () => {
    expect(parsed.unknown).toEqual([]);
    for (const { flag, value } of parsed.given) {
      expect([flag.name, value !== undefined]).toEqual([flag.name, flag.takesValue]);
    }
    // Nothing a page marks deprecated, nothing twice unless the page shows it repeated.
    expect(
      parsed.given.filter((g) => g.flag.description.startsWith('DEPRECATED')).map((g) => g.flag.name),
    ).toEqual([]);
    const names = flagNames(parsed);
    const twice = names.filter((n, i) => names.indexOf(n) !== i);
    for (const name of twice)
      expect([name, parsed.command.flags.find((f) => f.name === name)?.repeatable]).toEqual([name, true]);
  });

  test('every variable is the one the page names for a flag of the command, never given as a flag too', () => {
    for (const variable of Object.keys(line.env)) {
      const flag = parsed.command.flags.find((f) => f.env === variable);
      expect([variable, flag?.name]).toEqual([variable, expect.any(String)]);
      expect(flagNames(parsed)).not.toContain(flag!.name);
    }
  });

  test('every flag the page marks required is given', () => {
    const required = parsed.command.flags.filter((f) => f.required).map((f) => f.name);
    expect(flagsGiven(parsed, line.env)).toEqual(expect.arrayContaining(required));
  });

  test('secrets go by the documented variable; only where the page names none are they a flag value', () => {
    for (const { flag: name, value } of secrets) {
      const flag = parsed.command.flags.find((f) => f.name === name)!;
      expect(flag).toBeDefined();
      if (flag.env !== undefined) {
        expect([name, line.env[flag.env]]).toEqual([name, value]);
        expect(line.args.some((arg) => arg.includes(value))).toBe(false);
      } else {
        expect([name, valueOf(parsed, name)]).toEqual([name, value]);
      }
    }
    // And nothing secret-looking travels that the case does not know of.
    for (const [variable, value] of Object.entries(line.env)) {
      expect([variable, secrets.some((s) => s.value === value)]).toEqual([variable, true]);
    }
  });

  test('UCP is trusted by its CA, never with --ucp-insecure-tls', () => {
    expect(flagNames(parsed)).not.toContain('--ucp-insecure-tls');
    if (contract.product === 'dtr' && parsed.command.name !== 'images') {
      expect(valueOf(parsed, '--ucp-ca')).toBe(CA_PEM);
    }
  });
});

// What a page requires in its prose rather than its option table: each rule is looked up in the
// contract, so the table below cannot cite a rule the pages do not have.
const requiredByRules: { contract: ReleaseContract; command: string; rule: string; flags: string[] }[] = [
  {
    contract: ucp11Dtr20.dtr,
    command: 'join',
    rule: 'you need to specify the ID of a replica that is already part of the cluster',
    flags: ['--existing-replica-id'],
  },
  {
    contract: ucp11Dtr20.dtr,
    command: 'remove',
    rule: 'you must tell the bootstrapper about one healthy replica using the `--existing-replica-id` flag',
    flags: ['--existing-replica-id', '--replica-id'],
  },
  {
    contract: ucp3xDtr27.dtr,
    command: 'join',
    rule: 'you need to specify the ID of a replica that is already part of the cluster',
    flags: ['--existing-replica-id'],
  },
  {
    contract: ucp3xDtr27.dtr,
    command: 'emergency-repair',
    rule: 'it reverts the cluster to a single replica of your choice',
    flags: ['--existing-replica-id'],
  },
  {
    // Run without a terminal nothing can be prompted for, so what remove prompts for must be given.
    contract: ucp3xDtr27.dtr,
    command: 'remove',
    rule: 'You are prompted for the existing replica id (any healthy replica), the replica id to remove',
    flags: ['--existing-replica-id', '--replica-ids', '--ucp-username', '--ucp-password'],
  },
];

test.each(requiredByRules.map((r) => [`${r.contract.product} ${r.contract.line} ${r.command}`, r] as const))(
  '%s gives what its rule requires',
  (_label, { contract, command, rule, flags }) => {
    expect(
      contract.rules.some((r) => r.text.includes(rule) && (r.commands ?? [command]).includes(command)),
    ).toBe(true);
    const built = cases.filter((c) => c.contract === contract && c.line.args[0] === command);
    expect(built.length).toBeGreaterThan(0);
    for (const { line } of built) {
      expect(flagsGiven(parse(contract, line.args), line.env)).toEqual(expect.arrayContaining(flags));
    }
  },
);

test('every DTR command is given UCP: the tool prompts for what it is not given, and there is no terminal', () => {
  for (const { contract, line } of cases.filter(
    (c) => c.contract.product === 'dtr' && c.line.args[0] !== 'images',
  )) {
    expect(contract.invocation.notes.some((n) => n.includes('It prompts you for the values needed'))).toBe(
      true,
    );
    expect([line.args[0], flagsGiven(parse(contract, line.args), line.env)]).toEqual([
      line.args[0],
      expect.arrayContaining(['--ucp-url', '--ucp-username', '--ucp-password', '--ucp-ca']),
    ]);
  }
});

describe('flags documented as not combinable are never combined', () => {
  test("DTR 2.0: --extra-envs can't be used with --ucp-node (install, join)", () => {
    const rule = ucp11Dtr20.dtr.rules.find(
      (r) => r.text.includes('--extra-envs') && r.text.includes('--ucp-node'),
    );
    expect(rule?.commands).toEqual(['install', 'join']);
    const lines = cases.filter(
      (c) => c.contract === ucp11Dtr20.dtr && rule!.commands!.includes(c.line.args[0]),
    );
    expect(lines.length).toBe(4);
    for (const { line } of lines) {
      const given = flagNames(parse(ucp11Dtr20.dtr, line.args));
      expect(given.includes('--extra-envs') && given.includes('--ucp-node')).toBe(false);
      // One of them always places the replica.
      expect(given.includes('--extra-envs') || given.includes('--ucp-node')).toBe(true);
    }
  });

  test('DTR 2.0: with constraints, the node is one more constraint, `&`-separated', () => {
    const line = c1.dtrInstall({ ...replica, constraints, external });
    expect(valueOf(parse(ucp11Dtr20.dtr, line.args), '--extra-envs')).toBe(
      'constraint:node!=dtrha-1&constraint:node==dtrha-3',
    );
  });

  test('DTR 2.0: --force-remove only when --existing-replica-id == --replica-id', () => {
    expect(ucp11Dtr20.dtr.rules.some((r) => r.text.startsWith('--force-remove is necessary only when'))).toBe(
      true,
    );
    for (const { line } of cases.filter(
      (c) => c.contract === ucp11Dtr20.dtr && c.line.args[0] === 'remove',
    )) {
      const parsed = parse(ucp11Dtr20.dtr, line.args);
      const same = valueOf(parsed, '--existing-replica-id') === valueOf(parsed, '--replica-id');
      expect(flagNames(parsed).includes('--force-remove')).toBe(same);
    }
  });

  test('UCP 1.1: --swarm-experimental is for install, not join', () => {
    expect(
      ucp11Dtr20.ucp.rules.some((r) => r.text.startsWith('--swarm-experimental: use only for install')),
    ).toBe(true);
    for (const { line } of cases.filter((c) => c.contract === ucp11Dtr20.ucp && c.line.args[0] === 'join')) {
      expect(line.args).not.toContain('--swarm-experimental');
    }
  });
});

describe('the recovery commands', () => {
  const linesOf = (contract: ReleaseContract, command: string) =>
    cases.filter((c) => c.contract === contract && c.line.args[0] === command).map((c) => c.line);

  test('DTR 2.0 backup names the replica it reads, as the backups page does ("the id of the replica to backup")', () => {
    const procedure = ucp11Dtr20.dtr.procedures.find((p) => p.name.startsWith('Back up and restore'));
    expect(procedure?.steps[0]).toMatch(/ backup .*--existing-replica-id <replica-id>/);
    const lines = linesOf(ucp11Dtr20.dtr, 'backup');
    expect(lines.length).toBe(2);
    for (const line of lines) {
      expect(valueOf(parse(ucp11Dtr20.dtr, line.args), '--existing-replica-id')).toBe('bbbbbbbbbbbb');
    }
  });

  test('DTR 2.0 --config-only only where asked; restore is placed by --ucp-node (its page has no --extra-envs)', () => {
    for (const command of ['backup', 'restore']) {
      const given = linesOf(ucp11Dtr20.dtr, command).map((l) =>
        flagNames(parse(ucp11Dtr20.dtr, l.args)).includes('--config-only'),
      );
      expect([command, given]).toEqual([command, [false, true]]);
    }
    for (const line of linesOf(ucp11Dtr20.dtr, 'restore')) {
      expect(valueOf(parse(ucp11Dtr20.dtr, line.args), '--ucp-node')).toBe('dtrha-3');
    }
  });

  test('DTR 2.7 restore gives exactly one of the storage flags its page calls mandatory', () => {
    const storage = ['--dtr-storage-volume', '--dtr-use-default-storage', '--nfs-storage-url'];
    expect(
      ucp3xDtr27.dtr.rules.some(
        (r) => r.commands?.includes('restore') && storage.every((f) => r.text.includes(f)),
      ),
    ).toBe(true);
    const given = linesOf(ucp3xDtr27.dtr, 'restore').map((l) =>
      flagNames(parse(ucp3xDtr27.dtr, l.args)).filter((f) => storage.includes(f)),
    );
    expect(given).toEqual([['--dtr-use-default-storage'], ['--nfs-storage-url']]);
  });

  test('DTR 2.7 emergency-repair answers its prompt with --y; --prune only where asked', () => {
    const command = ucp3xDtr27.dtr.commands.find((c) => c.name === 'emergency-repair')!;
    expect(command.flags.find((f) => f.name === '--y')?.description).toBe('Answer yes to any prompts.');
    const lines = linesOf(ucp3xDtr27.dtr, 'emergency-repair').map((l) =>
      flagNames(parse(ucp3xDtr27.dtr, l.args)),
    );
    expect(lines.map((names) => names.includes('--y'))).toEqual([true, true]);
    expect(lines.map((names) => names.includes('--prune'))).toEqual([false, true]);
  });

  test('the drivers run them through the builders; DTR 2.0 has no emergency-repair', () => {
    const backup = { ...replica, existingReplicaId: 'bbbbbbbbbbbb' };
    expect(ucp11Dtr20.driver.dtr.backup(backup)).toEqual(c1.dtrBackup(backup));
    expect(ucp3xDtr27.driver.dtr.backup(backup)).toEqual(c2.dtrBackup(backup));
    const tls = { caPem: CA_PEM, certPem: CERT_PEM, keyPem: KEY_PEM };
    const restore = { ...replica, constraints, external, tls };
    expect(ucp11Dtr20.driver.dtr.restore(restore)).toEqual(c1.dtrRestore(restore));
    expect(ucp3xDtr27.driver.dtr.restore(restore)).toEqual(c2.dtrRestore(restore));
    expect(ucp11Dtr20.driver.dtr.emergencyRepair).toBeUndefined();
    const repair = { ...replica, existingReplicaId: 'bbbbbbbbbbbb', prune: true };
    expect(ucp3xDtr27.driver.dtr.emergencyRepair?.(repair)).toEqual(c2.dtrEmergencyRepair(repair));
  });
});

describe('what each release writes its own way', () => {
  test('DTR 2.0 --dtr-external-url is "domain name and port"; DTR 2.7 is https://host[:port]', () => {
    const old = parse(ucp11Dtr20.dtr, c1.dtrInstall({ ...replica, constraints: [], external }).args);
    expect(valueOf(old, '--dtr-external-url')).toBe('10.0.0.4:444');
    const tls = { caPem: CA_PEM, certPem: CERT_PEM, keyPem: KEY_PEM };
    const current = parse(ucp3xDtr27.dtr, c2.dtrInstall({ ...replica, external, tls }).args);
    expect(valueOf(current, '--dtr-external-url')).toBe('https://10.0.0.4:444');
    const on443 = c2.dtrInstall({ ...replica, external: { host: 'dtr.example.com', port: 443 }, tls });
    expect(valueOf(parse(ucp3xDtr27.dtr, on443.args), '--dtr-external-url')).toBe('https://dtr.example.com');
  });

  test('UCP install: the host address is the first certificate name, the other names follow', () => {
    for (const line of [c1.ucpInstall(ucpInstall), c2.ucpInstall(ucpInstall)]) {
      expect(line.args).toEqual([
        'install',
        '--host-address',
        '10.0.0.2',
        '--san',
        '10.0.0.2',
        '--san',
        'dtrha-1',
        '--controller-port',
        '8443',
        '--admin-username',
        'admin',
      ]);
      expect(line.env).toEqual({ UCP_ADMIN_PASSWORD: ADMIN_PASSWORD });
    }
  });

  test('the image listings: UCP `images --list`, DTR `images`', () => {
    for (const { commands } of [ucp11Dtr20, ucp3xDtr27]) {
      expect(commands.ucpImages()).toEqual({ args: ['images', '--list'], env: {} });
      expect(commands.dtrImages()).toEqual({ args: ['images'], env: {} });
    }
  });
});

test('each profile has a builder for every command its releases have and the framework runs', () => {
  for (const profile of [ucp11Dtr20, ucp3xDtr27]) {
    const builders = Object.keys(profile.commands);
    expect(builders).toEqual(
      expect.arrayContaining([
        'ucpInstall',
        'ucpImages',
        'dtrInstall',
        'dtrJoin',
        'dtrRemove',
        'dtrBackup',
        'dtrRestore',
        'dtrImages',
      ]),
    );
    const repairs = profile.dtr.commands.some((c) => c.name === 'emergency-repair');
    expect([profile.name, builders.includes('dtrEmergencyRepair')]).toEqual([profile.name, repairs]);
    expect([profile.name, builders.includes('ucpJoin')]).toEqual([
      profile.name,
      profile.ucpJoin === 'ucp-join',
    ]);
    expect([profile.name, builders.includes('dtrDestroy')]).toEqual([profile.name, profile.dtrHasDestroy]);
  }
});
