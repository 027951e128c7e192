import { commandLineOf, detectShell, dockerEnv, renderEnv, renderUnset, usageHint } from './shell-env';

const certDir = '/root/.dtr-ha/dtrha/docker-env/dtrha-2';
const env = dockerEnv('172.18.0.12', 2376, certDir);

// What docker-machine env prints for each shell (its commands/env.go), with the trailing space of its hint.
test.each([
  [
    'bash',
    'export DOCKER_TLS_VERIFY="1"\nexport DOCKER_HOST="tcp://172.18.0.12:2376"\n' +
      `export DOCKER_CERT_PATH="${certDir}"\n`,
    '# Run this command to configure your shell: \n# eval $(dtr-ha env dtrha-2)\n',
  ],
  [
    'fish',
    'set -gx DOCKER_TLS_VERIFY "1";\nset -gx DOCKER_HOST "tcp://172.18.0.12:2376";\n' +
      `set -gx DOCKER_CERT_PATH "${certDir}";\n`,
    '# Run this command to configure your shell: \n# eval (dtr-ha env dtrha-2)\n',
  ],
  [
    'powershell',
    '$Env:DOCKER_TLS_VERIFY = "1"\n$Env:DOCKER_HOST = "tcp://172.18.0.12:2376"\n' +
      `$Env:DOCKER_CERT_PATH = "${certDir}"\n`,
    '# Run this command to configure your shell: \n# & dtr-ha env dtrha-2 | Invoke-Expression\n',
  ],
  [
    'cmd',
    `SET DOCKER_TLS_VERIFY=1\nSET DOCKER_HOST=tcp://172.18.0.12:2376\nSET DOCKER_CERT_PATH=${certDir}\n`,
    `REM Run this command to configure your shell: \nREM \t@FOR /f "tokens=*" %i IN ('dtr-ha env dtrha-2') DO @%i\n`,
  ],
] as const)('renderEnv for %s prints what docker-machine env prints', (shell, exports, hint) => {
  expect(renderEnv(shell, env, 'dtr-ha env dtrha-2')).toBe(exports + hint);
});

test('zsh and sh read the same exports as bash', () => {
  expect(renderEnv('zsh', env, 'x')).toBe(renderEnv('bash', env, 'x'));
  expect(renderEnv('sh', env, 'x')).toBe(renderEnv('bash', env, 'x'));
});

test('a path with quotes, dollars or backticks stays one literal value in each shell', () => {
  const odd = dockerEnv('10.0.0.1', 2376, '/home/a "b" $HOME `x`');
  expect(renderEnv('bash', odd, 'x')).toContain(
    'export DOCKER_CERT_PATH="/home/a \\"b\\" \\$HOME \\`x\\`"\n',
  );
  expect(renderEnv('fish', odd, 'x')).toContain('set -gx DOCKER_CERT_PATH "/home/a \\"b\\" \\$HOME `x`";\n');
  expect(renderEnv('powershell', odd, 'x')).toContain(
    '$Env:DOCKER_CERT_PATH = "/home/a `"b`" `$HOME ``x``"\n',
  );
  expect(() => renderEnv('cmd', odd, 'x')).toThrow(/DOCKER_CERT_PATH would be .* cmd cannot take/);
  expect(() => renderEnv('bash', dockerEnv('h', 1, 'a\nb'), 'x')).toThrow(/line break/);
});

test('an IPv6 engine address is bracketed in DOCKER_HOST', () => {
  expect(dockerEnv('fd00::5', 2376, '/c').DOCKER_HOST).toBe('tcp://[fd00::5]:2376');
});

test('--unset prints what docker-machine env -u prints', () => {
  expect(renderUnset('bash', 'dtr-ha env -u')).toBe(
    'unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\n' +
      '# Run this command to configure your shell: \n# eval $(dtr-ha env -u)\n',
  );
  expect(renderUnset('fish', 'x')).toMatch(/^set -e DOCKER_TLS_VERIFY;\nset -e DOCKER_HOST;\n/);
  expect(renderUnset('powershell', 'x')).toMatch(/^Remove-Item Env:\\\\DOCKER_TLS_VERIFY\n/);
  expect(renderUnset('cmd', 'x')).toMatch(/^SET DOCKER_TLS_VERIFY=\n/);
});

test('the shell comes from $SHELL; without a known one, sh/bash with a note', () => {
  expect(detectShell({ SHELL: '/usr/bin/fish' }, 'linux')).toEqual({ shell: 'fish' });
  expect(detectShell({ SHELL: '/bin/zsh' }, 'linux')).toEqual({ shell: 'zsh' });
  expect(detectShell({ SHELL: '/bin/dash' }, 'linux')).toEqual({ shell: 'sh' });
  expect(detectShell({ SHELL: '/usr/bin/pwsh' }, 'linux')).toEqual({ shell: 'powershell' });
  expect(detectShell({}, 'win32')).toEqual({ shell: 'powershell' });
  expect(detectShell({}, 'linux')).toEqual({
    shell: 'bash',
    note: expect.stringMatching(/SHELL is not set/),
  });
  expect(detectShell({ SHELL: '/bin/tcsh' }, 'linux')).toEqual({
    shell: 'bash',
    note: expect.stringMatching(/tcsh is not one dtr-ha knows.*--shell bash\|zsh\|sh\|fish\|powershell\|cmd/),
  });
});

test('the usage hint names the command as it was run: through npx, or as dtr-ha', () => {
  expect(commandLineOf(['env', 'dtrha-2'], { npm_command: 'exec' })).toBe('npx dtr-ha env dtrha-2');
  expect(commandLineOf(['env', 'dtrha-2', '--shell', 'fish'], {})).toBe('dtr-ha env dtrha-2 --shell fish');
  expect(commandLineOf(['env', "it's"], {})).toBe(`dtr-ha env 'it'\\''s'`);
  expect(usageHint('bash', 'npx dtr-ha env m')).toBe(
    '# Run this command to configure your shell: \n# eval $(npx dtr-ha env m)\n',
  );
});
