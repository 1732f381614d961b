/**
 * Renders {@linkcode Change}s to PostgreSQL statements: one `switch` over the
 * change kinds, tables and columns in `./render_table.ts`, data in
 * `./render_data.ts`.
 *
 * @module
 */
import { assertNever, type Change, type ChangeOf } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { checkConcurrently } from "../_common/concurrently.ts";
import { qualify, quoteIdent } from "../_common/quote.ts";
import type { RenderContext } from "../dialect.ts";
import { renderDefault } from "./defaults.ts";
import { invalidIndexGuard } from "./invalid_index.ts";
import { pgString } from "./literal.ts";
import { renderBulkInsert, renderExecute } from "./render_data.ts";
import { renderEnumValueChange } from "./render_enum.ts";
import { identList, referencesClause, renderAddColumn, renderCreateTable } from "./render_table.ts";
import { columnType } from "./types.ts";

/**
 * Renders `alterColumn`, one statement per changed key, in an order that
 * works: when both type and default change, the old default is dropped before
 * the type changes (it may not cast) and the new one set after; nullability
 * next; the rename last, so earlier statements use the old name.
 */
function renderAlterColumn(c: ChangeOf<"alterColumn">): Statement[] {
  const alter = `ALTER TABLE ${qualify(c.table, c.schema)}`;
  const col = quoteIdent(c.column);
  const { patch } = c;
  const out: string[] = [];
  const hasDefault = "default" in patch;
  if (patch.type !== undefined) {
    if (hasDefault) out.push(`${alter} ALTER COLUMN ${col} DROP DEFAULT`);
    const type = columnType(patch.type);
    out.push(`${alter} ALTER COLUMN ${col} TYPE ${type} USING ${col}::${type}`);
  }
  if (hasDefault) {
    if (patch.default === null || patch.default === undefined) {
      if (patch.type === undefined) out.push(`${alter} ALTER COLUMN ${col} DROP DEFAULT`);
    } else {
      // The default is written for the column's new type when it changes; without a
      // type change the value is taken as given (strings quoted, objects as JSON).
      const value = renderDefault(patch.default, patch.type ?? "");
      out.push(`${alter} ALTER COLUMN ${col} SET DEFAULT ${value}`);
    }
  }
  if (patch.nullable !== undefined) {
    out.push(`${alter} ALTER COLUMN ${col} ${patch.nullable ? "DROP" : "SET"} NOT NULL`);
  }
  if (patch.comment !== undefined) {
    const text = patch.comment === null ? "NULL" : pgString(patch.comment);
    out.push(`COMMENT ON COLUMN ${qualify(c.table, c.schema)}.${col} IS ${text}`);
  }
  if (patch.rename !== undefined) {
    out.push(`${alter} RENAME COLUMN ${col} TO ${quoteIdent(patch.rename)}`);
  }
  return out.map((sql) => ({ sql }));
}

/**
 * A concurrent build runs outside a transaction, so a rerun after an
 * interruption must not trip over what the first attempt left: `IF NOT
 * EXISTS`, after a guard that stops at an INVALID index of that name
 * (`./invalid_index.ts`).
 */
function renderCreateIndex(c: ChangeOf<"createIndex">, ctx: RenderContext): Statement[] {
  if (c.concurrently) checkConcurrently("createIndex", c.name, ctx);
  let sql = `CREATE ${c.unique ? "UNIQUE " : ""}INDEX ${
    c.concurrently ? "CONCURRENTLY IF NOT EXISTS " : ""
  }`;
  sql += `${quoteIdent(c.name)} ON ${qualify(c.table, c.schema)} ${identList(c.columns)}`;
  if (c.where !== undefined) sql += ` WHERE ${c.where}`;
  return c.concurrently
    ? [invalidIndexGuard(c.name, c.schema), ...withoutLockTimeout({ sql })]
    : [{ sql }];
}

function renderDropIndex(c: ChangeOf<"dropIndex">, ctx: RenderContext): Statement[] {
  // `concurrently` is an op.dropIndex option; read it if the recorder kept it.
  const concurrently = (c as { concurrently?: unknown }).concurrently === true;
  if (concurrently) checkConcurrently("dropIndex", c.name, ctx);
  const sql = `DROP INDEX ${concurrently ? "CONCURRENTLY IF EXISTS " : ""}${
    qualify(c.name, c.schema)
  }`;
  return concurrently ? withoutLockTimeout({ sql }) : [{ sql }];
}

/**
 * A concurrent index build or drop waits for every older transaction to end,
 * but blocks no one while it waits (it takes SHARE UPDATE EXCLUSIVE, not
 * ACCESS EXCLUSIVE), so the session's `lock_timeout` would only make it fail
 * behind a long report query: lift it for the statement. `RESET` returns to
 * the session's own setting (Strata's `--statement-lock-timeout`).
 */
function withoutLockTimeout(stmt: Statement): Statement[] {
  return [{ sql: "SET lock_timeout = 0" }, stmt, { sql: "RESET lock_timeout" }];
}

function renderChange(change: Change, ctx: RenderContext): Statement[] {
  const table = "table" in change && change.table !== undefined
    ? qualify(change.table, change.schema)
    : "";
  const one = (sql: string): Statement[] => [{ sql }];
  switch (change.kind) {
    case "createTable":
      return renderCreateTable(change);
    case "dropTable":
      return one(`DROP TABLE ${change.ifExists ? "IF EXISTS " : ""}${table}`);
    case "renameTable":
      return one(`ALTER TABLE ${table} RENAME TO ${quoteIdent(change.newName)}`);
    case "alterTable": {
      const comment = change.patch.comment;
      if (comment === undefined) return [];
      return one(`COMMENT ON TABLE ${table} IS ${comment === null ? "NULL" : pgString(comment)}`);
    }
    case "addColumn":
      return renderAddColumn(change);
    case "dropColumn":
      // CASCADE drops the views, triggers and foreign keys of other tables
      // that use the column; without it PostgreSQL refuses and names them.
      return one(
        `ALTER TABLE ${table} DROP COLUMN ${quoteIdent(change.column)}${
          change.cascade ? " CASCADE" : ""
        }`,
      );
    case "alterColumn":
      return renderAlterColumn(change);
    case "createIndex":
      return renderCreateIndex(change, ctx);
    case "dropIndex":
      return renderDropIndex(change, ctx);
    case "createForeignKey": {
      const ref = referencesClause(
        { ...change, table: change.refTable, columns: change.refColumns },
        change.schema,
      );
      return one(
        `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(change.name)} ` +
          `FOREIGN KEY ${identList(change.columns)} ${ref}`,
      );
    }
    case "createUniqueConstraint":
      return one(
        `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(change.name)} ` +
          `UNIQUE ${identList(change.columns)}`,
      );
    case "createCheckConstraint":
      return one(
        `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(change.name)} CHECK (${change.expr})`,
      );
    case "dropConstraint":
      return one(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(change.name)}`);
    case "createEnum":
      return one(
        `CREATE TYPE ${qualify(change.name, change.schema)} AS ENUM ` +
          `(${change.values.map(pgString).join(", ")})`,
      );
    case "dropEnum":
      return one(`DROP TYPE ${qualify(change.name, change.schema)}`);
    case "addEnumValue":
    case "renameEnumValue":
    case "dropEnumValue":
    case "alterEnum":
      return renderEnumValueChange(change);
    case "execute":
      return renderExecute(change);
    case "bulkInsert":
      return renderBulkInsert(change, { copy: ctx.offline === false });
    default:
      return assertNever(change);
  }
}

/**
 * Renders one change to PostgreSQL statements.
 *
 * @param change The recorded change.
 * @param ctx The render context (`transactional` matters for `concurrently`).
 * @returns The statements, in execution order.
 * @throws {StrataError} For an implausible column type, or `concurrently: true`
 *   in a transactional migration.
 *
 * @example Adding a column
 * ```ts
 * import assert from "node:assert/strict";
 * import { render } from "./render.ts";
 * const ctx = { transactional: true, query: () => Promise.resolve([]) };
 * const [stmt] = await render(
 *   { kind: "addColumn", table: "users", column: { name: "bio", type: "text", nullable: true } },
 *   ctx,
 * );
 * assert.equal(stmt?.sql, "ALTER TABLE users ADD COLUMN bio text");
 * ```
 */
export function render(change: Change, ctx: RenderContext): Promise<Statement[]> {
  try {
    return Promise.resolve(renderChange(change, ctx));
  } catch (e) {
    return Promise.reject(e);
  }
}
