import { loadConfig } from './load';
import { maskSecretFlags, secretFlagValues } from './render';
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
