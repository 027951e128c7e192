import { execInContainer } from '../engine/exec-in-container';
import { waitFor } from '../util/wait';
import type { Machine } from '../machines/machine';
import { haproxyContainer, replicaOfServer, statsSocket } from './haproxy';

/** One line of `show stat`: field name (the `# pxname,svname,…` header) → value, as HAProxy wrote it. */
export type HaproxyStatsRow = Record<string, string>;

/** What HAProxy's statistics say of one replica's server. */
export interface HaproxyServerStats {
  /**
   * `status`: `UP`, `DOWN`, `MAINT`, `no check`…; while checks move it, `UP 1/2` (going down, still
   * in the rotation) or `DOWN 1/2` (coming back, not yet in it).
   */
  status: string;
  /** `stot`: the sessions (in TCP mode, client connections) HAProxy sent it since it started. */
  totalSessions: number;
  /** `scur`: its sessions open now. */
  currentSessions: number;
  /**
   * `check_status` of the last check, e.g. `L7OK`, `L4CON` (connection refused), `L7STS` (bad HTTP
   * status); HAProxy writes `* L7OK` while a check runs, given here without the `* `.
   */
  checkStatus: string;
  /** `chkdown`: how many times its checks took it from UP to DOWN. */
  downTransitions: number;
}

/**
 * One CSV line of HAProxy's statistics: commas delimit the fields, and a field that holds a comma or
 * a quote is enclosed in double quotes, with its quotes doubled (Management Guide, 9.1 "CSV format").
 */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses HAProxy's CSV statistics (Management Guide, 9.1 "CSV format": what `show stat` on the stats
 * socket and a stats page's `;csv` give): a `# pxname,svname,…` line naming the fields, then one line
 * per frontend, backend and server. Fields are read by the names of that line, not by position:
 * only those before its `-` column keep their place from release to release.
 */
export function parseHaproxyStats(csv: string): HaproxyStatsRow[] {
  const lines = csv.split('\n').map((line) => line.replace(/\r$/, ''));
  const header = lines.findIndex((line) => line.startsWith('# '));
  if (header < 0) throw new Error(`not HAProxy CSV statistics (no "# pxname,…" line): ${csv.slice(0, 200)}`);
  const names = lines[header].slice(2).split(',');
  if (names[0] !== 'pxname' || names[1] !== 'svname') {
    throw new Error(`HAProxy CSV statistics start with pxname,svname, not: ${lines[header].slice(0, 80)}`);
  }
  return lines
    .slice(header + 1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const values = csvFields(line);
      const row: HaproxyStatsRow = {};
      names.forEach((name, i) => {
        if (name && name !== '-') row[name] = values[i] ?? '';
      });
      return row;
    });
}

const count = (value: string | undefined): number => (value ? Number(value) : 0);

/**
 * The servers of `backend` that are DTR replicas (named by `serverName`), keyed by replica ID: the
 * FRONTEND and BACKEND summary lines and servers of other names are left out.
 */
export function replicaServerStats(
  rows: HaproxyStatsRow[],
  backend = 'replicas',
): Map<string, HaproxyServerStats> {
  const servers = new Map<string, HaproxyServerStats>();
  for (const row of rows) {
    const id = row.pxname === backend ? replicaOfServer(row.svname) : undefined;
    if (!id) continue;
    servers.set(id, {
      status: row.status,
      totalSessions: count(row.stot),
      currentSessions: count(row.scur),
      checkStatus: (row.check_status ?? '').replace(/^\* /, ''),
      downTransitions: count(row.chkdown),
    });
  }
  return servers;
}

/**
 * `show stat` on the stats socket of the HAProxy that runs on `machine` (see `renderHaproxyConfig`):
 * bash in HAProxy's own container opens the socket on its loopback, so the socket needs no published
 * port and the image no extra package. HAProxy answers one command and closes the connection.
 */
export async function readHaproxyStats(machine: Machine): Promise<string> {
  const script =
    `exec 3<>/dev/tcp/${statsSocket.host}/${statsSocket.port} || exit 1; ` +
    `printf 'show stat\\n' >&3; cat <&3`;
  const result = await execInContainer(machine.getClient(), haproxyContainer, [
    'timeout',
    '10',
    'bash',
    '-c',
    script,
  ]);
  if (result.code !== 0) {
    throw new Error(
      `cannot read HAProxy's statistics on ${machine.name} (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

/**
 * HAProxy's own view of each replica behind the load balancer on `machine`: status and session
 * counters per replica ID. The counters start at 0 when HAProxy starts; compare two readings.
 */
export async function haproxyServerStats(machine: Machine): Promise<Map<string, HaproxyServerStats>> {
  return replicaServerStats(parseHaproxyStats(await readHaproxyStats(machine)));
}

/**
 * Waits until HAProxy on `machine` has checked each replica of `ids` and found it UP (`L7OK`). A
 * server it has not checked yet is in the rotation already: counted UP from HAProxy's start, one
 * failure from DOWN (`UP 1/2` in its statistics, check status `INI`), until its first check passes.
 * A test that starts in that second sees a load balancer that has vouched for nothing. On a timeout
 * the error says where each server stood.
 */
export async function waitForCheckedUp(
  machine: Machine,
  ids: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<void> {
  await waitFor(
    `HAProxy on ${machine.name} to have checked ${ids.length === 1 ? 'replica' : 'replicas'} ${ids.join(', ')} UP`,
    async () => {
      const stats = await haproxyServerStats(machine);
      if (ids.every((id) => isCheckedUp(stats.get(id)))) return true;
      // Thrown, so that a timeout says where each server stood.
      throw new Error(
        ids
          .map((id) => {
            const server = stats.get(id);
            return server
              ? `${id} ${server.status} (${server.checkStatus || 'not checked'})`
              : `${id} missing`;
          })
          .join(', '),
      );
    },
    { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 },
  );
}

/** UP because a check passed, not because none has run yet. */
export function isCheckedUp(server: HaproxyServerStats | undefined): boolean {
  return server?.status === 'UP' && server.checkStatus === 'L7OK';
}
