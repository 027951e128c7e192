import { parseChallenge } from './dtr-client';

describe('parseChallenge (WWW-Authenticate, RFC 7235)', () => {
  test('the registry token flow: Bearer with realm, service and scope', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://10.0.0.2/auth/token",service="10.0.0.2",scope="repository:admin/x:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://10.0.0.2/auth/token',
        service: '10.0.0.2',
        scope: 'repository:admin/x:pull,push',
      },
    });
  });

  test('Basic, unquoted and escaped values', () => {
    expect(parseChallenge('Basic realm="Docker \\"Trusted\\" Registry"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Docker "Trusted" Registry' },
    });
    expect(parseChallenge('Bearer realm=https://h/t, service=h')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://h/t', service: 'h' },
    });
  });
});
