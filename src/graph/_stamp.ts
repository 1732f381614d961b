/**
 * `strata stamp`: the version-row change that marks revisions as applied
 * without running them. Re-exported from `plan.ts`.
 *
 * @module
 */
import { GraphError } from "../errors.ts";
import type { VersionChange } from "./version_rows.ts";
import { ancestorsOf, descendantsOf } from "./_ancestry.ts";
import { parseTarget } from "./_resolve.ts";
import type { RevisionMap } from "./revision_map.ts";
import { compareIds } from "./topo_sort.ts";
import { checkRows } from "./version_rows.ts";

/**
 * Plans `stamp TARGET…`, as Alembic's `ScriptDirectory._stamp_revs` does: for
 * each target revision, the current rows on its line of descent (its
 * ancestors and descendants, through `dependsOn` too) are replaced by the
 * target; a target with no related row is inserted as a new branch; a target
 * that is already a row changes nothing. `base` removes every row and
 * `label@base` the rows on that branch's line.
 *
 * With `purge`, the current rows are ignored (they may even name revisions
 * that no longer exist) and replaced by the targets.
 *
 * @param map The graph.
 * @param current The database's version rows.
 * @param targets Target expressions (see `resolveTarget`).
 * @param options `purge`: start from an empty version table.
 * @returns The rows to remove and add, each sorted.
 * @throws {GraphError} When a target cannot be resolved, two targets are on
 * one line of descent, or (without `purge`) the rows do not fit the graph.
 */
export function planStamp(
  map: RevisionMap,
  current: readonly string[],
  targets: readonly string[],
  options: { purge?: boolean } = {},
): VersionChange {
  const before = options.purge ? [...new Set(current)] : checkRows(map, current);
  const rows = new Set(options.purge ? [] : before);
  const stamped: string[] = [];
  for (const target of targets) {
    const spec = parseTarget(map, target, options.purge ? [] : before);
    if (spec.revisions.length === 0) {
      if (spec.lineage === undefined) rows.clear();
      else for (const id of related(map, spec.lineage)) rows.delete(id);
      continue;
    }
    for (const dest of spec.revisions) {
      const line = related(map, dest);
      const clash = stamped.find((other) => other !== dest && line.has(other));
      if (clash !== undefined) {
        throw new GraphError(
          `Cannot stamp "${dest}" together with "${clash}": one is an ancestor of the other`,
          { hint: "stamp only the later revision; it implies the earlier one" },
        );
      }
      stamped.push(dest);
      if (rows.has(dest)) continue;
      for (const id of [...rows]) if (line.has(id)) rows.delete(id);
      rows.add(dest);
    }
  }
  const old = new Set(before);
  return {
    remove: before.filter((id) => !rows.has(id)).sort(compareIds),
    add: [...rows].filter((id) => !old.has(id)).sort(compareIds),
  };
}

function related(map: RevisionMap, id: string): Set<string> {
  const set = ancestorsOf(map, [id], { inclusive: true });
  for (const d of descendantsOf(map, [id], { inclusive: false })) set.add(d);
  return set;
}
