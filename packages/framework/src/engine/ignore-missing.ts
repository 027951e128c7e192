/**
 * For `.catch()` on an Engine API call: a 404 (removing or inspecting what is already gone) gives
 * undefined; any other error is thrown again.
 */
export function ignoreMissing(error: { statusCode?: number }): undefined {
  if (error.statusCode !== 404) throw error;
  return undefined;
}
