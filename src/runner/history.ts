/**
 * Reading the history table (one row per applied step, written by the step
 * runner with statements from the dialect) to tell when an applied migration
 * was edited afterwards.
 *
 * @module
 */
import type { Dialect } from "../dialects/dialect.ts";
import type { Queryable } from "../drivers/driver.ts";
import { tableExists } from "./version_table.ts";

/** One history entry as read back. */
export interface HistoryEntry {
  revision: string;
  direction: string;
  checksum: string | null;
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
    revision: String(r.revision),
    direction: String(r.direction),
    checksum: r.checksum === null || r.checksum === undefined ? null : String(r.checksum),
  }));
}

/**
 * The checksum each applied revision had when it ran: the latest entry per
 * revision counts, and a later `down` entry means it is no longer applied.
 *
 * @param entries History, oldest first.
 * @returns revision → checksum, for revisions whose latest entry is `up`.
 */
export function appliedChecksums(entries: readonly HistoryEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    if (e.direction === "up" && e.checksum) out.set(e.revision, e.checksum);
    else if (e.direction === "down") out.delete(e.revision);
  }
  return out;
}
