/** Reports progress of long work; the CLI prints it, tests can collect it. */
export interface Progress {
  (message: string): void;
}
