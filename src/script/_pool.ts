/**
 * Bounded-concurrency map, private to `src/script/`.
 *
 * @module
 */

/**
 * Calls `fn` on every item with at most `limit` calls in flight and returns the
 * results in input order. After the first failure no new items are started;
 * once the running calls settle, the failure of the lowest-indexed item is
 * thrown, so the error a user sees does not depend on timing more than needed.
 *
 * @param items The inputs.
 * @param limit Maximum calls in flight (at least 1).
 * @param fn The async function to apply.
 * @returns The results, in the order of `items`.
 * @throws Whatever `fn` throws.
 *
 * @example Two at a time, results in input order
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapBounded } from "./_pool.ts";
 * let running = 0;
 * let most = 0;
 * const out = await mapBounded([30, 10, 20, 0], 2, async (ms) => {
 *   most = Math.max(most, ++running);
 *   await new Promise((done) => setTimeout(done, ms));
 *   running--;
 *   return ms / 10;
 * });
 * assert.deepEqual(out, [3, 1, 2, 0]);
 * assert.equal(most, 2);
 * ```
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && failures.length === 0) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw failures[0]?.error;
  }
  return results;
}
