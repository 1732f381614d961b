/**
 * The changes that alter an existing table: native `ALTER TABLE` where SQLite
 * allows it (sqlite.org/lang_altertable.html), the rebuild otherwise.
 *
 * @module
 */
import type { ChangeOf } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import { plural } from "../../text.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent } from "../_common/quote.ts";
import {
  actionText,
  columnDefinition,
  type ColumnSql,
  columnSql,
  enumCheck,
  type EnumLookup,
  type TableSql,
} from "./_ddl.ts";
import { mentions } from "./_lexer.ts";
import { type CurrentTable, readCurrentTable, rebuildTable } from "./rebuild.ts";
import { declaredType, defaultSql, enumName, isConstantDefault } from "./types.ts";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function clone(spec: TableSql): TableSql {
  return structuredClone(spec);
}

function findColumn(current: CurrentTable, column: string): ColumnSql {
  const col = current.spec.columns.find((c) => same(c.name, column));
  if (!col) {
    throw new StrataError(`Cannot alter column "${current.spec.name}.${column}": no such column`);
  }
  return col;
}

async function count(ctx: RenderContext, sql: string): Promise<number> {
  const [row] = await ctx.query(sql);
  return Number(row?.n ?? 0);
}

/**
 * `addColumn`: native unless the column is a key, unique, NOT NULL without a
 * default, has a non-constant default, or references a table with a non-NULL default.
 *
 * @param change The change.
 * @param ctx Render context.
 * @param enums Enum lookup.
 * @returns The statements.
 */
export async function addColumn(
  change: ChangeOf<"addColumn">,
  ctx: RenderContext,
  enums: EnumLookup,
): Promise<Statement[]> {
  const col = await columnSql(change.column, enums);
  const def = col.default;
  const native = !change.column.primaryKey && !col.unique && !col.autoIncrement &&
    (!col.notNull || (def !== null && def.toUpperCase() !== "NULL")) &&
    (def === null || isConstantDefault(def)) &&
    !(col.references && def !== null && def.toUpperCase() !== "NULL");
  const t = quoteIdent(change.table);
  if (native) return [{ sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(col)}` }];
  const current = await readCurrentTable(ctx, change.table);
  if (col.notNull && def === null) {
    const n = await count(ctx, `SELECT count(*) AS n FROM ${t}`);
    if (n > 0) {
      throw new StrataError(
        `Cannot add NOT NULL column "${change.table}.${col.name}" without a default: ` +
          `the table has ${plural(n, "row")}`,
        { hint: "give the column a default, or add it nullable, fill it, then alter it" },
      );
    }
  }
  const next = clone(current.spec);
  next.columns.push(col);
  if (change.column.primaryKey) {
    if (next.primaryKey.length) {
      throw new StrataError(
        `Cannot add primary-key column "${change.table}.${col.name}": the table has a primary key`,
      );
    }
    next.primaryKey = [col.name];
    col.notNull = true; // as createTable writes a key column (see render.ts)
  }
  return rebuildTable(ctx, current, next);
}

/**
 * `dropColumn`: native `DROP COLUMN` unless the column is in a key, unique,
 * foreign key, check, index or trigger; then a rebuild that drops those too.
 *
 * @param change The change.
 * @param ctx Render context.
 * @returns The statements.
 */
export async function dropColumn(
  change: ChangeOf<"dropColumn">,
  ctx: RenderContext,
): Promise<Statement[]> {
  const current = await readCurrentTable(ctx, change.table);
  const name = findColumn(current, change.column).name;
  const spec = current.spec;
  const inList = (cols: string[]) => cols.some((c) => same(c, name));
  const entangled = inList(spec.primaryKey) || spec.uniques.some((u) => inList(u.columns)) ||
    spec.foreignKeys.some((f) => inList(f.columns)) ||
    spec.checks.some((c) => mentions(c.expr, name)) ||
    [...current.indexes, ...current.triggers].some((o) => mentions(o.sql, name));
  if (!entangled) {
    return [{ sql: `ALTER TABLE ${quoteIdent(spec.name)} DROP COLUMN ${quoteIdent(name)}` }];
  }
  const next = clone(spec);
  next.columns = next.columns.filter((c) => c.name !== name);
  next.primaryKey = next.primaryKey.filter((c) => !same(c, name));
  next.uniques = next.uniques.filter((u) => !inList(u.columns));
  next.foreignKeys = next.foreignKeys.filter((f) => !inList(f.columns));
  next.checks = next.checks.filter((c) => !mentions(c.expr, name));
  return rebuildTable(ctx, current, next, { dropped: [name] });
}

/**
 * `alterColumn`: a rename alone is native `RENAME COLUMN`; type, nullability
 * and default need a rebuild (then the rename follows natively, so SQLite
 * rewrites indexes, triggers and views that use the old name).
 *
 * @param change The change.
 * @param ctx Render context.
 * @param enums Enum lookup.
 * @returns The statements.
 */
export async function alterColumn(
  change: ChangeOf<"alterColumn">,
  ctx: RenderContext,
  enums: EnumLookup,
): Promise<Statement[]> {
  const { patch } = change;
  const t = quoteIdent(change.table);
  const rename = patch.rename === undefined ? [] : [{
    sql: `ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.column)} TO ${
      quoteIdent(patch.rename)
    }`,
  }];
  if (patch.type === undefined && patch.nullable === undefined && !("default" in patch)) {
    return rename;
  }
  const current = await readCurrentTable(ctx, change.table);
  const next = clone(current.spec);
  const col = next.columns.find((c) => same(c.name, change.column));
  if (!col) findColumn(current, change.column);
  if (!col) return [];
  if (patch.type !== undefined) {
    col.type = col.autoIncrement ? "INTEGER" : declaredType(patch.type);
    col.checks = col.checks.filter((c) => !c.name?.startsWith("enum:"));
    const e = enumName(patch.type);
    if (e !== undefined) col.checks.push(enumCheck(col.name, e, await enums(e)));
  }
  if (patch.nullable === false && !col.notNull) {
    const n = await count(
      ctx,
      `SELECT count(*) AS n FROM ${t} WHERE ${quoteIdent(col.name)} IS NULL`,
    );
    if (n > 0) {
      throw new StrataError(
        `Cannot make column "${change.table}.${col.name}" NOT NULL: ${plural(n, "row")} ${
          n === 1 ? "holds" : "hold"
        } NULL`,
        { hint: "fill them first (op.execute an UPDATE), then alter the column" },
      );
    }
  }
  if (patch.nullable !== undefined) col.notNull = !patch.nullable;
  if ("default" in patch) {
    const value = patch.default;
    col.default = value === null || value === undefined
      ? null
      : defaultSql(value, patch.type ?? col.type);
  }
  return [...await rebuildTable(ctx, current, next), ...rename];
}

/**
 * The constraint changes: all rebuild the table with the constraint added or
 * removed (named constraints are written `CONSTRAINT name …`).
 *
 * @param change The change.
 * @param ctx Render context.
 * @returns The statements.
 */
export async function alterConstraint(
  change: ChangeOf<
    "createForeignKey" | "createUniqueConstraint" | "createCheckConstraint" | "dropConstraint"
  >,
  ctx: RenderContext,
): Promise<Statement[]> {
  const current = await readCurrentTable(ctx, change.table);
  const next = clone(current.spec);
  const has = (n: string | null) => n !== null && same(n, change.name);
  const exists = next.uniques.some((u) => has(u.name)) || next.checks.some((c) => has(c.name)) ||
    next.foreignKeys.some((f) => has(f.name));
  if (change.kind === "dropConstraint") {
    if (!exists) {
      throw new StrataError(
        `Cannot drop constraint "${change.name}" on table "${change.table}": no such constraint`,
        { hint: "SQLite keeps names only of constraints declared with CONSTRAINT name" },
      );
    }
    next.uniques = next.uniques.filter((u) => !has(u.name));
    next.checks = next.checks.filter((c) => !has(c.name));
    next.foreignKeys = next.foreignKeys.filter((f) => !has(f.name));
    return rebuildTable(ctx, current, next);
  }
  if (exists) {
    throw new StrataError(
      `Cannot create constraint "${change.name}" on table "${change.table}": the name is taken`,
    );
  }
  if (change.kind === "createForeignKey") {
    next.foreignKeys.push({
      name: change.name,
      columns: change.columns,
      refTable: change.refTable,
      refColumns: change.refColumns,
      onDelete: actionText(change.onDelete),
      onUpdate: actionText(change.onUpdate),
    });
  } else if (change.kind === "createUniqueConstraint") {
    next.uniques.push({ name: change.name, columns: change.columns });
  } else {
    next.checks.push({ name: change.name, expr: change.expr });
  }
  return rebuildTable(ctx, current, next);
}
