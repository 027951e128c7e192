import { setup } from './run';

/**
 * The preset's globalSetup (jest-preset.js points at the compiled file): see `setup()`. In watch mode
 * Jest calls it before every run; only the first does anything.
 */
export default async function globalSetup(): Promise<void> {
  await setup();
}
