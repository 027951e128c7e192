/** Set on a test file's global (by the preset's test environment) when a test or hook of it failed. */
export const failureFlag = '__dtrHaFailures';
