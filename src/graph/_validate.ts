/**
 * Checks and messages for {@linkcode RevisionMap.build}. Private to `graph/`.
 *
 * @module
 */
import { CycleError, GraphError } from "../errors.ts";
import type { RevisionMap, RevisionNode } from "./revision_map.ts";
import { compareIds } from "./topo_sort.ts";
import { RELATIVE_TARGET } from "./_resolve.ts";

const RESERVED = new Set(["head", "heads", "base", "current"]);
/**
 * Characters a revision id cannot hold: `@ + - :` clash with target syntax;
 * whitespace and control characters cannot be printed on one line; `/ \` and
 * `< > " | ? *` cannot be in a file name on every system, and the id starts
 * its migration's file name.
 */
const BAD_ID = /[@+\-:\s\p{Cc}/\\<>"|?*]/u;
const BAD_LABEL = /[@:\s]/;

/**
 * The most characters a revision id may have: the version table's
 * `version_num varchar(64)` (and the history table's `revision`). PostgreSQL
 * counts characters, so Strata counts code points.
 */
export const REVISION_ID_MAX_LENGTH = 64;

/**
 * Rejects an id that is empty, a reserved word, longer than
 * {@linkcode REVISION_ID_MAX_LENGTH}, or holding a character of `BAD_ID`.
 * `strata revision --rev-id` accepts a subset of these (letters, digits, `_`).
 */
export function checkId(node: RevisionNode): void {
  const id: unknown = node.revision;
  const bad = typeof id === "string" ? BAD_ID.exec(id)?.[0] : undefined;
  if (typeof id !== "string" || id === "" || bad !== undefined || RESERVED.has(id)) {
    const why = bad === undefined ? "" : `: it contains ${JSON.stringify(bad)}`;
    throw new GraphError(
      `Cannot build the revision graph: revision id ${JSON.stringify(id)} in ${
        fileOf(node)
      } is not valid${why}`,
      {
        hint: 'a revision id is a non-empty word without "@", "+", "-", ":", "/", "\\", ' +
          "spaces or control characters",
      },
    );
  }
  if (id.length > REVISION_ID_MAX_LENGTH) {
    const length = [...id].length;
    if (length > REVISION_ID_MAX_LENGTH) {
      throw new GraphError(
        `Cannot build the revision graph: revision id "${id}" in ${
          fileOf(node)
        } is ${length} characters long; the version table holds at most ${REVISION_ID_MAX_LENGTH}`,
        {
          hint: "give it a shorter id, and change the downRevision or dependsOn that name it",
        },
      );
    }
  }
}

/** Rejects a branch label that target syntax could not tell apart from an id, keyword or relative step. */
export function checkLabel(
  node: RevisionNode,
  label: string,
  ids: ReadonlySet<string> | Map<string, unknown>,
): void {
  let problem: string | undefined;
  if (label === "" || BAD_LABEL.test(label) || RELATIVE_TARGET.test(label)) {
    problem = "is not valid";
  } else if (RESERVED.has(label)) problem = "is a reserved word";
  else if (ids.has(label)) problem = "is also a revision id";
  if (problem !== undefined) {
    throw new GraphError(
      `Cannot build the revision graph: branch label "${label}" of ${describe(node)} ${problem}`,
      { hint: 'a branch label is a name without "@", ":" or spaces that is not a revision id' },
    );
  }
}

/** Finds one cycle among the revisions `topoSort` left out, and describes it starting at its smallest id. */
export function cycleError(map: RevisionMap, ordered: Set<string>, ids: string[]): CycleError {
  // Every revision left out of the order has a parent that was left out too,
  // so walking such parents from the first one must come back round.
  let at = ids.sort(compareIds).find((id) => !ordered.has(id)) as string;
  const onPath = new Map<string, number>();
  const path: string[] = [];
  while (!onPath.has(at)) {
    onPath.set(at, path.length);
    path.push(at);
    at = map.parents(at).find((p) => !ordered.has(p)) as string;
  }
  const loop = path.slice(onPath.get(at)).reverse();
  const first = loop.indexOf([...loop].sort(compareIds)[0] as string);
  const cycle = [...loop.slice(first), ...loop.slice(0, first)];
  const files = cycle.map((id) => fileOf(map.get(id)));
  return new CycleError(
    cycle,
    `Cannot build the revision graph: ${describe(map.get(cycle[0] as string))} is on a cycle (${
      [...cycle, cycle[0]].join(" -> ")
    })`,
    { hint: `fix downRevision or dependsOn in one of ${files.join(", ")}` },
  );
}

/** `ids` without duplicates, first occurrence kept. */
export function unique(ids: readonly string[]): string[] {
  return ids.length < 2 ? [...ids] : [...new Set(ids)];
}

/** The file to name in a message (or the revision, when the node has no path). */
export function fileOf(node: RevisionNode): string {
  return node.path ?? `revision "${node.revision}"`;
}

/** `revision "id" (path)` for messages. */
export function describe(node: RevisionNode): string {
  return node.path === undefined
    ? `revision "${node.revision}"`
    : `revision "${node.revision}" (${node.path})`;
}
