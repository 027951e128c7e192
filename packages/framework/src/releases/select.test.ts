import { ConfigError, STANDIN_TAGS, supportedPairs } from '../config';
import { releasePairs } from '../contracts';
import { releaseProfileOf, releaseProfiles, selectReleaseProfile } from './select';
import { ucp11Dtr20 } from './ucp-1.1+dtr-2.0';
import { ucp3xDtr27 } from './ucp-3.x+dtr-2.7';

describe('selectReleaseProfile', () => {
  test.each([
    ['1.1.0-rc1', '2.0.0-rc1-004459_gd48039b', 'ucp-1.1+dtr-2.0'],
    ['1.1.4', '2.0.3', 'ucp-1.1+dtr-2.0'],
    ['3.2.5', '2.7.6', 'ucp-3.x+dtr-2.7'],
    ['1.1.0-standin', '2.0.0-standin', 'ucp-1.1+dtr-2.0'],
    ['3.2.0-standin', '2.7.0-standin', 'ucp-3.x+dtr-2.7'],
  ])('UCP_TAG=%s DTR_TAG=%s → %s', (ucp, dtr, name) => {
    const selection = selectReleaseProfile(ucp, dtr);
    expect(selection.ok && selection.profile.name).toBe(name);
  });

  test('an unsupported pair: one line naming both variables, their values and the supported pairs', () => {
    const selection = selectReleaseProfile('2.2.0', '2.7.1');
    expect(selection.ok).toBe(false);
    if (!selection.ok) {
      expect(selection.message).toBe(
        'UCP_TAG="2.2.0" and DTR_TAG="2.7.1": not a supported pair (UCP 2.2 is not a supported release); ' +
          'supported are UCP 1.1.x with DTR 2.0.x, UCP 3.x with DTR 2.7.x ' +
          "(the lab's stand-ins: UCP_TAG=1.1.0-standin DTR_TAG=2.0.0-standin, UCP_TAG=3.2.0-standin DTR_TAG=2.7.0-standin)",
      );
    }
  });

  test('releaseProfileOf throws the ConfigError loadConfig would', () => {
    const config = { ucp: { repo: 'docker', tag: '1.1.4', image: 'docker/ucp:1.1.4' } };
    expect(
      releaseProfileOf({ ...config, dtr: { repo: 'docker', tag: '2.0.3', image: 'docker/dtr:2.0.3' } }),
    ).toBe(ucp11Dtr20);
    expect(() =>
      releaseProfileOf({ ...config, dtr: { repo: 'docker', tag: '2.7.6', image: 'docker/dtr:2.7.6' } }),
    ).toThrow(ConfigError);
  });
});

test("one profile per supported pair, on the pair's contracts", () => {
  expect(releaseProfiles.map((p) => p.name)).toEqual(supportedPairs.map((p) => p.name));
  for (const pair of supportedPairs) {
    const profile = releaseProfiles.find((p) => p.name === pair.name)!;
    expect(profile.kind).toBe('release');
    if (profile.kind === 'release') {
      expect([profile.ucp.product, profile.ucp.line, profile.dtr.product, profile.dtr.line]).toEqual([
        'ucp',
        pair.ucp.line,
        'dtr',
        pair.dtr.line,
      ]);
    }
  }
});

test("config's table of pairs and the contracts' agree", () => {
  expect(supportedPairs.map((p) => [p.ucp.line, p.dtr.line])).toEqual(
    releasePairs.map((p) => [p.ucp.line, p.dtr.line]),
  );
});

// What differs between the pairs, as read from the contracts when the profiles are loaded.
test('UCP 1.1 + DTR 2.0', () => {
  expect(ucp11Dtr20).toMatchObject({
    ucpJoin: 'ucp-join',
    dtrHealthPath: '/load_balancer_status',
    haproxyCheckPath: '/load_balancer_status',
    dtrHasDestroy: false,
    dtrInstallTakesTls: false,
    imageListing: { ucp: ['images', '--list'], dtr: ['images'] },
    invocation: {
      ucp: { containerName: 'ucp', mountsDockerSocket: true },
      dtr: { mountsDockerSocket: false },
    },
  });
  expect(ucp11Dtr20.invocation.dtr.containerName).toBeUndefined();
  expect(ucp11Dtr20.names.dtr.networks).toEqual(['dtr-br', 'dtr-ol']);
  expect(ucp11Dtr20.names.dtr.containers).toContain('dtr-etcd-<replica_id>');
  expect(ucp11Dtr20.names.ucp.volumes).toContain('ucp-node-certs');
});

test('UCP 3.x + DTR 2.7', () => {
  expect(ucp3xDtr27).toMatchObject({
    ucpJoin: 'swarm-join',
    dtrHealthPath: '/_ping',
    haproxyCheckPath: '/_ping',
    dtrHasDestroy: true,
    dtrInstallTakesTls: true,
    imageListing: { ucp: ['images', '--list'], dtr: ['images'] },
    invocation: {
      ucp: { containerName: 'ucp', mountsDockerSocket: true },
      dtr: { mountsDockerSocket: false },
    },
  });
  expect(ucp3xDtr27.names.dtr.networks).toEqual(['dtr-ol']);
  expect(ucp3xDtr27.names.dtr.containers).not.toContain('dtr-etcd-<replica_id>');
  expect(ucp3xDtr27.names.ucp.containers).toContain('ucp-agent');
});

test("the lab's stand-in tags select the profile of the release they stand in for", () => {
  for (const [pair, tags] of Object.entries(STANDIN_TAGS)) {
    const selection = selectReleaseProfile(tags.ucp, tags.dtr);
    expect(selection.ok && selection.profile.name).toBe(pair);
  }
});
