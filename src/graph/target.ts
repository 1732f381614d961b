/**
 * Target expressions, as `strata upgrade TARGET` and friends accept them.
 *
 * @module
 */
import { parseTarget, relativeParts } from "./_resolve.ts";
import type { RevisionMap } from "./revision_map.ts";
import { checkRows } from "./version_rows.ts";

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
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "./revision_map.ts";
 * import { resolveTarget } from "./target.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a1", []), n("b2", ["a1"]), n("c3", ["b2"])]);
 * assert.equal(resolveTarget(map, "head-1", []).join(), "b2");
 * assert.equal(resolveTarget(map, "+2", ["a1"]).join(), "c3");
 * assert.equal(resolveTarget(map, "base", ["c3"]).length, 0);
 * ```
 *
 * @param map The graph.
 * @param target The expression.
 * @param current The database's version rows (see {@linkcode targetNeedsCurrent}).
 * @returns Full revision ids, sorted (empty for base).
 * @throws {MultipleHeadsError} When `head`, `label@head` or `+N`/`-N` is ambiguous.
 * @throws {GraphError} When the expression names nothing, a prefix is
 * ambiguous, or `current` holds a row that does not fit the graph.
 */
export function resolveTarget(
  map: RevisionMap,
  target: string,
  current: readonly string[],
): string[] {
  return parseTarget(map, target, checkRows(map, current)).revisions.sort();
}

/**
 * Whether {@linkcode resolveTarget} needs the database's version rows for
 * `target`: `current`, or a step from the database (`+1`, `-2`, `label@-1`).
 * A command that only shows revisions uses it to connect only when needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { targetNeedsCurrent } from "./target.ts";
 * assert(targetNeedsCurrent("current"));
 * assert(targetNeedsCurrent("chat@-1"));
 * assert(!targetNeedsCurrent("head-1"));
 * assert(!targetNeedsCurrent("ae10"));
 * ```
 *
 * @param target The expression.
 * @returns `true` when the result depends on the current rows.
 */
export function targetNeedsCurrent(target: string): boolean {
  const t = target.trim();
  if (t === "current") return true;
  const rel = relativeParts(t);
  return rel !== undefined && rel.symbol === undefined;
}
