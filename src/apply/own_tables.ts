/**
 * The one place that gathers the statements creating Strata's own tables
 * (version and history), for live runs and offline scripts alike. The
 * statements themselves come from the dialect.
 *
 * @module
 */
import type { Dialect } from "../dialects/dialect.ts";
import type { Statement } from "../drivers/driver.ts";

/**
 * The statements that create the version and history tables if they do not exist.
 *
 * @param dialect The dialect.
 * @param tables The configured table names.
 * @returns The statements, version table first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getDialect } from "../dialects/registry.ts";
 * import { createOwnTables } from "./own_tables.ts";
 * const statements = await createOwnTables(getDialect("sqlite"), {
 *   versionTable: "strata_version",
 *   historyTable: "strata_history",
 * });
 * assert.match(statements[0]!.sql, /^CREATE TABLE IF NOT EXISTS strata_version /);
 * assert.match(statements[1]!.sql, /^CREATE TABLE IF NOT EXISTS strata_history /);
 * ```
 */
export async function createOwnTables(
  dialect: Dialect,
  tables: { versionTable: string; historyTable: string },
): Promise<Statement[]> {
  return [
    ...dialect.versionSql.create(tables.versionTable),
    ...await dialect.historySql.create(tables.historyTable),
  ];
}
