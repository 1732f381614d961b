/**
 * The one ordering rule Strata uses wherever revisions run in sequence.
 *
 * @module
 */

/** How {@linkcode topoSort} walks a graph. */
export interface TopoGraph {
  /** Every revision that must come first (downRevisions and dependsOn), without duplicates. */
  parents(id: string): readonly string[];
  /**
   * Every revision that lists `id` as a parent, without duplicates, in the
   * order to try them: the revision's own children (by `downRevision`) in id
   * order, then revisions that only `dependsOn` it, in id order.
   */
  next(id: string): readonly string[];
}

/**
 * Orders `ids` so that each comes after its parents that are also in `ids`.
 *
 * The order is depth-first: after a revision, Strata continues with whichever
 * of its {@linkcode TopoGraph.next} revisions became ready, first one first;
 * when a branch ends (or reaches a merge whose other parents are still
 * pending), it backs up to the most recent revision with a ready branch left.
 * Revisions with no pending parent start in id order. The walk is iterative
 * (no recursion) and takes O(n log n).
 *
 * When the ids contain a cycle, the revisions on and after it are left out:
 * the result is then shorter than the input.
 *
 * @example A branch runs to its end before the next one starts
 * ```ts
 * import assert from "node:assert/strict";
 * import { topoSort } from "./topo_sort.ts";
 * const parents: Record<string, string[]> = { a: [], b: ["a"], c: ["b"], d: ["a"] };
 * const next: Record<string, string[]> = { a: ["b", "d"], b: ["c"], c: [], d: [] };
 * const order = topoSort(["d", "c", "b", "a"], {
 *   parents: (id) => parents[id] ?? [],
 *   next: (id) => next[id] ?? [],
 * });
 * assert.equal(order.join(), "a,b,c,d");
 * ```
 *
 * @param ids The revisions to order.
 * @param graph Parents and next revisions of each.
 * @returns The ids in execution order.
 */
export function topoSort(ids: Iterable<string>, graph: TopoGraph): string[] {
  const members = new Set(ids);
  const waiting = new Map<string, number>();
  const roots: string[] = [];
  for (const id of members) {
    let count = 0;
    for (const parent of graph.parents(id)) if (members.has(parent)) count++;
    if (count === 0) roots.push(id);
    else waiting.set(id, count);
  }
  roots.sort(compareIds);
  const stack = roots.reverse(); // smallest id on top
  const out: string[] = [];
  const ready: string[] = [];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    out.push(id);
    ready.length = 0;
    for (const child of graph.next(id)) {
      const count = waiting.get(child);
      if (count === undefined) continue;
      if (count === 1) {
        waiting.delete(child);
        ready.push(child);
      } else {
        waiting.set(child, count - 1);
      }
    }
    for (let i = ready.length - 1; i >= 0; i--) stack.push(ready[i] as string);
  }
  return out;
}

/** Compares revision ids by UTF-16 code units, the order Strata uses everywhere. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
