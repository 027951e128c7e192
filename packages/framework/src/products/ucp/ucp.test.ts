import { createCertificateAuthority, certificateFingerprint } from '../../tls';
import { parseFingerprint, ucpInstallArgs, ucpJoinArgs, type UcpSettings } from './ucp';

const settings: UcpSettings = {
  image: 'x/ucp:1',
  adminUsername: 'admin',
  adminPassword: 'pw',
  controllerPort: 8443,
};

test('install: host address and SANs of the controller, admin account, controller port', () => {
  const args = ucpInstallArgs(settings, { name: 'c-1', ip: '10.0.0.1' });
  expect(args.slice(0, 3)).toEqual(['install', '--host-address', '10.0.0.1']);
  expect(args.join(' ')).toContain('--san 10.0.0.1 --san c-1');
  expect(args.join(' ')).toContain('--controller-port 8443');
  expect(args.join(' ')).toContain('--admin-username admin --admin-password pw');
});

test('join: URL and fingerprint of the controller', () => {
  const args = ucpJoinArgs(
    settings,
    { ip: '10.0.0.2' },
    { url: 'https://10.0.0.1:8443', fingerprint: 'AB', caPem: '' },
  );
  expect(args.join(' ')).toBe(
    'join --url https://10.0.0.1:8443 --fingerprint AB --host-address 10.0.0.2 --admin-username admin --admin-password pw',
  );
});

test('fingerprints: parsed from ucp fingerprint output in the form certificateFingerprint computes', async () => {
  const ca = await createCertificateAuthority('ucp');
  const expected = certificateFingerprint(ca.cert);
  expect(expected).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  expect(parseFingerprint(`INFO[0000] something\nSHA-256 Fingerprint=${expected.toLowerCase()}\n`)).toBe(
    expected,
  );
  expect(() => parseFingerprint('no fingerprint here')).toThrow(/no SHA-256 fingerprint/);
});
