import assert from "node:assert/strict";
import type { Change } from "../changes/change.ts";
import { UsageError } from "../errors.ts";
import type { Column, Schema, Table } from "../schema/model.ts";
import { compareSchemas } from "./compare.ts";
import { orderedSteps, PHASE } from "./difference.ts";
import { typeChange } from "./_types.ts";

function col(name: string, over: Partial<Column> = {}): Column {
  return {
    name,
    type: "integer",
    nullable: true,
    default: null,
    autoIncrement: false,
    comment: null,
    ...over,
  };
}

function table(name: string, columns: Column[], over: Partial<Table> = {}): Table {
  return {
    name,
    schema: "public",
    columns,
    primaryKey: [],
    indexes: [],
    uniques: [],
    checks: [],
    foreignKeys: [],
    comment: null,
    ...over,
  };
}

const schema = (tables: Table[], enums: Schema["enums"] = []): Schema => ({ tables, enums });
const fk = (refTable: string, columns = ["ref"], name: string | null = null) => ({
  name,
  columns,
  refTable,
  refColumns: ["id"],
  onDelete: "no action",
  onUpdate: "no action",
});
const ups = (s: Schema, t: Schema, o = {}): Change[] =>
  orderedSteps(compareSchemas(s, t, o)).flatMap((x) => (x.up ? [x.up] : []));
const downs = (s: Schema, t: Schema, o = {}): Change[] =>
  orderedSteps(compareSchemas(s, t, o)).reverse().flatMap((x) => x.down);
const describe = (c: Change) =>
  `${c.kind} ${"table" in c ? c.table : ""}${"name" in c ? `.${c.name}` : ""}${
    c.kind === "addColumn" ? `.${c.column.name}` : c.kind === "dropColumn" ? `.${c.column}` : ""
  }`;

Deno.test("compareSchemas() finds nothing when the schemas are equal, whatever the column order", () => {
  const a = schema([table("t", [col("a"), col("b", { type: "text", default: "'x'" })])]);
  const b = schema([table("t", [col("b", { type: "text", default: "'x'" }), col("a")])]);
  assert.deepEqual(compareSchemas(a, b), []);
});

Deno.test("compareSchemas() creates enums and referenced tables first, foreign keys of cycles last", () => {
  const enums = [{ name: "mood", schema: "public", values: ["a", "b"] }];
  const to = schema([
    table("a", [col("id"), col("ref"), col("m", { type: "enum:mood" })], {
      foreignKeys: [fk("b")],
    }),
    table("b", [col("id"), col("ref")], { foreignKeys: [fk("c")] }),
    table("c", [col("id"), col("ref")], { foreignKeys: [fk("a", ["ref"], "c_ref_fkey")] }),
  ], enums);
  assert.deepEqual(ups(schema([]), to).map(describe), [
    "createEnum .mood",
    "createTable c",
    "createTable b",
    "createTable a",
    "createForeignKey c.c_ref_fkey",
  ]);
  // Undoing drops in reverse: the late foreign key, then the tables, then the enum.
  assert.deepEqual(downs(schema([]), to).map(describe), [
    "dropConstraint c.c_ref_fkey",
    "dropTable a",
    "dropTable b",
    "dropTable c",
    "dropEnum .mood",
  ]);
});

Deno.test("compareSchemas() drops foreign keys into a table before the table, and the table before its enum", () => {
  const enums = [{ name: "mood", schema: "public", values: ["a"] }];
  const from = schema([
    table("parent", [col("id"), col("m", { type: "enum:mood" })]),
    table("child", [col("id"), col("ref")], {
      foreignKeys: [fk("parent", ["ref"], "child_ref_fkey")],
    }),
  ], enums);
  const to = schema([table("child", [col("id"), col("ref")])]);
  assert.deepEqual(ups(from, to).map(describe), [
    "dropConstraint child.child_ref_fkey",
    "dropTable parent",
    "dropEnum .mood",
  ]);
  const notes = orderedSteps(compareSchemas(from, to)).flatMap((s) => s.notes);
  assert.ok(notes.includes('data loss: drops table "parent" and all its rows'));
});

Deno.test("compareSchemas() adds columns before constraints and indexes on them, drops them after", () => {
  const from = schema([table("t", [col("id"), col("old")], {
    indexes: [{ name: "ix_old", columns: ["old"], unique: false, where: null }],
  })]);
  const to = schema([table("t", [col("id"), col("new")], {
    indexes: [{ name: "ix_new", columns: ["new"], unique: false, where: null }],
    uniques: [{ name: "uq_new", columns: ["new", "id"] }],
  })]);
  assert.deepEqual(ups(from, to).map(describe), [
    "dropIndex t.ix_old",
    "dropColumn t.old",
    "addColumn t.new",
    "createUniqueConstraint t.uq_new",
    "createIndex t.ix_new",
  ]);
  const notes = orderedSteps(compareSchemas(from, to)).flatMap((s) => s.notes);
  assert.ok(
    notes.some((n) => n.startsWith('review: if "t.old" was renamed, use --rename t.old:new')),
  );
});

Deno.test("compareSchemas() renames by hint instead of dropping and adding", () => {
  const from = schema([table("people", [col("id"), col("name", { type: "text" })])]);
  const to = schema([table("users", [col("id"), col("full_name", { type: "text" })])]);
  const options = {
    renameTables: { people: "users" },
    renameColumns: { users: { name: "full_name" } },
  };
  assert.deepEqual(ups(from, to, options), [
    { kind: "renameTable", table: "people", newName: "users" },
    { kind: "alterColumn", table: "users", column: "name", patch: { rename: "full_name" } },
  ]);
  assert.deepEqual(downs(from, to, options), [
    { kind: "alterColumn", table: "users", column: "full_name", patch: { rename: "name" } },
    { kind: "renameTable", table: "users", newName: "people" },
  ]);
});

Deno.test("compareSchemas() rejects a rename hint that names what is not there (exit 2)", () => {
  const from = schema([table("a", [col("x")])]);
  const to = schema([table("b", [col("y")])]);
  const bad: [object, RegExp][] = [
    [
      { renameTables: { nope: "b" } },
      /--rename-table "nope:b": there is no table "nope" in the database/,
    ],
    [{ renameTables: { a: "nope" } }, /there is no table "nope" in schema\.ts/],
    [
      { renameTables: { a: "b" }, renameColumns: { b: { z: "y" } } },
      /there is no column "a\.z" in the database/,
    ],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => compareSchemas(from, to, options), (e) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("compareSchemas() matches constraints the declared schema does not name by content", () => {
  const from = schema([table("t", [col("a"), col("b")], {
    uniques: [{ name: "uq_made_by_hand", columns: ["a"] }],
    checks: [{ name: "old_check", expr: "(b > 0)" }],
  })]);
  const to = schema([table("t", [col("a"), col("b")], {
    uniques: [{ name: "t_a_key", columns: ["a"] }],
    checks: [{ name: "ck_b", expr: "(b > 0)" }],
  })]);
  // Only the check's name is declared: the unique matches by content, the check by name.
  const diffs = compareSchemas(from, to, { declaredNames: new Set(["t\0ck_b"]) });
  assert.deepEqual(ups(from, to, { declaredNames: new Set(["t\0ck_b"]) }).map(describe), [
    "dropConstraint t.old_check",
    "createCheckConstraint t.ck_b",
  ]);
  assert.deepEqual(diffs.flatMap((d) => d.messages), [
    'check "ck_b" ((b > 0)) on "t": in schema.ts but not in the database',
    'check "old_check" ((b > 0)) on "t": in the database but not in schema.ts',
  ]);
});

Deno.test("compareSchemas() cannot drop an unnamed constraint by name: a review note, unless its column goes", () => {
  const from = schema([table("t", [col("a"), col("b")], {
    uniques: [{ name: null, columns: ["a"] }, { name: null, columns: ["b"] }],
  })]);
  const to = schema([table("t", [col("a")])]);
  const steps = orderedSteps(compareSchemas(from, to));
  const notes = steps.flatMap((s) => s.notes);
  assert.ok(notes.some((n) => /^review: the database has an unnamed unique \(a\) on "t"/.test(n)));
  assert.ok(
    !notes.some((n) => /has an unnamed unique \(b\)/.test(n)),
    "b's unique goes with column b",
  );
  // It goes with the column only when the drop cascades (SQLite refuses otherwise).
  const drop = steps.find((s) => s.up?.kind === "dropColumn");
  assert.deepEqual(drop?.up, { kind: "dropColumn", table: "t", column: "b", cascade: true });
  assert.ok(notes.some((n) => /^review: cascade also drops the unnamed unique \(b\)/.test(n)));
  // Undoing the column drop gives its unique back, under a new name.
  assert.deepEqual(
    steps.reverse().flatMap((s) => s.down).map(describe),
    ["addColumn t.b", "createUniqueConstraint t.uq_t_b"],
  );
});

Deno.test("compareSchemas() reports what has no operation as review notes: primary keys, identity, enum values", () => {
  const from = schema([table("t", [col("a"), col("b")], { primaryKey: ["a"] })], [
    { name: "mood", schema: "public", values: ["a", "b"] },
  ]);
  const to = schema([
    table("t", [col("a", { autoIncrement: true }), col("b")], { primaryKey: ["a", "b"] }),
  ], [
    { name: "mood", schema: "public", values: ["a", "b", "c"] },
  ]);
  const diffs = compareSchemas(from, to);
  assert.deepEqual(diffs.flatMap((d) => d.messages), [
    'enum "mood": values are ["a", "b"] in the database, ["a", "b", "c"] in schema.ts',
    'column "t.a": does not auto-increment in the database, auto-increments in schema.ts',
    'primary key of "t": (a) in the database, (a, b) in schema.ts',
  ]);
  const steps = orderedSteps(diffs);
  assert.equal(steps.filter((s) => s.up).length, 0);
  assert.equal(steps.flatMap((s) => s.notes).filter((n) => n.startsWith("review:")).length, 3);
});

Deno.test("compareSchemas() alters one column with every changed attribute, and undoes exactly those", () => {
  const from = schema([
    table("t", [col("a", { type: "varchar(80)", default: "'x'", comment: "c" })]),
  ]);
  const to = schema([
    table("t", [col("a", { type: "varchar(20)", nullable: false, default: "'x'" })]),
  ]);
  const diffs = compareSchemas(from, to);
  assert.deepEqual(ups(from, to), [{
    kind: "alterColumn",
    table: "t",
    column: "a",
    patch: { type: "varchar(20)", default: { $sql: "'x'" }, nullable: false, comment: null },
  }]);
  assert.deepEqual(downs(from, to), [{
    kind: "alterColumn",
    table: "t",
    column: "a",
    patch: { type: "varchar(80)", default: { $sql: "'x'" }, nullable: true, comment: "c" },
  }]);
  const notes = orderedSteps(diffs).flatMap((s) => s.notes);
  assert.ok(notes[0]?.startsWith('data loss: narrows "t.a" from varchar(80) to varchar(20)'));
  assert.equal(diffs[0]?.messages.length, 3);
});

Deno.test("compareSchemas() treats a NULL default as no default", () => {
  const a = schema([table("t", [col("a", { default: "NULL" })])]);
  const b = schema([table("t", [col("a")])]);
  assert.deepEqual(compareSchemas(a, b), []);
});

Deno.test("compareSchemas() compares expressions through normalizeExpr", () => {
  const a = schema([table("t", [col("a")], { checks: [{ name: null, expr: "a>0" }] })]);
  const b = schema([table("t", [col("a")], { checks: [{ name: null, expr: "(a > 0)" }] })]);
  assert.equal(compareSchemas(a, b).length, 2);
  const strip = (s: string) => s.replace(/[\s()]/g, "");
  assert.deepEqual(compareSchemas(a, b, { normalizeExpr: strip }), []);
});

Deno.test("every phase is used in the documented order", () => {
  const values = Object.values(PHASE);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
  assert.ok(PHASE.enumCreate < PHASE.tableCreate && PHASE.foreignKeyDrop < PHASE.tableDrop);
  assert.ok(PHASE.tableDrop < PHASE.enumDrop && PHASE.columnAdd < PHASE.indexCreate);
});

Deno.test("typeChange() tells widening from narrowing", () => {
  const cases: [string, string, string][] = [
    ["smallint", "integer", "widen"],
    ["bigint", "integer", "narrow"],
    ["varchar(20)", "varchar(80)", "widen"],
    ["varchar(80)", "varchar(20)", "narrow"],
    ["varchar(20)", "text", "widen"],
    ["text", "varchar(20)", "narrow"],
    ["numeric(10,2)", "numeric(12,4)", "widen"],
    ["numeric(10,2)", "numeric(10,4)", "narrow"],
    ["integer", "numeric(12,2)", "widen"],
    ["real", "double", "widen"],
    ["double", "real", "narrow"],
    ["date", "timestamp", "widen"],
    ["timestamp", "date", "narrow"],
    ["text", "integer", "convert"],
    ["boolean", "integer", "convert"],
  ];
  for (const [from, to, kind] of cases) {
    assert.equal(typeChange(from, to), kind, `${from} -> ${to}`);
  }
});

Deno.test("compareSchemas() picks another name when the database's name for a new constraint is taken", () => {
  const restrict = { ...fk("t", ["c"], "t_c_fkey"), onDelete: "restrict" };
  const from = schema([table("t", [col("id"), col("c")], { foreignKeys: [restrict] })]);
  // The scratch database named them in creation order: the new one got the old one's name.
  const to = schema([table("t", [col("id"), col("c")], {
    foreignKeys: [
      { ...fk("t", ["c"], "t_c_fkey"), onDelete: "set null" },
      { ...restrict, name: "t_c_fkey1" },
    ],
  })]);
  const [create] = ups(from, to, { declaredNames: new Set() });
  assert.equal(create?.kind, "createForeignKey");
  assert.equal((create as { name: string }).name, "fk_t_c");
  assert.equal(ups(from, to, { declaredNames: new Set() }).length, 1);
});
