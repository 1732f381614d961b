/**
 * The table definition both `createTable` and the rebuild write: a small
 * SQL-level shape (declared types, default texts) and its `CREATE TABLE`.
 *
 * @module
 */
import type { ColumnDef, ColumnRef, RefAction } from "../../changes/change.ts";
import { StrataError } from "../../errors.ts";
import { quoteIdent, quoteString } from "../_common/quote.ts";
import { declaredType, defaultClause, defaultSql, enumName } from "./types.ts";

/** A named or unnamed CHECK. */
export interface CheckSql {
  name: string | null;
  expr: string;
}

/** A foreign key, SQL level. */
export interface ForeignKeySql {
  name: string | null;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

/** One column, SQL level. */
export interface ColumnSql {
  name: string;
  /** Declared type text. */
  type: string;
  notNull: boolean;
  /** Default text as introspection reports it, or `null`. */
  default: string | null;
  autoIncrement: boolean;
  collate: string | null;
  /** Unnamed inline UNIQUE. */
  unique: boolean;
  /** Inline checks (the enum check lives here). */
  checks: CheckSql[];
  /** Inline `REFERENCES`. */
  references: ColumnRef | null;
}

/** A whole table, SQL level. */
export interface TableSql {
  name: string;
  columns: ColumnSql[];
  primaryKey: string[];
  uniques: { name: string | null; columns: string[] }[];
  checks: CheckSql[];
  foreignKeys: ForeignKeySql[];
  /** Table options after the parenthesis (`WITHOUT ROWID`, `STRICT`), or "". */
  options: string;
}

/** Looks up an enum's values; throws when the enum is unknown. */
export type EnumLookup = (name: string) => Promise<string[]>;

function list(names: readonly string[]): string {
  return names.map(quoteIdent).join(", ");
}

function actions(onDelete: string | undefined, onUpdate: string | undefined): string {
  const del = onDelete && onDelete !== "no action" ? ` ON DELETE ${onDelete.toUpperCase()}` : "";
  const upd = onUpdate && onUpdate !== "no action" ? ` ON UPDATE ${onUpdate.toUpperCase()}` : "";
  return del + upd;
}

function named(name: string | null): string {
  return name === null ? "" : `CONSTRAINT ${quoteIdent(name)} `;
}

/**
 * The CHECK of an `enum:NAME` column, named after the enum so introspection
 * can report the column's type back as `enum:NAME`.
 *
 * @param column Column name.
 * @param name Enum name.
 * @param values Enum values.
 * @returns The check.
 */
export function enumCheck(column: string, name: string, values: readonly string[]): CheckSql {
  return {
    name: `enum:${name}`,
    expr: `${quoteIdent(column)} IN (${values.map(quoteString).join(", ")})`,
  };
}

/**
 * Converts a recorded column to its SQL-level shape.
 *
 * @param col The column definition.
 * @param enums Looks up enum values for `enum:NAME` types.
 * @returns The column.
 * @throws {StrataError} For an unknown type or enum.
 */
export async function columnSql(col: ColumnDef, enums: EnumLookup): Promise<ColumnSql> {
  const checks: CheckSql[] = [];
  const enumType = enumName(col.type);
  if (enumType !== undefined) checks.push(enumCheck(col.name, enumType, await enums(enumType)));
  if (col.check !== undefined) checks.push({ name: null, expr: col.check });
  return {
    name: col.name,
    type: col.autoIncrement ? "INTEGER" : declaredType(col.type),
    notNull: !col.nullable,
    default: col.default === undefined ? null : defaultSql(col.default, col.type),
    autoIncrement: col.autoIncrement ?? false,
    collate: null,
    unique: col.unique ?? false,
    checks,
    references: col.references ?? null,
  };
}

/**
 * Writes one column definition.
 *
 * @param col The column.
 * @param primaryKey Whether to write an inline `PRIMARY KEY`.
 * @returns The definition text.
 */
export function columnDefinition(col: ColumnSql, primaryKey = false): string {
  const parts = [quoteIdent(col.name)];
  if (col.type) parts.push(col.type);
  if (col.notNull) parts.push("NOT NULL");
  if (primaryKey) parts.push(col.autoIncrement ? "PRIMARY KEY AUTOINCREMENT" : "PRIMARY KEY");
  if (col.unique) parts.push("UNIQUE");
  if (col.default !== null) parts.push(defaultClause(col.default));
  if (col.collate !== null) {
    const bare = /^[A-Za-z_][A-Za-z0-9_]*$/.test(col.collate);
    parts.push(`COLLATE ${bare ? col.collate : quoteIdent(col.collate)}`);
  }
  for (const c of col.checks) parts.push(checkSql(c));
  const ref = col.references;
  if (ref) {
    parts.push(
      `REFERENCES ${quoteIdent(ref.table)} (${quoteIdent(ref.column)})` +
        actions(ref.onDelete, ref.onUpdate),
    );
  }
  return parts.join(" ");
}

/**
 * Writes `CREATE TABLE` for a table shape. A one-column primary key is
 * written inline (so `INTEGER PRIMARY KEY [AUTOINCREMENT]` is the rowid
 * alias); a composite one as a table constraint.
 *
 * @param table The shape.
 * @param options `name` overrides the table name (the rebuild's `_strata_new_`), `ifNotExists`.
 * @returns The statement text.
 * @throws {StrataError} When AUTOINCREMENT is asked for without a single INTEGER primary key.
 */
export function createTableSql(
  table: TableSql,
  options: { name?: string; ifNotExists?: boolean } = {},
): string {
  const inlinePk = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  for (const col of table.columns) {
    if (col.autoIncrement && (inlinePk !== col.name || !/^integer$/i.test(col.type))) {
      throw new StrataError(
        `Cannot create table "${table.name}": autoIncrement column "${col.name}" must be ` +
          `the table's only primary-key column`,
        { hint: "SQLite auto-increments only an INTEGER PRIMARY KEY (the rowid alias)" },
      );
    }
  }
  const lines = table.columns.map((c) => columnDefinition(c, c.name === inlinePk));
  if (table.primaryKey.length > 1) lines.push(`PRIMARY KEY (${list(table.primaryKey)})`);
  for (const u of table.uniques) lines.push(uniqueSql(u));
  for (const c of table.checks) lines.push(checkSql(c));
  for (const fk of table.foreignKeys) lines.push(foreignKeySql(fk));
  const head = `CREATE TABLE ${options.ifNotExists ? "IF NOT EXISTS " : ""}` +
    quoteIdent(options.name ?? table.name);
  return `${head} (\n  ${lines.join(",\n  ")}\n)${table.options ? " " + table.options : ""}`;
}

/**
 * Writes a table-level UNIQUE constraint.
 *
 * @param u The constraint.
 * @returns `[CONSTRAINT name ]UNIQUE (cols)`.
 */
export function uniqueSql(u: { name: string | null; columns: string[] }): string {
  return `${named(u.name)}UNIQUE (${list(u.columns)})`;
}

/**
 * Writes a CHECK constraint.
 *
 * @param c The constraint.
 * @returns `[CONSTRAINT name ]CHECK (expr)`.
 */
export function checkSql(c: CheckSql): string {
  return `${named(c.name)}CHECK (${c.expr})`;
}

/**
 * Writes a table-level FOREIGN KEY constraint.
 *
 * @param fk The constraint.
 * @returns `[CONSTRAINT name ]FOREIGN KEY (cols) REFERENCES t (cols)[ ON DELETE …][ ON UPDATE …]`.
 */
export function foreignKeySql(fk: ForeignKeySql): string {
  return `${named(fk.name)}FOREIGN KEY (${list(fk.columns)}) REFERENCES ` +
    `${quoteIdent(fk.refTable)} (${list(fk.refColumns)})${actions(fk.onDelete, fk.onUpdate)}`;
}

/**
 * Normalises a referential action for comparison and output.
 *
 * @param action A recorded action or a pragma's `NO ACTION`.
 * @returns The lower-case action, `no action` when absent.
 */
export function actionText(action: RefAction | string | undefined): string {
  return (action ?? "no action").toLowerCase();
}
