/**
 * The `<testsuite>` properties jest-junit asks for, one test file at a time, in Jest's main process
 * (jest-junit loads this file by path: `junitReporter()` of `./junit` names it). For a file that
 * recorded summaries in this run (`suite.summary()`): the cluster, its releases, and each summary as
 * `dtr-ha.<name>` (with the test's name after it when two tests of the file used the same name).
 * Nothing for other files, or without a preset run. It never throws: a report without properties
 * beats no report, so a problem becomes the property `dtr-ha.summaries`.
 */
import { HANDOFF_ENV, readHandoffSync } from '@dtr-ha/framework';
import { readSummaries, summaryFile, type SummaryEntry } from './summaries';

/** What jest-junit passes: Jest's result of one test file. */
interface TestFileResult {
  testFilePath: string;
}

function junitProperties(result: TestFileResult): Record<string, string> {
  if (!process.env[HANDOFF_ENV]) return {};
  try {
    const handoff = readHandoffSync(undefined, { checkFiles: false });
    const entries = readSummaries(summaryFile(handoff.cluster.dir, handoff.runId, result.testFilePath));
    if (entries.length === 0) return {};
    const properties: Record<string, string> = {
      'dtr-ha.cluster': `${handoff.cluster.prefix} (${handoff.cluster.driver}, ${handoff.cluster.numMachines} machines)`,
      'dtr-ha.ucp': handoff.cluster.images.ucp.image,
      'dtr-ha.dtr': handoff.cluster.images.dtr.image,
    };
    for (const entry of entries) properties[propertyName(entry, entries)] = entry.value;
    return properties;
  } catch (error) {
    return { 'dtr-ha.summaries': `not attached: ${(error as Error).message}` };
  }
}

function propertyName(entry: SummaryEntry, all: readonly SummaryEntry[]): string {
  const shared = all.some((other) => other.name === entry.name && other.test !== entry.test);
  return shared ? `dtr-ha.${entry.name} (${entry.test ?? 'outside a test'})` : `dtr-ha.${entry.name}`;
}

export = junitProperties;
