import type { CheckResult } from '../machines/providers/local-lab/host-checks';
import type { ExitKind } from './exit-codes';
import { palette } from './terminal';

/** One line per check (✓ found, ✗ missed, – not judged), and under a miss what to do. */
export function renderChecks(results: readonly CheckResult[], colors: boolean): string {
  const paint = palette(colors);
  const marks = { ok: paint.green('✓'), miss: paint.red('✗'), skipped: paint.dim('–') };
  return results
    .map((check) => {
      const line = ` ${marks[check.status]} ${check.name}: ${check.summary}\n`;
      const fix = check.fix
        ?.split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l, i) => `     ${i === 0 ? '→' : ' '} ${l}\n`)
        .join('');
      return check.status === 'miss' ? line + (fix ?? '') : line;
    })
    .join('');
}

/** The exit code's kind of a doctor's run: the engine's own when it is what is missing. */
export function doctorOutcome(results: readonly CheckResult[]): ExitKind {
  const misses = results.filter((check) => check.status === 'miss');
  if (!misses.length) return 'ok';
  return misses.some((check) => check.name === 'engine') ? 'engineUnreachable' : 'hostNotReady';
}
