/**
 * The history table, shared by the dialects: one row per applied step
 * (revision, direction, when, how long, the file's checksum, Strata's
 * version), written in the same transaction as the step so Strata can tell
 * when an applied migration was edited afterwards. Its DDL and inserts are
 * expressed as changes, so each dialect renders them as it renders any
 * migration's (identity on PostgreSQL, `AUTOINCREMENT` on SQLite).
 *
 * @module
 */
import type { Change } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { VERSION } from "../../version.ts";
import type { Dialect, HistoryRecord, HistorySql, RenderContext } from "../dialect.ts";
import { quoteIdent } from "./quote.ts";

/** `schema.table` (first dot) → parts; a bare name has no schema. */
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
 * The change that records one step (or several rows, e.g. a stamp's).
 *
 * @param qualified Table name.
 * @param records What happened; `durationMs` is `null` offline.
 * @returns A `bulkInsert` change with one row per record.
 */
export function recordHistory(
  qualified: string,
  records: HistoryRecord | readonly HistoryRecord[],
): Change {
  const list: readonly HistoryRecord[] = Array.isArray(records) ? records : [records];
  return {
    kind: "bulkInsert",
    ...split(qualified),
    rows: list.map(historyRow),
  };
}

/**
 * The columns of one history row, as `recordHistory` writes them.
 *
 * @param record What happened.
 * @returns Column name → value.
 */
export function historyRow(record: HistoryRecord): Record<string, unknown> {
  return {
    revision: record.revision,
    direction: record.direction,
    duration_ms: record.durationMs === null ? null : Math.round(record.durationMs),
    checksum: record.checksum,
    strata_version: VERSION,
  };
}

/**
 * Neither change reads the database while rendering (no rebuild, no enum), so
 * they render with a context that has nothing to inspect.
 */
const OWN_TABLE_CONTEXT: RenderContext = {
  query: () => Promise.reject(new Error("Rendering the history table reads nothing")),
  transactional: true,
};

/**
 * History-table statements for a dialect, rendered by its own `render`.
 *
 * @param render The dialect's renderer.
 * @returns The dialect's {@linkcode HistorySql}.
 *
 * @example The read
 * ```ts
 * import assert from "node:assert/strict";
 * import { historySql } from "./history.ts";
 * const sql = historySql(() => Promise.resolve([]));
 * assert.equal(
 *   sql.select("audit.strata_history").sql,
 *   "SELECT id, revision, direction, checksum, applied_at FROM audit.strata_history ORDER BY id",
 * );
 * ```
 */
export function historySql(render: Dialect["render"]): HistorySql {
  return {
    create: (table) => render(createHistoryTable(table), OWN_TABLE_CONTEXT),
    insert: async (table, records) => {
      if (Array.isArray(records) && records.length === 0) return [];
      return await render(recordHistory(table, records), OWN_TABLE_CONTEXT);
    },
    select(table): Statement {
      const name = table.split(".").map(quoteIdent).join(".");
      return {
        sql: `SELECT id, revision, direction, checksum, applied_at FROM ${name} ORDER BY id`,
      };
    },
  };
}
