/**
 * The expected schema, maintained independently of the introspector and the
 * renderer: each `op` call (as {@linkcode OpCall} data) is applied to a plain
 * in-memory {@linkcode Schema}. Only the dialect-specific spellings come from
 * the dialect: `normalizeType` (the type an introspector reports) and
 * `defaultSql` (the default text it reports).
 *
 * What the model knows about the databases, stated once:
 * - primary-key columns are NOT NULL; an auto-increment column is an integer;
 * - unnamed constraints get database-chosen names on PostgreSQL and none on
 *   SQLite, so {@linkcode compareSchemas} ignores the names of constraints
 *   the model holds unnamed;
 * - PostgreSQL prints check and index predicates in parentheses; comparisons
 *   strip one outer pair;
 * - comments exist only on PostgreSQL; SQLite reports the enums its columns
 *   use, PostgreSQL every enum type;
 * - dropping a column drops the indexes and constraints over it.
 *
 * @module
 */
import type { Dialect } from "../src/dialects/dialect.ts";
import type { CheckConstraint, Column, ForeignKey, Schema, Table } from "../src/schema/model.ts";
import type { OpCall } from "./_random_ops.ts";

/** A table with the declared type of each column (defaults are written for it). */
interface ModelTable extends Table {
  declared: Map<string, string>;
}

type Spec = {
  type: string;
  nullable?: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  unique?: boolean;
  default?: unknown;
  references?: string | { table: string; column: string; onDelete?: string; onUpdate?: string };
  check?: string;
  comment?: string;
};

/** An expected schema that `op` calls are applied to. */
export class ExpectedModel {
  readonly dialect: Dialect;
  #tables: ModelTable[] = [];
  #enums = new Map<string, string[]>();
  /** Rows per table (bulkInsert adds; DELETE via execute is not modelled). */
  rows = new Map<string, number>();

  /** @param dialect The dialect whose spellings the model uses. */
  constructor(dialect: Dialect) {
    this.dialect = dialect;
  }

  /** A deep copy. */
  clone(): ExpectedModel {
    const m = new ExpectedModel(this.dialect);
    m.#tables = this.#tables.map((t) => ({
      ...structuredClone({ ...t, declared: null }),
      declared: new Map(t.declared),
    }));
    m.#enums = new Map([...this.#enums].map(([k, v]) => [k, [...v]]));
    m.rows = new Map(this.rows);
    return m;
  }

  #table(name: string): ModelTable {
    const t = this.#tables.find((x) => x.name === name);
    if (!t) throw new Error(`model: no table ${name}`);
    return t;
  }

  #column(t: ModelTable, name: string): Column {
    const c = t.columns.find((x) => x.name === name);
    if (!c) throw new Error(`model: no column ${t.name}.${name}`);
    return c;
  }

  #defaultText(value: unknown, type: string): string | null {
    if (value === undefined || value === null) return null;
    return this.dialect.defaultSql(value as never, type);
  }

  #addColumn(t: ModelTable, name: string, spec: Spec, pk: boolean): void {
    const type = spec.autoIncrement ? "integer" : this.dialect.normalizeType(spec.type);
    t.declared.set(name, spec.type);
    t.columns.push({
      name,
      type,
      nullable: pk || spec.primaryKey ? false : spec.nullable ?? true,
      default: this.#defaultText(spec.default, spec.type),
      autoIncrement: spec.autoIncrement ?? false,
      comment: this.dialect.name === "postgres" ? spec.comment ?? null : null,
    });
    if (spec.primaryKey) t.primaryKey.push(name);
    if (spec.unique) t.uniques.push({ name: null, columns: [name] });
    if (spec.check !== undefined) t.checks.push({ name: null, expr: spec.check });
    if (spec.references !== undefined) {
      const r = typeof spec.references === "string"
        ? { table: spec.references.split(".")[0]!, column: spec.references.split(".")[1]! }
        : spec.references;
      t.foreignKeys.push({
        name: null,
        columns: [name],
        refTable: r.table,
        refColumns: [r.column],
        onDelete: ("onDelete" in r ? r.onDelete : undefined) ?? "no action",
        onUpdate: ("onUpdate" in r ? r.onUpdate : undefined) ?? "no action",
      });
    }
  }

  /**
   * Applies one call.
   *
   * @param c The call.
   * @throws {Error} When the call does not fit the model (a generator bug).
   */
  apply(c: OpCall): void {
    const a = c.args;
    const s = (i: number) => a[i] as string;
    switch (c.method) {
      case "createTable": {
        const opts = (a[2] ?? {}) as {
          primaryKey?: string[];
          unique?: string[][];
          checks?: (string | { name?: string; expr: string })[];
          foreignKeys?: {
            name?: string;
            columns: string[];
            references: string;
            refColumns: string[];
            onDelete?: string;
            onUpdate?: string;
          }[];
          comment?: string;
        };
        const t: ModelTable = {
          name: s(0),
          schema: this.dialect.name === "postgres" ? "public" : "main",
          columns: [],
          primaryKey: [],
          indexes: [],
          uniques: [],
          checks: [],
          foreignKeys: [],
          comment: this.dialect.name === "postgres" ? opts.comment ?? null : null,
          declared: new Map(),
        };
        const pk = new Set(opts.primaryKey ?? []);
        for (const [name, spec] of Object.entries(a[1] as Record<string, Spec>)) {
          this.#addColumn(t, name, spec, pk.has(name));
        }
        if (opts.primaryKey) t.primaryKey = [...opts.primaryKey];
        for (const u of opts.unique ?? []) t.uniques.push({ name: null, columns: [...u] });
        for (const ch of opts.checks ?? []) {
          t.checks.push(
            typeof ch === "string"
              ? { name: null, expr: ch }
              : { name: ch.name ?? null, expr: ch.expr },
          );
        }
        for (const f of opts.foreignKeys ?? []) {
          t.foreignKeys.push({
            name: f.name ?? null,
            columns: [...f.columns],
            refTable: f.references,
            refColumns: [...f.refColumns],
            onDelete: f.onDelete ?? "no action",
            onUpdate: f.onUpdate ?? "no action",
          });
        }
        this.#tables.push(t);
        this.rows.set(t.name, 0);
        return;
      }
      case "dropTable":
        this.#tables.splice(this.#tables.indexOf(this.#table(s(0))), 1);
        this.rows.delete(s(0));
        return;
      case "renameTable": {
        this.#table(s(0)).name = s(1);
        for (const t of this.#tables) {
          for (const f of t.foreignKeys) if (f.refTable === s(0)) f.refTable = s(1);
        }
        this.rows.set(s(1), this.rows.get(s(0)) ?? 0);
        this.rows.delete(s(0));
        return;
      }
      case "addColumn":
        this.#addColumn(this.#table(s(0)), s(1), a[2] as Spec, false);
        return;
      case "dropColumn": {
        const t = this.#table(s(0));
        const col = s(1);
        this.#column(t, col);
        const mentions = (expr: string | null) =>
          expr !== null && new RegExp(`\\b${col}\\b`).test(expr);
        t.columns = t.columns.filter((x) => x.name !== col);
        t.declared.delete(col);
        t.primaryKey = t.primaryKey.filter((x) => x !== col);
        t.indexes = t.indexes.filter((i) => !i.columns.includes(col) && !mentions(i.where));
        t.uniques = t.uniques.filter((u) => !u.columns.includes(col));
        t.foreignKeys = t.foreignKeys.filter((f) => !f.columns.includes(col));
        t.checks = t.checks.filter((k) => !mentions(k.expr));
        return;
      }
      case "alterColumn": {
        const t = this.#table(s(0));
        const col = this.#column(t, s(1));
        const patch = a[2] as {
          type?: string;
          nullable?: boolean;
          default?: unknown;
          rename?: string;
        };
        if (patch.type !== undefined) {
          col.type = this.dialect.normalizeType(patch.type);
          t.declared.set(col.name, patch.type);
        }
        if (patch.nullable !== undefined) col.nullable = patch.nullable;
        if ("default" in patch) {
          col.default = this.#defaultText(patch.default, t.declared.get(col.name) ?? col.type);
        }
        if (patch.rename !== undefined) this.#renameColumn(t, col, patch.rename);
        return;
      }
      case "createIndex": {
        const o = (a[3] ?? {}) as { unique?: boolean; where?: string };
        this.#table(s(1)).indexes.push({
          name: s(0),
          columns: [...(a[2] as string[])],
          unique: o.unique ?? false,
          where: o.where ?? null,
        });
        return;
      }
      case "dropIndex":
        for (const t of this.#tables) t.indexes = t.indexes.filter((i) => i.name !== s(0));
        return;
      case "createForeignKey": {
        const o = (a[5] ?? {}) as { onDelete?: string; onUpdate?: string };
        this.#table(s(1)).foreignKeys.push({
          name: s(0),
          columns: [...(a[2] as string[])],
          refTable: s(3),
          refColumns: [...(a[4] as string[])],
          onDelete: o.onDelete ?? "no action",
          onUpdate: o.onUpdate ?? "no action",
        });
        return;
      }
      case "createUniqueConstraint":
        this.#table(s(1)).uniques.push({ name: s(0), columns: [...(a[2] as string[])] });
        return;
      case "createCheckConstraint":
        this.#table(s(1)).checks.push({ name: s(0), expr: s(2) });
        return;
      case "dropConstraint": {
        const t = this.#table(s(1));
        const before = t.uniques.length + t.checks.length + t.foreignKeys.length;
        t.uniques = t.uniques.filter((x) => x.name !== s(0));
        t.checks = t.checks.filter((x) => x.name !== s(0));
        t.foreignKeys = t.foreignKeys.filter((x) => x.name !== s(0));
        if (t.uniques.length + t.checks.length + t.foreignKeys.length === before) {
          throw new Error(`model: no constraint ${s(0)}`);
        }
        return;
      }
      case "createEnum":
        this.#enums.set(s(0), [...(a[1] as string[])]);
        return;
      case "dropEnum":
        this.#enums.delete(s(0));
        return;
      case "bulkInsert":
        this.rows.set(s(0), (this.rows.get(s(0)) ?? 0) + (a[1] as unknown[]).length);
        return;
      case "execute":
      case "query":
        return; // data only; the test reads row counts itself
    }
  }

  #renameColumn(t: ModelTable, col: Column, to: string): void {
    const from = col.name;
    const swap = (xs: string[]) => xs.map((x) => (x === from ? to : x));
    col.name = to;
    t.declared.set(to, t.declared.get(from) ?? col.type);
    t.declared.delete(from);
    t.primaryKey = swap(t.primaryKey);
    for (const i of t.indexes) i.columns = swap(i.columns);
    for (const u of t.uniques) u.columns = swap(u.columns);
    for (const f of t.foreignKeys) f.columns = swap(f.columns);
    for (const other of this.#tables) {
      for (const f of other.foreignKeys) {
        if (f.refTable === t.name) f.refColumns = swap(f.refColumns);
      }
    }
  }

  /** The schema an introspector should report. */
  schema(): Schema {
    const tables = this.#tables.map(({ declared: _, ...t }) => structuredClone(t))
      .sort((x, y) => cmp(x.name, y.name));
    const schema = this.dialect.name === "postgres" ? "public" : "main";
    // Both report the enum types created and not dropped (SQLite keeps them in _strata_enums).
    const enums = [...this.#enums].map(([name, values]) => ({ name, schema, values }));
    return { tables, enums: enums.sort((x, y) => cmp(x.name, y.name)) };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strips one pair of outer parentheses that enclose the whole text. */
export function stripParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return t;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "(") depth++;
    else if (t[i] === ")") depth--;
    if (depth === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1).trim();
}

interface Options {
  /** Ignore column order (a downgrade re-adds a dropped column at the end). */
  anyColumnOrder?: boolean;
}

/**
 * Puts an actual and an expected schema in one comparable form: lists sorted,
 * predicates without outer parentheses, and the names of constraints the
 * expectation leaves unnamed erased on both sides.
 *
 * @param actual What the introspector returned.
 * @param expected What the model expects.
 * @param options Column order.
 * @returns Both, normalized.
 */
export function comparable(
  actual: Schema,
  expected: Schema,
  options: Options = {},
): { actual: Schema; expected: Schema } {
  const norm = (s: Schema, ref: Schema): Schema => ({
    enums: s.enums,
    tables: s.tables.map((t) => {
      const other = ref.tables.find((x) => x.name === t.name);
      const unnamed = <T extends { name: string | null }>(
        list: T[],
        refList: T[] | undefined,
        key: (x: T) => string,
      ) => {
        const keep = new Set((refList ?? []).filter((x) => x.name !== null).map((x) => x.name));
        return list.map((x) => (x.name !== null && keep.has(x.name) ? x : { ...x, name: null }))
          .sort((x, y) => cmp(`${x.name ?? ""}\0${key(x)}`, `${y.name ?? ""}\0${key(y)}`));
      };
      return {
        ...t,
        columns: options.anyColumnOrder
          ? [...t.columns].sort((x, y) => cmp(x.name, y.name))
          : t.columns,
        indexes: t.indexes.map((i) => ({ ...i, where: i.where && stripParens(i.where) }))
          .sort((x, y) => cmp(x.name, y.name)),
        uniques: unnamed(t.uniques, other?.uniques, (u) => u.columns.join(",")),
        checks: unnamed(
          t.checks.map((c: CheckConstraint) => ({ ...c, expr: stripParens(c.expr) })),
          other?.checks,
          (c) => c.expr,
        ),
        foreignKeys: unnamed(
          t.foreignKeys,
          other?.foreignKeys,
          (f: ForeignKey) => `${f.columns.join(",")}\0${f.refTable}`,
        ),
      };
    }),
  });
  return { actual: norm(actual, expected), expected: norm(expected, expected) };
}
