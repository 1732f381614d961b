/**
 * Renders {@linkcode Change}s to SQLite statements. Changes `ALTER TABLE`
 * cannot make go through the table rebuild (`rebuild.ts`).
 *
 * @module
 */
import { assertNever, type Change, type ChangeOf } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent } from "../_common/quote.ts";
import { actionText, columnSql, createTableSql, type EnumLookup, type TableSql } from "./_ddl.ts";
import { addColumn, alterColumn, alterConstraint, dropColumn } from "./_alter.ts";
import { readEnums } from "./introspect.ts";
import { renderBulkInsert } from "./render_data.ts";

/**
 * The render context with the enum state SQLite needs. SQLite has no enum
 * types, so `createEnum` renders nothing and records its values here; columns
 * of type `enum:NAME` then render as TEXT with a CHECK. The runner passes one
 * map per run (live or offline); without one, the state lives as long as the
 * context object (the runner makes one per step). When a name is missing (the
 * enum was created in an earlier run or step), the values are read back from
 * Strata's `_strata_enums` table (written by `createEnum`), or from an
 * existing column's `"enum:NAME"` CHECK.
 */
export interface SqliteRenderContext extends RenderContext {
  /** Enum values by name, filled by `createEnum`, emptied by `dropEnum`. */
  enums?: Map<string, string[]>;
}

/**
 * Where SQLite keeps enum types between runs: a migration may create an enum
 * in one run and use it in a column in a later one. `_strata_*` tables are
 * Strata's own and left out of introspection.
 */
const ENUM_CATALOG = "_strata_enums";
const ENUM_CATALOG_DDL =
  `CREATE TABLE IF NOT EXISTS ${ENUM_CATALOG} (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL)`;

/** Enum state for contexts without an `enums` field: one map per context object (one step). */
const STEP_ENUMS = new WeakMap<RenderContext, Map<string, string[]>>();

function enumMap(ctx: RenderContext): Map<string, string[]> {
  const own = (ctx as SqliteRenderContext).enums;
  if (own) return own;
  let map = STEP_ENUMS.get(ctx);
  if (!map) STEP_ENUMS.set(ctx, map = new Map());
  return map;
}

function enumLookup(ctx: RenderContext): EnumLookup {
  return async (name) => {
    const known = enumMap(ctx).get(name) ?? (await readEnumCatalog(ctx)).get(name) ??
      (await readEnums(ctx)).get(name);
    if (known === undefined) {
      throw new StrataError(`Unknown enum "${name}" on sqlite`, {
        hint: `create it first with op.createEnum("${name}", [...])`,
      });
    }
    enumMap(ctx).set(name, known);
    return known;
  };
}

/** Enums recorded by `createEnum` in earlier runs (empty when none ever was). */
async function readEnumCatalog(ctx: RenderContext): Promise<Map<string, string[]>> {
  const exists = await ctx.query(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    [ENUM_CATALOG],
  );
  if (exists.length === 0) return new Map();
  const rows = await ctx.query(`SELECT name, vals FROM ${ENUM_CATALOG}`);
  return new Map(rows.map((r) => [String(r.name), JSON.parse(String(r.vals)) as string[]]));
}

async function createTable(
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

/**
 * SQLite has no `CONCURRENTLY` and builds the index as usual, but a migration
 * asking for it must still say `transactional = false`, as PostgreSQL requires:
 * the same migration file then fails on the developer's SQLite database too,
 * not first in production.
 */
function checkConcurrently(
  call: string,
  name: string,
  concurrently: boolean | undefined,
  ctx: RenderContext,
): void {
  if (!concurrently || !ctx.transactional) return;
  throw new StrataError(
    `op.${call}("${name}", …) with concurrently: true needs transactional = false`,
    { hint: "export const transactional = false" },
  );
}

/**
 * Renders one change to SQLite statements.
 *
 * @param change The recorded change.
 * @param ctx The render context; a {@linkcode SqliteRenderContext} carries enum state.
 * @returns The statements, in order (none for `createEnum` / `dropEnum`).
 * @throws {StrataError} For an unknown type or enum, a missing table, column or
 *   constraint, `concurrently: true` in a transactional migration, or a rebuild that cannot keep foreign keys intact.
 *
 * @example Rendering an index
 * ```ts
 * import { renderSqlite } from "./render.ts";
 * const ctx = {
 *   inspectTable: () => Promise.resolve(undefined),
 *   query: () => Promise.resolve([]),
 *   transactional: true,
 * };
 * const [stmt] = await renderSqlite({
 *   kind: "createIndex", name: "ix_users_email", table: "users", columns: ["email"],
 *   unique: true, concurrently: false,
 * }, ctx);
 * console.assert(stmt?.sql === "CREATE UNIQUE INDEX ix_users_email ON users (email)");
 * ```
 */
export async function renderSqlite(change: Change, ctx: RenderContext): Promise<Statement[]> {
  const enums = enumLookup(ctx);
  const t = "table" in change && change.table !== undefined ? quoteIdent(change.table) : "";
  const one = (sql: string): Statement[] => [{ sql }];
  switch (change.kind) {
    case "createTable":
      return await createTable(change, enums);
    case "dropTable":
      return one(`DROP TABLE ${change.ifExists ? "IF EXISTS " : ""}${t}`);
    case "renameTable":
      return one(`ALTER TABLE ${t} RENAME TO ${quoteIdent(change.newName)}`);
    case "addColumn":
      return await addColumn(change, ctx, enums);
    case "dropColumn":
      return await dropColumn(change, ctx);
    case "alterColumn":
      return await alterColumn(change, ctx, enums);
    case "createIndex":
      checkConcurrently("createIndex", change.name, change.concurrently, ctx);
      return one(
        `CREATE ${change.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(change.name)} ON ${t} (${
          change.columns.map(quoteIdent).join(", ")
        })${change.where ? ` WHERE ${change.where}` : ""}`,
      );
    case "dropIndex":
      checkConcurrently("dropIndex", change.name, change.concurrently, ctx);
      return one(`DROP INDEX ${quoteIdent(change.name)}`);
    case "createForeignKey":
    case "createUniqueConstraint":
    case "createCheckConstraint":
    case "dropConstraint":
      return await alterConstraint(change, ctx);
    case "createEnum":
      enumMap(ctx).set(change.name, [...change.values]);
      return [
        { sql: ENUM_CATALOG_DDL },
        {
          sql: `INSERT INTO ${ENUM_CATALOG} (name, vals) VALUES (?, ?)`,
          params: [change.name, JSON.stringify(change.values)],
        },
      ];
    case "dropEnum":
      enumMap(ctx).delete(change.name);
      return [
        { sql: ENUM_CATALOG_DDL },
        { sql: `DELETE FROM ${ENUM_CATALOG} WHERE name = ?`, params: [change.name] },
      ];
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
