/**
 * Compares one table present on both sides: columns, primary key, indexes,
 * unique and check constraints, foreign keys and the comment. Private to
 * `src/autogen/` (see `compare.ts`).
 *
 * @module
 */
import type { ColumnDef } from "../changes/change.ts";
import type { Column, Index, Table } from "../schema/model.ts";
import { columnDefOf, createIndexChange } from "../schema/to_changes.ts";
import { compareColumn } from "./_compare_column.ts";
import {
  checkItems,
  compareConstraints,
  fkItems,
  mentionsAny,
  uniqueItems,
} from "./_compare_constraints.ts";
import { actions, commentText, noDefault, step, type TableContext } from "./_context.ts";
import { type Difference, PHASE } from "./difference.ts";

export type { TableContext } from "./_context.ts";

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const list = (cols: readonly string[]) => `(${cols.join(", ")})`;
const sameList = (a: readonly string[], b: readonly string[]) => a.join("\0") === b.join("\0");

/**
 * Compares a table with its declared form.
 *
 * @param from The current table.
 * @param to The declared table (its name is the one to use; a rename comes first).
 * @param renames Column renames, current → declared.
 * @param ctx The comparison's options.
 * @returns The differences, columns first.
 */
export function compareTable(
  from: Table,
  to: Table,
  renames: ReadonlyMap<string, string>,
  ctx: TableContext,
): Difference[] {
  const { labels } = ctx;
  const table = to.name;
  const out: Difference[] = [];
  const rename = (c: string) => renames.get(c) ?? c;
  const renameAll = (cols: readonly string[]) => cols.map(rename);

  // Columns.
  const fromCols = new Map(from.columns.map((c) => [rename(c.name), c]));
  const toCols = new Map(to.columns.map((c) => [c.name, c]));
  const droppedCols = [...fromCols.keys()].filter((c) => !toCols.has(c)).sort(cmp);
  const addedCols = to.columns.filter((c) => !fromCols.has(c.name));
  const folded = new Set<object>();
  for (const [old, next] of renames) {
    out.push({
      kind: "column",
      table,
      name: next,
      messages: [`column "${table}.${next}": is "${old}" in ${labels.from}`],
      steps: [step(PHASE.rename, `1\0${table}\0${old}`, {
        kind: "alterColumn",
        table,
        column: old,
        patch: { rename: next },
      }, [{ kind: "alterColumn", table, column: next, patch: { rename: old } }])],
    });
  }
  // An unnamed constraint that uses a dropped column cannot be dropped by name
  // first (SQLite): the column's drop takes it along, which SQLite does only
  // when asked to cascade.
  const unnamed = [
    ...uniqueItems(from.uniques),
    ...checkItems(from.checks, ctx),
    ...fkItems(from.foreignKeys),
  ].filter((i) => i.name === null);
  for (const name of droppedCols) {
    const col = fromCols.get(name)!;
    const notes = [`data loss: drops column "${table}.${name}" and its values`];
    const users = unnamed.filter((i) => mentionsAny(i, new Set([name])));
    if (users.length > 0) {
      notes.push(
        `review: cascade also drops the unnamed ${
          users.map((u) => u.text).join(", ")
        } that use "${table}.${name}" (and any view or trigger that uses the column)`,
      );
    }
    if (addedCols.length > 0) {
      notes.push(
        `review: if "${table}.${name}" was renamed, use --rename ${table}.${name}:${
          addedCols.length === 1 ? addedCols[0]!.name : "NEW"
        } instead of a drop and an add`,
      );
    }
    out.push({
      kind: "column",
      table,
      name,
      messages: [`column "${table}.${name}": in ${labels.from} but not in ${labels.to}`],
      steps: [step(
        PHASE.columnDrop,
        `${table}\0${name}`,
        { kind: "dropColumn", table, column: name, ...(users.length ? { cascade: true } : {}) },
        [{ kind: "addColumn", table, column: columnDefOf(col) }],
        notes,
        notNullWithoutDefault(col)
          ? [
            `review: re-adds NOT NULL column "${table}.${name}" without a default: fails when the table has rows`,
          ]
          : [],
      )],
    });
  }
  for (const col of addedCols) {
    const def = columnDefOf(col);
    fold(def, to, folded, ctx);
    out.push({
      kind: "column",
      table,
      name: col.name,
      messages: [`column "${table}.${col.name}": in ${labels.to} but not in ${labels.from}`],
      steps: [step(
        PHASE.columnAdd,
        `${table}\0${col.name}`,
        { kind: "addColumn", table, column: def },
        [{ kind: "dropColumn", table, column: col.name }],
        notNullWithoutDefault(col)
          ? [
            `review: adds NOT NULL column "${table}.${col.name}" without a default: fails when the table has rows`,
          ]
          : [],
        [`data loss: drops column "${table}.${col.name}" and its values`],
      )],
    });
  }
  for (const col of to.columns) {
    const f = fromCols.get(col.name);
    if (f) out.push(...compareColumn(table, f, col, labels));
  }

  // Primary key.
  const fromPk = renameAll(from.primaryKey);
  if (!sameList(fromPk, to.primaryKey)) {
    out.push({
      kind: "primaryKey",
      table,
      messages: [
        `primary key of "${table}": ${pkText(fromPk)} in ${labels.from}, ${
          pkText(to.primaryKey)
        } in ${labels.to}`,
      ],
      steps: [step(PHASE.columnAlter, `${table}\0`, undefined, [], [
        `review: the primary key of "${table}" is ${pkText(fromPk)}; ${labels.to} says ` +
        `${
          pkText(to.primaryKey)
        }. Strata has no operation that changes a primary key: write it by hand`,
      ])],
    });
  }

  // Indexes (by name).
  const fromIx = new Map(
    from.indexes.map((i) => [i.name, { ...i, columns: renameAll(i.columns) }]),
  );
  const toIx = new Map(to.indexes.map((i) => [i.name, i]));
  for (const name of [...new Set([...fromIx.keys(), ...toIx.keys()])].sort(cmp)) {
    const f = fromIx.get(name);
    const t = toIx.get(name);
    const key = `${table}\0${name}`;
    const drop = (ix: Index) =>
      step(PHASE.indexDrop, key, { kind: "dropIndex", name, table }, [
        createIndexChange(table, ix),
      ]);
    const create = (ix: Index) =>
      step(PHASE.indexCreate, key, createIndexChange(table, ix), [{
        kind: "dropIndex",
        name,
        table,
      }]);
    const what = `index "${name}" on "${table}"`;
    if (f && t) {
      if (indexText(f, ctx) === indexText(t, ctx)) continue;
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: ${indexText(f)} in ${labels.from}, ${indexText(t)} in ${labels.to}`],
        steps: [drop(f), create(t)],
      });
    } else if (f) {
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: in ${labels.from} but not in ${labels.to}`],
        steps: [drop(f)],
      });
    } else if (t) {
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: in ${labels.to} but not in ${labels.from}`],
        steps: [create(t)],
      });
    }
  }

  // Unique and check constraints, foreign keys.
  const droppedColumns = new Set(droppedCols);
  const fromNames = new Set(
    [...from.uniques, ...from.checks, ...from.foreignKeys, ...from.indexes]
      .flatMap((x) => (x.name === null ? [] : [x.name])),
  );
  const kinds = [
    [
      uniqueItems(from.uniques.map((u) => ({ ...u, columns: renameAll(u.columns) }))),
      uniqueItems(to.uniques).filter((i) => !folded.has(i.source)),
    ],
    [checkItems(from.checks, ctx), checkItems(to.checks, ctx)],
    [
      fkItems(from.foreignKeys.map((f) => ({
        ...f,
        columns: renameAll(f.columns),
        refTable: ctx.refTable(f.refTable),
      }))),
      fkItems(to.foreignKeys).filter((i) => !folded.has(i.source)),
    ],
  ] as const;
  for (const [f, t] of kinds) {
    out.push(...compareConstraints(table, { from: f, to: t, droppedColumns, fromNames }, ctx));
  }

  // Table comment.
  if (from.comment !== to.comment) {
    out.push({
      kind: "table",
      table,
      messages: [
        `comment of table "${table}": ${commentText(from.comment)} in ${labels.from}, ${
          commentText(to.comment)
        } in ${labels.to}`,
      ],
      steps: [
        step(PHASE.columnAlter, `${table}\0`, {
          kind: "alterTable",
          table,
          patch: { comment: to.comment },
        }, [{ kind: "alterTable", table, patch: { comment: from.comment } }]),
      ],
    });
  }
  return out;
}

function notNullWithoutDefault(col: Column): boolean {
  return !col.nullable && noDefault(col.default) === null && !col.autoIncrement;
}

function pkText(cols: readonly string[]): string {
  return cols.length === 0 ? "none" : list(cols);
}

function indexText(ix: Index, ctx?: TableContext): string {
  const where = ix.where === null ? "" : ` WHERE ${ctx ? ctx.normalizeExpr(ix.where) : ix.where}`;
  return `${ix.unique ? "unique " : ""}${list(ix.columns)}${where}`;
}

/**
 * Writes a new column's single-column unique constraint or foreign key on
 * the column itself (`unique: true`, `references`) when the database would
 * give it the same name (or none), so `addColumn` makes it in one go.
 */
function fold(def: ColumnDef, to: Table, folded: Set<object>, ctx: TableContext): void {
  const only = (cols: readonly string[]) => cols.length === 1 && cols[0] === def.name;
  const implicit = (kind: "unique" | "foreignKey", name: string | null) =>
    name === null || name === ctx.implicitName(kind, to.name, [def.name]);
  const u = to.uniques.find((x) => only(x.columns) && implicit("unique", x.name));
  if (u) {
    def.unique = true;
    folded.add(u);
  }
  const fk = to.foreignKeys.find((x) => only(x.columns) && implicit("foreignKey", x.name));
  if (fk) {
    def.references = { table: fk.refTable, column: fk.refColumns[0]!, ...actions(fk) };
    folded.add(fk);
  }
}
