/**
 * The history rows `strata stamp` writes in the transaction that moves the
 * version rows (issue 9.6).
 *
 * @module
 */
import type { HistoryRecord } from "../dialects/dialect.ts";
import { appliedRevisions } from "../graph/applied.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import type { Script } from "../script/script.ts";
import { type HistoryEntry, openSteps, recordedApplied } from "./history.ts";

/**
 * The history rows of a stamp, in graph order: `stamp` for each revision it
 * marks applied (and for each applied one the history has no record of: a
 * stamp declares the state, so `stamp heads` adopts a database migrated
 * before the history began), `unstamp` for each it marks unapplied, and one
 * of the two for each open start it closes.
 *
 * @param map The graph.
 * @param scripts The migration files by revision (for checksums).
 * @param before The version rows before the stamp.
 * @param after The version rows after it.
 * @param history The history, oldest first.
 * @returns The rows to insert.
 */
export function stampRecords(
  map: RevisionMap,
  scripts: ReadonlyMap<string, Script>,
  before: readonly string[],
  after: readonly string[],
  history: readonly HistoryEntry[],
): HistoryRecord[] {
  const was = appliedRevisions(map, before);
  const is = appliedRevisions(map, after);
  const recorded = recordedApplied(history);
  const record = (revision: string, applied: boolean): HistoryRecord => ({
    revision,
    direction: applied ? "stamp" : "unstamp",
    durationMs: null,
    checksum: scripts.get(revision)?.checksum ?? null,
  });
  const out: HistoryRecord[] = [];
  const written = new Set<string>();
  for (const id of map.topoOrder()) {
    if (was.has(id) === is.has(id) && (!is.has(id) || recorded.has(id))) continue;
    out.push(record(id, is.has(id)));
    written.add(id);
  }
  for (const e of openSteps(history)) {
    if (!written.has(e.revision)) out.push(record(e.revision, is.has(e.revision)));
  }
  return out;
}
