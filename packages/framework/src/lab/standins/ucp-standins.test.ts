import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { ucp11 } from '../../contracts/ucp-1.1';
import { ucp3x } from '../../contracts/ucp-3.x';
import type { ReleaseContract } from '../../contracts/types';
import { recipeDir } from '../lab-image';

// The UCP stand-in per release: its commands and flags are the release contract's, read from the
// file the lab writes into the image (here a temp file named by STANDIN_CONTRACT), and cli.js
// refuses everything else as urfave/cli does. Parsing only: no action that needs an engine runs.

const ucpRoot = path.join(recipeDir('ucp-standin'), 'rootfs/opt/ucp-standin');
const commonRoot = path.join(recipeDir('standin-base'), 'rootfs/opt/standin-common');
/* eslint-disable @typescript-eslint/no-explicit-any */
const load = (file: string): Promise<any> => import(file);

let cli: any;
let appModule: any;
let logModule: any;
let dir: string;
const savedContract = process.env.STANDIN_CONTRACT;

beforeAll(async () => {
  cli = await load(path.join(commonRoot, 'cli.js'));
  logModule = await load(path.join(commonRoot, 'log.js'));
  appModule = await load(path.join(ucpRoot, 'lib/app.js'));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ucp-standins-test-'));
});

afterAll(async () => {
  if (savedContract === undefined) delete process.env.STANDIN_CONTRACT;
  else process.env.STANDIN_CONTRACT = savedContract;
  await fs.rm(dir, { recursive: true, force: true });
});

/** A logger whose lines are kept, and the app of `contract` as its image would build it. */
async function appOf(contract: ReleaseContract) {
  const file = path.join(dir, `contract-${contract.line}.json`);
  // As lab-image.ts writes it into the image.
  await fs.writeFile(file, `${JSON.stringify(contract, null, 2)}\n`);
  process.env.STANDIN_CONTRACT = file;
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = logModule.createLogger({ stream });
  return { app: appModule.app(logger), logger, lines };
}

/** `run` of the app on `argv`, with stdout and stderr captured. */
async function run(contract: ReleaseContract, argv: string[], env: Record<string, string> = {}) {
  const { app, logger, lines } = await appOf(contract);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const code = await cli.run(app, argv, logger, env);
    return { code, stdout: out.join(''), stderr: err.join(''), log: lines.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Parses `argv` against the app's command, as cli.js does before an action runs. */
async function parse(contract: ReleaseContract, argv: string[], env: Record<string, string> = {}) {
  const { app } = await appOf(contract);
  const [name, ...rest] = argv;
  const command = app.commands.find((c: any) => c.name === name);
  if (!command) throw new Error(`no command ${name}`);
  return cli.parse(command, rest, env).values;
}

const env = { UCP_ADMIN_PASSWORD: 'standin-admin-1' };
/** The install the framework runs on both releases (1.1 may add --fresh-install), and what it parses to. */
const installLine = [
  'install',
  '--host-address',
  '10.0.0.1',
  '--san',
  '10.0.0.1',
  '--san',
  'ucp.lab',
  '--controller-port',
  '8443',
  '--admin-username',
  'admin',
];
/** The 1.1 join the framework runs (may add --fresh-install). */
const joinLine = [
  'join',
  '--url',
  'https://10.0.0.1:8443',
  '--fingerprint',
  'AA:BB',
  '--host-address',
  '10.0.0.2',
  '--admin-username',
  'admin',
];
const installValues = {
  'host-address': '10.0.0.1',
  san: ['10.0.0.1', 'ucp.lab'],
  'controller-port': '8443', // a string now: install reads it with portValue
  'admin-username': 'admin',
  'admin-password': 'standin-admin-1',
};

describe('UCP 3.x stand-in', () => {
  test('refuses join (no such command in 3.x): No help topic, exit 3', async () => {
    const result = await run(ucp3x, joinLine, env);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("No help topic for 'join'\n");
  });

  test.each([['fingerprint'], ['uninstall'], ['bogus']])('refuses %s: exit 3', async (name) => {
    const result = await run(ucp3x, [name]);
    expect(result).toMatchObject({ code: 3, stderr: `No help topic for '${name}'\n` });
  });

  test('refuses install --fresh-install (a 1.1 flag): Incorrect Usage, the help, exit 1', async () => {
    const result = await run(
      ucp3x,
      ['install', '--host-address', '10.0.0.1', '--fresh-install', '--admin-username', 'admin'],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^Incorrect Usage: flag provided but not defined: -fresh-install\n\nNAME:\n/,
    );
    expect(result.stdout).toContain('--swarm-grpc-port value');
    expect(result.log).toMatch(/level=fatal msg="flag provided but not defined: -fresh-install"/);
  });

  test('accepts the framework’s command lines exactly', async () => {
    expect(await parse(ucp3x, installLine, env)).toMatchObject(installValues);
    expect(await parse(ucp3x, ['dump-certs', '--ca'])).toMatchObject({ ca: true, cluster: false });
    expect(await parse(ucp3x, ['id'])).toMatchObject({ debug: false });
    expect(await parse(ucp3x, ['uninstall-ucp', '--id', 'ABCD:EFGH'])).toMatchObject({ id: 'ABCD:EFGH' });
    expect(await parse(ucp3x, ['images', '--list'])).toMatchObject({ list: true });
  });

  test('a documented command it does not implement fails saying so, exit 1', async () => {
    const result = await run(ucp3x, ['backup']);
    expect(result.code).toBe(1);
    expect(result.log).toContain("The UCP 3.x stand-in does not implement 'backup'");
  });

  test('help lists the contract’s commands, not the hidden ones', async () => {
    const result = await run(ucp3x, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {3}uninstall-ucp +Uninstall UCP from this swarm$/m);
    expect(result.stdout).not.toMatch(/^ {3}(controller|host-address|join) /m);
    const { app } = await appOf(ucp3x);
    expect(app.commands.filter((c: any) => c.hidden).map((c: any) => c.name)).toEqual([
      'controller',
      'host-address',
    ]);
  });
});

describe('UCP 1.1 stand-in', () => {
  test('refuses a 3.x-only flag: install --data-path-addr', async () => {
    const result = await run(ucp11, ['install', '--data-path-addr', 'x'], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -data-path-addr\n/);
  });

  test('refuses 3.x commands: uninstall-ucp, exit 3', async () => {
    expect(await run(ucp11, ['uninstall-ucp', '--id', 'x'])).toMatchObject({
      code: 3,
      stderr: "No help topic for 'uninstall-ucp'\n",
    });
  });

  test('accepts the framework’s command lines exactly', async () => {
    expect(await parse(ucp11, [...installLine, '--fresh-install'], env)).toMatchObject({
      ...installValues,
      'fresh-install': true,
    });
    expect(await parse(ucp11, [...joinLine, '--fresh-install'], env)).toMatchObject({
      url: 'https://10.0.0.1:8443',
      fingerprint: 'AA:BB',
      'host-address': '10.0.0.2',
      'admin-password': 'standin-admin-1',
      'fresh-install': true,
    });
    expect(await parse(ucp11, ['fingerprint'])).toEqual({});
    expect(await parse(ucp11, ['dump-certs', '--ca'])).toMatchObject({ ca: true });
    expect(await parse(ucp11, ['id'])).toEqual({});
    expect(await parse(ucp11, ['uninstall', '--id', 'ABCD:EFGH'])).toMatchObject({ id: 'ABCD:EFGH' });
    expect(await parse(ucp11, ['images', '--list'])).toMatchObject({ list: true });
  });

  test('fingerprint and id take no flags, as their pages list none', async () => {
    const result = await run(ucp11, ['id', '--debug']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Incorrect Usage: flag provided but not defined: -debug\n/);
  });
});

test('every implemented command is one the release documents', () => {
  expect(
    Object.keys(appModule.actionsByLine['1.1']).every((n) => ucp11.commands.some((c) => c.name === n)),
  ).toBe(true);
  expect(
    Object.keys(appModule.actionsByLine['3.x']).every((n) => ucp3x.commands.some((c) => c.name === n)),
  ).toBe(true);
});

test('an image without a contract refuses to run, saying why', () => {
  process.env.STANDIN_CONTRACT = path.join(dir, 'missing.json');
  const logger = logModule.createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) });
  expect(() => appModule.app(logger)).toThrow(/has no release contract at .*missing\.json \(ENOENT\)/);
});

test('a contract of another product is refused', () => {
  const logger = logModule.createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }) });
  expect(() => appModule.app(logger, { ...ucp3x, product: 'dtr' })).toThrow(
    new logModule.Fatal('This UCP stand-in implements UCP 1.1 and 3.x, not dtr 3.x'),
  );
});
