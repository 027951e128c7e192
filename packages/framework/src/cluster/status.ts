/**
 * One status line per phase, kind-style: "✓ Ensuring machines (12.3 s)" or "✗ …". Output goes to a
 * writer (stderr for the CLI) so that stdout stays for results.
 */
export interface StatusWriter {
  (line: string): void;
}

export const stderrWriter: StatusWriter = (line) => process.stderr.write(`${line}\n`);
export const silentWriter: StatusWriter = () => undefined;

export class StatusReporter {
  constructor(private readonly write: StatusWriter = stderrWriter) {}

  /** Runs one phase, printing its outcome and time; details reported during it are indented below. */
  async step<T>(title: string, run: (detail: (message: string) => void) => Promise<T>): Promise<T> {
    const started = Date.now();
    const details: string[] = [];
    this.write(` • ${title} …`);
    try {
      const result = await run((message) => {
        details.push(message);
        this.write(`     ${message}`);
      });
      this.write(` ✓ ${title} (${seconds(started)})`);
      return result;
    } catch (error) {
      this.write(` ✗ ${title} (${seconds(started)})`);
      throw error;
    }
  }

  info(line: string): void {
    this.write(line);
  }
}

function seconds(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
