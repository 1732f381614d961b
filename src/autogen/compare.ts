/**
 * Compares two schemas in the model of `src/schema/model.ts` — the current
 * one (a live or replayed database) and the declared one (normalised through
 * a scratch database, see `normalize.ts`) — and lists the
 * {@linkcode Difference}s with the migration steps that remove them. Pure:
 * no database, no dialect (dialect judgements arrive as functions in
 * {@linkcode CompareOptions}, as Atlas's `sqlx.Diff` asks its `DiffDriver`).
 *
 * What is compared: enums (added, dropped, values and their order, see
 * `_compare_enum.ts`), tables (added, dropped, renamed by hint), columns
 * (type, nullability, default, comment, identity/autoincrement), primary
 * keys, indexes (by name: columns, uniqueness, predicate), unique and check
 * constraints and foreign keys (by name when the declared schema names them,
 * otherwise by content, as Alembic matches unnamed constraints), and table
 * comments. Column order is not compared.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import { UsageError } from "../errors.ts";
import type { Schema, Table } from "../schema/model.ts";
import {
  createForeignKeyChange,
  createIndexChange,
  createTableChange,
  foreignKeyName,
  orderTables,
} from "../schema/to_changes.ts";
import { compareTable, type TableContext } from "./_compare_table.ts";
import { compareEnums, enumValueDifference } from "./_compare_enum.ts";
import { enumRenames, withRenamedDefaults } from "./_enum_hints.ts";
import { enumUse, touchesEnum } from "./_enum_use.ts";
import { type Difference, PHASE, type Step } from "./difference.ts";

/** Options of {@linkcode compareSchemas}. */
export interface CompareOptions {
  /** Table renames, current name → declared name (`--rename-table old:new`). */
  renameTables?: Readonly<Record<string, string>>;
  /**
   * Column renames by table (current or declared table name), current column
   * name → declared name (`--rename users.name:full_name`).
   */
  renameColumns?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The constraints the declared schema names, as `table\0name`. Other
   * constraints of the declared side got their names from the database (or
   * none) and match a current constraint with the same content whatever its
   * name. Default: every declared-side name counts as given.
   */
  declaredNames?: ReadonlySet<string>;
  /** Canonical expression text for comparing checks and predicates (default: trimmed). */
  normalizeExpr?: (sql: string) => string;
  /**
   * The name the database gives an unnamed unique constraint or foreign key
   * (lets a single-column one be written on its new column). Default: none.
   */
  implicitConstraintName?: (
    kind: "unique" | "foreignKey",
    table: string,
    columns: readonly string[],
  ) => string | null;
  /**
   * Expressions as the declared schema writes them (`check\0table\0name`,
   * `index\0table\0name`), used in the changes instead of the database's
   * canonical text of the same expression.
   */
  declaredText?: ReadonlyMap<string, string>;
  /**
   * Enum value renames by enum, current value → declared value
   * (`--rename-enum-value mood.sad:blue`).
   */
  renameEnumValues?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Whether a value `addEnumValue` adds can be used before the migration
   * commits: the engine's `enumValueUsableBeforeCommit`. When not, and a
   * later step of the migration uses the enum, values are added by
   * `alterEnum` (a new type, usable at once) instead.
   * @default {false}
   */
  enumValueUsableBeforeCommit?: boolean;
  /** How messages name the two sides. @default {{ from: "the database", to: "schema.ts" }} */
  labels?: { from: string; to: string };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const pad = (n: number) => String(n).padStart(6, "0");

/**
 * Compares the current schema with the declared one.
 *
 * @param current The current schema (database or replayed migrations).
 * @param to The declared schema, normalised.
 * @param options Rename hints, declared constraint names, dialect judgements, labels.
 * @returns The differences, enums first, then tables by name.
 * @throws {UsageError} When a rename hint names a table, column or enum value
 *   that is not there (the old name in `from`, the new one in `to`), or one
 *   already in `from`.
 *
 * @example A column added to the declared schema
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareSchemas } from "./compare.ts";
 * const table = (columns: string[]) => ({
 *   name: "users", schema: "main", primaryKey: [], indexes: [], uniques: [], checks: [],
 *   foreignKeys: [], comment: null,
 *   columns: columns.map((name) => ({
 *     name, type: "text", nullable: true, default: null, autoIncrement: false, comment: null,
 *   })),
 * });
 * const diffs = compareSchemas(
 *   { tables: [table(["id"])], enums: [] },
 *   { tables: [table(["id", "bio"])], enums: [] },
 * );
 * assert.equal(diffs[0]?.steps[0]?.up?.kind, "addColumn");
 * assert.equal(diffs[0]?.messages[0], 'column "users.bio": in schema.ts but not in the database');
 * ```
 */
export function compareSchemas(
  current: Schema,
  to: Schema,
  options: CompareOptions = {},
): Difference[] {
  const labels = options.labels ?? { from: "the database", to: "schema.ts" };
  const valueRenames = enumRenames(
    options.renameEnumValues ?? {},
    current.enums,
    to.enums,
    labels,
  );
  const enums = compareEnums(current.enums, to.enums, valueRenames, labels);
  // Defaults holding a renamed value hold the new one once the rename has run.
  const from = withRenamedDefaults(current, valueRenames);
  const out: Difference[] = [];
  const fromTables = new Map(from.tables.map((t) => [t.name, t]));
  const toTables = new Map(to.tables.map((t) => [t.name, t]));
  const renamed = new Map<string, string>(); // current → declared
  for (const [old, next] of Object.entries(options.renameTables ?? {})) {
    const hint = `--rename-table "${old}:${next}"`;
    if (!fromTables.has(old)) {
      throw new UsageError(`Cannot use ${hint}: there is no table "${old}" in ${labels.from}`);
    }
    if (!toTables.has(next)) {
      throw new UsageError(`Cannot use ${hint}: there is no table "${next}" in ${labels.to}`);
    }
    if (fromTables.has(next)) {
      throw new UsageError(`Cannot use ${hint}: table "${next}" is already in ${labels.from}`);
    }
    renamed.set(old, next);
  }
  const declaredName = (t: string) => renamed.get(t) ?? t;
  const ctx: TableContext = {
    labels,
    normalizeExpr: options.normalizeExpr ?? ((s) => s.trim()),
    implicitName: options.implicitConstraintName ?? (() => null),
    declaredNames: options.declaredNames,
    refTable: declaredName,
  };
  for (const [table, cols] of Object.entries(options.renameColumns ?? {})) {
    const current = [...renamed].find(([, n]) => n === table)?.[0] ?? table;
    const declared = declaredName(current);
    const f = fromTables.get(current);
    const t = toTables.get(declared);
    for (const [old, next] of Object.entries(cols)) {
      const hint = `--rename "${table}.${old}:${next}"`;
      if (!f?.columns.some((c) => c.name === old)) {
        throw new UsageError(
          `Cannot use ${hint}: there is no column "${current}.${old}" in ${labels.from}`,
        );
      }
      if (!t?.columns.some((c) => c.name === next)) {
        throw new UsageError(
          `Cannot use ${hint}: there is no column "${declared}.${next}" in ${labels.to}`,
        );
      }
      if (f.columns.some((c) => c.name === next)) {
        throw new UsageError(
          `Cannot use ${hint}: column "${current}.${next}" is already in ${labels.from}`,
        );
      }
    }
  }
  const columnRenames = (current: string) =>
    new Map(Object.entries(
      options.renameColumns?.[current] ?? options.renameColumns?.[declaredName(current)] ?? {},
    ));

  const dropped = from.tables.filter((t) => !toTables.has(declaredName(t.name)));
  const added = to.tables.filter((t) =>
    ![...fromTables.keys()].some((n) => declaredName(n) === t.name)
  );
  out.push(...dropTables(dropped, added, labels));
  out.push(...createTables(added, labels));
  for (const f of [...fromTables.values()].sort((a, b) => cmp(a.name, b.name))) {
    const t = toTables.get(declaredName(f.name));
    if (!t) continue;
    if (t.name !== f.name) {
      out.push({
        kind: "table",
        table: t.name,
        messages: [`table "${t.name}": is "${f.name}" in ${labels.from}`],
        steps: [{
          phase: PHASE.rename,
          key: `0\0${f.name}`,
          up: { kind: "renameTable", table: f.name, newName: t.name },
          down: [{ kind: "renameTable", table: t.name, newName: f.name }],
          notes: [],
          downNotes: [],
        }],
      });
    }
    out.push(...compareTable(f, t, columnRenames(f.name), ctx));
  }
  // An enum's changed values: how depends on what the rest of the migration does.
  const others = out.flatMap((d) => d.steps).flatMap((s) => (s.up ? [s.up] : []));
  const enumDiffs = enums.map((e) => {
    if (!("from" in e)) return e;
    const use = enumUse(e, [from, to], (table, col) => {
      const t = declaredName(table);
      return [[t, col], [t, columnRenames(table).get(col) ?? col]];
    });
    return enumValueDifference(e, {
      labels,
      usableBeforeCommit: options.enumValueUsableBeforeCommit ?? false,
      touched: others.some((c) => touchesEnum(c, use)),
    });
  });
  out.unshift(...enumDiffs);
  if (options.declaredText) {
    for (const step of out.flatMap((d) => d.steps)) {
      if (step.up) step.up = withDeclaredText(step.up, options.declaredText);
    }
  }
  return out;
}

/** A change with declared expression texts in place of the database's canonical ones. */
function withDeclaredText(change: Change, texts: ReadonlyMap<string, string>): Change {
  const check = (table: string, name: string | undefined) =>
    name === undefined ? undefined : texts.get(`check\0${table}\0${name}`);
  switch (change.kind) {
    case "createCheckConstraint":
      return { ...change, expr: check(change.table, change.name) ?? change.expr };
    case "createIndex": {
      const where = texts.get(`index\0${change.table}\0${change.name}`);
      return where === undefined || change.where === undefined ? change : { ...change, where };
    }
    case "createTable":
      return {
        ...change,
        checks: change.checks.map((c) => ({ ...c, expr: check(change.table, c.name) ?? c.expr })),
      };
    default:
      return change;
  }
}

/** Tables by name, their names with referenced tables first, and the references that close a cycle. */
function inDependencyOrder(tables: readonly Table[]) {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const { order, deferred } = orderTables(
    [...byName.keys()],
    (t) => byName.get(t)!.foreignKeys.map((f) => f.refTable),
  );
  return { byName, order, deferred };
}

/**
 * Drops tables referencing ones first. A foreign key that closes a cycle
 * among dropped tables is dropped on its own first (when it has a name; an
 * unnamed one is SQLite's, which drops tables in any order).
 */
function dropTables(
  dropped: readonly Table[],
  added: readonly Table[],
  labels: { from: string; to: string },
): Difference[] {
  const { byName, order, deferred } = inDependencyOrder(dropped);
  const out: Difference[] = [];
  order.forEach((name, i) => {
    const table = byName.get(name)!;
    const steps: Step[] = [];
    for (const fk of table.foreignKeys) {
      if (!deferred.has(`${name}\0${fk.refTable}`) || fk.name === null) continue;
      steps.push({
        phase: PHASE.tableDrop,
        key: `0\0${pad(order.length - i)}`,
        up: { kind: "dropConstraint", name: fk.name, table: name },
        down: [createForeignKeyChange(name, fk, fk.name)],
        notes: [],
        downNotes: [],
      });
    }
    const keep = (fk: Table["foreignKeys"][number]) =>
      fk.name === null || !deferred.has(`${name}\0${fk.refTable}`);
    const notes = [`data loss: drops table "${name}" and all its rows`];
    if (added.length > 0) {
      notes.push(
        `review: if "${name}" was renamed, use --rename-table ${name}:${
          added.length === 1 ? added[0]!.name : "NEW"
        } instead of a drop and a create`,
      );
    }
    steps.push({
      phase: PHASE.tableDrop,
      key: `1\0${pad(order.length - i)}`,
      up: { kind: "dropTable", table: name, ifExists: false },
      down: [
        createTableChange(table, { foreignKeys: keep }),
        ...table.indexes.map((ix) => createIndexChange(name, ix)),
      ],
      notes,
      downNotes: [],
    });
    out.push({
      kind: "table",
      table: name,
      messages: [`table "${name}": in ${labels.from} but not in ${labels.to}`],
      steps,
    });
  });
  return out.sort((a, b) => cmp(a.table!, b.table!));
}

/**
 * Creates new tables in dependency order, each followed by its indexes; a
 * foreign key that closes a cycle among new tables is added after all of them.
 */
function createTables(
  added: readonly Table[],
  labels: { from: string; to: string },
): Difference[] {
  const { byName, order, deferred } = inDependencyOrder(added);
  const out: Difference[] = [];
  order.forEach((name, i) => {
    const table = byName.get(name)!;
    const cut = (fk: Table["foreignKeys"][number]) => deferred.has(`${name}\0${fk.refTable}`);
    const steps: Step[] = [{
      phase: PHASE.tableCreate,
      key: pad(i),
      up: createTableChange(table, { foreignKeys: (fk) => !cut(fk) }),
      down: [{ kind: "dropTable", table: name, ifExists: false }],
      notes: [],
      downNotes: [`data loss: drops table "${name}" and all its rows`],
    }];
    for (const ix of table.indexes) {
      steps.push({
        phase: PHASE.tableCreate,
        key: pad(i),
        up: createIndexChange(name, ix),
        down: [], // dropping the table drops its indexes
        notes: [],
        downNotes: [],
      });
    }
    for (const fk of table.foreignKeys.filter(cut)) {
      const fkName = fk.name ?? foreignKeyName(name, fk.columns);
      steps.push({
        phase: PHASE.foreignKeyCreate,
        key: `${name}\0${fkName}`,
        up: createForeignKeyChange(name, fk, fkName),
        down: [{ kind: "dropConstraint", name: fkName, table: name }],
        notes: [],
        downNotes: [],
      });
    }
    out.push({
      kind: "table",
      table: name,
      messages: [`table "${name}": in ${labels.to} but not in ${labels.from}`],
      steps,
    });
  });
  return out.sort((a, b) => cmp(a.table!, b.table!));
}
