import { isCheckedUp, parseHaproxyStats, replicaServerStats, type HaproxyServerStats } from './haproxy-stats';

// `show stat` as HAProxy 2.6 (the lab image's) wrote it for a config like ours, one replica refusing
// its checks (DOWN, L4CON), the other answering them; the header line is HAProxy's own. Edited: the
// second server took sessions and has an HTTP check with a quoted last_chk (a comma and quotes in
// it), and the lines end after `-`, the end of the fields whose place is fixed.
const header =
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-,';
const showStat = [
  header,
  'dtr,FRONTEND,,,0,0,4096,7,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,0,,,,,,,,,,,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,,,,,,,,tcp,,0,0,0,,0,0,0,,,,,,,,,,,0,,,,,,,,,-,',
  'replicas,replica-aaaaaaaaaaaa,0,0,0,0,,2,0,0,,0,,0,0,0,0,DOWN,1,1,0,1,1,3,3,,1,3,1,,0,,2,0,,0,L4CON,,0,,,,,,,,,,,0,0,,,,,-1,Connection refused,,0,0,0,0,,,,Layer4 connection problem,,2,2,0,,,,,,tcp,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,',
  'replicas,replica-bbbbbbbbbbbb,0,0,1,1,,5,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,3,0,,1,3,2,,5,,2,0,,1,* L7OK,200,2,,,,,,,,,,,0,0,,,,,0,"HTTP status check returned code <3C>200<3E>, ""ok""",,0,0,0,0,,,,Layer7 check passed,,2,2,3,,,,,,tcp,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,',
  'replicas,BACKEND,0,0,1,1,410,7,0,0,0,0,,0,0,0,0,UP,1,1,0,,0,3,0,,1,3,0,,5,,1,0,,1,,,,,,,,,,,,,,0,0,0,0,0,0,0,,,0,0,0,0,,,,,,,,,,,,,,tcp,roundrobin,,,,,,,0,0,0,,,,,0,0,0,0,0,,,,,1,0,0,0,-,',
  '',
].join('\n');

test('show stat: one row per line after the header, each field by its header name', () => {
  const rows = parseHaproxyStats(showStat);
  expect(rows.map((r) => `${r.pxname}/${r.svname}`)).toEqual([
    'dtr/FRONTEND',
    'replicas/replica-aaaaaaaaaaaa',
    'replicas/replica-bbbbbbbbbbbb',
    'replicas/BACKEND',
  ]);
  expect(rows[2]).toMatchObject({ stot: '5', scur: '1', status: 'UP', check_code: '200', lbtot: '5' });
  // A quoted field keeps its comma and its doubled quotes, and the fields after it keep their names.
  expect(rows[2].last_chk).toBe('HTTP status check returned code <3C>200<3E>, "ok"');
  expect(rows[2].check_desc).toBe('Layer7 check passed');
  expect(rows[3].algo).toBe('roundrobin');
  expect(Object.keys(rows[0])).not.toContain('-');
});

test('the replicas’ servers by replica ID: status and counters, no FRONTEND or BACKEND line', () => {
  const servers = replicaServerStats(parseHaproxyStats(showStat));
  expect([...servers.keys()]).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
  expect(servers.get('aaaaaaaaaaaa')).toEqual({
    status: 'DOWN',
    totalSessions: 2,
    currentSessions: 0,
    checkStatus: 'L4CON',
    downTransitions: 1,
  });
  expect(servers.get('bbbbbbbbbbbb')).toEqual({
    status: 'UP',
    totalSessions: 5,
    currentSessions: 1,
    checkStatus: 'L7OK',
    downTransitions: 0,
  });
});

test('servers of another backend, or not named after a replica, are not replicas', () => {
  const csv = [
    '# pxname,svname,scur,stot,status,',
    'other,replica-aaaaaaaaaaaa,0,9,UP,',
    'replicas,spare,0,9,UP,',
    'replicas,replica-cccccccccccc,0,1,DOWN 1/2,',
  ].join('\n');
  const servers = replicaServerStats(parseHaproxyStats(csv));
  expect([...servers.keys()]).toEqual(['cccccccccccc']);
  // Coming back, not yet in the rotation: said as HAProxy says it.
  expect(servers.get('cccccccccccc')?.status).toBe('DOWN 1/2');
  expect(replicaServerStats(parseHaproxyStats(csv), 'other').get('aaaaaaaaaaaa')?.totalSessions).toBe(9);
});

test('anything but HAProxy CSV statistics is an error, not an empty list', () => {
  expect(() =>
    parseHaproxyStats('Unknown command. Please enter one of the following commands only :'),
  ).toThrow(/not HAProxy CSV statistics/);
  expect(() => parseHaproxyStats('# a,b\n1,2\n')).toThrow(/start with pxname,svname/);
  expect(parseHaproxyStats(`${header}\n`)).toEqual([]);
});

test('checked UP: only a server whose last check passed, not one no check has reached yet', () => {
  const server = (status: string, checkStatus: string): HaproxyServerStats => ({
    status,
    checkStatus,
    totalSessions: 0,
    currentSessions: 0,
    downTransitions: 0,
  });
  const servers = replicaServerStats(parseHaproxyStats(showStat));
  expect(isCheckedUp(servers.get('bbbbbbbbbbbb'))).toBe(true);
  expect(isCheckedUp(servers.get('aaaaaaaaaaaa'))).toBe(false);
  // What HAProxy showed, read by hand, for a server before its first check: in the rotation, unchecked.
  expect(isCheckedUp(server('UP 1/2', 'INI'))).toBe(false);
  // Passed once, failed the next: still UP for one more failure, but not vouched for.
  expect(isCheckedUp(server('UP 1/2', 'L7STS'))).toBe(false);
  expect(isCheckedUp(undefined)).toBe(false);
});
