/**
 * Schemas as the changes that build them: a {@linkcode Schema} model (what an
 * introspector read) or a {@linkcode DeclaredSchema} (what `schema.ts` says)
 * becomes `createEnum`, `createTable`, `createIndex` and `createForeignKey`
 * changes, in an order that works on an empty database. Autogenerate uses
 * them for new tables and to normalise a declared schema in a scratch
 * database; `schema dump` renders them.
 *
 * @module
 */
import type {
  Change,
  ChangeOf,
  CheckDef,
  ColumnDef,
  ForeignKeyDef,
  RefAction,
  UniqueDef,
} from "../changes/change.ts";
import { toColumnDef, toForeignKey } from "../changes/recorder.ts";
import type { DeclaredSchema } from "./declared.ts";
import type { Column, ForeignKey, Index, Schema, Table } from "./model.ts";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders tables so that each comes after the tables it references. Edges
 * that close a cycle cannot be satisfied by order: they are returned as
 * `deferred` (`"from\0to"`), for foreign keys added once both tables exist.
 *
 * @param names Table names.
 * @param references The tables a table references (others than those in `names` are ignored).
 * @returns The creation order (deterministic: by name where free) and the deferred edges.
 *
 * @example A cycle
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderTables } from "./to_changes.ts";
 * const refs: Record<string, string[]> = { a: ["b"], b: ["a"], c: [] };
 * const { order, deferred } = orderTables(["c", "b", "a"], (t) => refs[t] ?? []);
 * assert.deepEqual(order, ["b", "a", "c"]);
 * assert.deepEqual([...deferred], ["b\0a"]);
 * ```
 */
export function orderTables(
  names: readonly string[],
  references: (table: string) => readonly string[],
): { order: string[]; deferred: Set<string> } {
  const all = new Set(names);
  const order: string[] = [];
  const deferred = new Set<string>();
  const state = new Map<string, "visiting" | "done">();
  const visit = (t: string) => {
    state.set(t, "visiting");
    for (const dep of [...new Set(references(t))].sort(byName)) {
      if (dep === t || !all.has(dep)) continue;
      const s = state.get(dep);
      if (s === "visiting") deferred.add(`${t}\0${dep}`);
      else if (s === undefined) visit(dep);
    }
    state.set(t, "done");
    order.push(t);
  };
  for (const t of [...names].sort(byName)) if (!state.has(t)) visit(t);
  return { order, deferred };
}

/** A referential action for a change: absent when it is the default (`no action`). */
function action(a: string): RefAction | undefined {
  return a === "no action" ? undefined : a as RefAction;
}

/**
 * A model column as a column definition. The default stays SQL text
 * (`{ $sql }`), as the introspector read it.
 *
 * @param col The column.
 * @returns The definition (no key or reference flags: those are table-level).
 */
export function columnDefOf(col: Column): ColumnDef {
  const def: ColumnDef = { name: col.name, type: col.type, nullable: col.nullable };
  if (col.autoIncrement) def.autoIncrement = true;
  if (col.default !== null) def.default = { $sql: col.default };
  if (col.comment !== null) def.comment = col.comment;
  return def;
}

/**
 * A model foreign key as a table-level definition.
 *
 * @param fk The foreign key.
 * @returns The definition (actions left out when `no action`).
 */
export function foreignKeyDefOf(fk: ForeignKey): ForeignKeyDef {
  const def: ForeignKeyDef = {
    columns: fk.columns,
    refTable: fk.refTable,
    refColumns: fk.refColumns,
  };
  if (fk.name !== null) def.name = fk.name;
  const onDelete = action(fk.onDelete);
  const onUpdate = action(fk.onUpdate);
  if (onDelete) def.onDelete = onDelete;
  if (onUpdate) def.onUpdate = onUpdate;
  return def;
}

/**
 * The `createTable` that builds a model table (without its indexes).
 *
 * @param table The table.
 * @param options `foreignKeys`: which of the table's foreign keys to include (default all).
 * @returns The change.
 */
export function createTableChange(
  table: Table,
  options: { foreignKeys?: (fk: ForeignKey) => boolean } = {},
): ChangeOf<"createTable"> {
  const keep = options.foreignKeys ?? (() => true);
  const change: ChangeOf<"createTable"> = {
    kind: "createTable",
    table: table.name,
    columns: table.columns.map(columnDefOf),
    uniques: table.uniques.map((u) =>
      u.name === null ? { columns: [...u.columns] } : { name: u.name, columns: [...u.columns] }
    ),
    checks: table.checks.map((
      c,
    ) => (c.name === null ? { expr: c.expr } : { name: c.name, expr: c.expr })),
    foreignKeys: table.foreignKeys.filter(keep).map(foreignKeyDefOf),
    ifNotExists: false,
  };
  if (table.primaryKey.length > 0) change.primaryKey = [...table.primaryKey];
  if (table.comment !== null) change.comment = table.comment;
  return change;
}

/**
 * The `createIndex` that builds a model index.
 *
 * @param table The table name.
 * @param index The index.
 * @returns The change.
 */
export function createIndexChange(table: string, index: Index): ChangeOf<"createIndex"> {
  const change: ChangeOf<"createIndex"> = {
    kind: "createIndex",
    name: index.name,
    table,
    columns: [...index.columns],
    unique: index.unique,
    concurrently: false,
  };
  if (index.where !== null) change.where = index.where;
  return change;
}

/**
 * The `createForeignKey` that adds a foreign key to an existing table.
 *
 * @param table The referencing table.
 * @param fk The foreign key.
 * @param name Its name (a model key may have none).
 * @returns The change.
 */
export function createForeignKeyChange(
  table: string,
  fk: ForeignKey | ForeignKeyDef,
  name: string,
): ChangeOf<"createForeignKey"> {
  const change: ChangeOf<"createForeignKey"> = {
    kind: "createForeignKey",
    name,
    table,
    columns: [...fk.columns],
    refTable: fk.refTable,
    refColumns: [...fk.refColumns],
  };
  const onDelete = fk.onDelete === undefined ? undefined : action(fk.onDelete);
  const onUpdate = fk.onUpdate === undefined ? undefined : action(fk.onUpdate);
  if (onDelete) change.onDelete = onDelete;
  if (onUpdate) change.onUpdate = onUpdate;
  return change;
}

/**
 * A name for a foreign key that must be added on its own and has none:
 * `fk_<table>_<columns>`.
 *
 * @param table The referencing table.
 * @param columns Its columns.
 * @returns The name.
 */
export function foreignKeyName(table: string, columns: readonly string[]): string {
  return `fk_${table}_${columns.join("_")}`;
}

/**
 * The changes that build a whole model schema on an empty database: enums,
 * tables (each followed by its indexes), then the foreign keys that are
 * written on their own.
 *
 * @param schema The schema.
 * @param options `foreignKeys`: `"cycles"` (default) orders tables by their
 *   references and adds separately only the keys that close a cycle; `"after"`
 *   adds every key after all tables (as `pg_dump` does) and orders tables by
 *   name; `"inline"` writes every key in its table, tables by name (SQLite
 *   accepts a reference to a table created later).
 * @returns The changes.
 */
export function schemaChanges(
  schema: Schema,
  options: { foreignKeys?: "cycles" | "after" | "inline" } = {},
): Change[] {
  const mode = options.foreignKeys ?? "cycles";
  const out: Change[] = [];
  for (const e of schema.enums) {
    out.push({ kind: "createEnum", name: e.name, values: [...e.values] });
  }
  const tables = new Map(schema.tables.map((t) => [t.name, t]));
  const { order, deferred } = orderTables(
    [...tables.keys()],
    (t) => (mode === "cycles" ? tables.get(t)!.foreignKeys.map((f) => f.refTable) : []),
  );
  const later: Change[] = [];
  const isDeferred = (t: Table, fk: ForeignKey) =>
    mode === "after" || (mode === "cycles" && deferred.has(`${t.name}\0${fk.refTable}`));
  for (const name of order) {
    const t = tables.get(name)!;
    out.push(createTableChange(t, { foreignKeys: (fk) => !isDeferred(t, fk) }));
    for (const ix of t.indexes) out.push(createIndexChange(t.name, ix));
    for (const fk of t.foreignKeys) {
      if (isDeferred(t, fk)) {
        later.push(
          createForeignKeyChange(t.name, fk, fk.name ?? foreignKeyName(t.name, fk.columns)),
        );
      }
    }
  }
  return [...out, ...later];
}

/**
 * The changes that build a declared schema on an empty database, written as
 * the same `op` calls would record them, so the database canonicalises types,
 * defaults and expressions exactly as for a migration.
 *
 * @param schema A validated declared schema.
 * @returns Enums, then tables in dependency order each followed by its
 *   indexes, then foreign keys that close a cycle (named
 *   {@linkcode foreignKeyName} when the schema names them not).
 * @throws {StrataError} For a column without a type or a malformed reference.
 */
export function declaredChanges(schema: DeclaredSchema): Change[] {
  const out: Change[] = [];
  for (
    const [name, values] of Object.entries(schema.enums ?? {}).sort(([a], [b]) => byName(a, b))
  ) {
    out.push({ kind: "createEnum", name, values: [...values] });
  }
  const creates = new Map<string, ChangeOf<"createTable">>();
  for (const [name, t] of Object.entries(schema.tables)) {
    const call = `table "${name}"`;
    const change: ChangeOf<"createTable"> = {
      kind: "createTable",
      table: name,
      columns: Object.entries(t.columns).map(([c, spec]) => toColumnDef(c, spec, call)),
      uniques: (t.unique ?? []).map((
        u,
      ): UniqueDef => (Array.isArray(u) ? { columns: u } : { ...u })),
      checks: (t.checks ?? []).map((
        c,
      ): CheckDef => (typeof c === "string" ? { expr: c } : { ...c })),
      foreignKeys: (t.foreignKeys ?? []).map(toForeignKey),
      ifNotExists: false,
    };
    if (t.primaryKey !== undefined) change.primaryKey = [...t.primaryKey];
    if (t.comment !== undefined) change.comment = t.comment;
    creates.set(name, change);
  }
  const refsOf = (c: ChangeOf<"createTable">) => [
    ...c.columns.flatMap((col) => (col.references ? [col.references.table] : [])),
    ...c.foreignKeys.map((f) => f.refTable),
  ];
  const { order, deferred } = orderTables([...creates.keys()], (t) => refsOf(creates.get(t)!));
  const later: Change[] = [];
  for (const name of order) {
    const change = creates.get(name)!;
    const cut = (ref: string) => deferred.has(`${name}\0${ref}`);
    for (const col of change.columns) {
      const ref = col.references;
      if (ref === undefined || !cut(ref.table)) continue;
      delete col.references;
      later.push(createForeignKeyChange(name, {
        columns: [col.name],
        refTable: ref.table,
        refColumns: [ref.column],
        ...(ref.onDelete ? { onDelete: ref.onDelete } : {}),
        ...(ref.onUpdate ? { onUpdate: ref.onUpdate } : {}),
      }, foreignKeyName(name, [col.name])));
    }
    for (const fk of change.foreignKeys.filter((f) => cut(f.refTable))) {
      later.push(createForeignKeyChange(name, fk, fk.name ?? foreignKeyName(name, fk.columns)));
    }
    change.foreignKeys = change.foreignKeys.filter((f) => !cut(f.refTable));
    out.push(change);
    const indexes = Object.entries(schema.tables[name]!.indexes ?? {}).sort(([a], [b]) =>
      byName(a, b)
    );
    for (const [ix, spec] of indexes) {
      const c: ChangeOf<"createIndex"> = {
        kind: "createIndex",
        name: ix,
        table: name,
        columns: [...spec.columns],
        unique: spec.unique ?? false,
        concurrently: false,
      };
      if (spec.where !== undefined) c.where = spec.where;
      out.push(c);
    }
  }
  return [...out, ...later];
}
