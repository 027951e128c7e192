import { teardown } from './run';

/** The part of Jest's global configuration the teardown reads. */
export interface JestGlobalConfigLike {
  watch?: boolean;
  watchAll?: boolean;
}

/**
 * The preset's globalTeardown (jest-preset.js points at the compiled file): see `teardown()`. In watch
 * mode it keeps the handoff and the lock for the next run.
 */
export default async function globalTeardown(globalConfig?: JestGlobalConfigLike): Promise<void> {
  await teardown({ watch: Boolean(globalConfig?.watch || globalConfig?.watchAll) });
}
