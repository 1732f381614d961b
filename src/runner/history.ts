/**
 * Reading the history table (one row per applied step, written by the step
 * runner with statements from the dialect) and what it tells: which checksum
 * each applied revision ran with, which steps started outside a transaction
 * and never finished, and which revisions it has a record of.
 *
 * The `direction` values are listed at `HistoryDirection` (dialects/dialect.ts).
 *
 * @module
 */
import type { Dialect } from "../dialects/dialect.ts";
import type { Queryable } from "../drivers/driver.ts";
import { tableExists } from "./version_table.ts";

/** One history entry as read back. */
export interface HistoryEntry {
  /** Order of writing. */
  id: number;
  /** The revision the row is about. */
  revision: string;
  /** `up`, `down`, `stamp`, `unstamp`, `accept`, or `up-start`/`dn-start` for a step begun outside a transaction. */
  direction: string;
  /** The migration file's checksum at the time (`crc32n:…`), if known. */
  checksum: string | null;
  /** When it was written, as the database returned it (for messages). */
  appliedAt: string;
}

/**
 * Reads the history, oldest first; empty when the table does not exist.
 *
 * @param q A connection.
 * @param dialect The dialect (the read and the existence probe).
 * @param qualified Table name, optionally `schema.table`.
 * @returns The entries.
 */
export async function readHistory(
  q: Queryable,
  dialect: Dialect,
  qualified: string,
): Promise<HistoryEntry[]> {
  if (!await tableExists(q, dialect, qualified)) return [];
  const read = dialect.historySql.select(qualified);
  const rows = await q.query(read.sql, read.params ?? []);
  return rows.map((r) => ({
    id: Number(r.id),
    revision: String(r.revision),
    direction: String(r.direction),
    checksum: r.checksum === null || r.checksum === undefined ? null : String(r.checksum),
    appliedAt: r.applied_at instanceof Date
      ? r.applied_at.toISOString().replace("T", " ").replace(/\.\d+Z$/, "")
      : String(r.applied_at ?? ""),
  }));
}

/** Directions that leave a revision applied, with the file's checksum. */
const APPLIED = new Set(["up", "stamp"]);
/** Directions that leave a revision unapplied. */
const UNAPPLIED = new Set(["down", "unstamp"]);
/** Directions of a step that started outside a transaction. */
const STARTED = new Set(["up-start", "dn-start"]);

/**
 * The checksum each applied revision had when it ran (or was stamped, or
 * accepted with `validate --accept`): the latest entry per revision counts,
 * and a later `down` or `unstamp` entry means it is no longer applied.
 *
 * @param entries History, oldest first.
 * @returns revision → checksum, for revisions whose latest entry applies them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appliedChecksums } from "./history.ts";
 * const e = (id: number, revision: string, direction: string, checksum: string | null) =>
 *   ({ id, revision, direction, checksum, appliedAt: "" });
 * const map = appliedChecksums([
 *   e(1, "a", "up", "crc32n:1"),
 *   e(2, "b", "up", "crc32n:2"),
 *   e(3, "b", "down", "crc32n:2"),
 *   e(4, "a", "accept", "crc32n:9"),
 * ]);
 * assert.deepEqual([...map], [["a", "crc32n:9"]]);
 * ```
 */
export function appliedChecksums(entries: readonly HistoryEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if ((APPLIED.has(e.direction) || e.direction === "accept") && e.checksum) {
      out.set(e.revision, e.checksum);
    } else if (UNAPPLIED.has(e.direction)) out.delete(e.revision);
  }
  return out;
}

/**
 * Steps that started outside a transaction (`transactional = false`) and
 * never finished: an `up-start` or `dn-start` entry with no later entry for
 * the same revision. `strata stamp` closes them (it writes a `stamp` or
 * `unstamp` entry for each).
 *
 * @param entries History, oldest first.
 * @returns The open start entries, oldest first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSteps } from "./history.ts";
 * const e = (id: number, revision: string, direction: string) =>
 *   ({ id, revision, direction, checksum: null, appliedAt: "" });
 * const open = openSteps([e(1, "a", "up-start"), e(2, "a", "up"), e(3, "b", "up-start")]);
 * assert.deepEqual(open.map((x) => x.revision), ["b"]);
 * ```
 */
export function openSteps(entries: readonly HistoryEntry[]): HistoryEntry[] {
  const latest = new Map<string, HistoryEntry>();
  for (const e of entries) latest.set(e.revision, e);
  return [...latest.values()].filter((e) => STARTED.has(e.direction)).sort((a, b) => a.id - b.id);
}

/**
 * Revisions the history records as applied: the latest `up`, `stamp`,
 * `accept`, `down` or `unstamp` entry of each revision decides (`accept`
 * counts: it is written only for applied revisions, and says the database
 * holds what the file does).
 *
 * @param entries History, oldest first.
 * @returns The revisions whose latest such entry applies them.
 */
export function recordedApplied(entries: readonly HistoryEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    if (APPLIED.has(e.direction) || e.direction === "accept") out.add(e.revision);
    else if (UNAPPLIED.has(e.direction)) out.delete(e.revision);
  }
  return out;
}
