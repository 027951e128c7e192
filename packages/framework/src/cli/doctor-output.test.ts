import { doctorOutcome, renderChecks } from './doctor-output';
import { colorsOn } from './terminal';

const results = [
  { name: 'platform', status: 'ok', summary: 'Linux' },
  {
    name: 'engine',
    status: 'miss',
    summary: 'no Docker engine answers at /var/run/docker.sock (connect ENOENT /var/run/docker.sock)',
    fix: 'start it:\n  systemctl start docker\nor set DOCKER_HOST to an engine that runs on this machine',
  },
  { name: 'engine kind', status: 'skipped', summary: 'needs the engine' },
] as const;

test('one line per check, and under a miss what to do, commands kept whole', () => {
  expect(renderChecks(results, false)).toBe(
    ' ✓ platform: Linux\n' +
      ' ✗ engine: no Docker engine answers at /var/run/docker.sock (connect ENOENT /var/run/docker.sock)\n' +
      '     → start it:\n' +
      '       systemctl start docker\n' +
      '       or set DOCKER_HOST to an engine that runs on this machine\n' +
      ' – engine kind: needs the engine\n',
  );
  expect(renderChecks(results, true)).toContain('\x1b[32m✓\x1b[39m platform');
});

test('the exit code says the engine when it is what is missing, else the host', () => {
  expect(doctorOutcome(results)).toBe('engineUnreachable');
  expect(doctorOutcome([{ name: 'root', status: 'miss', summary: 'not root', fix: 'sudo' }])).toBe(
    'hostNotReady',
  );
  expect(doctorOutcome([results[0], results[2]])).toBe('ok');
});

test('colors only on a terminal, and never with NO_COLOR or TERM=dumb', () => {
  expect(colorsOn({ isTTY: true }, {})).toBe(true);
  expect(colorsOn({ isTTY: false }, {})).toBe(false);
  expect(colorsOn({}, {})).toBe(false);
  expect(colorsOn({ isTTY: true }, { NO_COLOR: '' })).toBe(false);
  expect(colorsOn({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
});
