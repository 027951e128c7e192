import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from './load';
import { describeEnvironment, maskSecretFlags, renderConfigurationDoc } from './render';
import { groups, variables } from './schema';

const DOC = path.resolve(__dirname, '../../../../docs/configuration.md');

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-render-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function load(env: Record<string, string> = {}) {
  return loadConfig({ env: { HOME: dir, ...env }, cwd: dir });
}

describe('describeEnvironment', () => {
  test('lists every variable with its value and source', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'MACHINE_PREFIX=fromfile\n');
    const text = describeEnvironment(load({ NUM_MACHINES: '3' }));
    for (const spec of variables) expect(text).toContain(`  ${spec.name}=`);
    expect(text).toContain('NUM_MACHINES=3  [env]');
    expect(text).toContain('MACHINE_PREFIX=fromfile  [file]');
    expect(text).toContain('MACHINE_DRIVER=local  [default]');
    expect(text).toContain('default: 4');
    expect(text).toContain(`DTR_HA_STATE_DIR=${path.join(dir, '.dtr-ha')}  [default]`);
    expect(text).toContain('UCP controller: fromfile-1');
    expect(text).toContain('DTR replicas:   fromfile-2, fromfile-3');
  });

  test('never prints a secret: set secrets are masked, unset ones say so', () => {
    const registrySecret = 'Reg1stry-S3cret-Value';
    const adminSecret = 'Adm1n-S3cret-Value';
    const awsSecret = 'AwsS3cretKey/abc+def';
    const awsAccess = 'AKIAEXAMPLEACCESS';
    const text = describeEnvironment(
      load({
        REGISTRY_USERNAME: 'ci',
        REGISTRY_PASSWORD: registrySecret,
        UCP_ADMIN_PASSWORD: adminSecret,
        MACHINE_DRIVER: 'amazonec2',
        MACHINE_CREATE_FLAGS: `--amazonec2-secret-key ${awsSecret} --amazonec2-access-key=${awsAccess} --amazonec2-region us-west-2`,
      }),
    );
    for (const secret of [registrySecret, adminSecret, awsSecret, awsAccess])
      expect(text).not.toContain(secret);
    expect(text).toContain('REGISTRY_PASSWORD=********  [env]');
    expect(text).toContain('UCP_ADMIN_PASSWORD=********  [env]');
    expect(text).toContain(
      'MACHINE_CREATE_FLAGS=--amazonec2-secret-key ******** --amazonec2-access-key=******** --amazonec2-region us-west-2',
    );

    const unset = describeEnvironment(load());
    expect(unset).toContain('REGISTRY_PASSWORD=(unset)');
    expect(unset).toContain('UCP_ADMIN_PASSWORD=(unset)');
  });

  test('maskSecretFlags keeps other flags', () => {
    expect(
      maskSecretFlags(['--generic-ssh-key', '/k', '--x-password=p', '--token', 't', '--last-secret']),
    ).toEqual(['--generic-ssh-key', '/k', '--x-password=********', '--token', '********', '--last-secret']);
  });
});

describe('schema', () => {
  test('names are unique, every variable has a known group and a description', () => {
    const names = variables.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of variables) {
      expect(groups).toContain(spec.group);
      expect(spec.description.length).toBeGreaterThan(10);
    }
  });

  test('the variables of dhe-deploy’s ha-integration are all there', () => {
    const inherited = [
      'NUM_MACHINES',
      'TEST_ARGS',
      'MACHINE_DRIVER',
      'MACHINE_CREATE_FLAGS',
      'MACHINE_PREFIX',
      'GENERIC_MACHINE_LIST',
      'UCP_PULL_IMAGES',
      'DTR_PULL_IMAGES',
      'PURGE_MACHINES',
      'REGISTRY_USERNAME',
      'REGISTRY_PASSWORD',
      'REGISTRY_EMAIL',
      'UCP_REPO',
      'UCP_TAG',
      'DTR_REPO',
      'DTR_TAG',
      'DTR_LB_CONSTRAINTS',
      'DTR_CONSTRAINTS',
    ];
    expect(variables.map((v) => v.name)).toEqual(expect.arrayContaining(inherited));
    expect(variables.filter((v) => v.secret).map((v) => v.name)).toEqual([
      'REGISTRY_PASSWORD',
      'UCP_ADMIN_PASSWORD',
    ]);
  });
});

describe('renderConfigurationDoc', () => {
  test('is deterministic and machine-independent', () => {
    const doc = renderConfigurationDoc();
    expect(renderConfigurationDoc()).toBe(doc);
    expect(doc).not.toContain(os.homedir());
    expect(doc).toContain('`~/.dtr-ha`');
    for (const spec of variables) expect(doc).toContain(`| \`${spec.name}\` |`);
    for (const group of groups)
      expect(doc).toContain(`## ${group}\n\n| Variable | Default | Secret | Description |`);
  });

  test('docs/configuration.md is up to date', () => {
    const expected = renderConfigurationDoc();
    const actual = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8').replace(/\r\n/g, '\n') : undefined;
    if (actual !== expected) {
      throw new Error(
        `docs/configuration.md ${actual === undefined ? 'is missing' : 'is out of date'}: ` +
          'it is generated from packages/framework/src/config/schema.ts. Run `npm run docs` ' +
          '(after `npm run build`) and commit the result.',
      );
    }
  });
});
