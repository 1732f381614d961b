/**
 * Ancestor and descendant closures over a {@linkcode RevisionMap}, iterative
 * so a 10,000-long chain cannot overflow the stack. Private to `graph/`.
 *
 * @module
 */
import type { RevisionMap } from "./revision_map.ts";

/** Which edges a walk follows. */
export interface WalkOptions {
  /** Include the start revisions themselves. */
  inclusive: boolean;
  /**
   * Follow only `downRevision` edges (Alembic's "versioned" edges). By default
   * `dependsOn` edges are followed too.
   */
  versionedOnly?: boolean;
}

/** Every revision reachable from `ids` through parent edges. */
export function ancestorsOf(
  map: RevisionMap,
  ids: Iterable<string>,
  options: WalkOptions,
): Set<string> {
  const step = options.versionedOnly
    ? (id: string) => map.get(id).downRevisions
    : (id: string) => map.parents(id);
  return closure(ids, step, options.inclusive);
}

/** Every revision reachable from `ids` through child edges. */
export function descendantsOf(
  map: RevisionMap,
  ids: Iterable<string>,
  options: WalkOptions,
): Set<string> {
  const step = options.versionedOnly
    ? (id: string) => map.children(id)
    : (id: string) => map.dependents(id);
  return closure(ids, step, options.inclusive);
}

/**
 * The revisions that share a line of descent with `id` through `downRevision`
 * edges (its ancestors, itself and its descendants): Alembic's
 * `filter_for_lineage`, used by `label@…` targets.
 */
export function lineageOf(map: RevisionMap, id: string): Set<string> {
  const set = ancestorsOf(map, [id], { inclusive: true, versionedOnly: true });
  for (const d of descendantsOf(map, [id], { inclusive: false, versionedOnly: true })) set.add(d);
  return set;
}

/** The members of `applied` that no other member descends from (the version rows it implies). */
export function tipsOf(map: RevisionMap, applied: ReadonlySet<string>): string[] {
  const tips: string[] = [];
  for (const id of applied) {
    if (!map.dependents(id).some((d) => applied.has(d))) tips.push(id);
  }
  return tips.sort();
}

/**
 * The members of `applied` (a set closed under parents) that no other member
 * descends from through `downRevision` edges: Alembic's
 * `_filter_into_branch_heads`, which ignores `dependsOn`, so a revision that
 * is applied only as another branch's dependency is still its branch's head.
 */
export function branchHeadsOf(map: RevisionMap, applied: ReadonlySet<string>): string[] {
  const heads: string[] = [];
  for (const id of applied) {
    if (!map.children(id).some((c) => applied.has(c))) heads.push(id);
  }
  return heads.sort();
}

function closure(
  start: Iterable<string>,
  step: (id: string) => readonly string[],
  inclusive: boolean,
): Set<string> {
  const seen = new Set<string>();
  const todo: string[] = [];
  for (const id of start) {
    if (inclusive) {
      if (!seen.has(id)) {
        seen.add(id);
        todo.push(id);
      }
    } else {
      todo.push(id);
    }
  }
  while (todo.length > 0) {
    const id = todo.pop() as string;
    for (const next of step(id)) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}
