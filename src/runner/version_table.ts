/**
 * Reads the version table without ever creating it, so read-only commands
 * (`current`, `pending`) work on a read-only database.
 *
 * @module
 */
import type { Dialect } from "../dialects/dialect.ts";
import type { Queryable } from "../drivers/driver.ts";

/**
 * Tells whether a table (possibly `schema.table`) exists.
 *
 * @param q A connection or transaction.
 * @param dialect The dialect (for the probe).
 * @param table The table name.
 * @returns `true` when it exists.
 */
export async function tableExists(q: Queryable, dialect: Dialect, table: string): Promise<boolean> {
  const probe = dialect.versionSql.exists(table);
  return (await q.query(probe.sql, probe.params ?? [])).length > 0;
}

/**
 * Reads the version rows.
 *
 * @param q A connection or transaction.
 * @param dialect The dialect (for the SQL).
 * @param table The version table name.
 * @returns The rows, sorted; empty when the table does not exist.
 */
export async function readVersionRows(
  q: Queryable,
  dialect: Dialect,
  table: string,
): Promise<string[]> {
  if (!await tableExists(q, dialect, table)) return [];
  const rows = await q.query(dialect.versionSql.select(table));
  return rows.map((r) => String(r.version_num)).sort();
}
