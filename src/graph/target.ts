/**
 * Target expressions, as `strata upgrade TARGET` and friends accept them.
 *
 * @module
 */
import { parseTarget } from "./_resolve.ts";
import type { RevisionMap } from "./revision_map.ts";

/**
 * Resolves a target expression to the revisions it names: the revisions the
 * database should end at on the branches the command touches (empty = base).
 *
 * The grammar follows Alembic's (`alembic/script/revision.py`):
 *
 * | target | means |
 * | --- | --- |
 * | `head` | the single head; `MultipleHeadsError` when there are several |
 * | `heads` | every head nothing depends on (so `upgrade heads` applies everything) |
 * | `base` | nothing (`[]`) |
 * | `current` | the current rows |
 * | `ab12…` | a full id, a unique id prefix, or a branch label |
 * | `label@head`, `label@heads`, `label@base` | on the line of descent of `label` (a branch label or a revision) |
 * | `label@id` | `id`, checked to be on the line of `label` |
 * | `+N`, `-N` | N steps up (along the only child) or down (along the only downRevision) from the single current row; from base when there is none |
 * | `id+N`, `id-N`, `head-N`, `base+N`, `label@head-N` | N steps from the named revision |
 * | `label@+N`, `label@-N` (`id@+N`) | N steps from the current row on the line of `label`, moving up only along that line; when no row is on that line (another branch absorbed its applied tip through `dependsOn`), from that applied tip |
 *
 * Relative steps refuse to guess: a step up from a branch point, a step down
 * from a merge point, or `+N`/`-N` while the database is at several heads
 * throws, naming the candidates.
 *
 * @example
 * ```ts
 * import { RevisionMap } from "./revision_map.ts";
 * import { resolveTarget } from "./target.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a1", []), n("b2", ["a1"]), n("c3", ["b2"])]);
 * console.assert(resolveTarget(map, "head-1", []).join() === "b2");
 * console.assert(resolveTarget(map, "+2", ["a1"]).join() === "c3");
 * console.assert(resolveTarget(map, "base", ["c3"]).length === 0);
 * ```
 *
 * @param map The graph.
 * @param target The expression.
 * @param current The database's version rows.
 * @returns Full revision ids, sorted (empty for base).
 * @throws {MultipleHeadsError} When `head`, `label@head` or `+N`/`-N` is ambiguous.
 * @throws {GraphError} When the expression names nothing, or a prefix is ambiguous.
 */
export function resolveTarget(
  map: RevisionMap,
  target: string,
  current: readonly string[],
): string[] {
  return parseTarget(map, target, current).revisions.sort();
}
