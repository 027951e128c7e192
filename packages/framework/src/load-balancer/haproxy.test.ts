import { renderHaproxyConfig } from './haproxy';

const backends = [
  { id: 'aaaaaaaaaaaa', ip: '10.0.0.2', port: 443 },
  { id: 'bbbbbbbbbbbb', ip: '10.0.0.3', port: 443 },
];

test('haproxy.cfg: TCP passthrough on 443, round robin, one checked server per replica, stats socket', () => {
  const config = renderHaproxyConfig(backends);
  expect(config).toMatch(/frontend dtr\n {2}bind \*:443\n {2}mode tcp/);
  expect(config).toMatch(/backend replicas\n {2}mode tcp\n {2}balance roundrobin/);
  expect(config).toContain('option httpchk GET /_ping');
  const servers = config.split('\n').filter((line) => line.trim().startsWith('server '));
  expect(servers).toEqual([
    expect.stringMatching(
      /^ {2}server replica-aaaaaaaaaaaa 10\.0\.0\.2:443 check check-ssl verify required ca-file /,
    ),
    expect.stringMatching(/^ {2}server replica-bbbbbbbbbbbb 10\.0\.0\.3:443 check /),
  ]);
  // HAProxy's statistics, read-only on the container's loopback: nothing published for them.
  expect(config).toMatch(/^ {2}stats socket ipv4@127\.0\.0\.1:9999 level user$/m);
  expect(config).toMatch(/timeout connect 10s/);
  expect(config).toMatch(/timeout client 1m/);
});

test('another port, and no replicas is an error rather than an empty backend', () => {
  expect(renderHaproxyConfig(backends, { port: 8443 })).toContain('bind *:8443');
  expect(() => renderHaproxyConfig([])).toThrow(/at least one DTR replica/);
});
