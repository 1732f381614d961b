/**
 * Text forms of revisions shared by `history`, `heads`, `current`, `show`,
 * `pending`, close to Alembic's so teams moving over recognise them. They
 * print the {@linkcode RevisionInfo} data the Migrator returns.
 *
 * @module
 */
import type { RevisionMap } from "../graph/revision_map.ts";
import { type RevisionInfo, revisionInfo } from "../runner/revision_info.ts";
import { messageLine } from "../text.ts";

export { revisionInfo };
export type { RevisionInfo };

/** `1f2e3d4c5b6a (label) (head)`: the id and its markers. */
export function revisionTag(info: RevisionInfo): string {
  const marks: string[] = [];
  if (info.branchLabels.length) marks.push(`(${info.branchLabels.join(", ")})`);
  if (info.isHead) marks.push("(head)");
  if (info.isCurrent) marks.push("(current)");
  return [info.revision, ...marks].join(" ");
}

/** One history line: `a, b -> m (head) (mergepoint), message`. */
export function historyLine(info: RevisionInfo): string {
  const down = info.downRevisions.length ? info.downRevisions.join(", ") : "<base>";
  let tag = revisionTag(info);
  if (info.isBranchPoint) tag += " (branchpoint)";
  if (info.isMergePoint) tag += " (mergepoint)";
  return `${down} -> ${tag}, ${messageLine(info.message)}`;
}

/** The multi-line verbose block (`show`, `--verbose`). */
export function revisionBlock(info: RevisionInfo): string {
  const lines = [`Rev: ${revisionTag(info)}`];
  if (info.isMergePoint) lines.push(`Merges: ${info.downRevisions.join(", ")}`);
  lines.push(`Parent: ${info.downRevisions.length ? info.downRevisions.join(", ") : "<base>"}`);
  if (info.dependsOn.length) lines.push(`Also depends on: ${info.dependsOn.join(", ")}`);
  if (info.isBranchPoint) lines.push(`Branches into: ${info.children.join(", ")}`);
  if (info.branchLabels.length) lines.push(`Branch names: ${info.branchLabels.join(", ")}`);
  if (info.path) lines.push(`Path: ${info.path}`);
  lines.push("", `    ${messageLine(info.message)}`);
  return lines.join("\n");
}

/** The revisions `ids` of `map` as data. */
export function infos(map: RevisionMap, ids: readonly string[]): RevisionInfo[] {
  return ids.map((id) => revisionInfo(map, id));
}
