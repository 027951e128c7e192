import { createCertificateAuthority, certificateFingerprint } from '../../tls';
import { parseCertificatePem, parseFingerprint } from './ucp';

// The command lines themselves are the release builders' (releases/builders.test.ts checks them
// against each release's pages); what is left here is reading what the installers print.

test('fingerprints: parsed from ucp fingerprint output in the form certificateFingerprint computes', async () => {
  const ca = await createCertificateAuthority('ucp');
  const expected = certificateFingerprint(ca.cert);
  expect(expected).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  expect(parseFingerprint(`INFO[0000] something\nSHA-256 Fingerprint=${expected.toLowerCase()}\n`)).toBe(
    expected,
  );
  expect(() => parseFingerprint('no fingerprint here')).toThrow(/no SHA-256 fingerprint/);
});

test('dump-certs --ca: the certificate is read out of the installer output', async () => {
  const ca = await createCertificateAuthority('ucp');
  const pem = parseCertificatePem(`time="x" level=info msg="dumping"\n${ca.cert}\n`);
  expect(certificateFingerprint(pem)).toBe(certificateFingerprint(ca.cert));
  expect(() => parseCertificatePem('nothing')).toThrow(/printed no certificate/);
});
