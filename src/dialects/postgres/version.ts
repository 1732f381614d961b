/**
 * The version table on PostgreSQL, shaped like Alembic's `alembic_version`:
 * one `version_num` row per current head.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { qualify, quoteIdent } from "../_common/quote.ts";
import { historyRow } from "../_common/history.ts";
import { pgString } from "./literal.ts";
import type { HistoryRecord, OwnTables, VersionSql } from "../dialect.ts";
import type { VersionChange } from "../../graph/version_rows.ts";

/**
 * Splits `schema.table` (first dot) and quotes each part.
 *
 * @param table `table` or `schema.table`.
 * @returns The quoted name and the bare table name.
 */
function parseTable(table: string): { sql: string; name: string } {
  const dot = table.indexOf(".");
  if (dot <= 0) return { sql: quoteIdent(table), name: table };
  const name = table.slice(dot + 1);
  return { sql: qualify(name, table.slice(0, dot)), name };
}

/**
 * `CREATE TABLE IF NOT EXISTS t (version_num varchar(64) NOT NULL,
 * CONSTRAINT t_pkc PRIMARY KEY (version_num))`.
 *
 * @param table The version table, optionally `schema.table`.
 * @returns One statement.
 */
function create(table: string): Statement[] {
  const t = parseTable(table);
  return [{
    sql: `CREATE TABLE IF NOT EXISTS ${t.sql} (version_num varchar(64) NOT NULL, ` +
      `CONSTRAINT ${quoteIdent(`${t.name}_pkc`)} PRIMARY KEY (version_num))`,
  }];
}

/**
 * The statements for one step: an UPDATE when exactly one row becomes one
 * row, otherwise a DELETE per removed row and an INSERT per added row. Each
 * must change exactly one row (`expectChanges`), which live runs check.
 *
 * @param table The version table.
 * @param change Rows to remove and add.
 * @returns The statements (none when nothing changes).
 */
function apply(table: string, change: VersionChange): Statement[] {
  const t = parseTable(table).sql;
  const [from] = change.remove;
  const [to] = change.add;
  const checked = { expectChanges: 1, reuse: true, ownTable: true };
  if (change.remove.length === 1 && change.add.length === 1) {
    return [{
      sql: `UPDATE ${t} SET version_num = $1 WHERE version_num = $2`,
      params: [to, from],
      ...checked,
    }];
  }
  return [
    ...change.remove.map((v) => ({
      sql: `DELETE FROM ${t} WHERE version_num = $1`,
      params: [v],
      ...checked,
    })),
    ...change.add.map((v) => ({
      sql: `INSERT INTO ${t} (version_num) VALUES ($1)`,
      params: [v],
      ...checked,
    })),
  ];
}

/**
 * One statement for a live step's bookkeeping: the version rows to remove
 * and add, and the history row, which is inserted only when exactly the
 * planned rows were removed and added. So the statement changes one row when
 * the version table was as planned and none otherwise (`expectChanges: 1`),
 * and the step's transaction then rolls back.
 *
 * The values are written as literals (revision ids, a checksum, Strata's
 * version: all quoted by {@linkcode pgString}), so it goes out as one simple
 * query: one round trip. A statement with parameters costs two with
 * postgres.js unprepared (it asks the server for the parameter types first),
 * and the UPDATE plus the INSERT it replaces cost four.
 *
 * Concurrency: a DELETE of a row another transaction is changing waits for
 * that transaction and then finds the row gone; an INSERT of a row another
 * transaction inserts waits and then does nothing (`ON CONFLICT DO NOTHING`).
 * Either way the count is off and the step rolls back.
 *
 * @param tables The version and history tables.
 * @param change Rows to remove and add.
 * @param record The history row.
 * @returns One statement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordStep } from "./version.ts";
 * const [s] = recordStep(
 *   { versionTable: "strata_version", historyTable: "strata_history" },
 *   { remove: ["a1"], add: ["b2"] },
 *   { revision: "b2", direction: "up", durationMs: 3, checksum: null },
 * );
 * assert.match(s!.sql, /DELETE FROM strata_version WHERE version_num IN \('a1'\)/);
 * assert.equal(s!.expectChanges, 1);
 * ```
 */
export function recordStep(
  tables: OwnTables,
  change: VersionChange,
  record: HistoryRecord,
): Statement[] {
  const v = parseTable(tables.versionTable).sql;
  const h = tables.historyTable.split(".").map(quoteIdent).join(".");
  const row = historyRow(record);
  const text = (x: unknown) => (x === null || x === undefined ? "NULL" : pgString(String(x)));
  const list = (ids: readonly string[]) => ids.map((id) => pgString(id)).join(", ");
  const removed = change.remove.length === 0
    ? "SELECT 1 WHERE false"
    : `DELETE FROM ${v} WHERE version_num IN (${list(change.remove)}) RETURNING 1`;
  const added = change.add.length === 0
    ? "SELECT 1 WHERE false"
    : `INSERT INTO ${v} (version_num) VALUES ${
      change.add.map((id) => `(${pgString(id)})`).join(", ")
    } ON CONFLICT DO NOTHING RETURNING 1`;
  const duration = row.duration_ms === null ? "NULL" : String(Number(row.duration_ms));
  return [{
    sql: `WITH removed AS (${removed}), added AS (${added}) ` +
      `INSERT INTO ${h} (revision, direction, duration_ms, checksum, strata_version) ` +
      `SELECT ${text(row.revision)}, ${text(row.direction)}, ${duration}, ${text(row.checksum)}, ` +
      `${text(row.strata_version)} ` +
      `WHERE (SELECT count(*) FROM removed) = ${change.remove.length} ` +
      `AND (SELECT count(*) FROM added) = ${change.add.length}`,
    expectChanges: 1,
  }];
}

/**
 * A probe returning one row when the table exists: `to_regclass()` resolves
 * the name exactly as the other statements do (search path for a bare name).
 *
 * @param table The version table.
 * @returns The query, with the quoted name as its parameter.
 */
function exists(table: string): Statement {
  return {
    sql: "SELECT 1 AS found WHERE to_regclass($1) IS NOT NULL",
    params: [parseTable(table).sql],
  };
}

/**
 * `SELECT version_num FROM t ORDER BY version_num`.
 *
 * @param table The version table.
 * @returns The query.
 */
function select(table: string): string {
  return `SELECT version_num FROM ${parseTable(table).sql} ORDER BY version_num`;
}

/**
 * PostgreSQL's version-table statements.
 *
 * @example Moving one head
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresVersionSql } from "./version.ts";
 * const [s] = postgresVersionSql.apply("strata_version", { remove: ["a1"], add: ["b2"] });
 * assert.equal(s?.sql, "UPDATE strata_version SET version_num = $1 WHERE version_num = $2");
 * ```
 */
export const postgresVersionSql: VersionSql = { create, apply, exists, select };
