/**
 * The pure choice of version-row change for each step, as Alembic's
 * `HeadMaintainer.update_to_step` (`alembic/runtime/migration.py`) makes it:
 * insert, delete, update, merge or unmerge, each expressed as a
 * {@linkcode VersionChange}.
 *
 * The rule behind all five: the version rows are always the *tips* of the
 * applied set, the applied revisions that no other applied revision descends
 * from through `downRevisions` or `dependsOn`.
 *
 * - Upgrading `R` removes the rows among `R`'s parents and adds `R`: no
 *   parent row is an insert (a new branch), one is an update, several is a
 *   merge.
 * - Downgrading `R` (always a row) removes `R` and adds back each parent that
 *   no other applied revision still descends from: none is a delete, one is
 *   an update, several is an unmerge.
 *
 * Dependencies count as parents here, as in Alembic, where they join the
 * `downRevision` in `_normalized_down_revisions`. So a dependency's row is
 * absorbed: upgrading `b2` (downRevision `b1`, dependsOn `a2`) from rows
 * `{a2, b1}` leaves `{b2}`, because `b2` implies `a2`. Downgrading `b2` gives
 * back `{a2, b1}`, or just `{b1}` if another applied revision still implies
 * `a2` (Alembic issue #1373). `strata current` thus shows one row per tip,
 * while `strata heads` still lists `a2`'s own branch head.
 *
 * @module
 */
import { GraphError } from "../errors.ts";
import { ancestorsOf } from "./_ancestry.ts";
import type { RevisionMap } from "./revision_map.ts";
import { compareIds } from "./topo_sort.ts";

/**
 * Rows to remove from and add to the version table for one step. Pure data:
 * each dialect writes it as statements (`Dialect.versionSql.apply`).
 */
export interface VersionChange {
  /** Revisions whose rows go. */
  remove: string[];
  /** Revisions whose rows come. */
  add: string[];
}

/** The shape of a {@linkcode VersionChange}, in Alembic's words. */
export type VersionRowKind =
  | "none"
  | "insert"
  | "delete"
  | "update"
  | "merge"
  | "unmerge"
  | "replace";

/**
 * Names the shape of a version change: `insert` (0 → 1 rows), `delete`
 * (1 → 0), `update` (1 → 1), `merge` (n → 1), `unmerge` (1 → n), `replace`
 * (anything else, only from a stamp) or `none`.
 */
export function versionRowKind(change: VersionChange): VersionRowKind {
  const r = change.remove.length;
  const a = change.add.length;
  if (r === 0 && a === 0) return "none";
  if (r === 0 && a === 1) return "insert";
  if (r === 1 && a === 0) return "delete";
  if (r === 1 && a === 1) return "update";
  if (r > 1 && a === 1) return "merge";
  if (r === 1 && a > 1) return "unmerge";
  return "replace";
}

/**
 * Applies a change to a set of rows.
 * @returns The new rows, sorted.
 */
export function applyVersionChange(rows: readonly string[], change: VersionChange): string[] {
  const set = new Set(rows);
  for (const id of change.remove) set.delete(id);
  for (const id of change.add) set.add(id);
  return [...set].sort(compareIds);
}

/**
 * Checks the database's version rows against the graph.
 *
 * @returns The rows without duplicates, sorted.
 * @throws {GraphError} When a row names an unknown revision, or one row is an
 * ancestor of another (a version table no Strata run writes).
 */
export function checkRows(map: RevisionMap, rows: readonly string[]): string[] {
  const unique = [...new Set(rows)].sort(compareIds);
  for (const id of unique) {
    if (!map.has(id)) {
      throw new GraphError(
        `Cannot use the version table: it names revision "${id}", which no migration file defines`,
        { hint: "restore the missing file, or repair the table with `strata stamp --purge REV`" },
      );
    }
  }
  const below = ancestorsOf(map, unique, { inclusive: false });
  const covered = unique.find((id) => below.has(id));
  if (covered !== undefined) {
    throw new GraphError(
      `Cannot use the version table: row "${covered}" is an ancestor of another row (${
        unique.join(", ")
      })`,
      { hint: "repair the table with `strata stamp --purge REV`" },
    );
  }
  return unique;
}

/**
 * Tracks the version rows and the applied set through a sequence of steps
 * (Alembic's `HeadMaintainer`). Each step costs O(number of parents).
 *
 * @example A merge and its undo
 * ```ts
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "./revision_map.ts";
 * import { VersionRows } from "./version_rows.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a", []), n("b", ["a"]), n("c", ["a"]), n("m", ["b", "c"])]);
 * const rows = new VersionRows(map, ["b", "c"]);
 * assert.deepEqual(rows.upgrade("m"), { remove: ["b", "c"], add: ["m"] });
 * assert.deepEqual(rows.downgrade("m"), { remove: ["m"], add: ["b", "c"] });
 * ```
 */
export class VersionRows {
  #map: RevisionMap;
  #rows: Set<string>;
  #applied: Set<string>;
  /** For each applied revision, how many applied revisions name it as a parent. */
  #cover = new Map<string, number>();

  /**
   * @param map The graph.
   * @param rows The current version rows (checked with {@linkcode checkRows}).
   */
  constructor(map: RevisionMap, rows: readonly string[]) {
    this.#map = map;
    this.#rows = new Set(checkRows(map, rows));
    this.#applied = ancestorsOf(map, this.#rows, { inclusive: true });
    for (const id of this.#applied) {
      for (const parent of map.parents(id)) {
        this.#cover.set(parent, (this.#cover.get(parent) ?? 0) + 1);
      }
    }
  }

  /** The current rows, sorted. */
  get rows(): string[] {
    return [...this.#rows].sort(compareIds);
  }

  /** Whether `id` is applied (a row or an ancestor of one). */
  isApplied(id: string): boolean {
    return this.#applied.has(id);
  }

  /**
   * Records that `id` was applied.
   * @returns The rows to remove and add.
   * @throws {GraphError} When `id` is applied already or a parent is not.
   */
  upgrade(id: string): VersionChange {
    if (this.#applied.has(id)) {
      throw new GraphError(`Cannot apply revision "${id}": it is applied already`);
    }
    const parents = this.#map.parents(id);
    const missing = parents.find((p) => !this.#applied.has(p));
    if (missing !== undefined) {
      throw new GraphError(`Cannot apply revision "${id}": "${missing}" is not applied yet`);
    }
    const remove = parents.filter((p) => this.#rows.has(p));
    for (const p of parents) this.#cover.set(p, (this.#cover.get(p) ?? 0) + 1);
    for (const p of remove) this.#rows.delete(p);
    this.#rows.add(id);
    this.#applied.add(id);
    return { remove, add: [id] };
  }

  /**
   * Records that `id` was unapplied.
   * @returns The rows to remove and add.
   * @throws {GraphError} When `id` is not a row (something applied depends on it).
   */
  downgrade(id: string): VersionChange {
    if (!this.#rows.has(id)) {
      throw new GraphError(
        `Cannot unapply revision "${id}": it is not a current head (${this.rows.join(", ")})`,
      );
    }
    const add: string[] = [];
    for (const p of this.#map.parents(id)) {
      const count = (this.#cover.get(p) ?? 0) - 1;
      if (count <= 0) {
        this.#cover.delete(p);
        add.push(p);
      } else {
        this.#cover.set(p, count);
      }
    }
    this.#rows.delete(id);
    this.#applied.delete(id);
    for (const p of add) this.#rows.add(p);
    return { remove: [id], add };
  }
}
