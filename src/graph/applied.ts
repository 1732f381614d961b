/**
 * Which revisions the version rows say are applied: the rows and everything
 * below them, through `downRevisions` and `dependsOn` (a row absorbs its
 * dependencies, see `version_rows.ts`).
 *
 * @module
 */
import { ancestorsOf } from "./_ancestry.ts";
import type { RevisionMap } from "./revision_map.ts";

/**
 * The applied set of a database at `rows`. Rows the graph does not know are
 * left out.
 *
 * @param map The graph.
 * @param rows The version rows.
 * @returns Every applied revision.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "./revision_map.ts";
 * import { appliedRevisions } from "./applied.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a", []), n("b", ["a"]), n("c", ["b"])]);
 * assert.deepEqual([...appliedRevisions(map, ["b"])].sort(), ["a", "b"]);
 * ```
 */
export function appliedRevisions(map: RevisionMap, rows: readonly string[]): Set<string> {
  return ancestorsOf(map, rows.filter((r) => map.has(r)), { inclusive: true });
}

/**
 * Every revision strictly below `id` (through `downRevisions` and `dependsOn`).
 *
 * @param map The graph.
 * @param id A revision the graph knows.
 * @returns Its ancestors, without `id` itself.
 */
export function ancestorsBelow(map: RevisionMap, id: string): Set<string> {
  return ancestorsOf(map, [id], { inclusive: false });
}
