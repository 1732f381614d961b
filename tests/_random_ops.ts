/**
 * A seeded, reproducible generator of `op` call sequences, for randomized
 * tests: `tests/random_ops_test.ts` (live, checked against `tests/_model.ts`)
 * and offline differential tests (live run vs. `--sql` script).
 *
 * The API is small and stable:
 *
 * - {@linkcode generateOpSequence}`(seed, dialect, options?)` returns
 *   {@linkcode OpSequence}: `steps`, each a {@linkcode GeneratedStep} with
 *   `upgrade(op)` / `downgrade(op)` (usable as a migration module's functions),
 *   the same calls as data (`up` / `down`, {@linkcode OpCall}), and a one-line
 *   `describe`.
 * - {@linkcode runCalls}`(op, calls)` replays calls on an `op`.
 *
 * Same seed, dialect and options → the same sequence, call for call. Every
 * sequence is valid on an empty database when its steps run in order, and
 * running the `down` calls of steps N…1 (in that order) afterwards undoes it.
 * Steps insert rows (`bulkInsert`) so SQLite rebuilds move real data; the
 * generated values are valid for their column types on both dialects.
 *
 * Column values are chosen so constraints hold: ids and "distinct" columns
 * are derived from the row number, checks are `col >= 0` on integer columns
 * holding non-negative values, and foreign-key columns start out NULL.
 *
 * @example Replaying a sequence as migration steps
 * ```ts ignore
 * import { generateOpSequence } from "./_random_ops.ts";
 * const { steps } = generateOpSequence(42, "sqlite");
 * for (const step of steps) await runStep(step, planned, ctx); // step.upgrade(op)
 * ```
 *
 * @module
 */
import type { Op, SqlExpr } from "../src/migration.ts";

/** The `op` methods a sequence calls (everything but `isOffline`, `dialect`, `sql`). */
export type OpMethod = Exclude<keyof Op, "isOffline" | "dialect" | "sql">;

/** One `op` call as data: `op[method](...args)`. `op.sql(x)` values appear as `{ $sql: x }`. */
export interface OpCall {
  method: OpMethod;
  args: unknown[];
}

/** One generated migration step. */
export interface GeneratedStep {
  /** A one-line summary, e.g. `createTable t1 (4 columns) + 3 rows`. */
  describe: string;
  /** The calls `upgrade` makes, in order. */
  up: OpCall[];
  /** The calls `downgrade` makes, in order (undoing `up`). */
  down: OpCall[];
  /** Runs `up` on `op`. */
  upgrade(op: Op): Promise<void>;
  /** Runs `down` on `op`. */
  downgrade(op: Op): Promise<void>;
}

/** A generated sequence. */
export interface OpSequence {
  seed: number;
  dialect: "sqlite" | "postgres";
  steps: GeneratedStep[];
}

/** Options of {@linkcode generateOpSequence}. */
export interface GenerateOptions {
  /** Number of steps. @default {6} */
  steps?: number;
}

/**
 * Replays calls on an `op`, in order.
 *
 * @param op The op a migration receives.
 * @param calls The calls.
 */
export async function runCalls(op: Op, calls: readonly OpCall[]): Promise<void> {
  for (const c of calls) {
    const fn = op[c.method] as (...args: unknown[]) => Promise<unknown>;
    await fn.apply(op, c.args);
  }
}

// ---------------------------------------------------------------------------
// Random numbers (mulberry32: small, fast, good enough for test data).

class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)] as T;
  }
}

// ---------------------------------------------------------------------------
// What the generator remembers (only to produce valid calls; the expected
// schema is kept independently by tests/_model.ts).

interface GenColumn {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  unique?: boolean;
  default?: unknown;
  check?: string;
  references?: string;
  comment?: string;
  /** Every row holds a value derived from its row number (unique per row). */
  distinct: boolean;
  /** Some row may hold NULL. */
  mayBeNull: boolean;
  /** Part of a foreign key (either side), a check, an index predicate: not renamed or retyped. */
  pinned: boolean;
  /** The type whose values rows get (the type at creation: values round-trip type changes). */
  valueType?: string;
  /**
   * Made nullable or retyped by an earlier step: dropping it is not undoable
   * (the re-added column holds NULL or its default, which those steps' downgrades reject).
   */
  altered?: boolean;
  /** Rows hold NULL here (a foreign-key column: NULL points nowhere). */
  alwaysNull?: boolean;
  /** A unique constraint covers exactly this column (SQLite keeps one of two alike). */
  covered?: boolean;
}

interface GenConstraint {
  name: string;
  kind: "unique" | "check" | "foreignKey";
  columns: string[];
  expr?: string;
  refTable?: string;
  refColumns?: string[];
  onDelete?: string;
}

interface GenIndex {
  name: string;
  columns: string[];
  unique: boolean;
  where?: string;
}

interface GenTable {
  name: string;
  columns: GenColumn[];
  /** Table-level primary key (`primaryKey` option), when composite. */
  compositePk?: string[];
  comment?: string;
  indexes: GenIndex[];
  constraints: GenConstraint[];
  rows: number;
}

interface State {
  dialect: "sqlite" | "postgres";
  tables: GenTable[];
  enums: Map<string, string[]>;
  counter: number;
}

/** Portable types the generator uses, with a value per row number and a default. */
const TYPES: Record<string, { value: (i: number) => unknown; default?: unknown }> = {
  integer: { value: (i) => i + 1, default: 0 },
  bigint: { value: (i) => 1000 + i, default: 7 },
  smallint: { value: (i) => i + 1, default: 1 },
  text: { value: (i) => `text ${i}`, default: "it's" },
  "varchar(20)": { value: (i) => `v${i}`, default: "abc" },
  boolean: { value: (i) => i % 2 === 0, default: true },
  real: { value: (i) => i + 0.5, default: 1.5 },
  double: { value: (i) => i + 0.25, default: 2.5 },
  "numeric(10,2)": { value: (i) => i + 0.75, default: 1.25 },
  date: { value: (i) => `2024-01-${String(i % 28 + 1).padStart(2, "0")}`, default: "2024-01-01" },
  timestamp: { value: (i) => `2024-01-02 03:04:${String(i % 60).padStart(2, "0")}` },
  timestamptz: {
    value: (i) => `2024-01-02T03:04:${String(i % 60).padStart(2, "0")}Z`,
    default: { $sql: "CURRENT_TIMESTAMP" } satisfies SqlExpr,
  },
  json: { value: (i) => ({ n: i, tags: ["a"] }), default: { a: 1 } },
  uuid: { value: (i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
  blob: { value: (i) => new Uint8Array([i % 256, 1]) },
};

/** Type changes that round-trip the generated values on both dialects. */
const RETYPE: Record<string, string[]> = {
  integer: ["bigint", "text"],
  bigint: ["integer"],
  smallint: ["integer"],
  text: ["varchar(20)"],
  "varchar(20)": ["text", "varchar(40)"],
  "varchar(40)": ["varchar(20)", "text"],
  real: ["double"],
  double: ["real"],
};

/** Types whose values repeat across rows: never unique. */
const REPEATING = new Set(["boolean"]);

function isEnum(type: string): boolean {
  return type.startsWith("enum:");
}

function valueOf(state: State, col: GenColumn, row: number): unknown {
  if (col.references !== undefined || col.alwaysNull) return null;
  if (isEnum(col.type)) {
    const values = state.enums.get(col.type.slice(5)) ?? [];
    return values[row % values.length];
  }
  return TYPES[col.valueType ?? col.type]?.value(row) ?? null;
}

function rowsFor(state: State, table: GenTable, from: number, count: number) {
  const rows: Record<string, unknown>[] = [];
  for (let i = from; i < from + count; i++) {
    const row: Record<string, unknown> = {};
    for (const c of table.columns) {
      if (c.autoIncrement) continue;
      if (!c.distinct && c.default !== undefined) continue; // the default fills it
      row[c.name] = valueOf(state, c, i);
    }
    rows.push(row);
  }
  return rows;
}

/** The `ColumnSpec` for a generated column. */
function specOf(c: GenColumn): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: c.type, nullable: c.nullable };
  if (c.primaryKey) spec.primaryKey = true;
  if (c.autoIncrement) spec.autoIncrement = true;
  if (c.unique) spec.unique = true;
  if (c.default !== undefined) spec.default = c.default;
  if (c.check !== undefined) spec.check = c.check;
  if (c.references !== undefined) spec.references = c.references;
  if (c.comment !== undefined) spec.comment = c.comment;
  return spec;
}

function name(state: State, prefix: string): string {
  return `${prefix}${++state.counter}`;
}

function call(method: OpMethod, ...args: unknown[]): OpCall {
  return { method, args };
}

function pickType(rng: Rng, state: State): string {
  const enums = [...state.enums.keys()];
  if (enums.length > 0 && rng.chance(0.15)) return `enum:${rng.pick(enums)}`;
  return rng.pick(Object.keys(TYPES));
}

/** A new column for `table` (not yet added). */
function newColumn(rng: Rng, state: State, table: GenTable | undefined): GenColumn {
  const type = pickType(rng, state);
  const hasRows = (table?.rows ?? 0) > 0;
  const def = TYPES[type]?.default;
  const withDefault = def !== undefined && rng.chance(0.35);
  // With rows present, a NOT NULL column needs a default.
  const nullable = hasRows && !withDefault ? true : rng.chance(0.6);
  const col: GenColumn = {
    name: name(state, "c"),
    type,
    nullable,
    distinct: !hasRows && !withDefault && !REPEATING.has(type) && !isEnum(type),
    mayBeNull: hasRows && !withDefault,
    pinned: false,
  };
  if (withDefault) col.default = def;
  if (col.distinct && rng.chance(0.15)) col.unique = true;
  if (type === "integer" && !col.mayBeNull && rng.chance(0.2)) {
    col.check = `${col.name} >= 0`;
    col.pinned = true;
  }
  if (state.dialect === "postgres" && rng.chance(0.15)) col.comment = `note on ${col.name}`;
  return col;
}

function parents(state: State, except?: GenTable): GenTable[] {
  return state.tables.filter((t) =>
    t !== except && t.compositePk === undefined && t.columns[0]?.primaryKey === true
  );
}

function referenced(state: State, table: GenTable): boolean {
  return state.tables.some((t) =>
    t !== table &&
    (t.constraints.some((c) => c.kind === "foreignKey" && c.refTable === table.name) ||
      t.columns.some((c) => c.references?.startsWith(`${table.name}.`)))
  );
}

// ---------------------------------------------------------------------------
// Step makers. Each returns undefined when it does not apply to the state.

type Maker = (rng: Rng, state: State) => Omit<GeneratedStep, "upgrade" | "downgrade"> | undefined;

/** The calls that recreate a table as it is now (for dropTable's downgrade). */
function recreate(state: State, t: GenTable): OpCall[] {
  const columns: Record<string, unknown> = {};
  for (const c of t.columns) columns[c.name] = specOf(c);
  const options: Record<string, unknown> = {};
  if (t.compositePk) options.primaryKey = t.compositePk;
  if (t.comment !== undefined) options.comment = t.comment;
  const out: OpCall[] = [call("createTable", t.name, columns, options)];
  for (const k of t.constraints) out.push(...addConstraint(t.name, k));
  for (const i of t.indexes) out.push(addIndex(t.name, i));
  if (t.rows > 0) out.push(call("bulkInsert", t.name, rowsFor(state, t, 0, t.rows)));
  return out;
}

function addConstraint(table: string, k: GenConstraint): OpCall[] {
  if (k.kind === "unique") return [call("createUniqueConstraint", k.name, table, k.columns)];
  if (k.kind === "check") return [call("createCheckConstraint", k.name, table, k.expr)];
  const opts = k.onDelete === undefined ? {} : { onDelete: k.onDelete };
  return [call("createForeignKey", k.name, table, k.columns, k.refTable, k.refColumns, opts)];
}

function addIndex(table: string, i: GenIndex): OpCall {
  const opts: Record<string, unknown> = {};
  if (i.unique) opts.unique = true;
  if (i.where !== undefined) opts.where = i.where;
  return call("createIndex", i.name, table, i.columns, opts);
}

const createTable: Maker = (rng, state) => {
  if (state.tables.length >= 5) return undefined;
  const t: GenTable = {
    name: name(state, "t"),
    columns: [],
    indexes: [],
    constraints: [],
    rows: 0,
  };
  const options: Record<string, unknown> = {};
  if (rng.chance(0.15)) {
    // Composite primary key through the table option.
    const a: GenColumn = {
      name: "k1",
      type: "integer",
      nullable: false,
      distinct: true,
      mayBeNull: false,
      pinned: true,
    };
    const b: GenColumn = { ...a, name: "k2", type: "varchar(20)" };
    t.columns.push(a, b);
    t.compositePk = ["k1", "k2"];
    options.primaryKey = t.compositePk;
  } else {
    const auto = rng.chance(0.4);
    t.columns.push({
      name: "id",
      type: "integer",
      nullable: false,
      primaryKey: true,
      ...(auto ? { autoIncrement: true } : {}),
      distinct: true,
      mayBeNull: false,
      pinned: true,
    });
  }
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) t.columns.push(newColumn(rng, state, undefined));
  const parent = parents(state).length > 0 && rng.chance(0.3) ? rng.pick(parents(state)) : null;
  if (parent) {
    t.columns.push({
      name: `${parent.name}_id`,
      type: "integer",
      nullable: true,
      references: `${parent.name}.id`,
      distinct: false,
      mayBeNull: true,
      pinned: true,
    });
  }
  const distinct = t.columns.filter((c) => c.distinct && !c.primaryKey && !c.unique);
  const unique: string[][] = [];
  if (distinct.length > 0 && rng.chance(0.2)) {
    const c = rng.pick(distinct);
    c.pinned = true;
    c.covered = true;
    unique.push([c.name]);
    options.unique = unique;
  }
  const ints = t.columns.filter((c) => c.type === "integer" && !c.mayBeNull && !c.references);
  if (ints.length > 0 && rng.chance(0.2)) {
    const c = rng.pick(ints);
    c.pinned = true;
    options.checks = [`${c.name} >= 0`];
  }
  if (state.dialect === "postgres" && rng.chance(0.2)) {
    t.comment = `table ${t.name}`;
    options.comment = t.comment;
  }
  const columns: Record<string, unknown> = {};
  for (const c of t.columns) columns[c.name] = specOf(c);
  const up: OpCall[] = [call("createTable", t.name, columns, options)];
  // Unnamed constraints from the options live on in the table definition; the
  // generator records them as pinned columns, not as named constraints.
  state.tables.push(t);
  const rows = rng.int(5);
  if (rows > 0) {
    up.push(call("bulkInsert", t.name, rowsFor(state, t, 0, rows)));
    t.rows = rows;
  }
  // Recreating after dropTable needs the options too: keep them on the table.
  tableOptions.set(t, options);
  return {
    describe: `createTable ${t.name} (${t.columns.length} columns) + ${rows} rows`,
    up,
    down: [call("dropTable", t.name)],
  };
};

/** createTable's options, kept so dropTable's downgrade can recreate them. */
const tableOptions = new WeakMap<GenTable, Record<string, unknown>>();

const dropTable: Maker = (rng, state) => {
  const candidates = state.tables.filter((t) => !referenced(state, t));
  if (candidates.length === 0) return undefined;
  const t = rng.pick(candidates);
  const down = recreate(state, t);
  const first = down[0] as OpCall;
  first.args[2] = { ...(tableOptions.get(t) ?? {}), ...(first.args[2] as object) };
  state.tables.splice(state.tables.indexOf(t), 1);
  return { describe: `dropTable ${t.name}`, up: [call("dropTable", t.name)], down };
};

const renameTable: Maker = (rng, state) => {
  if (state.tables.length === 0) return undefined;
  const t = rng.pick(state.tables);
  const old = t.name;
  const next = name(state, "r");
  for (const other of state.tables) {
    for (const c of other.columns) {
      if (c.references?.startsWith(`${old}.`)) {
        c.references = `${next}.${c.references.slice(old.length + 1)}`;
      }
    }
    for (const k of other.constraints) if (k.refTable === old) k.refTable = next;
  }
  t.name = next;
  return {
    describe: `renameTable ${old} -> ${next}`,
    up: [call("renameTable", old, next)],
    down: [call("renameTable", next, old)],
  };
};

function pickTable(rng: Rng, state: State): GenTable | undefined {
  return state.tables.length === 0 ? undefined : rng.pick(state.tables);
}

const addColumn: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t) return undefined;
  const c = newColumn(rng, state, t);
  t.columns.push(c);
  return {
    describe: `addColumn ${t.name}.${c.name} ${c.type}`,
    up: [call("addColumn", t.name, c.name, specOf(c))],
    down: [call("dropColumn", t.name, c.name)],
  };
};

const dropColumn: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t) return undefined;
  const candidates = t.columns.filter((c) =>
    !c.primaryKey && !t.compositePk?.includes(c.name) && !c.pinned && !c.unique && !c.altered &&
    (c.nullable || c.default !== undefined) && t.columns.length > 2 &&
    !t.indexes.some((i) => i.columns.includes(c.name)) &&
    !t.constraints.some((k) => k.columns.includes(c.name))
  );
  if (candidates.length === 0) return undefined;
  const c = rng.pick(candidates);
  t.columns.splice(t.columns.indexOf(c), 1);
  return {
    describe: `dropColumn ${t.name}.${c.name}`,
    up: [call("dropColumn", t.name, c.name)],
    down: [call("addColumn", t.name, c.name, specOf({ ...c }))],
  };
};

const alterColumn: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t) return undefined;
  const candidates = t.columns.filter((c) =>
    !c.primaryKey && !t.compositePk?.includes(c.name) && !c.pinned && !isEnum(c.type)
  );
  if (candidates.length === 0) return undefined;
  const c = rng.pick(candidates);
  const patch: Record<string, unknown> = {};
  const undo: Record<string, unknown> = {};
  const retype = RETYPE[c.type];
  const what = rng.int(4);
  if (
    what === 0 && retype && c.default === undefined && !c.unique &&
    !t.indexes.some((i) => i.columns.includes(c.name))
  ) {
    const type = rng.pick(retype);
    patch.type = type;
    undo.type = c.type;
    c.valueType ??= c.type;
    c.altered = true;
    c.type = type;
    c.distinct = false; // e.g. real -> double: keep it simple, no new unique on it
  } else if (what === 1 && (c.nullable ? !c.mayBeNull : true)) {
    patch.nullable = !c.nullable;
    undo.nullable = c.nullable;
    if (!c.nullable) c.altered = true;
    c.nullable = !c.nullable;
  } else if (what === 2 && TYPES[c.type]?.default !== undefined) {
    const next = c.default === undefined ? TYPES[c.type]?.default : null;
    patch.default = next;
    undo.default = c.default === undefined ? null : c.default;
    if (next === null) delete c.default;
    else c.default = next;
  } else {
    const to = name(state, "n");
    patch.rename = to;
    undo.rename = c.name;
    for (const i of t.indexes) i.columns = i.columns.map((x) => (x === c.name ? to : x));
    for (const k of t.constraints) k.columns = k.columns.map((x) => (x === c.name ? to : x));
    c.name = to;
    // Undo renames back, addressing the column by its new name.
    return {
      describe: `alterColumn ${t.name}.${undo.rename} rename ${to}`,
      up: [call("alterColumn", t.name, undo.rename, patch)],
      down: [call("alterColumn", t.name, to, undo)],
    };
  }
  return {
    describe: `alterColumn ${t.name}.${c.name} ${JSON.stringify(patch)}`,
    up: [call("alterColumn", t.name, c.name, patch)],
    down: [call("alterColumn", t.name, c.name, undo)],
  };
};

const createIndex: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t || t.indexes.length >= 3) return undefined;
  const indexable = t.columns.filter((c) => !["json", "blob"].includes(c.type));
  if (indexable.length === 0) return undefined;
  const c = rng.pick(indexable);
  const i: GenIndex = { name: name(state, "ix_"), columns: [c.name], unique: false };
  if (c.distinct && rng.chance(0.4)) i.unique = true;
  else if (rng.chance(0.3) && indexable.length > 1) {
    const d = rng.pick(indexable.filter((x) => x !== c));
    i.columns.push(d.name);
  }
  if (rng.chance(0.3) && !c.primaryKey) {
    i.where = `${c.name} IS NOT NULL`;
    c.pinned = true;
  }
  t.indexes.push(i);
  return {
    describe: `createIndex ${i.name} on ${t.name} (${i.columns.join(", ")})` +
      `${i.unique ? " unique" : ""}${i.where ? " where" : ""}`,
    up: [addIndex(t.name, i)],
    down: [call("dropIndex", i.name, { table: t.name })],
  };
};

const dropIndex: Maker = (rng, state) => {
  const t = rng.pick([undefined, ...state.tables.filter((x) => x.indexes.length > 0)]);
  if (!t) return undefined;
  const i = rng.pick(t.indexes);
  t.indexes.splice(t.indexes.indexOf(i), 1);
  return {
    describe: `dropIndex ${i.name}`,
    up: [call("dropIndex", i.name, { table: t.name })],
    down: [addIndex(t.name, i)],
  };
};

const createConstraint: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t || t.constraints.length >= 3) return undefined;
  const kind = rng.pick(["unique", "check", "foreignKey"] as const);
  let k: GenConstraint;
  const up: OpCall[] = [];
  const down: OpCall[] = [];
  if (kind === "unique") {
    const cs = t.columns.filter((c) => c.distinct && !c.unique && !c.primaryKey && !c.covered);
    if (cs.length === 0) return undefined;
    const c = rng.pick(cs);
    c.covered = true;
    k = { name: name(state, "uq_"), kind, columns: [c.name] };
  } else if (kind === "check") {
    const cs = t.columns.filter((c) => c.type === "integer" && !c.references && !c.pinned);
    if (cs.length === 0) return undefined;
    const c = rng.pick(cs);
    c.pinned = true;
    k = { name: name(state, "ck_"), kind, columns: [c.name], expr: `${c.name} >= 0` };
  } else {
    const ps = parents(state);
    if (ps.length === 0) return undefined;
    const p = rng.pick(ps);
    const col: GenColumn = {
      name: name(state, "fk_col"),
      type: "integer",
      nullable: true,
      alwaysNull: true,
      distinct: false,
      mayBeNull: true,
      pinned: true,
    };
    up.push(call("addColumn", t.name, col.name, specOf(col)));
    t.columns.push(col);
    k = {
      name: name(state, "fk_"),
      kind,
      columns: [col.name],
      refTable: p.name,
      refColumns: ["id"],
    };
    if (rng.chance(0.5)) k.onDelete = "cascade";
    down.push(call("dropConstraint", k.name, t.name), call("dropColumn", t.name, col.name));
    up.push(...addConstraint(t.name, k));
    t.constraints.push(k);
    return { describe: `createForeignKey ${k.name} ${t.name} -> ${p.name}`, up, down };
  }
  t.constraints.push(k);
  return {
    describe: `create ${kind} constraint ${k.name} on ${t.name}`,
    up: addConstraint(t.name, k),
    down: [call("dropConstraint", k.name, t.name)],
  };
};

const dropConstraint: Maker = (rng, state) => {
  const t = rng.pick([undefined, ...state.tables.filter((x) => x.constraints.length > 0)]);
  if (!t) return undefined;
  const k = rng.pick(t.constraints);
  t.constraints.splice(t.constraints.indexOf(k), 1);
  if (k.kind === "unique") {
    for (const c of t.columns) if (c.name === k.columns[0]) c.covered = false;
  }
  return {
    describe: `dropConstraint ${k.name} on ${t.name}`,
    up: [call("dropConstraint", k.name, t.name)],
    down: addConstraint(t.name, k),
  };
};

const createEnum: Maker = (rng, state) => {
  if (state.enums.size >= 2) return undefined;
  const e = name(state, "mood");
  const values = ["happy", "sad", "it's ok", "ZEN"].slice(0, 2 + rng.int(3));
  state.enums.set(e, values);
  return {
    describe: `createEnum ${e}`,
    up: [call("createEnum", e, values)],
    down: [call("dropEnum", e)],
  };
};

const dropEnum: Maker = (rng, state) => {
  const unused = [...state.enums.keys()].filter((e) =>
    !state.tables.some((t) => t.columns.some((c) => c.type === `enum:${e}`))
  );
  if (unused.length === 0) return undefined;
  const e = rng.pick(unused);
  const values = state.enums.get(e) ?? [];
  state.enums.delete(e);
  return {
    describe: `dropEnum ${e}`,
    up: [call("dropEnum", e)],
    down: [call("createEnum", e, values)],
  };
};

const insertRows: Maker = (rng, state) => {
  const t = pickTable(rng, state);
  if (!t) return undefined;
  // Values come from the row number, so distinct columns stay distinct.
  const n = 1 + rng.int(3);
  const rows = rowsFor(state, t, t.rows, n);
  const ids = rows.map((r) => r.id ?? r.k1).filter((x) => x !== undefined);
  t.rows += n;
  const key = t.compositePk ? "k1" : "id";
  // Deleting by key undoes it (auto-increment ids are the next ones too).
  const from = t.rows - n + 1;
  return {
    describe: `bulkInsert ${n} rows into ${t.name}`,
    up: [call("bulkInsert", t.name, rows)],
    down: [call("execute", `DELETE FROM ${t.name} WHERE ${key} >= ${ids.length ? ids[0] : from}`)],
  };
};

const MAKERS: [Maker, number][] = [
  [createTable, 4],
  [dropTable, 1],
  [renameTable, 1],
  [addColumn, 4],
  [dropColumn, 2],
  [alterColumn, 5],
  [createIndex, 3],
  [dropIndex, 1],
  [createConstraint, 3],
  [dropConstraint, 1],
  [createEnum, 1],
  [dropEnum, 1],
  [insertRows, 1],
];

/**
 * Generates a reproducible sequence of migration steps.
 *
 * The first step always creates a table. Later steps pick among table,
 * column, index, constraint, enum and data calls that are valid for the
 * schema so far (on `dialect`: comments only on PostgreSQL).
 *
 * @param seed Any integer; the same seed gives the same sequence.
 * @param dialect Which database the sequence targets.
 * @param options Number of steps.
 * @returns The sequence.
 */
export function generateOpSequence(
  seed: number,
  dialect: "sqlite" | "postgres",
  options: GenerateOptions = {},
): OpSequence {
  const rng = new Rng(seed);
  const state: State = { dialect, tables: [], enums: new Map(), counter: 0 };
  const count = options.steps ?? 6;
  const total = MAKERS.reduce((s, [, w]) => s + w, 0);
  const steps: GeneratedStep[] = [];
  while (steps.length < count) {
    let made: ReturnType<Maker>;
    if (steps.length === 0) made = createTable(rng, state);
    else {
      let r = rng.int(total);
      const maker = MAKERS.find(([, w]) => (r -= w) < 0)?.[0] ?? addColumn;
      made = maker(rng, state);
    }
    if (!made) continue;
    const { up, down } = made;
    steps.push({
      ...made,
      upgrade: (op) => runCalls(op, up),
      downgrade: (op) => runCalls(op, down),
    });
  }
  return { seed, dialect, steps };
}
