/**
 * The version table on SQLite: one row per current head, as Alembic's
 * `alembic_version`.
 *
 * @module
 */
import type { HistoryRecord, OwnTables, VersionSql } from "../dialect.ts";
import type { VersionChange } from "../../graph/version_rows.ts";
import type { Statement } from "../../drivers/driver.ts";
import { quoteIdent } from "../_common/quote.ts";
import { historyRow } from "../_common/history.ts";

/**
 * Version-table statements for SQLite. Values are bound (`?`); the offline
 * writer inlines them.
 *
 * @example A step from one head to the next
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqliteVersionSql } from "./version.ts";
 * const [stmt] = sqliteVersionSql.apply("strata_version", { remove: ["a1"], add: ["b2"] });
 * assert.equal(stmt?.sql, "UPDATE strata_version SET version_num = ? WHERE version_num = ?");
 * ```
 */
export const sqliteVersionSql: VersionSql = {
  create(table: string): Statement[] {
    return [{
      sql: `CREATE TABLE IF NOT EXISTS ${
        quoteIdent(table)
      } (version_num VARCHAR(64) NOT NULL PRIMARY KEY)`,
    }];
  },
  apply(table: string, change: VersionChange): Statement[] {
    const t = quoteIdent(table);
    const [from] = change.remove;
    const [to] = change.add;
    // Each must change exactly one row; live runs check (`expectChanges`).
    const checked = { expectChanges: 1, reuse: true, ownTable: true };
    if (change.remove.length === 1 && change.add.length === 1 && from !== undefined && to) {
      return [{
        sql: `UPDATE ${t} SET version_num = ? WHERE version_num = ?`,
        params: [to, from],
        ...checked,
      }];
    }
    return [
      ...change.remove.map((v) => ({
        sql: `DELETE FROM ${t} WHERE version_num = ?`,
        params: [v],
        ...checked,
      })),
      ...change.add.map((v) => ({
        sql: `INSERT INTO ${t} (version_num) VALUES (?)`,
        params: [v],
        ...checked,
      })),
    ];
  },
  exists(table: string): Statement {
    return {
      sql: "SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = ?",
      params: [table],
    };
  },
  select(table: string): string {
    return `SELECT version_num FROM ${quoteIdent(table)} ORDER BY version_num`;
  },
};

/**
 * A live step's bookkeeping on SQLite: the checked version-row statements
 * and one parameterized INSERT of the history row, each prepared once per
 * connection (`reuse`). (The history insert that `historySql.insert`
 * renders is a one-row `bulkInsert` batch, with a savepoint around it.)
 *
 * @param tables The version and history tables.
 * @param change Rows to remove and add.
 * @param record The history row.
 * @returns The statements.
 */
export function recordStep(
  tables: OwnTables,
  change: VersionChange,
  record: HistoryRecord,
): Statement[] {
  const row = historyRow(record);
  return [
    ...sqliteVersionSql.apply(tables.versionTable, change),
    {
      sql: `INSERT INTO ${quoteIdent(tables.historyTable)} ` +
        "(revision, direction, duration_ms, checksum, strata_version) VALUES (?, ?, ?, ?, ?)",
      params: [row.revision, row.direction, row.duration_ms, row.checksum, row.strata_version],
      reuse: true,
      ownTable: true,
    },
  ];
}
