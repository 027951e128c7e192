import { REDACTED } from '../diagnostics/redact';
import { maskSecretArguments, verboseLine } from './verbose';

test('arguments named like secrets are masked, whatever their value', () => {
  expect(maskSecretArguments('docker/dtr:2.0.0 install --ucp-password hunter2 --ucp-username admin')).toBe(
    `docker/dtr:2.0.0 install --ucp-password ${REDACTED} --ucp-username admin`,
  );
  expect(maskSecretArguments("x --admin-password='a b' --secret-key=abc --token t")).toBe(
    `x --admin-password=${REDACTED} --secret-key=${REDACTED} --token ${REDACTED}`,
  );
  expect(maskSecretArguments('docker version --format {{.Server.Version}}')).toBe(
    'docker version --format {{.Server.Version}}',
  );
});

test('a command is shown with its machine and how it ran, first line only, cleaned', () => {
  const clean = (text: string) => text.replace('s3cr3t-value', REDACTED);
  expect(verboseLine({ node: 'dtrha-2', via: 'ssh', command: 'echo s3cr3t-value' }, clean)).toBe(
    `     $ dtrha-2 (ssh): echo ${REDACTED}`,
  );
  expect(
    verboseLine(
      { node: 'dtrha-1', via: 'docker run', command: 'set -e\nmkdir -p /x\n\ncat > /x/y' },
      (t) => t,
    ),
  ).toBe('     $ dtrha-1 (docker run): set -e (+2 more lines)');
});
