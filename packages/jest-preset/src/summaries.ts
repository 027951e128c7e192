/**
 * What an HA test file found out — sessions per replica, the health a replica was reported with, how
 * many pushes were retried — kept for reporters. A test process records them (`suite.summary()`) in
 * one JSON file per test file under the cluster's directory, one folder per Jest run; Jest's main
 * process reads them back when a reporter asks (`@dtr-ha/jest-preset/junit`), and globalTeardown,
 * which Jest runs after the reporters are done, removes the run's folder.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface SummaryEntry {
  /** The test that recorded it (Jest's full name), or undefined outside a test (a hook). */
  test?: string;
  name: string;
  value: string;
}

const SUMMARIES = 'summaries';

/** `<clusterDir>/summaries/<runId>`: one run's summaries. */
export function summaryDir(clusterDir: string, runId: string): string {
  return path.join(clusterDir, SUMMARIES, runId);
}

/** The file of one test file's summaries in a run (named by a hash: a test path is no file name). */
export function summaryFile(clusterDir: string, runId: string, testPath: string): string {
  const name = createHash('sha256').update(testPath).digest('hex').slice(0, 32);
  return path.join(summaryDir(clusterDir, runId), `${name}.json`);
}

/** The summaries in `file`; none when it does not exist. */
export function readSummaries(file: string): SummaryEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    return JSON.parse(text) as SummaryEntry[];
  } catch (error) {
    throw new Error(`the summaries file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Adds one entry to `file`, 0600 in 0700 folders like the rest of the cluster's state. Synchronous,
 * so a test can record without awaiting; one test file writes its file, one test at a time.
 */
export function appendSummary(file: string, entry: SummaryEntry): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify([...readSummaries(file), entry], null, 2)}\n`, { mode: 0o600 });
}

/** Starts a test file's summaries anew (a watch-mode rerun of the file in the same Jest run). */
export function clearSummaries(file: string): void {
  rmSync(file, { force: true });
}

/** Removes one run's summaries. */
export function removeSummaries(clusterDir: string, runId: string): Promise<void> {
  return fs.rm(summaryDir(clusterDir, runId), { recursive: true, force: true });
}

/**
 * Removes the summaries of runs other than `keepRunId`: leftovers of runs that died before their
 * globalTeardown. Only while holding the cluster's run lock (as removeStaleHandoffs).
 */
export async function removeStaleSummaries(clusterDir: string, keepRunId: string): Promise<void> {
  let runs: string[];
  try {
    runs = await fs.readdir(path.join(clusterDir, SUMMARIES));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await Promise.all(runs.filter((run) => run !== keepRunId).map((run) => removeSummaries(clusterDir, run)));
}
