/**
 * What the history says about the graph: revisions that never ran although
 * the version rows are past them, and how to describe a step that started
 * outside a transaction and never finished. Pure functions over the graph and
 * the history entries; `migrator.ts` and `checks.ts` use them.
 *
 * @module
 */
import { describeRevision } from "../apply/describe.ts";
import { ancestorsBelow, appliedRevisions } from "../graph/applied.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import { type HistoryEntry, recordedApplied } from "./history.ts";

/**
 * The revisions below the version rows that the history never recorded as
 * applied, oldest first; `undefined` when the history is empty (nothing to
 * compare with). The history vouches only for what happened since it began:
 * revisions below the first one it mentions are not checked.
 *
 * @param map The graph.
 * @param rows The version rows.
 * @param history The history, oldest first.
 * @returns The revisions, in graph order, or `undefined`.
 *
 * @example A migration slid in below one that already ran
 * ```ts
 * import assert from "node:assert/strict";
 * import { RevisionMap } from "../graph/revision_map.ts";
 * import { neverApplied } from "./history_checks.ts";
 * const n = (revision: string, downRevisions: string[]) =>
 *   ({ revision, downRevisions, dependsOn: [], branchLabels: [] });
 * const map = RevisionMap.build([n("a", []), n("x", ["a"]), n("b", ["x"])]);
 * const e = (id: number, revision: string) =>
 *   ({ id, revision, direction: "up", checksum: null, appliedAt: "" });
 * assert.deepEqual(neverApplied(map, ["b"], [e(1, "a"), e(2, "b")]), ["x"]);
 * assert.equal(neverApplied(map, ["b"], []), undefined);
 * ```
 */
export function neverApplied(
  map: RevisionMap,
  rows: readonly string[],
  history: readonly HistoryEntry[],
): string[] | undefined {
  const first = history.find((e) => map.has(e.revision));
  if (first === undefined) return rows.length === 0 ? [] : undefined;
  const before = ancestorsBelow(map, first.revision);
  const recorded = recordedApplied(history);
  const applied = appliedRevisions(map, rows);
  return map.topoOrder().filter((id) => applied.has(id) && !recorded.has(id) && !before.has(id));
}

/**
 * The words for an interrupted step: what happened, and how to go on.
 *
 * @param map The graph.
 * @param open The open `up-start`/`dn-start` entry.
 * @returns A message (without a verb in front) and a hint.
 */
export function describeOpenStep(
  map: RevisionMap,
  open: HistoryEntry,
): { message: string; hint: string } {
  const node = map.has(open.revision) ? map.get(open.revision) : undefined;
  const up = open.direction === "up-start";
  const parents = node === undefined ? "PARENT" : node.downRevisions.join(" ") || "base";
  const [done, notDone] = up ? [open.revision, parents] : [parents, open.revision];
  const when = open.appliedAt ? ` at ${open.appliedAt}` : "";
  return {
    message: `${up ? "upgrade" : "downgrade"} ${
      describeRevision(open.revision, node?.message)
    } started${when} and never finished (it runs outside a transaction, so part of it may have run)`,
    hint: `inspect the database, then record where it stands: if it finished, ` +
      `\`strata stamp ${done}\`; if not, undo what it did and \`strata stamp ${notDone}\` ` +
      "(README: Interrupted migrations)",
  };
}
