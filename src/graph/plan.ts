/**
 * Plans: which migrations run, in which order, and how the version rows move
 * after each one. Semantics follow Alembic (`alembic/script/revision.py`,
 * `_collect_upgrade_revisions` / `_collect_downgrade_revisions`, and
 * `HeadMaintainer` in `alembic/runtime/migration.py`): the same graph and the
 * same command leave the same version rows.
 *
 * **Order.** Strata applies pending revisions depth-first and finishes one
 * branch before starting the next. After a revision it continues with that
 * revision's own children (by `downRevision`) in revision-id order, then with
 * revisions that only `dependsOn` it; a branch runs until it ends or reaches a
 * merge (or a dependent) whose other parents are still pending, and then
 * Strata backs up to the most recent revision with a pending branch left.
 * Revisions with nothing pending below them start in revision-id order. A
 * downgrade undoes its revisions in exactly the reverse of the order in which
 * an upgrade would apply the same set. Every revision always runs after its
 * `downRevisions` and `dependsOn`.
 *
 * @module
 */
import { GraphError, MultipleHeadsError } from "../errors.ts";
import type { VersionChange } from "./version_rows.ts";
import { ancestorsOf, descendantsOf } from "./_ancestry.ts";
import { parseTarget, relativeParts } from "./_resolve.ts";
import type { RevisionMap, RevisionNode } from "./revision_map.ts";
import { topoSort } from "./topo_sort.ts";
import { checkRows, VersionRows } from "./version_rows.ts";

export { planStamp } from "./_stamp.ts";

/** One migration to run and the version-row change that goes with it. */
export interface Step {
  /** The revision to run. */
  revision: string;
  /** `up` runs `upgrade(op)`, `down` runs `downgrade(op)`. */
  direction: "up" | "down";
  /** Rows to remove from and add to the version table in the same transaction. */
  version: VersionChange;
}

/**
 * Plans `upgrade TARGET`: every ancestor of the target (through
 * `downRevisions` and `dependsOn`), and the target itself, that is not applied
 * yet, where applied means a current row or an ancestor of one. A target at or
 * below the current revisions plans nothing.
 *
 * @example The two sides of a merge run before it
 * ```ts
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "./revision_map.ts";
 * import { planUpgrade } from "./plan.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a", []), n("b", ["a"]), n("c", ["a"]), n("m", ["b", "c"])]);
 * const steps = planUpgrade(map, ["a"], "head");
 * assert.equal(steps.map((s) => s.revision).join(), "b,c,m");
 * ```
 *
 * @param map The graph.
 * @param current The database's version rows.
 * @param target A target expression (see `resolveTarget`).
 * @returns The steps in execution order.
 * @throws {GraphError} For an unresolvable target, a relative step down
 * (`-1`), or version rows that do not fit the graph.
 */
export function planUpgrade(map: RevisionMap, current: readonly string[], target: string): Step[] {
  const rows = checkRows(map, current);
  const rel = relativeParts(target);
  if (rel !== undefined && rel.symbol === undefined && rel.steps < 0) {
    throw new GraphError(`Cannot upgrade to "${target}": it is below the current revision`, {
      hint: `use \`strata downgrade ${target.trim()}\``,
    });
  }
  const spec = parseTarget(map, target, rows);
  const tracker = new VersionRows(map, rows);
  const required = ancestorsOf(map, spec.revisions, { inclusive: true });
  const pending = [...required].filter((id) => !tracker.isApplied(id));
  return order(map, pending).map((revision) => ({
    revision,
    direction: "up",
    version: tracker.upgrade(revision),
  }));
}

/**
 * Plans `downgrade TARGET`, as Alembic does: unapply every applied revision
 * that descends (through `downRevisions` and `dependsOn`) from a child of the
 * target, so the target becomes a head again while unrelated branches stay.
 * Downgrading a merge `m` of `a` and `b` to `a` unapplies `m` only and leaves
 * rows `{a, b}`. `base` unapplies everything; `label@base` and relative steps
 * from the database (`-1`) stay on their branch.
 *
 * @param map The graph.
 * @param current The database's version rows.
 * @param target A target expression (see `resolveTarget`).
 * @returns The steps in execution order.
 * @throws {MultipleHeadsError} When the target names several revisions, or
 * `-N` is used while the database is at several heads.
 * @throws {GraphError} When the target is not applied, is above the current
 * revision (`+1`), or cannot be resolved; or when it is applied but no
 * downgrade can make it a head (Alembic's "not a valid downgrade target from
 * current heads"): it is applied only as another branch's `dependsOn`, or
 * nothing above it on the named branch is applied.
 */
export function planDowngrade(
  map: RevisionMap,
  current: readonly string[],
  target: string,
): Step[] {
  const rows = checkRows(map, current);
  const rel = relativeParts(target);
  if (rel !== undefined && rel.symbol === undefined && rel.steps > 0) {
    throw new GraphError(`Cannot downgrade to "${target}": it is above the current revision`, {
      hint: `use \`strata upgrade ${target.trim()}\``,
    });
  }
  const spec = parseTarget(map, target, rows);
  const tracker = new VersionRows(map, rows);
  const line = spec.lineage === undefined
    ? undefined
    : ancestorsOf(map, [spec.lineage], { inclusive: true, versionedOnly: true });
  let roots: string[];
  if (spec.revisions.length === 0) {
    roots = line === undefined ? map.bases : map.bases.filter((id) => line.has(id));
  } else if (spec.revisions.length > 1) {
    const err = new MultipleHeadsError(
      spec.revisions,
      target,
      `Cannot downgrade to "${target}": it names ${spec.revisions.length} revisions (${
        spec.revisions.join(", ")
      })`,
    );
    err.hint = "downgrade to one revision at a time";
    throw err;
  } else {
    const goal = spec.revisions[0] as string;
    if (!tracker.isApplied(goal)) {
      throw new GraphError(`Cannot downgrade to "${target}": revision "${goal}" is not applied`, {
        hint: rows.length === 0
          ? "the database is at base"
          : `the database is at ${rows.join(", ")}; use \`strata upgrade\` to go up`,
      });
    }
    roots = map.children(goal);
    if (line !== undefined && roots.length > 1) {
      roots = roots.filter((id) => line.has(id));
      if (roots.length === 0) {
        throw new GraphError(
          `Cannot downgrade to "${target}": no branch above "${goal}" leads to "${spec.lineage}"`,
        );
      }
    }
  }
  const remove = [...descendantsOf(map, roots, { inclusive: true })]
    .filter((id) => tracker.isApplied(id));
  const goal = spec.revisions[0];
  if (remove.length === 0 && goal !== undefined && !rows.includes(goal)) {
    throw notADowngradeTarget(map, target, goal, rows, tracker);
  }
  return order(map, remove).reverse().map((revision) => ({
    revision,
    direction: "down",
    version: tracker.downgrade(revision),
  }));
}

/**
 * Alembic's `RangeNotAncestorError` for a downgrade that would drop nothing
 * although the target is not a current head: either the target is applied
 * only because a revision on another branch depends on it (no downgrade can
 * make it a head without touching that branch), or nothing above it on the
 * branch the target names is applied.
 */
function notADowngradeTarget(
  map: RevisionMap,
  target: string,
  goal: string,
  rows: readonly string[],
  tracker: VersionRows,
): GraphError {
  const message = `Cannot downgrade to "${target}": it is not a valid downgrade target from ` +
    `the current heads (${rows.join(", ")})`;
  const users = map.dependents(goal)
    .filter((id) => tracker.isApplied(id) && map.get(id).dependsOn.includes(goal));
  const first = users[0];
  if (first === undefined || map.children(goal).some((id) => tracker.isApplied(id))) {
    return new GraphError(message, {
      hint: `nothing above "${goal}" on that branch is applied`,
    });
  }
  return new GraphError(message, {
    hint: `"${goal}" is applied only as a dependency of ${
      users.map((id) => `"${id}"`).join(", ")
    }; downgrade that branch first, e.g. \`strata downgrade ${first}@-1\``,
  });
}

/**
 * Lists the revisions of `history -r RANGE`, newest first. `RANGE` is
 * `LOWER:UPPER` with either side optional; each side is a target expression or
 * `current`. The result holds the revisions that are both at or above LOWER
 * and at or below UPPER (through `downRevisions` and `dependsOn`).
 *
 * @param map The graph.
 * @param range `A:B`, `A:`, `:B`, or `undefined` for everything.
 * @param current The database's version rows (for `current` and `+N`/`-N`);
 * `current` with no rows means base.
 * @throws {GraphError} When the range has no colon, a side cannot be
 * resolved, or (as Alembic's "does not refer to ancestor/descendant revisions
 * along the same branch") a LOWER revision is not UPPER or below it: the ends
 * are reversed or on unrelated branches.
 */
export function historyRange(
  map: RevisionMap,
  range: string | undefined,
  current: readonly string[],
): RevisionNode[] {
  let keep: (id: string) => boolean = () => true;
  if (range !== undefined && range.trim() !== "") {
    const colon = range.indexOf(":");
    if (colon < 0) {
      throw new GraphError(`Cannot read history range "${range}": it has no ":"`, {
        hint: "use LOWER:UPPER, LOWER: or :UPPER, e.g. `-r base:head` or `-r current:`",
      });
    }
    const lowerText = range.slice(0, colon).trim();
    const upperText = range.slice(colon + 1).trim();
    const lower = lowerText === "" ? [] : parseTarget(map, lowerText, current).revisions;
    const above = lower.length === 0 ? undefined : descendantsOf(map, lower, { inclusive: true });
    const upper = upperText === "" ? undefined : parseTarget(map, upperText, current).revisions;
    const below = upper === undefined ? undefined : ancestorsOf(map, upper, { inclusive: true });
    const stray = below === undefined ? undefined : lower.find((id) => !below.has(id));
    if (stray !== undefined && upper !== undefined) throw notARange(map, range, stray, upper);
    keep = (id) => (above === undefined || above.has(id)) && (below === undefined || below.has(id));
  }
  return map.topoOrder().filter(keep).reverse().map((id) => map.get(id));
}

/** The error for a history range whose LOWER revision `stray` is not at or below UPPER. */
function notARange(
  map: RevisionMap,
  range: string,
  stray: string,
  upper: readonly string[],
): GraphError {
  const ends = upper.map((id) => `"${id}"`).join(", ");
  if (descendantsOf(map, upper, { inclusive: false }).has(stray)) {
    const [lo, hi] = range.split(":", 2) as [string, string];
    return new GraphError(`Cannot read history range "${range}": "${stray}" is above ${ends}`, {
      hint: `a range is LOWER:UPPER, oldest first; try \`-r ${hi.trim()}:${lo.trim()}\``,
    });
  }
  return new GraphError(
    `Cannot read history range "${range}": "${stray}" and ${ends} are not on one line of descent`,
    { hint: "a range runs from a revision up to one of its descendants; run `strata history`" },
  );
}

/** Orders a set of revisions by the rule in this module's documentation. */
function order(map: RevisionMap, ids: readonly string[]): string[] {
  return topoSort(ids, {
    parents: (id) => map.parents(id),
    next: (id) => map.nextInOrder(id),
  });
}
