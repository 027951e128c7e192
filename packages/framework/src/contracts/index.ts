// The per-release contract data, transcribed from the docker/docs reference pages (see README.md).
import { dtr20 } from './dtr-2.0';
import { dtr27 } from './dtr-2.7';
import { ucp11 } from './ucp-1.1';
import { ucp3x } from './ucp-3.x';
import type { ReleaseContract } from './types';

export * from './types';
export { dtr20, dtr27, ucp11, ucp3x };
export { urfaveCliErrors } from './urfave-cli';

/** The two supported pairs: UCP 1.1 with DTR 2.0, UCP 3.x with DTR 2.7. */
export const releasePairs: readonly { ucp: ReleaseContract; dtr: ReleaseContract }[] = [
  { ucp: ucp11, dtr: dtr20 },
  { ucp: ucp3x, dtr: dtr27 },
];

/** Every contract by `<product>-<line>` ('ucp-1.1', 'dtr-2.7'): the name lab recipes refer to one by. */
export const contractsByName: Readonly<Record<string, ReleaseContract>> = Object.fromEntries(
  [ucp11, dtr20, ucp3x, dtr27].map((c) => [`${c.product}-${c.line}`, c]),
);
