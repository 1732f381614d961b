/**
 * The history table: one row per applied step (revision, direction, when, how
 * long, the file's checksum, Strata's version), written in the same
 * transaction as the step, so it can tell when an applied migration was
 * edited afterwards. Its DDL and inserts are expressed as changes, so each
 * dialect renders them like any migration's.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import type { Dialect } from "../dialects/dialect.ts";
import type { Queryable } from "../drivers/driver.ts";
import { VERSION } from "../version.ts";
import { tableExists } from "./version_table.ts";

/** One history entry as read back. */
export interface HistoryEntry {
  revision: string;
  direction: string;
  checksum: string | null;
}

function split(qualified: string): { table: string; schema?: string } {
  const dot = qualified.indexOf(".");
  return dot < 0
    ? { table: qualified }
    : { schema: qualified.slice(0, dot), table: qualified.slice(dot + 1) };
}

/**
 * The change that creates the history table if it does not exist.
 *
 * @param qualified Table name, optionally `schema.table`.
 * @returns A `createTable` change with `ifNotExists`.
 */
export function createHistoryTable(qualified: string): Change {
  return {
    kind: "createTable",
    ...split(qualified),
    columns: [
      { name: "id", type: "integer", nullable: false, primaryKey: true, autoIncrement: true },
      { name: "revision", type: "varchar(64)", nullable: false },
      { name: "direction", type: "varchar(8)", nullable: false },
      {
        name: "applied_at",
        type: "timestamp",
        nullable: false,
        default: { $sql: "CURRENT_TIMESTAMP" },
      },
      { name: "duration_ms", type: "integer", nullable: true },
      { name: "checksum", type: "varchar(64)", nullable: true },
      { name: "strata_version", type: "varchar(32)", nullable: false },
    ],
    uniques: [],
    checks: [],
    foreignKeys: [],
    ifNotExists: true,
  };
}

/**
 * The change that records one step.
 *
 * @param qualified Table name.
 * @param entry What happened; `durationMs` is `null` offline.
 * @returns A one-row `bulkInsert` change.
 */
export function recordHistory(
  qualified: string,
  entry: {
    revision: string;
    direction: "up" | "down" | "stamp";
    durationMs: number | null;
    checksum: string | null;
  },
): Change {
  return {
    kind: "bulkInsert",
    ...split(qualified),
    rows: [{
      revision: entry.revision,
      direction: entry.direction,
      duration_ms: entry.durationMs === null ? null : Math.round(entry.durationMs),
      checksum: entry.checksum,
      strata_version: VERSION,
    }],
  };
}

/**
 * Reads the history, oldest first; empty when the table does not exist.
 *
 * @param q A connection.
 * @param dialect The dialect (quoting, existence probe).
 * @param qualified Table name.
 * @returns The entries.
 */
export async function readHistory(
  q: Queryable,
  dialect: Dialect,
  qualified: string,
): Promise<HistoryEntry[]> {
  if (!await tableExists(q, dialect, qualified)) return [];
  const name = qualified.split(".").map((p) => dialect.quoteIdent(p)).join(".");
  const rows = await q.query(`SELECT revision, direction, checksum FROM ${name} ORDER BY id`);
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
