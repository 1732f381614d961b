/**
 * The SQLite dialect: renders changes (with the table rebuild where `ALTER
 * TABLE` falls short), writes the version-table SQL, introspects a live
 * schema and writes literals for offline scripts.
 *
 * @example Rendering a change
 * ```ts
 * import { sqliteDialect } from "./mod.ts";
 * const ctx = {
 *   inspectTable: () => Promise.resolve(undefined),
 *   query: () => Promise.resolve([]),
 *   transactional: true,
 * };
 * const [stmt] = await sqliteDialect.render(
 *   { kind: "renameTable", table: "users", newName: "people" },
 *   ctx,
 * );
 * console.assert(stmt?.sql === "ALTER TABLE users RENAME TO people");
 * ```
 *
 * @module
 */
import type { Dialect } from "../dialect.ts";
import { sqliteAutogen } from "./autogen.ts";
import { quoteIdent } from "../_common/quote.ts";
import { introspect } from "./introspect.ts";
import { inline, literal } from "./literal.ts";
import { renderSqlite } from "./render.ts";
import { defaultSql, normalizeType } from "./types.ts";
import { sqliteVersionSql } from "./version.ts";

export { introspect, introspectTable, readEnums } from "./introspect.ts";
export { renderSqlite, type SqliteRenderContext } from "./render.ts";
export { foreignKeyCheck, readCurrentTable, rebuildTable } from "./rebuild.ts";
export { canonicalType, declaredType, defaultSql, normalizeType } from "./types.ts";
export { inline, literal } from "./literal.ts";
export { sqliteVersionSql } from "./version.ts";

/**
 * The SQLite {@linkcode Dialect}.
 *
 * @example Types and literals
 * ```ts
 * import { sqliteDialect } from "./mod.ts";
 * console.assert(sqliteDialect.normalizeType("INT") === "integer");
 * console.assert(sqliteDialect.literal("O'Brien") === "'O''Brien'");
 * ```
 */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  render: renderSqlite,
  scriptPreamble: ["PRAGMA foreign_keys = OFF"],
  versionSql: sqliteVersionSql,
  introspect,
  quoteIdent,
  normalizeType,
  defaultSql,
  literal,
  inline,
  autogen: sqliteAutogen,
};
