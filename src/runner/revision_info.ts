/**
 * A revision as data, for the Migrator's `history()`/`pending()` and the
 * CLI's text and `--json` output.
 *
 * @module
 */
import type { RevisionMap } from "../graph/revision_map.ts";

/** One revision of the graph, with its place in it. */
export interface RevisionInfo {
  /** The revision id. */
  revision: string;
  /** Its parents; empty for a base. */
  downRevisions: string[];
  /** Revisions it depends on without being their child. */
  dependsOn: string[];
  /** Labels of the branch it starts. */
  branchLabels: string[];
  /** Its message (empty when it has none). */
  message: string;
  /** Its file, when known. */
  path: string | null;
  /** Its children. */
  children: string[];
  /** No revision descends from it. */
  isHead: boolean;
  /** It has several children. */
  isBranchPoint: boolean;
  /** It has several parents. */
  isMergePoint: boolean;
  /** The database is at it (only when the database was asked). */
  isCurrent?: boolean;
}

/**
 * Describes a revision of a graph.
 *
 * @param map The graph.
 * @param revision A revision id in it.
 * @param current The database's version rows, when they were read.
 * @returns The revision as data.
 */
export function revisionInfo(
  map: RevisionMap,
  revision: string,
  current?: ReadonlySet<string>,
): RevisionInfo {
  const node = map.get(revision);
  return {
    revision,
    downRevisions: [...node.downRevisions],
    dependsOn: [...node.dependsOn],
    branchLabels: [...node.branchLabels],
    message: node.message ?? "",
    path: node.path ?? null,
    children: map.children(revision),
    isHead: map.heads.includes(revision),
    isBranchPoint: map.isBranchPoint(revision),
    isMergePoint: map.isMergePoint(revision),
    ...(current ? { isCurrent: current.has(revision) } : {}),
  };
}
