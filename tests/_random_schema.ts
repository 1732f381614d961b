/**
 * A seeded generator of declared schemas and of changes to them, for the
 * autogenerate property test (`tests/autogen_property_test.ts`).
 *
 * - {@linkcode randomSchema}`(rng, dialect)`: tables with columns of every
 *   portable type, nullability, defaults, comments, primary keys, indexes
 *   (unique, partial), unique and check constraints (named and unnamed),
 *   foreign keys with actions, and enums.
 * - {@linkcode mutateSchema}`(rng, schema, dialect)`: a copy with 2–6 random
 *   edits (tables, columns, types, nullability, defaults, comments, indexes,
 *   constraints, enums added and dropped, enum values added at any position,
 *   removed, reordered and renamed), and the rename hints that go with the
 *   renamed enum values.
 *
 * Every schema is valid (`validateDeclared` accepts it) and builds on both
 * databases. Edits stay within what autogenerate writes operations for:
 * primary keys and identity do not change, and on SQLite an unnamed
 * constraint goes only with its column or table (SQLite cannot drop one by
 * name). A value removed from an enum is no column's default afterwards
 * (rows: the test databases have none).
 *
 * @module
 */
import type { ColumnSpec, DeclaredSchema, DeclaredTable, Value } from "../src/schema/mod.ts";

/** A seeded pseudo-random source (mulberry32). */
export class Rng {
  #s: number;
  /** @param seed Any integer. */
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#s += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /** `true` with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One item. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}

type Dialect = "sqlite" | "postgres";

/** Portable types with values valid on both databases. */
const TYPES: Record<string, { defaults: Value[]; indexable: boolean; widen?: string[] }> = {
  integer: { defaults: [0, 42, -1, { $sql: "1 + 2" }], indexable: true, widen: ["bigint"] },
  bigint: { defaults: [0, 7], indexable: true, widen: ["integer"] },
  smallint: { defaults: [1], indexable: true, widen: ["integer"] },
  text: { defaults: ["abc", "it's", ""], indexable: true, widen: ["varchar(40)"] },
  "varchar(20)": { defaults: ["x"], indexable: true, widen: ["varchar(40)", "text"] },
  "varchar(40)": { defaults: ["longer text"], indexable: true, widen: ["varchar(20)", "text"] },
  "char(4)": { defaults: ["ab"], indexable: true },
  boolean: { defaults: [true, false], indexable: true },
  real: { defaults: [1.5, 0], indexable: true, widen: ["double"] },
  double: { defaults: [2.25], indexable: true, widen: ["real"] },
  "numeric(10,2)": { defaults: [1.25, 0], indexable: true, widen: ["numeric(12,4)"] },
  "numeric(12,4)": { defaults: [3.5], indexable: true, widen: ["numeric(10,2)"] },
  date: { defaults: ["2024-01-02"], indexable: true, widen: ["timestamp"] },
  time: { defaults: ["12:30:00"], indexable: true },
  timestamp: { defaults: ["2024-01-02 03:04:05", { $sql: "CURRENT_TIMESTAMP" }], indexable: true },
  timestamptz: { defaults: [{ $sql: "CURRENT_TIMESTAMP" }], indexable: true },
  json: { defaults: [{ a: 1 }, [1, 2]], indexable: false },
  uuid: { defaults: ["00000000-0000-0000-0000-000000000001"], indexable: true },
  blob: { defaults: [], indexable: false },
};
const TYPE_NAMES = Object.keys(TYPES);
const ACTIONS = ["cascade", "set null", "restrict", "no action"] as const;

/** Generates names that never repeat within one schema history. */
class Names {
  #n = 0;
  next(prefix: string): string {
    return `${prefix}${++this.#n}`;
  }
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function isEnum(spec: ColumnSpec): boolean {
  return spec.type.startsWith("enum:");
}

function randomColumn(rng: Rng, schema: DeclaredSchema, dialect: Dialect): ColumnSpec {
  const enums = Object.keys(schema.enums ?? {});
  if (enums.length > 0 && rng.chance(0.15)) {
    const e = rng.pick(enums);
    const spec: ColumnSpec = { type: `enum:${e}` };
    if (rng.chance(0.5)) spec.default = rng.pick(schema.enums![e]!);
    if (rng.chance(0.3)) spec.nullable = false;
    return spec;
  }
  const type = rng.pick(TYPE_NAMES);
  const info = TYPES[type]!;
  const spec: ColumnSpec = { type };
  if (info.defaults.length > 0 && rng.chance(0.4)) spec.default = clone(rng.pick(info.defaults));
  if (rng.chance(0.3) && (spec.default !== undefined || rng.chance(0.5))) spec.nullable = false;
  if (rng.chance(0.2)) spec.comment = rng.pick(["a note", "it's here", "ünïcode"]);
  void dialect;
  return spec;
}

function columnsOf(
  t: DeclaredTable,
  pred: (name: string, spec: ColumnSpec) => boolean = () => true,
) {
  return Object.entries(t.columns).filter(([n, s]) => pred(n, s)).map(([n]) => n);
}

const indexable = (_: string, s: ColumnSpec) => isEnum(s) || (TYPES[s.type]?.indexable ?? false);
const isInteger = (_: string, s: ColumnSpec) => s.type === "integer";

/** Tables with an integer `id` primary key (foreign keys point there). */
function targets(schema: DeclaredSchema): string[] {
  return Object.entries(schema.tables)
    .filter(([, t]) => t.columns.id?.primaryKey === true && t.columns.id.type === "integer")
    .map(([n]) => n);
}

function addIndex(rng: Rng, schema: DeclaredSchema, table: string, names: Names): void {
  const t = schema.tables[table]!;
  const cols = columnsOf(t, indexable);
  if (cols.length === 0) return;
  const picked = [...new Set([rng.pick(cols), ...(rng.chance(0.3) ? [rng.pick(cols)] : [])])];
  const ix: { columns: string[]; unique?: boolean; where?: string } = { columns: picked };
  if (rng.chance(0.3)) ix.unique = true;
  if (rng.chance(0.3)) ix.where = `${picked[0]} IS NOT NULL`;
  (t.indexes ??= {})[names.next(`ix_${table}_`)] = ix;
}

function addUnique(rng: Rng, schema: DeclaredSchema, table: string, names: Names): void {
  const t = schema.tables[table]!;
  const cols = columnsOf(t, indexable);
  if (cols.length === 0) return;
  const picked = [...new Set([rng.pick(cols), rng.pick(cols)])];
  const key = picked.join();
  const taken = [
    ...columnsOf(t, (_, s) => s.unique === true).map((c) => [c]),
    ...(t.unique ?? []).map((u) => (Array.isArray(u) ? u : u.columns)),
  ].some((cols) => cols.join() === key);
  if (taken) return; // the same columns unique twice is refused (validateDeclared)
  (t.unique ??= []).push(rng.chance(0.5) ? picked : { name: names.next("uq_"), columns: picked });
}

function addCheck(rng: Rng, schema: DeclaredSchema, table: string, names: Names): void {
  const t = schema.tables[table]!;
  const ints = columnsOf(t, (n, s) => isInteger(n, s) && n !== "id");
  if (ints.length === 0) return;
  const expr = `${rng.pick(ints)} ${rng.pick([">=", "<>"])} ${rng.int(-5, 5)}`;
  (t.checks ??= []).push(rng.chance(0.5) ? expr : { name: names.next("ck_"), expr });
}

function addForeignKey(rng: Rng, schema: DeclaredSchema, table: string, names: Names): void {
  const t = schema.tables[table]!;
  const cols = columnsOf(t, (n, s) => isInteger(n, s) && n !== "id" && s.references === undefined);
  const refs = targets(schema);
  if (cols.length === 0 || refs.length === 0) return;
  const col = rng.pick(cols);
  const ref = rng.pick(refs);
  const onDelete = rng.pick(ACTIONS);
  if (rng.chance(0.4)) {
    t.columns[col]!.references = onDelete === "no action"
      ? `${ref}.id`
      : { table: ref, column: "id", onDelete };
    return;
  }
  (t.foreignKeys ??= []).push({
    ...(rng.chance(0.6) ? { name: names.next("fk_") } : {}),
    columns: [col],
    references: ref,
    refColumns: ["id"],
    ...(onDelete === "no action" ? {} : { onDelete }),
  });
}

function addTable(rng: Rng, schema: DeclaredSchema, dialect: Dialect, names: Names): string {
  const name = names.next("t");
  const columns: Record<string, ColumnSpec> = {};
  const t: DeclaredTable = { columns };
  const pk = rng.int(0, 9);
  if (pk < 7) {
    columns.id = { type: "integer", primaryKey: true, ...(pk < 4 ? { autoIncrement: true } : {}) };
  } else if (pk < 9) {
    columns.k1 = { type: "integer", nullable: false };
    columns.k2 = { type: "varchar(20)", nullable: false };
    t.primaryKey = ["k1", "k2"];
  }
  schema.tables[name] = t;
  for (let i = rng.int(1, 5); i > 0; i--) {
    columns[names.next("c")] = randomColumn(rng, schema, dialect);
  }
  if (rng.chance(0.3)) columns[names.next("c")] = { type: "integer" };
  if (rng.chance(0.2)) t.comment = rng.pick(["the table", "it's a table"]);
  if (rng.chance(0.2)) {
    const c = columnsOf(t, (n, s) => indexable(n, s) && n !== "id" && !t.primaryKey?.includes(n));
    if (c.length) t.columns[rng.pick(c)]!.unique = true;
  }
  for (let i = rng.int(0, 2); i > 0; i--) addIndex(rng, schema, name, names);
  if (rng.chance(0.5)) addUnique(rng, schema, name, names);
  if (rng.chance(0.5)) addCheck(rng, schema, name, names);
  if (rng.chance(0.5)) addForeignKey(rng, schema, name, names);
  return name;
}

/**
 * A random declared schema.
 *
 * @param rng The random source.
 * @param dialect The database it is for (edits differ slightly, see the module docs).
 * @returns The schema and the name source for {@linkcode mutateSchema}.
 */
export function randomSchema(rng: Rng, dialect: Dialect): { schema: DeclaredSchema; names: Names } {
  const names = new Names();
  const schema: DeclaredSchema = { tables: {}, enums: {} };
  for (let i = rng.int(0, 2); i > 0; i--) {
    schema.enums![names.next("e")] = ["a", "b", "c"].slice(0, rng.int(2, 3));
  }
  for (let i = rng.int(1, 4); i > 0; i--) addTable(rng, schema, dialect, names);
  return { schema: prune(schema), names };
}

/** Removes what refers to missing columns or tables, and enums no column uses on SQLite. */
function prune(schema: DeclaredSchema): DeclaredSchema {
  for (const t of Object.values(schema.tables)) {
    const has = (c: string) => c in t.columns;
    for (const [c, spec] of Object.entries(t.columns)) {
      const ref = spec.references;
      const target = typeof ref === "string" ? ref.split(".")[0] : ref?.table;
      if (target !== undefined && !(target in schema.tables)) delete t.columns[c]!.references;
    }
    if (t.indexes) {
      for (const [n, ix] of Object.entries(t.indexes)) {
        if (!ix.columns.every(has)) delete t.indexes[n];
      }
    }
    if (t.unique) t.unique = t.unique.filter((u) => (Array.isArray(u) ? u : u.columns).every(has));
    if (t.checks) {
      t.checks = t.checks.filter((c) => has((typeof c === "string" ? c : c.expr).split(" ")[0]!));
    }
    if (t.foreignKeys) {
      t.foreignKeys = t.foreignKeys.filter((f) =>
        f.columns.every(has) && f.references in schema.tables
      );
    }
  }
  return schema;
}

/** Whether a table is referenced by another table's foreign key. */
function referencedBy(schema: DeclaredSchema, table: string): boolean {
  return Object.entries(schema.tables).some(([n, t]) =>
    n !== table && (Object.values(t.columns).some((c) => {
      const ref = c.references;
      return (typeof ref === "string" ? ref.split(".")[0] : ref?.table) === table;
    }) || (t.foreignKeys ?? []).some((f) => f.references === table))
  );
}

/**
 * A copy of `schema` with 2–6 random edits.
 *
 * @param rng The random source.
 * @param base The schema to start from (not changed).
 * @param dialect The database.
 * @param names The name source the schema was made with.
 * @returns The edited schema and a description of each edit.
 */
export function mutateSchema(
  rng: Rng,
  base: DeclaredSchema,
  dialect: Dialect,
  names: Names,
): {
  schema: DeclaredSchema;
  edits: string[];
  /** Enum value renames, for `renameEnumValues` (some renames are left as a removal and an addition). */
  renameEnumValues: Record<string, Record<string, string>>;
} {
  const schema = clone(base);
  const edits: string[] = [];
  const renames: [string, string, string][] = [];
  const sqlite = dialect === "sqlite";
  const target = rng.int(2, 6);
  // Edits whose preconditions do not hold are skipped: draw until enough happened.
  for (let attempt = 0; edits.length < target && attempt < 100; attempt++) {
    const tables = Object.keys(schema.tables);
    const table = tables.length ? rng.pick(tables) : undefined;
    const t = table === undefined ? undefined : schema.tables[table]!;
    const plain = t
      ? columnsOf(
        t,
        (n, s) => n !== "id" && !t.primaryKey?.includes(n) && s.references === undefined,
      )
      : [];
    const kind = rng.int(0, 16);
    if (kind === 0 || t === undefined || table === undefined) {
      edits.push(`add table ${addTable(rng, schema, dialect, names)}`);
    } else if (kind === 1 && tables.length > 1 && !referencedBy(schema, table)) {
      delete schema.tables[table];
      edits.push(`drop table ${table}`);
    } else if (kind === 2) {
      const c = names.next("c");
      const spec = randomColumn(rng, schema, dialect);
      if (spec.nullable === false && spec.default === undefined) delete spec.nullable;
      t.columns[c] = spec;
      edits.push(`add column ${table}.${c}`);
    } else if (kind === 3 && plain.length > 0) {
      const c = rng.pick(plain);
      if (Object.keys(t.columns).length > 1 && !referencedColumn(schema, table, c)) {
        delete t.columns[c];
        edits.push(`drop column ${table}.${c}`);
      }
    } else if (kind === 4 && plain.length > 0) {
      const c = rng.pick(plain);
      const spec = t.columns[c]!;
      const to = TYPES[spec.type]?.widen;
      if (to && !inIndexOrKey(t, c)) {
        spec.type = rng.pick(to);
        const defaults = TYPES[spec.type]!.defaults;
        if (spec.default !== undefined) {
          if (defaults.length) spec.default = clone(rng.pick(defaults));
          else delete spec.default;
        }
        if (t.checks) {
          t.checks = t.checks.filter((ch) =>
            !(typeof ch === "string" ? ch : ch.expr).startsWith(`${c} `)
          );
        }
        edits.push(`type of ${table}.${c} -> ${spec.type}`);
      }
    } else if (kind === 5 && plain.length > 0) {
      const c = rng.pick(plain);
      const spec = t.columns[c]!;
      if (spec.nullable === false) delete spec.nullable;
      else spec.nullable = false;
      edits.push(`nullability of ${table}.${c}`);
    } else if (kind === 6 && plain.length > 0) {
      const c = rng.pick(plain);
      const spec = t.columns[c]!;
      const defaults = isEnum(spec)
        ? schema.enums![spec.type.slice(5)]!
        : TYPES[spec.type]?.defaults ?? [];
      if (spec.default !== undefined && rng.chance(0.5)) delete spec.default;
      else if (defaults.length) spec.default = clone(rng.pick(defaults));
      edits.push(`default of ${table}.${c}`);
    } else if (kind === 7 && plain.length > 0) {
      const c = rng.pick(plain);
      const spec = t.columns[c]!;
      if (spec.comment !== undefined) delete spec.comment;
      else spec.comment = "new comment";
      edits.push(`comment of ${table}.${c}`);
    } else if (kind === 8) {
      addIndex(rng, schema, table, names);
      edits.push(`add index on ${table}`);
    } else if (kind === 9 && t.indexes && Object.keys(t.indexes).length) {
      const ix = rng.pick(Object.keys(t.indexes));
      if (rng.chance(0.5)) delete t.indexes[ix];
      else t.indexes[ix]!.unique = !t.indexes[ix]!.unique;
      edits.push(`drop or change index ${ix}`);
    } else if (kind === 10) {
      addUnique(rng, schema, table, names);
      edits.push(`add unique on ${table}`);
    } else if (kind === 11) {
      addCheck(rng, schema, table, names);
      edits.push(`add check on ${table}`);
    } else if (kind === 12) {
      addForeignKey(rng, schema, table, names);
      edits.push(`add foreign key on ${table}`);
    } else if (kind === 13) {
      // Drop or change a constraint: any on PostgreSQL, named ones on SQLite.
      const named = <T>(x: T) => !sqlite || (typeof x === "object" && x !== null && "name" in x);
      const holders = tables.filter((n) => {
        const x = schema.tables[n]!;
        return [...(x.unique ?? []), ...(x.checks ?? []), ...(x.foreignKeys ?? [])].some(named);
      });
      if (holders.length === 0) continue;
      const table = rng.pick(holders);
      const t = schema.tables[table]!;
      const before = JSON.stringify(t);
      const which = rng.int(0, 3);
      if (which === 0 && t.unique?.some(named)) t.unique.splice(t.unique.findIndex(named), 1);
      if (which === 1 && t.checks?.some(named)) t.checks.splice(t.checks.findIndex(named), 1);
      if (which === 2 && t.foreignKeys?.some(named)) {
        const fk = t.foreignKeys[t.foreignKeys.findIndex(named)]!;
        if (rng.chance(0.5)) t.foreignKeys.splice(t.foreignKeys.indexOf(fk), 1);
        else fk.onDelete = fk.onDelete === "cascade" ? "set null" : "cascade";
      }
      if (which === 3 && !sqlite) {
        // A column's own constraint: its UNIQUE or its reference.
        const own = Object.values(t.columns).find((c) => c.unique || c.references);
        if (own?.unique) delete own.unique;
        else if (own) delete own.references;
      }
      if (before !== JSON.stringify(t)) edits.push(`drop or change a constraint on ${table}`);
    } else if (kind === 14) {
      const e = names.next("e");
      (schema.enums ??= {})[e] = ["x", "y"];
      const c = names.next("c");
      t.columns[c] = { type: `enum:${e}`, default: "y" };
      edits.push(`add enum ${e} used by ${table}.${c}`);
    } else if (kind === 15 && Object.keys(schema.enums ?? {}).length) {
      const e = rng.pick(Object.keys(schema.enums!));
      const users = Object.values(schema.tables).flatMap((tt) =>
        Object.entries(tt.columns).filter(([, s]) => s.type === `enum:${e}`).map(([c]) =>
          [tt, c] as const
        )
      );
      const blocked = users.some(([tt, c]) =>
        inIndexOrKey(tt, c) || Object.keys(tt.columns).length === 1
      );
      if (!blocked) {
        for (const [tt, c] of users) {
          delete tt.columns[c];
          removeColumnUses(tt, c);
        }
        delete schema.enums![e];
        edits.push(`drop enum ${e}`);
      }
    } else if (kind === 16) {
      if (t.comment === undefined) t.comment = "commented";
      else delete t.comment;
      edits.push(`comment of table ${table}`);
    }
    prune(schema);
  }
  // Enum values, after the other edits (so those draw the same as before):
  // most enums S1 has and S2 keeps get one change, some a second one.
  for (const e of Object.keys(base.enums ?? {}).sort()) {
    for (let n = 0; n < 2 && e in (schema.enums ?? {}) && rng.chance(n === 0 ? 0.75 : 0.3); n++) {
      const edit = editEnumValues(rng, schema, e, names, renames);
      if (edit !== undefined) edits.push(edit);
    }
  }
  return { schema, edits, renameEnumValues: renameHints(renames, base, schema) };
}

/**
 * Changes the values of enum `e`: adds one at a random place (half the time
 * used in the same migration, as a column's default), removes one,
 * reorders them, or renames one (the rename hint is recorded; in about a
 * third of renames it is not, and the rename is a removal and an addition).
 * Defaults follow: a renamed value's columns get the new name; a removed
 * value's columns another value, or none.
 */
function editEnumValues(
  rng: Rng,
  schema: DeclaredSchema,
  e: string,
  names: Names,
  renames: [string, string, string][],
): string | undefined {
  const values = schema.enums![e]!;
  const columns = Object.values(schema.tables).flatMap((t) =>
    Object.values(t.columns).filter((c) => c.type === `enum:${e}`)
  );
  const what = rng.int(0, 3);
  if (what === 0) {
    const v = names.next("v");
    values.splice(rng.int(0, values.length), 0, v);
    if (!rng.chance(0.5)) return `add value ${v} to enum ${e}`;
    // Used in the same migration: a column's default, or a new column's.
    if (columns.length > 0 && rng.chance(0.5)) {
      rng.pick(columns).default = v;
      return `add value ${v} to enum ${e}, a column's default`;
    }
    const table = rng.pick(Object.keys(schema.tables));
    const c = names.next("c");
    schema.tables[table]!.columns[c] = { type: `enum:${e}`, default: v };
    return `add value ${v} to enum ${e}, the default of new column ${table}.${c}`;
  }
  if (what === 1 && values.length > 1) {
    const [v] = values.splice(rng.int(0, values.length - 1), 1);
    for (const c of columns.filter((c) => c.default === v)) {
      if (rng.chance(0.5)) c.default = rng.pick(values);
      else delete c.default;
    }
    return `remove value ${v} from enum ${e}`;
  }
  if (what === 2 && values.length > 1) {
    const before = values.join();
    for (let i = 0; i < 5 && values.join() === before; i++) {
      for (let k = values.length - 1; k > 0; k--) {
        const j = rng.int(0, k);
        [values[k], values[j]] = [values[j]!, values[k]!];
      }
    }
    return `reorder enum ${e} to [${values.join(", ")}]`;
  }
  if (what === 3) {
    const i = rng.int(0, values.length - 1);
    const old = values[i]!;
    const v = names.next("r");
    values[i] = v;
    for (const c of columns.filter((c) => c.default === old)) c.default = v;
    const hinted = rng.chance(0.7);
    if (hinted) renames.push([e, old, v]);
    return `rename value ${old} of enum ${e} to ${v}${hinted ? " (hint)" : ""}`;
  }
  return undefined;
}

/**
 * The rename hints that still hold between the two schemas (a later edit may
 * have removed the new value, renamed it again, or dropped the enum).
 */
function renameHints(
  renames: readonly [string, string, string][],
  base: DeclaredSchema,
  schema: DeclaredSchema,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [e, old, next] of renames) {
    const from = base.enums?.[e];
    const to = schema.enums?.[e];
    if (!from || !to) continue;
    if (!from.includes(old) || to.includes(old) || !to.includes(next) || from.includes(next)) {
      continue;
    }
    (out[e] ??= {})[old] = next;
  }
  return out;
}

function removeColumnUses(t: DeclaredTable, c: string): void {
  if (t.indexes) {
    for (const [n, ix] of Object.entries(t.indexes)) {
      if (ix.columns.includes(c)) delete t.indexes[n];
    }
  }
}

function inIndexOrKey(t: DeclaredTable, c: string): boolean {
  return Object.values(t.indexes ?? {}).some((ix) => ix.columns.includes(c)) ||
    (t.unique ?? []).some((u) => (Array.isArray(u) ? u : u.columns).includes(c)) ||
    (t.foreignKeys ?? []).some((f) => f.columns.includes(c)) || t.columns[c]?.unique === true ||
    (t.checks ?? []).some((ch) => (typeof ch === "string" ? ch : ch.expr).startsWith(`${c} `));
}

function referencedColumn(schema: DeclaredSchema, table: string, column: string): boolean {
  return column === "id" && referencedBy(schema, table);
}
