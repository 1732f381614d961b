/**
 * The enum-value changes on SQLite (`addEnumValue`, `renameEnumValue`,
 * `dropEnumValue`, `alterEnum`). An enum lives in two places: its row in
 * `_strata_enums` (`enums.ts`) and the `CONSTRAINT "enum:NAME" CHECK (col IN
 * (…))` of every column of type `enum:NAME`. A change updates the row and
 * rewrites each such CHECK through the table rebuild (`rebuild.ts`), one
 * rebuild per table, which the session (`session.ts`) batches with the
 * table's other rebuilds in the migration. Everything else in each table's
 * text, and every other object in `sqlite_master`, keeps its text.
 *
 * To end with the same data as PostgreSQL, where a label is renamed in
 * place: a rename rewrites the rows holding the old value (in the rebuild's
 * copy) and a column default equal to it. A removal fails, changing nothing,
 * while a row or a column default holds the value, with the message
 * PostgreSQL gives (`changes/enum_values.ts`): checked when rendering
 * (live, or offline on the replayed shadow) and again by statements in the
 * script, which fail on the real database's rows.
 *
 * @module
 */
import type { EnumValueChange } from "../../changes/change.ts";
import {
  applyEnumChange,
  DEFAULT_VALUE_HINT,
  defaultValueMessage,
  type EnumListChange,
  HELD_VALUE_HINT,
  heldValueMessage,
} from "../../changes/enum_values.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent, quoteString } from "../_common/quote.ts";
import { checkSql, enumCheck, type EnumLookup } from "./_ddl.ts";
import {
  type ColumnText,
  type ConstraintText,
  findColumn,
  parseTableText,
  type TableText,
} from "./_table_text.ts";
import { edit } from "./_table_edit.ts";
import { copyExpr, setText, type TableEdit } from "./rebuild.ts";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** What one enum-value change does on this database. */
export interface EnumPlan {
  /** The new list and what it removes or renames; `null` when nothing changes. */
  list: EnumListChange | null;
  /** The tables (names as stored) with a column of the enum, sorted. */
  tables: string[];
}

function enumConstraint(col: ColumnText, name: string): ConstraintText | undefined {
  return col.constraints.find((k) => k.kind === "check" && k.name === `enum:${name}`);
}

/** The columns of a table text whose type is `enum:NAME`. */
function enumColumns(text: TableText, name: string): ColumnText[] {
  return text.columns.filter((c) => enumConstraint(c, name) !== undefined);
}

/**
 * The tables with a column of type `enum:NAME`. A table held for a rebuild
 * is judged by its edited text (it may have gained or lost such a column).
 */
async function enumTables(
  ctx: RenderContext,
  name: string,
  held: TableEdit | undefined,
): Promise<string[]> {
  const rows = await ctx.query(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%enum:%'
       AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
       AND name NOT LIKE '\\_strata\\_%' ESCAPE '\\'
     ORDER BY name`,
  );
  const found: string[] = [];
  for (const r of rows) {
    const table = String(r.name);
    if (held && same(table, held.table)) continue;
    if (enumColumns(parseTableText(String(r.sql)), name).length) found.push(table);
  }
  if (held && enumColumns(held.text, name).length) found.push(held.table);
  return found.sort();
}

/**
 * Plans an enum-value change: the new list (from the enum's values as the
 * migration has left them so far) and the tables it touches.
 *
 * @param change The change.
 * @param ctx Where to read.
 * @param lookup The enum's current values (the session's, which may not be written yet).
 * @param held The table the session holds for a rebuild, if any.
 * @returns The plan.
 * @throws {StrataError} For an unknown enum, or a change that does not fit its values.
 */
export async function planEnumChange(
  change: EnumValueChange,
  ctx: RenderContext,
  lookup: EnumLookup,
  held: TableEdit | undefined,
): Promise<EnumPlan> {
  const list = applyEnumChange(await lookup(change.name), change);
  if (list === null) return { list, tables: [] };
  return { list, tables: await enumTables(ctx, change.name, held) };
}

/** A column whose copied rows must not hold a removed value. */
export interface HeldCheck {
  table: string;
  column: string;
  /** The copy's expression for the column, over the table as it is now. */
  expr: string;
}

function defaultOf(t: TableEdit, col: ColumnText): { k: ConstraintText; text: string } | undefined {
  const k = col.constraints.find((c) => c.kind === "default");
  if (!k?.expr) return undefined;
  return { k, text: t.text.sql.slice(k.expr.start, k.expr.end) };
}

/** Adds `from → to` after the renames a table's copy already makes. */
function composeRename(map: Map<string, string>, from: string, to: string): void {
  for (const [k, v] of map) if (v === from) map.set(k, to);
  if (!map.has(from)) map.set(from, to);
  for (const [k, v] of map) if (k === v) map.delete(k);
}

/**
 * Prepares one table's part of an enum-value change.
 *
 * @param t The table (held for a rebuild, or just read).
 * @param name The enum.
 * @param list What the change does to its values.
 * @returns The columns whose rows must not hold a removed value, and the
 *   edit of the table's text (CHECKs, a renamed default, the copy's renames).
 * @throws {StrataError} When a column default is a value being removed.
 */
export function prepareEnumTable(
  t: TableEdit,
  name: string,
  list: EnumListChange,
): { checks: HeldCheck[]; apply(): void } {
  const columns = enumColumns(t.text, name).map((c) => c.name);
  const copied = (c: string) => !t.added.has(c.toLowerCase()) && !!findColumn(t.original, c);
  for (const c of columns) {
    const def = defaultOf(t, findColumn(t.text, c)!);
    const value = list.removed.find((v) => def?.text === quoteString(v));
    if (value !== undefined) {
      throw new StrataError(defaultValueMessage(name, value, t.table, c), {
        hint: DEFAULT_VALUE_HINT,
      });
    }
  }
  const checks = list.removed.length === 0 ? [] : columns.filter(copied).map((c) => ({
    table: t.table,
    column: c,
    expr: copyExpr(t, c),
  }));
  return {
    checks,
    apply() {
      for (const c of columns) {
        const col = () => findColumn(t.text, c)!;
        const k = enumConstraint(col(), name)!;
        const check = checkSql(enumCheck(col().name, name, list.values));
        if (t.text.sql.slice(k.start, k.end) !== check) {
          setText(t, edit.replaceConstraint(t.text, k, check));
        }
        const renamed = list.renamed;
        if (renamed === undefined) continue;
        const def = defaultOf(t, col());
        if (def && def.text === quoteString(renamed.from) && def.k.expr) {
          const sql = t.text.sql;
          const text = sql.slice(def.k.start, def.k.expr.start) + quoteString(renamed.to) +
            sql.slice(def.k.expr.end, def.k.end);
          setText(t, edit.replaceConstraint(t.text, def.k, text));
        }
        if (copied(c)) {
          t.remap ??= new Map();
          const map = t.remap.get(c.toLowerCase()) ?? new Map<string, string>();
          composeRename(map, renamed.from, renamed.to);
          t.remap.set(c.toLowerCase(), map);
        }
      }
    },
  };
}

/**
 * Fails, as the script's guard would, when rows hold a value being removed
 * (read where the statements go: live, the migration's transaction).
 *
 * @param ctx Where to read.
 * @param name The enum.
 * @param checks The columns to look at.
 * @param removed The values being removed.
 * @throws {StrataError} Naming the enum, the value and the column.
 */
export async function checkHeldValues(
  ctx: RenderContext,
  name: string,
  checks: readonly HeldCheck[],
  removed: readonly string[],
): Promise<void> {
  if (removed.length === 0) return;
  const list = removed.map(quoteString).join(", ");
  for (const c of checks) {
    const [row] = await ctx.query(
      `SELECT ${c.expr} AS v FROM ${quoteIdent(c.table)} WHERE ${c.expr} IN (${list}) LIMIT 1`,
    );
    if (row) {
      throw new StrataError(heldValueMessage(name, String(row.v), c.table, c.column), {
        hint: HELD_VALUE_HINT,
      });
    }
  }
}

const GUARD = "temp._strata_enum_guard";

/**
 * Statements that fail when rows hold a value being removed, naming the
 * enum, the value and the column. SQL cannot raise an error outside a
 * trigger, so each (column, value) is a column of a temporary table whose
 * named CHECK rejects `1`; SQLite reports the first failing CHECK's name,
 * which is the message.
 *
 * @param name The enum.
 * @param checks The columns (as they are before the rebuild).
 * @param removed The values being removed.
 * @returns The statements (none when nothing is removed).
 */
export function heldValueGuard(
  name: string,
  checks: readonly HeldCheck[],
  removed: readonly string[],
): Statement[] {
  const parts = checks.flatMap((c) =>
    removed.map((v) => ({
      message: heldValueMessage(name, v, c.table, c.column),
      held: `(SELECT EXISTS (SELECT 1 FROM ${quoteIdent(c.table)} WHERE ${c.expr} = ${
        quoteString(v)
      }))`,
    }))
  );
  if (parts.length === 0) return [];
  const columns = parts.map((p, i) =>
    `c${i} INTEGER CONSTRAINT ${quoteIdent(p.message)} CHECK (c${i} = 0)`
  );
  return [
    { sql: `DROP TABLE IF EXISTS ${GUARD}` },
    { sql: `CREATE TEMP TABLE _strata_enum_guard (${columns.join(", ")})` },
    { sql: `INSERT INTO ${GUARD} VALUES (${parts.map((p) => p.held).join(", ")})` },
    { sql: `DROP TABLE ${GUARD}` },
  ];
}
