import Docker from 'dockerode';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCommand } from '../util/run-command';

// Failing runs with secrets in the environment: neither REGISTRY_PASSWORD nor the admin password may
// appear in any output, any file of the state directory (records, diagnostics), or any log.
const repoRoot = path.resolve(__dirname, '../../../..');
const registryPassword = `reg-${Math.random().toString(36).slice(2)}-secret`;
const adminPassword = `adm-${Math.random().toString(36).slice(2)}-secret`;
let stateDir: string;
let prefix: string;

function dtrHa(args: string[], extra: Record<string, string> = {}) {
  return runCommand(
    process.execPath,
    [
      '-r',
      require.resolve('ts-node/register/transpile-only'),
      path.join(__dirname, '../cli/main.ts'),
      ...args,
    ],
    {
      allowFailure: true,
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(repoRoot, 'packages/framework/tsconfig.json'),
        MACHINE_PREFIX: prefix,
        NUM_MACHINES: '3',
        DTR_HA_STATE_DIR: stateDir,
        DTR_HA_ENV_FILE: path.join(stateDir, 'test.env'),
        REGISTRY_USERNAME: 'someone',
        REGISTRY_PASSWORD: registryPassword,
        UCP_ADMIN_PASSWORD: adminPassword,
        ...extra,
      },
    },
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

beforeAll(async () => {
  stateDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dtrha-secrets-test-'));
  prefix = `secrets${process.pid}`;
  await fs.writeFile(path.join(stateDir, 'test.env'), '');
});

afterAll(async () => {
  await dtrHa(['down']);
  await fs.rm(stateDir, { recursive: true, force: true });
});

test('secrets appear nowhere after failing runs, their diagnostics included', async () => {
  const outputs: string[] = [];
  // 1. Pulling with credentials from a registry that cannot be reached: fails in the images step.
  const pull = await dtrHa(['up'], { UCP_PULL_IMAGES: '1', UCP_REPO: 'registry.invalid/dtrha' });
  expect(pull.code).toBe(1);
  outputs.push(pull.stdout, pull.stderr);
  // 2. UCP installed with the admin password, then DTR placement fails on a constraint nothing meets.
  const placement = await dtrHa(['up'], { DTR_CONSTRAINTS: 'constraint:node==no-such-machine' });
  expect(placement.code).toBe(1);
  expect(placement.stderr).toMatch(/no machine satisfies the constraints for DTR replicas/);
  // The admin password was really used: UCP was installed with it before the failure.
  expect(placement.stderr).toMatch(/✓ Installing UCP/);
  outputs.push(placement.stdout, placement.stderr);
  // 3. What a user collects after a failure.
  const logs = await dtrHa(['logs']);
  expect(logs.code).toBe(0);
  outputs.push(logs.stdout, logs.stderr);
  const diagnostics = logs.stdout.trim();
  expect(diagnostics.startsWith(stateDir)).toBe(true);
  expect((await filesUnder(diagnostics)).length).toBeGreaterThan(3);

  const texts = [...outputs];
  for (const file of await filesUnder(stateDir)) texts.push(await fs.readFile(file, 'utf8'));
  // The nodes' own logs (init, sshd, dockerd) as the host engine keeps them.
  const hostDocker = new Docker();
  for (const c of await hostDocker.listContainers({
    all: true,
    filters: { label: [`dtr-ha.cluster=${prefix}`] },
  })) {
    texts.push(String(await hostDocker.getContainer(c.Id).logs({ stdout: true, stderr: true })));
  }
  for (const text of texts) {
    expect(text.includes(registryPassword)).toBe(false);
    expect(text.includes(adminPassword)).toBe(false);
  }
});
