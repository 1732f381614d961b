/**
 * How each change that alters an existing table is carried out: native
 * `ALTER TABLE` where SQLite allows it (sqlite.org/lang_altertable.html), or
 * an edit of the table's rebuild (`rebuild.ts`). Planning reads the table but
 * changes nothing; the session applies a rebuild edit to the table's pending
 * rebuild, so several changes share one copy.
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
  checkSql,
  columnDefinition,
  columnSql,
  enumCheck,
  type EnumLookup,
  foreignKeySql,
  uniqueSql,
} from "./_ddl.ts";
import {
  type ColumnText,
  type ConstraintText,
  findColumn,
  primaryKeyColumns,
  rowidAlias,
  type TableText,
} from "./_table_text.ts";
import { edit } from "./_table_edit.ts";
import { setText, type TableEdit } from "./rebuild.ts";
import {
  declaredType,
  defaultClause,
  defaultSql,
  enumName,
  isConstantDefault,
  strictType,
} from "./types.ts";

/** How one change is carried out. */
export type Plan =
  | {
    kind: "native";
    statements: Statement[];
    /** Lines to report when the change is carried out (cascade drops). */
    warnings?: string[];
  }
  | {
    kind: "rebuild";
    /** Edits the table's pending rebuild. */
    apply(t: TableEdit): void;
    /** Statements that must follow the rebuild (a native rename). */
    after?: Statement[];
    warnings?: string[];
  };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * A column of the table being edited, or an error naming it.
 *
 * @param t The table.
 * @param column Column name.
 * @returns The column.
 * @throws {StrataError} When there is no such column.
 */
export function columnOf(t: TableEdit, column: string): ColumnText {
  const col = findColumn(t.text, column);
  if (!col) {
    throw new StrataError(`Cannot alter column "${t.table}.${column}": no such column`);
  }
  return col;
}

async function count(ctx: RenderContext, sql: string): Promise<number> {
  const [row] = await ctx.query(sql);
  return Number(row?.n ?? 0);
}

/** The declared type for `type` in this table (STRICT tables take only their six names). */
function typeFor(text: TableText, type: string): string {
  return text.strict ? strictType(type) : declaredType(type);
}

/**
 * `addColumn`: native unless the column is a key, unique, NOT NULL without a
 * default, has a non-constant default, or references a table with a non-NULL default.
 *
 * @param change The change.
 * @param ctx Render context.
 * @param t The table as it stands (its pending rebuild, or as read).
 * @param enums Enum lookup.
 * @returns The plan.
 */
export async function planAddColumn(
  change: ChangeOf<"addColumn">,
  ctx: RenderContext,
  t: TableEdit,
  enums: EnumLookup,
): Promise<Plan> {
  const col = await columnSql(change.column, enums);
  if (t.text.strict && !col.autoIncrement) col.type = strictType(change.column.type);
  const def = col.default;
  const native = !change.column.primaryKey && !col.unique && !col.autoIncrement &&
    (!col.notNull || (def !== null && def.toUpperCase() !== "NULL")) &&
    (def === null || isConstantDefault(def)) &&
    !(col.references && def !== null && def.toUpperCase() !== "NULL");
  const table = quoteIdent(t.table);
  if (native) {
    return {
      kind: "native",
      statements: [{ sql: `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(col)}` }],
    };
  }
  if (col.notNull && def === null) {
    const n = await count(ctx, `SELECT count(*) AS n FROM ${table}`);
    if (n > 0) {
      throw new StrataError(
        `Cannot add NOT NULL column "${change.table}.${col.name}" without a default: ` +
          `the table has ${plural(n, "row")}`,
        { hint: "give the column a default, or add it nullable, fill it, then alter it" },
      );
    }
  }
  const primaryKey = change.column.primaryKey === true;
  if (primaryKey) {
    if (primaryKeyColumns(t.text).length) {
      throw new StrataError(
        `Cannot add primary-key column "${change.table}.${col.name}": the table has a primary key`,
      );
    }
    col.notNull = true; // as createTable writes a key column (see render.ts)
  }
  const definition = columnDefinition(col, primaryKey);
  return {
    kind: "rebuild",
    apply(t) {
      setText(t, edit.addColumn(t.text, definition));
      t.added.add(col.name.toLowerCase());
    },
  };
}

/** Removes every constraint of a column that `match` selects, one at a time. */
function removeColumnConstraints(
  t: TableEdit,
  column: string,
  match: (c: ConstraintText) => boolean,
): void {
  for (;;) {
    const col = findColumn(t.text, column);
    const c = col?.constraints.find(match);
    if (!c) return;
    setText(t, edit.removeConstraint(t.text, c));
  }
}

/** Whether a column's type has INTEGER affinity (sqlite.org/datatype3.html §3.1). */
function integerAffinity(declared: string): boolean {
  return /INT/i.test(declared);
}

/**
 * `alterColumn`: a rename alone is native `RENAME COLUMN` (SQLite rewrites
 * the indexes, triggers and views that use the column, as PostgreSQL does);
 * type, nullability and default edit the rebuild, and a rename with them
 * follows the rebuild natively.
 *
 * @param change The change.
 * @param ctx Render context.
 * @param t The table as it stands.
 * @param enums Enum lookup.
 * @returns The plan.
 * @throws {StrataError} For a missing column, or NOT NULL over rows that hold NULL.
 */
export async function planAlterColumn(
  change: ChangeOf<"alterColumn">,
  ctx: RenderContext,
  t: TableEdit,
  enums: EnumLookup,
): Promise<Plan> {
  const { patch } = change;
  const table = quoteIdent(t.table);
  const rename: Statement[] = patch.rename === undefined ? [] : [{
    sql: `ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(change.column)} TO ${
      quoteIdent(patch.rename)
    }`,
  }];
  const hasDefault = "default" in patch;
  if (patch.type === undefined && patch.nullable === undefined && !hasDefault) {
    return { kind: "native", statements: rename };
  }
  const col = columnOf(t, change.column);
  const name = col.name;
  const notNull = col.constraints.some((k) => k.kind === "notNull");
  if (patch.nullable === false && !notNull) {
    const n = await count(
      ctx,
      `SELECT count(*) AS n FROM ${table} WHERE ${quoteIdent(name)} IS NULL`,
    );
    if (n > 0) {
      throw new StrataError(
        `Cannot make column "${change.table}.${name}" NOT NULL: ${plural(n, "row")} ${
          n === 1 ? "holds" : "hold"
        } NULL`,
        { hint: "fill them first (op.execute an UPDATE), then alter the column" },
      );
    }
  }
  let type: string | undefined;
  let enumConstraint: string | undefined;
  if (patch.type !== undefined) {
    const autoIncrement = col.constraints.some((k) => k.kind === "primaryKey" && k.autoIncrement);
    const declared = typeFor(t.text, patch.type);
    // The rowid alias must stay `INTEGER` (sqlite.org/lang_createtable.html#rowid):
    // another integer type name would turn it into an ordinary column.
    const alias = rowidAlias(t.text);
    const keepAlias = (alias !== undefined && same(alias, name) && integerAffinity(declared)) ||
      autoIncrement;
    type = keepAlias ? col.typeText : declared;
    const e = enumName(patch.type);
    if (e !== undefined) enumConstraint = checkSql(enumCheck(name, e, await enums(e)));
  }
  let defaultText: string | null | undefined;
  if (hasDefault) {
    const value = patch.default;
    defaultText = value === null || value === undefined
      ? null
      : defaultClause(defaultSql(value, patch.type ?? col.typeText));
  }
  return {
    kind: "rebuild",
    after: rename,
    apply(t) {
      const current = () => columnOf(t, name);
      if (type !== undefined) {
        if (current().typeText !== type) setText(t, edit.setType(t.text, current(), type));
        removeColumnConstraints(
          t,
          name,
          (k) => k.kind === "check" && (k.name?.startsWith("enum:") ?? false),
        );
        if (enumConstraint) {
          setText(t, edit.addColumnConstraint(t.text, current(), enumConstraint, "end"));
        }
        t.retyped.add(name.toLowerCase());
      }
      if (patch.nullable === false && !current().constraints.some((k) => k.kind === "notNull")) {
        removeColumnConstraints(t, name, (k) => k.kind === "null");
        setText(t, edit.addColumnConstraint(t.text, current(), "NOT NULL", "afterType"));
      } else if (patch.nullable === true) {
        removeColumnConstraints(t, name, (k) => k.kind === "notNull");
      }
      if (defaultText !== undefined) {
        const existing = current().constraints.find((k) => k.kind === "default");
        if (existing && defaultText !== null) {
          const prefix = existing.name === null ? "" : `CONSTRAINT ${quoteIdent(existing.name)} `;
          setText(t, edit.replaceConstraint(t.text, existing, prefix + defaultText));
        } else if (existing) {
          removeColumnConstraints(t, name, (k) => k.kind === "default");
        } else if (defaultText !== null) {
          setText(t, edit.addColumnConstraint(t.text, current(), defaultText, "end"));
        }
      }
    },
  };
}

/** Every named constraint of the table (column or table level). */
function namedConstraints(text: TableText): ConstraintText[] {
  return [...text.columns.flatMap((c) => c.constraints), ...text.constraints].filter((k) =>
    k.name !== null
  );
}

/**
 * The constraint changes: each edits the rebuild, adding the constraint
 * after the table's last item or removing the named one.
 *
 * @param change The change.
 * @param t The table as it stands.
 * @returns The plan.
 * @throws {StrataError} When a dropped constraint is missing or a new name is taken.
 */
export function planConstraint(
  change: ChangeOf<
    "createForeignKey" | "createUniqueConstraint" | "createCheckConstraint" | "dropConstraint"
  >,
  t: TableEdit,
): Plan {
  const has = (k: ConstraintText) => k.name !== null && same(k.name, change.name);
  const exists = namedConstraints(t.text).some(has);
  if (change.kind === "dropConstraint") {
    if (!exists) {
      throw new StrataError(
        `Cannot drop constraint "${change.name}" on table "${change.table}": no such constraint`,
        { hint: "SQLite keeps names only of constraints declared with CONSTRAINT name" },
      );
    }
    return {
      kind: "rebuild",
      apply(t) {
        for (;;) {
          const k = namedConstraints(t.text).find(has);
          if (!k) return;
          setText(t, edit.removeConstraint(t.text, k));
        }
      },
    };
  }
  if (exists) {
    throw new StrataError(
      `Cannot create constraint "${change.name}" on table "${change.table}": the name is taken`,
    );
  }
  let definition: string;
  if (change.kind === "createForeignKey") {
    definition = foreignKeySql({
      name: change.name,
      columns: change.columns,
      refTable: change.refTable,
      refColumns: change.refColumns,
      onDelete: actionText(change.onDelete),
      onUpdate: actionText(change.onUpdate),
    });
  } else if (change.kind === "createUniqueConstraint") {
    definition = uniqueSql({ name: change.name, columns: change.columns });
  } else {
    definition = checkSql({ name: change.name, expr: change.expr });
  }
  return {
    kind: "rebuild",
    apply(t) {
      setText(t, edit.addTableConstraint(t.text, definition));
    },
  };
}
