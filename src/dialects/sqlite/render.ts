/**
 * Renders the {@linkcode Change}s that never rebuild a table to SQLite
 * statements. The changes that alter an existing table (`addColumn`,
 * `dropColumn`, `alterColumn`, the constraint changes) and the enum-value
 * changes go through the render session (`session.ts`), which may merge
 * them into one table rebuild.
 *
 * @module
 */
import { assertNever, type Change, type ChangeOf } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import type { RenderContext } from "../dialect.ts";
import { checkConcurrently } from "../_common/concurrently.ts";
import { quoteIdent } from "../_common/quote.ts";
import { actionText, columnSql, createTableSql, type EnumLookup, type TableSql } from "./_ddl.ts";
import { createEnumStatements, dropEnumStatements, enumValues } from "./enums.ts";
import { renderBulkInsert } from "./render_data.ts";

/**
 * Renders `createTable` with the enum values `enums` gives (`schema dump`
 * passes those of the schema it writes; a migration's come from `_strata_enums`).
 *
 * @param change The change.
 * @param enums Values of each enum a column uses.
 * @returns The `CREATE TABLE` statement.
 */
export async function createTable(
  change: ChangeOf<"createTable">,
  enums: EnumLookup,
): Promise<Statement[]> {
  const primaryKey = change.primaryKey ??
    change.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const columns = [];
  for (const c of change.columns) {
    const col = await columnSql(c, enums);
    // SQLite lets NULL into a primary key that is not the rowid alias (a
    // legacy quirk, sqlite.org/lang_createtable.html#the_primary_key);
    // PostgreSQL does not. Write NOT NULL so both hold the same rows.
    if (primaryKey.includes(c.name)) col.notNull = true;
    columns.push(col);
  }
  const table: TableSql = {
    name: change.table,
    columns,
    primaryKey,
    uniques: change.uniques.map((u) => ({ name: u.name ?? null, columns: u.columns })),
    checks: change.checks.map((c) => ({ name: c.name ?? null, expr: c.expr })),
    foreignKeys: change.foreignKeys.map((f) => ({
      name: f.name ?? null,
      columns: f.columns,
      refTable: f.refTable,
      refColumns: f.refColumns,
      onDelete: actionText(f.onDelete),
      onUpdate: actionText(f.onUpdate),
    })),
    options: "",
  };
  return [{ sql: createTableSql(table, { ifNotExists: change.ifNotExists }) }];
}

/** The kinds of change that may rebuild their table (the render session batches them). */
export const TABLE_CHANGE_KINDS = [
  "addColumn",
  "dropColumn",
  "alterColumn",
  "createForeignKey",
  "createUniqueConstraint",
  "createCheckConstraint",
  "dropConstraint",
] as const;

/** The kinds of change to an enum's values (they rebuild the tables of the enum). */
export const ENUM_VALUE_CHANGE_KINDS = [
  "addEnumValue",
  "renameEnumValue",
  "dropEnumValue",
  "alterEnum",
] as const;

/** A change that may rebuild its table. */
export type TableChange = Extract<Change, { kind: (typeof TABLE_CHANGE_KINDS)[number] }>;

/**
 * The changes {@linkcode renderPlain} renders: those that never rebuild a
 * table (the enum-value changes rebuild the tables of the enum).
 */
export type PlainChange = Exclude<
  Change,
  { kind: (typeof TABLE_CHANGE_KINDS)[number] | (typeof ENUM_VALUE_CHANGE_KINDS)[number] }
>;

/**
 * Renders one change that never rebuilds a table.
 *
 * @param change The recorded change.
 * @param ctx The render context (enum values are read through it).
 * @returns The statements, in order.
 * @throws {StrataError} For an unknown type or enum, or `concurrently: true`
 *   in a transactional migration.
 *
 * @example Rendering an index
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderPlain } from "./render.ts";
 * const ctx = { query: () => Promise.resolve([]), transactional: true };
 * const [stmt] = await renderPlain({
 *   kind: "createIndex", name: "ix_users_email", table: "users", columns: ["email"],
 *   unique: true, concurrently: false,
 * }, ctx);
 * assert.equal(stmt?.sql, "CREATE UNIQUE INDEX ix_users_email ON users (email)");
 * ```
 */
export async function renderPlain(change: PlainChange, ctx: RenderContext): Promise<Statement[]> {
  const enums: EnumLookup = (name) => enumValues(ctx, name);
  const t = "table" in change && change.table !== undefined ? quoteIdent(change.table) : "";
  const one = (sql: string): Statement[] => [{ sql }];
  switch (change.kind) {
    case "createTable":
      return await createTable(change, enums);
    case "dropTable":
      return one(`DROP TABLE ${change.ifExists ? "IF EXISTS " : ""}${t}`);
    case "renameTable":
      return one(`ALTER TABLE ${t} RENAME TO ${quoteIdent(change.newName)}`);
    case "alterTable":
      return []; // the only table option is a comment, and SQLite keeps none
    case "createIndex":
      if (change.concurrently) checkConcurrently("createIndex", change.name, ctx);
      return one(
        `CREATE ${change.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(change.name)} ON ${t} (${
          change.columns.map(quoteIdent).join(", ")
        })${change.where ? ` WHERE ${change.where}` : ""}`,
      );
    case "dropIndex":
      if (change.concurrently) checkConcurrently("dropIndex", change.name, ctx);
      return one(`DROP INDEX ${quoteIdent(change.name)}`);
    case "createEnum":
      return createEnumStatements(change.name, change.values);
    case "dropEnum":
      return dropEnumStatements(change.name);
    case "execute":
      return [
        change.params.length ? { sql: change.sql, params: change.params } : { sql: change.sql },
      ];
    case "bulkInsert":
      return renderBulkInsert(change);
    default:
      return assertNever(change);
  }
}
