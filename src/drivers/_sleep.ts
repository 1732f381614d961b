/**
 * A promise-based sleep for lock polling.
 *
 * @module
 */

/**
 * Resolves after `ms` milliseconds.
 *
 * @param ms Milliseconds to wait.
 * @returns A promise that resolves after the delay.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
