import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import { StatusReporter, type StatusWriter } from '../cluster/status';

/** One step's outcome, for the summary at the end. */
export interface StepTiming {
  title: string;
  ms: number;
  ok: boolean;
}

/**
 * listr2's own renderer, drawn on stderr: stdout stays for results (`up --json > cluster.json`).
 * listr2 would fall back to its line renderer when stdout is not a terminal (it asks `nonTTY`); the
 * caller has already chosen this one because stderr is one.
 */
class StderrRenderer extends DefaultRenderer {
  static nonTTY = true;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The status lines of `up` and `down` on a terminal: the running step on one line that updates in
 * place with its elapsed time (listr2), its details below it, and on its end ✔/✖ with its time, as the
 * plain lines say it. Every step's time is kept for `summary()`. Off a terminal the CLI uses the plain
 * StatusReporter, whose lines stay as they are.
 */
export class TerminalReporter extends StatusReporter {
  readonly timings: StepTiming[] = [];
  /** The running step's task: what is written to its `output` shows under it. */
  private current: { output: string } | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    super((line) => this.info(line));
  }

  override async step<T>(title: string, run: (detail: (message: string) => void) => Promise<T>): Promise<T> {
    // A step inside a step (none today) is shown as the plain lines would, under the running one.
    if (this.current) return new StatusReporter(this.writer).step(title, run);
    // From when the work starts: listr2's first render loads its terminal modules (~0.2 s, once),
    // which is not the step's time.
    let started = Date.now();
    // Taken when the step's work ends, so the summary says what its line says.
    let ms = 0;
    let result: T | undefined;
    const list = new Listr(
      [
        {
          title,
          task: async (_ctx, task) => {
            started = Date.now();
            this.current = task;
            const tick = setInterval(() => (task.title = `${title} (${seconds(Date.now() - started)})`), 100);
            try {
              result = await run((message) => (task.output = message));
            } finally {
              clearInterval(tick);
              ms = Date.now() - started;
              task.title = `${title} (${seconds(ms)})`;
              this.current = undefined;
            }
          },
          // Details stay under their step once it is done, as the plain lines keep them.
          rendererOptions: { persistentOutput: true, outputBar: Infinity },
        },
      ],
      {
        renderer: StderrRenderer,
        rendererOptions: {
          // The CLI prints the error once, after the summary.
          showErrorMessage: false,
          collapseErrors: false,
          logger: new ListrLogger({
            useIcons: true,
            toStderr: [],
            // Drawn on stderr; what else is written meanwhile (stdout too) waits until the step ends.
            processOutput: new ProcessOutput(this.stream, process.stdout, { leaveEmptyLine: false }),
          }),
        },
        exitOnError: true,
        // Ctrl-C stops the command as it always did; listr2 would take SIGINT over.
        registerSignalListeners: false,
      },
    );
    try {
      await list.run();
      this.timings.push({ title, ms, ok: true });
      return result as T;
    } catch (error) {
      this.timings.push({ title, ms: ms || Date.now() - started, ok: false });
      throw error;
    }
  }

  override info(line: string): void {
    if (this.current) this.current.output = line.trim();
    else this.stream.write(`${line}\n`);
  }

  /** Every step's time, and the whole: printed when the command ends, however it ended. */
  summary(): string {
    return renderSummary(this.timings);
  }

  private get writer(): StatusWriter {
    return (line) => this.info(line);
  }
}

/** The summary of every step's time: one line each, the slowest easy to find, then the whole. */
export function renderSummary(timings: readonly StepTiming[]): string {
  if (!timings.length) return '';
  const times = timings.map((t) => seconds(t.ms));
  const total = seconds(timings.reduce((sum, t) => sum + t.ms, 0));
  const width = Math.max(...times.map((t) => t.length), total.length);
  const lines = timings.map((t, i) => `   ${times[i].padStart(width)}  ${t.ok ? '' : '✗ '}${t.title}`);
  return ` Steps:\n${lines.join('\n')}\n   ${total.padStart(width)}  in all\n`;
}
