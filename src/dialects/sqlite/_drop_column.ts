/**
 * `dropColumn` on SQLite: finds what really uses the column (identifiers
 * resolved as SQLite resolves them, `_deps.ts`), refuses when something
 * does, and with `cascade: true` drops those dependents with a warning.
 *
 * What counts as a dependent, as PostgreSQL counts it for `DROP COLUMN`
 * (which refuses for views and triggers without CASCADE) and stricter where
 * it would drop silently: an index, trigger or view that uses the column; a
 * table constraint (CHECK, PRIMARY KEY, UNIQUE, FOREIGN KEY) that involves
 * it; another column's CHECK or foreign key that names it. The column's own
 * definition, inline constraints included, goes with it. Two dependents are
 * refused even with `cascade: true`, because dropping them would change
 * another table or column: a foreign key of another table that references
 * the column, and a generated column computed from it.
 *
 * @module
 */
import type { ChangeOf } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent } from "../_common/quote.ts";
import { exprUses, type ObjectReads, readObject, tablesRead, usesColumn } from "./_deps.ts";
import {
  type ConstraintText,
  findColumn,
  primaryKeyColumns,
  type TableText,
} from "./_table_text.ts";
import { edit } from "./_table_edit.ts";
import { columnOf, type Plan } from "./_alter.ts";
import { type DroppedObject, likeContains, setText, type TableEdit } from "./rebuild.ts";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A constraint of the table to remove: its owner column (or `null`) and its exact text. */
interface TextPart {
  owner: string | null;
  text: string;
}

/** What uses the column. */
interface Dependents {
  /** Objects to drop with the column. */
  objects: DroppedObject[];
  /** Table constraints (and other columns' constraints) that involve the column. */
  constraints: { part: TextPart; label: string }[];
  /** Dependents a cascade cannot drop. */
  blockers: string[];
}

function label(text: TableText, k: ConstraintText): string {
  const kind = k.kind === "foreignKey" || k.kind === "references"
    ? "foreign key"
    : k.kind === "primaryKey"
    ? "primary key"
    : k.kind === "unique"
    ? "unique constraint"
    : "check";
  if (k.name !== null) return `${kind} "${k.name}"`;
  const body = text.sql.slice(k.start, k.end).replace(/\s+/g, " ");
  return `${kind} ${body.length > 60 ? body.slice(0, 57) + "..." : body}`;
}

/** The constraints of the table (other than the column's own inline ones) that involve it. */
function inTable(text: TableText, column: string, out: Dependents): void {
  const pk = primaryKeyColumns(text);
  const refersTo = (k: ConstraintText) =>
    same(k.refTable ?? "", text.name) &&
    ((k.refColumns ?? []).some((c) => same(c, column)) ||
      ((k.refColumns ?? []).length === 0 && pk.length === 1 && same(pk[0] as string, column)));
  const partOf = (owner: string | null, k: ConstraintText): TextPart => ({
    owner,
    text: text.sql.slice(k.start, k.end),
  });
  for (const col of text.columns) {
    if (same(col.name, column)) continue;
    for (const k of col.constraints) {
      const expr = k.expr ? text.sql.slice(k.expr.start, k.expr.end) : "";
      if (k.kind === "generated" && exprUses(expr, column)) {
        out.blockers.push(`generated column "${col.name}" is computed from it`);
      } else if (
        (k.kind === "check" && exprUses(expr, column)) || (k.kind === "references" && refersTo(k))
      ) {
        out.constraints.push({ part: partOf(col.name, k), label: label(text, k) });
      }
    }
  }
  for (const k of text.constraints) {
    const expr = k.expr ? text.sql.slice(k.expr.start, k.expr.end) : "";
    const uses = k.kind === "check"
      ? exprUses(expr, column)
      : k.columns.some((c) => same(c, column)) || (k.kind === "foreignKey" && refersTo(k));
    if (uses) out.constraints.push({ part: partOf(null, k), label: label(text, k) });
  }
}

/** Reads the columns of the tables the objects read, to resolve unqualified names. */
async function columnsOfTables(
  ctx: RenderContext,
  objects: ObjectReads[],
  except: string,
): Promise<(table: string) => ReadonlySet<string> | undefined> {
  const known = new Map<string, Set<string> | undefined>();
  for (const name of new Set(objects.flatMap(tablesRead))) {
    const key = name.toLowerCase();
    if (key === except.toLowerCase() || known.has(key)) continue;
    const rows = await ctx.query("SELECT name FROM pragma_table_info(?)", [name]);
    known.set(key, rows.length ? new Set(rows.map((r) => String(r.name))) : undefined);
  }
  return (table) => known.get(table.toLowerCase());
}

/** Views and triggers whose text contains `word` (a prefilter; parsing decides). */
async function objectsMentioning(
  ctx: RenderContext,
  word: string,
): Promise<{ type: "view" | "trigger"; name: string; table: string; obj: ObjectReads }[]> {
  const rows = await ctx.query(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') " +
      "AND sql LIKE ? ESCAPE '\\' ORDER BY type, name",
    [likeContains(word)],
  );
  return rows.map((r) => ({
    type: r.type === "view" ? "view" : "trigger",
    name: String(r.name),
    table: String(r.tbl_name),
    obj: readObject(String(r.sql)),
  }));
}

async function findDependents(
  ctx: RenderContext,
  t: TableEdit,
  column: string,
): Promise<Dependents> {
  const out: Dependents = { objects: [], constraints: [], blockers: [] };
  inTable(t.text, column, out);
  const gone = (type: string, name: string) =>
    t.drop.some((d) => d.type === type && same(d.name, name));
  const indexes = t.indexes.filter((i) => !gone("index", i.name))
    .map((i) => ({ type: "index" as const, name: i.name, table: t.table, obj: readObject(i.sql) }));
  const mentioning = (await objectsMentioning(ctx, column)).filter((o) => !gone(o.type, o.name));
  const columnsOf = await columnsOfTables(
    ctx,
    [...indexes, ...mentioning].map((o) => o.obj),
    t.table,
  );
  for (const o of [...indexes, ...mentioning]) {
    if (usesColumn(o.obj, t.table, column, columnsOf)) {
      out.objects.push({ type: o.type, name: o.name, table: o.type === "view" ? null : o.table });
    }
  }
  // Views and triggers that read a dropped view break with it.
  for (let i = 0; i < out.objects.length; i++) {
    const view = out.objects[i] as DroppedObject;
    if (view.type !== "view") continue;
    for (const o of await objectsMentioning(ctx, view.name)) {
      const listed = out.objects.some((d) => d.type === o.type && same(d.name, o.name));
      if (listed || gone(o.type, o.name) || same(o.table, view.name)) continue; // its own triggers go with it
      if (tablesRead(o.obj).some((n) => same(n, view.name))) {
        out.objects.push({ type: o.type, name: o.name, table: o.type === "view" ? null : o.table });
      }
    }
  }
  const pk = primaryKeyColumns(t.text);
  const refs = await ctx.query(
    `SELECT m.name AS child, f."to" AS col FROM sqlite_master AS m,
       pragma_foreign_key_list(m.name) AS f
     WHERE m.type = 'table' AND m.sql LIKE ? ESCAPE '\\' AND f."table" = ? COLLATE NOCASE
       AND m.name <> ? COLLATE NOCASE ORDER BY m.name`,
    [likeContains(t.table), t.table, t.table],
  );
  for (const r of refs) {
    const to = r.col === null || r.col === undefined ? null : String(r.col);
    const hit = to === null ? pk.length === 1 && same(pk[0] as string, column) : same(to, column);
    if (hit) out.blockers.push(`a foreign key of table "${r.child}" references it`);
  }
  return out;
}

function describe(d: DroppedObject): string {
  return `${d.type} "${d.name}"`;
}

/**
 * Plans `dropColumn`: native `DROP COLUMN` when only the column's own
 * simple constraints go with it, a rebuild otherwise; dependents refused, or
 * dropped with `cascade: true`.
 *
 * @param change The change.
 * @param ctx Render context.
 * @param t The table as it stands.
 * @returns The plan.
 * @throws {StrataError} Naming the dependents when the column is in use.
 */
export async function planDropColumn(
  change: ChangeOf<"dropColumn">,
  ctx: RenderContext,
  t: TableEdit,
): Promise<Plan> {
  const col = columnOf(t, change.column);
  const name = col.name;
  const deps = await findDependents(ctx, t, name);
  const what = `column "${t.table}.${name}"`;
  if (deps.blockers.length) {
    throw new StrataError(`Cannot drop ${what}: ${deps.blockers.join("; ")}`, {
      hint: "change that first; cascade: true does not alter other tables or columns on SQLite",
    });
  }
  const dependents = [...deps.objects.map(describe), ...deps.constraints.map((c) => c.label)];
  if (dependents.length && !change.cascade) {
    throw new StrataError(`Cannot drop ${what}: used by ${dependents.join(", ")}`, {
      hint: "drop those first, or pass { cascade: true } to drop them with the column",
    });
  }
  const warnings = dependents.length
    ? [`dropping ${what} also drops ${dependents.join(", ")} (cascade: true)`]
    : [];
  const own = col.constraints.some((k) =>
    k.kind === "primaryKey" || k.kind === "unique" || k.kind === "references" ||
    k.kind === "generated"
  );
  if (!own && deps.constraints.length === 0) {
    const statements: Statement[] = [];
    for (const type of ["trigger", "view", "index"] as const) {
      for (const d of deps.objects.filter((o) => o.type === type)) {
        statements.push({ sql: `DROP ${type.toUpperCase()} ${quoteIdent(d.name)}` });
      }
    }
    statements.push({
      sql: `ALTER TABLE ${quoteIdent(t.table)} DROP COLUMN ${quoteIdent(name)}`,
    });
    return { kind: "native", statements, warnings };
  }
  const parts = deps.constraints.map((c) => c.part);
  return {
    kind: "rebuild",
    warnings,
    apply(t) {
      t.drop.push(...deps.objects);
      for (const part of parts) removePart(t, part);
      const item = t.text.items.find((i) => i.column && same(i.column.name, name));
      if (item) setText(t, edit.removeItem(t.text, item));
      t.dropped.add(name.toLowerCase());
    },
  };
}

/** Removes the constraint with this exact text from its owner (or the table level). */
function removePart(t: TableEdit, part: TextPart): void {
  const list = part.owner === null
    ? t.text.constraints
    : findColumn(t.text, part.owner)?.constraints ?? [];
  const k = list.find((c) => t.text.sql.slice(c.start, c.end) === part.text);
  if (k) setText(t, edit.removeConstraint(t.text, k));
}
