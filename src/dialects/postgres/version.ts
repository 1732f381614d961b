/**
 * The version table on PostgreSQL, shaped like Alembic's `alembic_version`:
 * one `version_num` row per current head.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { qualify, quoteIdent } from "../_common/quote.ts";
import type { VersionSql } from "../dialect.ts";
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
 * row, otherwise a DELETE per removed row and an INSERT per added row.
 *
 * @param table The version table.
 * @param change Rows to remove and add.
 * @returns The statements (none when nothing changes).
 */
function apply(table: string, change: VersionChange): Statement[] {
  const t = parseTable(table).sql;
  const [from] = change.remove;
  const [to] = change.add;
  if (change.remove.length === 1 && change.add.length === 1) {
    return [{ sql: `UPDATE ${t} SET version_num = $1 WHERE version_num = $2`, params: [to, from] }];
  }
  return [
    ...change.remove.map((v) => ({ sql: `DELETE FROM ${t} WHERE version_num = $1`, params: [v] })),
    ...change.add.map((v) => ({ sql: `INSERT INTO ${t} (version_num) VALUES ($1)`, params: [v] })),
  ];
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
