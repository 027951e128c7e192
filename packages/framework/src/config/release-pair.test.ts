import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig } from './load';
import { checkReleasePair, describeSupportedPairs, parseReleaseTag } from './release-pair';

describe('parseReleaseTag', () => {
  test.each([
    ['1.1.0-rc1', { major: 1, minor: 1, patch: 0, suffix: 'rc1' }],
    ['1.1.4', { major: 1, minor: 1, patch: 4 }],
    // A development tag: `_` is not allowed in a semver pre-release, but Docker tags have it.
    ['2.0.0-rc1-004459_gd48039b', { major: 2, minor: 0, patch: 0, suffix: 'rc1-004459_gd48039b' }],
    ['2.0.3', { major: 2, minor: 0, patch: 3 }],
    ['3.2.5', { major: 3, minor: 2, patch: 5 }],
    ['2.7.6', { major: 2, minor: 7, patch: 6 }],
    ['10.20.30-beta.1', { major: 10, minor: 20, patch: 30, suffix: 'beta.1' }],
  ])('%s', (tag, version) => {
    expect(parseReleaseTag(tag)).toEqual(version);
  });

  test.each(['standin', 'latest', '3.2', '3', 'v3.2.5', '3.2.5.1', '01.1.0', '3.2.5-', '1.1.x', ''])(
    '%j is not a release version',
    (tag) => {
      expect(parseReleaseTag(tag)).toBeUndefined();
    },
  );
});

describe('checkReleasePair', () => {
  test.each([
    ['1.1.0-rc1', '2.0.0-rc1-004459_gd48039b', 'ucp-1.1+dtr-2.0'],
    ['1.1.4', '2.0.3', 'ucp-1.1+dtr-2.0'],
    ['3.2.5', '2.7.6', 'ucp-3.x+dtr-2.7'],
    ['3.0.0', '2.7.0-beta1', 'ucp-3.x+dtr-2.7'],
    ['1.1.0-standin', '2.0.0-standin', 'ucp-1.1+dtr-2.0'],
    ['3.2.0-standin', '2.7.0-standin', 'ucp-3.x+dtr-2.7'],
  ])('UCP_TAG=%s DTR_TAG=%s is %s', (ucp, dtr, pair) => {
    const check = checkReleasePair(ucp, dtr);
    expect(check).toMatchObject({ ok: true, pair });
  });

  test('the versions read come with the pair', () => {
    expect(checkReleasePair('3.2.5', '2.7.6')).toEqual({
      ok: true,
      pair: 'ucp-3.x+dtr-2.7',
      ucp: { major: 3, minor: 2, patch: 5 },
      dtr: { major: 2, minor: 7, patch: 6 },
    });
  });

  test.each([
    ['2.2.0', '2.7.1', 'UCP 2.2 is not a supported release'],
    ['1.1.4', '2.7.6', 'UCP 1.1.x goes with DTR 2.0.x, not DTR 2.7'],
    ['3.2.5', '2.0.3', 'UCP 3.x goes with DTR 2.7.x, not DTR 2.0'],
    ['3.2.5', '2.6.0', 'DTR 2.6 is not a supported release'],
    ['1.2.0', '2.0.3', 'UCP 1.2 is not a supported release'],
    ['latest', '2.7.6', 'UCP_TAG is not a release version'],
    ['standin', '2.7.6', 'UCP_TAG is not a release version'],
    ['1.1.0-standin', '2.7.0-standin', 'UCP 1.1.x goes with DTR 2.0.x, not DTR 2.7'],
  ])('UCP_TAG=%s DTR_TAG=%s is refused: %s', (ucp, dtr, why) => {
    const check = checkReleasePair(ucp, dtr);
    if (check.ok) throw new Error('expected a refusal');
    const { problem } = check;
    // Both variables, with their values, and every supported pair.
    expect(problem).toMatchObject({
      variable: 'UCP_TAG',
      value: ucp,
      also: [{ variable: 'DTR_TAG', value: dtr }],
    });
    expect(problem.message).toContain(why);
    expect(problem.message).toContain('supported are UCP 1.1.x with DTR 2.0.x, UCP 3.x with DTR 2.7.x');
    expect(problem.message).toContain(
      "(the lab's stand-ins: UCP_TAG=1.1.0-standin DTR_TAG=2.0.0-standin, UCP_TAG=3.2.0-standin DTR_TAG=2.7.0-standin)",
    );
  });

  test('every reason is given at once', () => {
    const check = checkReleasePair('latest', '9.9.9');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.problem.message).toContain('UCP_TAG is not a release version');
      expect(check.problem.message).toContain('DTR 9.9 is not a supported release');
    }
  });

  test('describeSupportedPairs', () => {
    expect(describeSupportedPairs()).toBe('UCP 1.1.x with DTR 2.0.x, UCP 3.x with DTR 2.7.x');
  });
});

describe('loadConfig refuses an unsupported pair, before anything is made', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dtrha-release-pair-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) =>
    loadConfig({ env: { HOME: dir, DTR_HA_STATE_DIR: path.join(dir, 'state'), ...env }, cwd: dir });

  test('one line naming both variables with their values, and the supported pairs', () => {
    let error: unknown;
    try {
      load({ UCP_TAG: '2.2.0', DTR_TAG: '2.7.1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'UCP_TAG="2.2.0" and DTR_TAG="2.7.1": not a supported pair (UCP 2.2 is not a supported release); ' +
        'supported are UCP 1.1.x with DTR 2.0.x, UCP 3.x with DTR 2.7.x ' +
        "(the lab's stand-ins: UCP_TAG=1.1.0-standin DTR_TAG=2.0.0-standin, UCP_TAG=3.2.0-standin DTR_TAG=2.7.0-standin)",
    );
    expect((error as ConfigError).problems).toEqual([
      expect.objectContaining({ variable: 'UCP_TAG', also: [{ variable: 'DTR_TAG', value: '2.7.1' }] }),
    ]);
    // Nothing was made: no state directory, nothing in the directory it would be in.
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a default counts: UCP 3.x with the default DTR_TAG (the DTR 2.0 stand-in) is refused', () => {
    expect(() => load({ UCP_TAG: '3.2.5' })).toThrow(
      /^UCP_TAG="3.2.5" and DTR_TAG="2.0.0-standin": not a supported pair \(UCP 3.x goes with DTR 2.7.x/,
    );
  });

  test('a tag that is not a Docker tag is reported once, by its own variable, and the pair is not judged', () => {
    let error: ConfigError | undefined;
    try {
      load({ UCP_TAG: '-x', DTR_TAG: '2.7.6' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.variable)).toEqual(['UCP_TAG']);
    expect(error?.message).toMatch(/^UCP_TAG="-x": must be a Docker tag/);
  });

  test('supported pairs and the stand-ins load', () => {
    expect(load({}).ucp.tag).toBe('1.1.0-standin');
    expect(load({}).dtr.tag).toBe('2.0.0-standin');
    expect(load({ UCP_TAG: '1.1.0-rc1', DTR_TAG: '2.0.0-rc1-004459_gd48039b' }).dtr.image).toBe(
      'dtrha-lab/dtr:2.0.0-rc1-004459_gd48039b',
    );
    expect(
      load({ UCP_REPO: 'docker', UCP_TAG: '3.2.5', DTR_REPO: 'docker', DTR_TAG: '2.7.6' }).ucp.image,
    ).toBe('docker/ucp:3.2.5');
  });
});
