/**
 * Text forms of revisions shared by `history`, `heads`, `current`, `show`,
 * close to Alembic's so teams moving over recognise them.
 *
 * @module
 */
import type { RevisionMap, RevisionNode } from "../graph/revision_map.ts";
import { messageLine } from "../text.ts";

/** `1f2e3d4c5b6a (label) (head)`: the id and its markers. */
export function revisionTag(map: RevisionMap, rev: string, current?: ReadonlySet<string>): string {
  const node = map.get(rev);
  const marks: string[] = [];
  if (node.branchLabels.length) marks.push(`(${node.branchLabels.join(", ")})`);
  if (map.heads.includes(rev)) marks.push("(head)");
  if (current?.has(rev)) marks.push("(current)");
  return [rev, ...marks].join(" ");
}

/** One history line: `a, b -> m (head) (mergepoint), message`. */
export function historyLine(
  map: RevisionMap,
  node: RevisionNode,
  current?: ReadonlySet<string>,
): string {
  const down = node.downRevisions.length ? node.downRevisions.join(", ") : "<base>";
  let tag = revisionTag(map, node.revision, current);
  if (map.isBranchPoint(node.revision)) tag += " (branchpoint)";
  if (map.isMergePoint(node.revision)) tag += " (mergepoint)";
  return `${down} -> ${tag}, ${messageLine(node.message)}`;
}

/** The multi-line verbose block (`show`, `--verbose`). */
export function revisionBlock(
  map: RevisionMap,
  node: RevisionNode,
  current?: ReadonlySet<string>,
): string {
  const lines = [`Rev: ${revisionTag(map, node.revision, current)}`];
  if (map.isMergePoint(node.revision)) lines.push(`Merges: ${node.downRevisions.join(", ")}`);
  lines.push(`Parent: ${node.downRevisions.length ? node.downRevisions.join(", ") : "<base>"}`);
  if (node.dependsOn.length) lines.push(`Also depends on: ${node.dependsOn.join(", ")}`);
  const children = map.children(node.revision);
  if (map.isBranchPoint(node.revision)) lines.push(`Branches into: ${children.join(", ")}`);
  if (node.branchLabels.length) lines.push(`Branch names: ${node.branchLabels.join(", ")}`);
  if (node.path) lines.push(`Path: ${node.path}`);
  lines.push("", `    ${messageLine(node.message)}`);
  return lines.join("\n");
}

/** JSON form of a revision for `--json`. */
export function revisionJson(map: RevisionMap, node: RevisionNode, current?: ReadonlySet<string>) {
  return {
    revision: node.revision,
    downRevisions: node.downRevisions,
    dependsOn: node.dependsOn,
    branchLabels: node.branchLabels,
    message: node.message ?? "",
    path: node.path ?? null,
    isHead: map.heads.includes(node.revision),
    isBranchPoint: map.isBranchPoint(node.revision),
    isMergePoint: map.isMergePoint(node.revision),
    ...(current ? { isCurrent: current.has(node.revision) } : {}),
  };
}
