import type { Constraint } from '../config';
import type { Machine } from '../machines/machine';

/**
 * Evaluates swarm-classic constraints (`constraint:container!=ucp-controller`, …) against
 * our machines, so the framework places the load balancer and the replicas where the constraints
 * allow, and says which constraint excluded a machine. `node` matches the machine's name and
 * `container` the names of its containers; other keys cannot be judged here and are passed on.
 */
export async function satisfies(machine: Machine, constraints: Constraint[]): Promise<string | undefined> {
  if (!constraints.length) return undefined;
  const containers = constraints.some((c) => c.key === 'container')
    ? (await machine.getClient().listContainers()).flatMap((c) => c.Names.map((n) => n.replace(/^\//, '')))
    : [];
  for (const c of constraints) {
    const values = c.key === 'node' ? [machine.name] : c.key === 'container' ? containers : undefined;
    if (!values) continue;
    const matches = values.some((v) => globMatch(c.value, v));
    if (c.operator === '==' ? !matches : matches) return `constraint:${c.key}${c.operator}${c.value}`;
  }
  return undefined;
}

/** Swarm constraint values may use * globs; a value /between slashes/ is a regular expression. */
function globMatch(pattern: string, value: string): boolean {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return new RegExp(pattern.slice(1, -1)).test(value);
  }
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(value);
}

/** The machines, in order, that every constraint allows; the error lists why each was excluded. */
export async function allowedMachines(
  machines: Machine[],
  constraints: Constraint[],
  what: string,
): Promise<Machine[]> {
  const reasons = await Promise.all(machines.map((m) => satisfies(m, constraints)));
  const allowed = machines.filter((_, i) => reasons[i] === undefined);
  if (!allowed.length) {
    const why = machines.map((m, i) => `${m.name}: ${reasons[i]}`).join('; ');
    throw new Error(`no machine satisfies the constraints for ${what} (${why})`);
  }
  return allowed;
}
