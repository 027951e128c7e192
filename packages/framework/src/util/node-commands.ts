/**
 * Every command the framework runs on a machine (over SSH, as a container on its engine, or in one
 * of its containers) is told here, for `dtr-ha --verbose` to show. Without a watcher nothing is kept.
 * What is told is the command as it is run: a watcher that prints it removes the secrets first.
 */
export interface NodeCommand {
  /** The machine's name, or its engine's address when only that is known; `host` for this host's engine. */
  node: string;
  via: 'ssh' | 'docker run' | 'docker exec';
  command: string;
}

type Watcher = (command: NodeCommand) => void;

const watchers = new Set<Watcher>();

/** Calls `watcher` with every command run on a machine from now on; the returned function stops it. */
export function watchNodeCommands(watcher: Watcher): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

export function tellNodeCommand(command: NodeCommand): void {
  for (const watcher of watchers) {
    try {
      watcher(command);
    } catch {
      // Showing a command must never break running it.
    }
  }
}

/** An argument list as one line a POSIX shell would read back the same (for showing, never for running). */
export function shownCommand(words: readonly string[]): string {
  return words
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
