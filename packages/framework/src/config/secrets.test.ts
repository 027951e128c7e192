import { loadConfig } from './load';
import { MASK, maskSecretFlags, secretFlagValues } from './render';
import { secretValues } from './secrets';

function load(env: Record<string, string> = {}) {
  return loadConfig({ env, cwd: '/nonexistent-dir-for-dotenv' });
}

describe('secretValues', () => {
  test('the secret variables, the secret flags of MACHINE_CREATE_FLAGS and the admin password passed in', () => {
    const config = load({
      REGISTRY_USERNAME: 'ci',
      REGISTRY_PASSWORD: 'registry-secret',
      MACHINE_DRIVER: 'amazonec2',
      MACHINE_CREATE_FLAGS:
        '--amazonec2-secret-key aws-secret --amazonec2-access-key=aws-access --amazonec2-region us-west-2',
    });
    expect(secretValues(config, 'generated-admin-pw').sort()).toEqual(
      ['aws-access', 'aws-secret', 'generated-admin-pw', 'registry-secret'].sort(),
    );
  });

  test('UCP_ADMIN_PASSWORD counts once when it is also the one passed in', () => {
    const config = load({ UCP_ADMIN_PASSWORD: 'admin-secret' });
    expect(secretValues(config)).toEqual(['admin-secret']);
    expect(secretValues(config, 'admin-secret')).toEqual(['admin-secret']);
  });

  test('nothing set, nothing secret', () => {
    expect(secretValues(load({ TEST_ARGS: '--token-like-but-not-flags x' }))).toEqual([]);
  });
});

test('secretFlagValues are exactly what maskSecretFlags masks', () => {
  const words = ['--generic-ssh-key', '/k', '--x-password=p', '--token', 't', '--last-secret'];
  expect(secretFlagValues(words)).toEqual(['p', 't']);
  expect(maskSecretFlags(words)).toEqual([
    '--generic-ssh-key',
    '/k',
    '--x-password=********',
    '--token',
    '********',
    '--last-secret',
  ]);
});

describe('the flag mask', () => {
  test.each([
    [
      ['--google-auth-encoded-json', '{"private_key":"k"}'],
      ['--google-auth-encoded-json', MASK],
    ],
    [['--google-auth-encoded-json={"k":1}'], [`--google-auth-encoded-json=${MASK}`]],
    [
      ['--engine-env', 'HTTP_PROXY=http://u:p@proxy:3128'],
      ['--engine-env', `HTTP_PROXY=${MASK}`],
    ],
    [['--engine-env=TOKEN=abc'], [`--engine-env=TOKEN=${MASK}`]],
    [
      ['--swarm-discovery', 'token://0ac50ef75c9739f5bfeeaf00503d4e6e'],
      ['--swarm-discovery', `token://${MASK}`],
    ],
    [['--swarm-discovery=token://0ac50ef7'], [`--swarm-discovery=token://${MASK}`]],
    [
      ['--generic-ssh-passphrase', 'pp'],
      ['--generic-ssh-passphrase', MASK],
    ],
    [['--passphrase=pp'], [`--passphrase=${MASK}`]],
    [
      ['--linode-root-pass', 'rp'],
      ['--linode-root-pass', MASK],
    ],
    [
      ['--ovh-application-key', 'ak', '--ovh-consumer-key=ck'],
      ['--ovh-application-key', MASK, `--ovh-consumer-key=${MASK}`],
    ],
    [
      ['--azure-client-secret', 's', '-digitalocean-access-token', 't'],
      ['--azure-client-secret', MASK, '-digitalocean-access-token', MASK],
    ],
    [
      ['--engine-registry-mirror', 'https://ci:mirror-pw@mirror.example.com/v2'],
      ['--engine-registry-mirror', `https://ci:${MASK}@mirror.example.com/v2`],
    ],
    // A flag word that starts with blanks (`\ --flag` in the variable) is still that flag.
    [
      [' --amazonec2-secret-key', 'sk', '\t--passphrase=pp'],
      [' --amazonec2-secret-key', MASK, `\t--passphrase=${MASK}`],
    ],
    // A password with an @ is one password, as URL parsers read it (the last @ of the authority) ...
    [['https://ci:p@ss@mirror.example.com/v2'], [`https://ci:${MASK}@mirror.example.com/v2`]],
    // ... and one with a / (or ? or #), which no parser reads as one, is masked to the last @.
    [['https://ci:pa/ss@mirror.example.com'], [`https://ci:${MASK}@mirror.example.com`]],
    [
      ['--engine-registry-mirror=https://ci:p?a#s/s@m/x'],
      [`--engine-registry-mirror=https://ci:${MASK}@m/x`],
    ],
  ])('%j is shown as %j', (words, masked) => {
    expect(maskSecretFlags(words)).toEqual(masked);
    expect(secretFlagValues(words).length).toBeGreaterThan(0);
  });

  test('what carries no secret is shown as it is', () => {
    const words = [
      '--generic-ssh-key',
      '~/.ssh/id_rsa',
      '--engine-env',
      'DEBUG',
      '--swarm-discovery',
      'consul://10.0.0.1:8500',
      '--engine-opt',
      'dns=8.8.8.8',
      '--amazonec2-ssh-keypath',
      '/k',
    ];
    expect(maskSecretFlags(words)).toEqual(words);
    expect(secretFlagValues(words)).toEqual([]);
  });
});

describe('create-flag secrets stay out of messages and serialised configuration', () => {
  const secretError = (flags: string): string => {
    try {
      load({ MACHINE_DRIVER: 'amazonec2', MACHINE_CREATE_FLAGS: flags });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  test.each([
    ['--amazonec2-secret-key Zq7AKIA$SECRET', /the value of --amazonec2-secret-key refers to a variable/],
    ['--amazonec2-secret-key=Zq7AKIA$SECRET', /the value of --amazonec2-secret-key refers to a variable/],
    [
      '--amazonec2-secret-key Zq7AKIA;SECRET',
      /the value of --amazonec2-secret-key has an unquoted shell operator/,
    ],
    ['--amazonec2-secret-key Zq7AKIA*SECRET', /the value of --amazonec2-secret-key has an unquoted \* or \?/],
    ['--amazonec2-secret-key Zq7AKIA{SECRET,x}', /the value of --amazonec2-secret-key has a brace expansion/],
    [
      '--amazonec2-secret-key ~SECRET/Zq7AKIA',
      /the value of --amazonec2-secret-key starts with ~ and a name/,
    ],
    ['--engine-env TOKEN=Zq7AKIA$SECRET', /the value of --engine-env refers to a variable/],
    ['--swarm-discovery token://Zq7AKIA$SECRET', /the value of --swarm-discovery refers to a variable/],
    [
      '--engine-registry-mirror https://ci:Zq7AKIA$SECRET@m',
      /the value of --engine-registry-mirror refers to a variable/,
    ],
  ])('%s: the error names the flag, never a part of its value', (flags, message) => {
    const error = secretError(flags);
    expect(error).toMatch(/^MACHINE_CREATE_FLAGS: /);
    expect(error).toMatch(message);
    expect(error).not.toMatch(/SECRET|Zq7/);
  });

  test('JSON.stringify, util.inspect and Jest’s diffs show MACHINE_CREATE_FLAGS masked; the words stay usable', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { inspect } = require('node:util') as typeof import('node:util');
    const flags =
      '--amazonec2-secret-key aws-secret-1 --engine-env=TOKEN=engine-token-2 --amazonec2-region us-west-2';
    const config = load({ MACHINE_DRIVER: 'amazonec2', MACHINE_CREATE_FLAGS: flags });
    expect([...config.machineCreateFlags]).toEqual([
      '--amazonec2-secret-key',
      'aws-secret-1',
      '--engine-env=TOKEN=engine-token-2',
      '--amazonec2-region',
      'us-west-2',
    ]);
    let diff = '';
    try {
      expect(config).toEqual({});
    } catch (error) {
      diff = (error as Error).message;
    }
    for (const text of [JSON.stringify(config), inspect(config, { depth: 5 }), diff]) {
      expect(text).toContain('--amazonec2-region');
      expect(text).not.toContain('aws-secret-1');
      expect(text).not.toContain('engine-token-2');
    }
    expect(JSON.parse(JSON.stringify(config)).machineCreateFlags).toEqual([
      '--amazonec2-secret-key',
      MASK,
      `--engine-env=TOKEN=${MASK}`,
      '--amazonec2-region',
      'us-west-2',
    ]);
  });
});
