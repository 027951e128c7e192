import type { ClusterListing } from '../cluster/cluster-list';
import type { ClusterStatus, Health } from '../cluster/cluster-status';

const engineWords: Record<ClusterStatus['machines'][number]['engine']['status'], string> = {
  answers: 'engine ok',
  'untrusted-certificate': 'engine certificate not trusted (run dtr-ha up)',
  'no-answer': 'engine not answering',
  'not-running': 'engine not answering',
  'not-recorded': '',
};

const health = (h: Health) => (h.health === 'healthy' ? 'healthy' : `unhealthy: ${h.detail}`);

/**
 * `dtr-ha status`: one tab-separated line per machine (name, role, state, IP, engine), as before,
 * then UCP, each DTR replica and the load balancer with their health, once the record has them.
 */
export function renderStatus(status: ClusterStatus): string {
  if (!status.machines.length) return `no machines for ${status.prefix}: run \`dtr-ha up\`\n`;
  const lines = status.machines.map((m) =>
    [m.name, m.role ?? '', m.state, m.ip ?? '', engineWords[m.engine.status]].join('\t'),
  );
  if (status.ucp) lines.push(['UCP', status.ucp.url, health(status.ucp)].join('\t'));
  for (const r of status.dtr?.replicas ?? []) {
    lines.push([`DTR replica ${r.id}`, r.machine, r.url, health(r)].join('\t'));
  }
  if (status.loadBalancer) {
    lines.push(['DTR (load balancer)', status.loadBalancer.url, health(status.loadBalancer)].join('\t'));
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** `dtr-ha ls`: a table of every cluster of this host, the current prefix marked with `*`. */
export function renderClusterList(clusters: readonly ClusterListing[], current: string): string {
  if (!clusters.length) return 'no clusters on this host\n';
  const rows = [
    ['', 'PREFIX', 'DRIVER', 'MACHINES', 'BUILT', 'STATE'],
    ...clusters.map((c) => [
      c.prefix === current ? '*' : '',
      c.prefix,
      c.driver ?? '-',
      c.machines.running === undefined
        ? String(c.machines.total)
        : `${c.machines.running}/${c.machines.total}`,
      c.built ?? '-',
      c.busyWith ? `${c.state}; in use by ${c.busyWith}` : c.state,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
