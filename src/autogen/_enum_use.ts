/**
 * Where an enum is used, and whether a step of a migration could use its
 * values: what decides, on a database that cannot use a value
 * `addEnumValue` added before the migration commits, that values are added
 * by `alterEnum` instead, and whether additions and removals need steps of
 * their own. Private to `src/autogen/`.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import type { Schema } from "../schema/model.ts";

/** Where an enum is used, for {@linkcode touchesEnum}. */
export interface EnumUse {
  /** The enum. */
  name: string;
  /** `table\0column` of every column of the enum, on either side, under current and declared names. */
  columns: ReadonlySet<string>;
  /** Tables with such a column. */
  tables: ReadonlySet<string>;
  /** Its new values as SQL string literals (`'happy'`), to find in expressions. */
  literals: readonly string[];
}

/**
 * Tells whether a change could use an enum's values: it makes, changes or
 * constrains a column of the enum (a new table with one, a new column of it,
 * any change to one, an index, key or check on its table), or spells out one
 * of its values in an expression. Conservative on purpose: it decides when
 * values added in the same migration must be usable before it commits.
 *
 * @param change A step of the migration.
 * @param use Where the enum is used.
 * @returns `true` when the change may use the enum.
 */
export function touchesEnum(change: Change, use: EnumUse): boolean {
  const type = `enum:${use.name}`;
  const column = (table: string, col: string) => use.columns.has(`${table}\0${col}`);
  const spells = (expr: string | undefined) =>
    expr !== undefined && use.literals.some((l) => expr.includes(l));
  const sqlDefault = (v: unknown) =>
    typeof v === "object" && v !== null && "$sql" in v && spells(String(v.$sql));
  switch (change.kind) {
    case "createTable":
      return change.columns.some((c) =>
        c.type === type || sqlDefault(c.default) || spells(c.check)
      ) || change.checks.some((k) => spells(k.expr));
    case "addColumn":
      return change.column.type === type || sqlDefault(change.column.default) ||
        spells(change.column.check);
    case "alterColumn":
      return column(change.table, change.column) || change.patch.type === type ||
        sqlDefault(change.patch.default);
    case "createIndex":
      return change.columns.some((c) => column(change.table, c)) ||
        change.where !== undefined && (use.tables.has(change.table) || spells(change.where));
    case "createUniqueConstraint":
    case "createForeignKey":
      return change.columns.some((c) => column(change.table, c));
    case "createCheckConstraint":
      return use.tables.has(change.table) || spells(change.expr);
    default:
      return false;
  }
}

/**
 * Where an enum is used on either side: its columns, under their current
 * names and the names they will have, their tables, and its new values as
 * SQL literals.
 *
 * @param edit The enum and its two lists of values.
 * @param schemas The two sides.
 * @param declared A column's other names (table and column renames), by its name on a side.
 * @returns Where the enum is used.
 */
export function enumUse(
  edit: { name: string; from: readonly string[]; to: readonly string[] },
  schemas: readonly Schema[],
  declared: (table: string, column: string) => [string, string][],
): EnumUse {
  const type = `enum:${edit.name}`;
  const columns = new Set<string>();
  const tables = new Set<string>();
  for (const s of schemas) {
    for (const t of s.tables) {
      for (const c of t.columns.filter((c) => c.type === type)) {
        for (const [table, col] of [[t.name, c.name], ...declared(t.name, c.name)]) {
          columns.add(`${table}\0${col}`);
          tables.add(table!);
        }
      }
    }
  }
  const added = edit.to.filter((v) => !edit.from.includes(v));
  return {
    name: edit.name,
    columns,
    tables,
    literals: added.map((v) => `'${v.replaceAll("'", "''")}'`),
  };
}
