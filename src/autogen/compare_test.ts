import assert from "node:assert/strict";
import type { Change } from "../changes/change.ts";
import { applyEnumChange } from "../changes/enum_values.ts";
import { engineByName } from "../dialects/registry.ts";
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

Deno.test("compareSchemas() reports what has no operation as review notes: primary keys, identity", () => {
  const from = schema([table("t", [col("a"), col("b")], { primaryKey: ["a"] })]);
  const to = schema([
    table("t", [col("a", { autoIncrement: true }), col("b")], { primaryKey: ["a", "b"] }),
  ]);
  const diffs = compareSchemas(from, to);
  assert.deepEqual(diffs.flatMap((d) => d.messages), [
    'column "t.a": does not auto-increment in the database, auto-increments in schema.ts',
    'primary key of "t": (a) in the database, (a, b) in schema.ts',
  ]);
  const steps = orderedSteps(diffs);
  assert.equal(steps.filter((s) => s.up).length, 0);
  assert.equal(steps.flatMap((s) => s.notes).filter((n) => n.startsWith("review:")).length, 2);
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

// Enum values. The engines' own capabilities decide whether a value added by
// addEnumValue can be used before the migration commits.
const CAN_USE = engineByName("sqlite").capabilities.enumValueUsableBeforeCommit;
const CANNOT_USE = engineByName("postgres").capabilities.enumValueUsableBeforeCommit;
const mood = (values: string[]) => [{ name: "mood", schema: "public", values }];
/** A table with a column of the enum, with a default. */
const moodTable = (dflt: string | null = null) =>
  table("t", [col("id"), col("m", { type: "enum:mood", default: dflt })]);

/** The enum's values after each enum-value change, as the ops do it (src/changes/enum_values.ts). */
function replay(values: readonly string[], changes: readonly Change[]): string[] {
  let list = [...values];
  for (const c of changes) {
    if (
      c.kind !== "addEnumValue" && c.kind !== "alterEnum" && c.kind !== "dropEnumValue" &&
      c.kind !== "renameEnumValue"
    ) continue;
    list = applyEnumChange(list, c)?.values ?? list;
  }
  return list;
}

Deno.test("compareSchemas() adds enum values one by one, each placed exactly, and undoes them with one alterEnum", () => {
  const from = schema([], mood(["b", "d"]));
  const to = schema([], mood(["a", "0", "b", "c", "d", "e"]));
  for (const usable of [CAN_USE, CANNOT_USE]) {
    const o = { enumValueUsableBeforeCommit: usable };
    // Nothing else uses the enum: addEnumValue on both databases.
    assert.deepEqual(ups(from, to, o), [
      { kind: "addEnumValue", name: "mood", value: "0", before: "b", ifNotExists: false },
      { kind: "addEnumValue", name: "mood", value: "a", before: "0", ifNotExists: false },
      { kind: "addEnumValue", name: "mood", value: "c", after: "b", ifNotExists: false },
      { kind: "addEnumValue", name: "mood", value: "e", after: "d", ifNotExists: false },
    ]);
    assert.deepEqual(replay(["b", "d"], ups(from, to, o)), ["a", "0", "b", "c", "d", "e"]);
    assert.deepEqual(downs(from, to, o), [{ kind: "alterEnum", name: "mood", values: ["b", "d"] }]);
  }
  const steps = orderedSteps(compareSchemas(from, to));
  assert.ok(steps.every((s) => s.phase === PHASE.enumCreate));
  assert.deepEqual(steps.flatMap((s) => s.notes), []);
  assert.deepEqual(steps.flatMap((s) => s.downNotes), [
    'data loss: removes values "a", "0", "c", "e" from enum "mood": the downgrade fails, ' +
    "changing nothing, while a row holds one (update or delete those rows first, with op.execute)",
  ]);
  assert.deepEqual(compareSchemas(from, to).flatMap((d) => d.messages), [
    'enum "mood": values are ["b", "d"] in the database, ["a", "0", "b", "c", "d", "e"] in schema.ts',
  ]);
});

Deno.test("compareSchemas() adds enum values with alterEnum where a later step uses them and the engine cannot before commit", () => {
  const from = schema([table("t", [col("id")])], mood(["a", "b"]));
  const uses: [string, Schema][] = [
    ["a new column of the enum", schema([moodTable()], mood(["a", "b", "c"]))],
    [
      "a new table with a column of it",
      schema(
        [table("t", [col("id")]), moodTable()].map((t, i) => i ? { ...t, name: "u" } : t),
        mood(["a", "b", "c"]),
      ),
    ],
    [
      "a check spelling the value out",
      schema(
        [table("t", [col("id")], { checks: [{ name: "ck", expr: "'c'::mood IS NOT NULL" }] })],
        mood(["a", "b", "c"]),
      ),
    ],
  ];
  for (const [what, to] of uses) {
    const pg = orderedSteps(compareSchemas(from, to, { enumValueUsableBeforeCommit: CANNOT_USE }));
    assert.deepEqual(pg[0]?.up, { kind: "alterEnum", name: "mood", values: ["a", "b", "c"] }, what);
    assert.equal(pg[0]?.phase, PHASE.enumCreate, what);
    assert.match(
      pg[0]!.notes.join("\n"),
      /^review: later steps use enum "mood", and this database cannot use a value op\.addEnumValue adds until the migration commits: alterEnum rebuilds the type/,
      what,
    );
    assert.deepEqual(pg[0]?.down, [{ kind: "alterEnum", name: "mood", values: ["a", "b"] }], what);
    assert.ok(!pg.some((s) => s.up?.kind === "addEnumValue"), what);
    // An engine that can use it at once adds the value natively.
    const lite = orderedSteps(compareSchemas(from, to, { enumValueUsableBeforeCommit: CAN_USE }));
    assert.deepEqual(lite[0]?.up, {
      kind: "addEnumValue",
      name: "mood",
      value: "c",
      after: "b",
      ifNotExists: false,
    }, what);
    assert.deepEqual(lite[0]?.notes, [], what);
  }
  // The capability's absence is read as "cannot" (the conservative choice).
  const [first] = ups(from, uses[0]![1]);
  assert.equal(first?.kind, "alterEnum");
  // A step on a column of the enum that does not name the value counts too (conservative).
  const withCol = schema([moodTable()], mood(["a", "b"]));
  const commented = schema(
    [table("t", [col("id"), col("m", { type: "enum:mood", comment: "x" })])],
    mood(["a", "b", "c"]),
  );
  assert.deepEqual(ups(withCol, commented, { enumValueUsableBeforeCommit: CANNOT_USE })[0], {
    kind: "alterEnum",
    name: "mood",
    values: ["a", "b", "c"],
  });
  // A step on another table does not.
  const other = schema([moodTable(), table("x", [col("id")])], mood(["a", "b"]));
  const otherTo = schema([moodTable(), table("x", [col("id"), col("n")])], mood(["a", "b", "c"]));
  assert.deepEqual(ups(other, otherTo, { enumValueUsableBeforeCommit: CANNOT_USE }).map(describe), [
    "addEnumValue .mood",
    "addColumn x.n",
  ]);
});

Deno.test("compareSchemas() removes enum values with alterEnum after the columns stop using them, and says rows make it fail", () => {
  const from = schema([
    moodTable("'b'::mood"),
    table("u", [col("id"), col("m", { type: "enum:mood" })]),
  ], mood(["a", "b", "c"]));
  const to = schema([moodTable("'a'::mood"), table("u", [col("id")])], mood(["c", "a"]));
  assert.deepEqual(ups(from, to).map(describe), [
    "dropColumn u.m",
    "alterColumn t",
    "alterEnum .mood",
  ]);
  const steps = orderedSteps(compareSchemas(from, to));
  const last = steps.at(-1)!;
  assert.equal(last.phase, PHASE.enumDrop);
  assert.deepEqual(last.up, { kind: "alterEnum", name: "mood", values: ["c", "a"] });
  assert.deepEqual(last.down, [{ kind: "alterEnum", name: "mood", values: ["a", "b", "c"] }]);
  assert.deepEqual(last.notes, [
    'data loss: removes value "b" from enum "mood": the upgrade fails, changing nothing, while a ' +
    "row holds it (update or delete those rows first, with op.execute)",
  ]);
  // Undoing: the values come back first, then the column and default that use them.
  assert.deepEqual(downs(from, to).map(describe), [
    "alterEnum .mood",
    "alterColumn t",
    "addColumn u.m",
  ]);
});

Deno.test("compareSchemas() reorders enum values with one alterEnum in the enum phase", () => {
  const from = schema([moodTable()], mood(["a", "b", "c"]));
  const to = schema([moodTable()], mood(["c", "a", "b", "d"]));
  for (const usable of [CAN_USE, CANNOT_USE]) {
    const steps = orderedSteps(compareSchemas(from, to, { enumValueUsableBeforeCommit: usable }));
    assert.equal(steps.length, 1);
    assert.equal(steps[0]?.phase, PHASE.enumCreate);
    assert.deepEqual(steps[0]?.up, {
      kind: "alterEnum",
      name: "mood",
      values: ["c", "a", "b", "d"],
    });
    assert.deepEqual(steps[0]?.down, [{
      kind: "alterEnum",
      name: "mood",
      values: ["a", "b", "c"],
    }]);
    assert.deepEqual(steps[0]?.notes, []);
  }
});

Deno.test("compareSchemas() removes and adds enum values in one alterEnum, with a rename note, when nothing else uses them", () => {
  const from = schema([moodTable()], mood(["a", "b"]));
  const to = schema([moodTable()], mood(["a", "c"]));
  const steps = orderedSteps(compareSchemas(from, to, { enumValueUsableBeforeCommit: CAN_USE }));
  assert.deepEqual(steps.map((s) => [s.phase, s.up]), [
    [PHASE.enumDrop, { kind: "alterEnum", name: "mood", values: ["a", "c"] }],
  ]);
  assert.deepEqual(steps[0]?.notes, [
    'review: if a value of enum "mood" was renamed, use --rename-enum-value mood.b:c ' +
    "(op.renameEnumValue keeps the rows that hold it) instead of removing one value and adding another",
    'data loss: removes value "b" from enum "mood": the upgrade fails, changing nothing, while a ' +
    "row holds it (update or delete those rows first, with op.execute)",
  ]);
});

Deno.test("compareSchemas() adds enum values first and removes others last when a column's default moves between them", () => {
  const from = schema([moodTable("'b'::mood")], mood(["a", "b"]));
  const to = schema([moodTable("'c'::mood")], mood(["a", "c"]));
  // SQLite: addEnumValue; PostgreSQL: the default uses the new value in the same migration.
  for (
    const [usable, first] of [
      [CAN_USE, { kind: "addEnumValue", name: "mood", value: "c", after: "a", ifNotExists: false }],
      [CANNOT_USE, { kind: "alterEnum", name: "mood", values: ["a", "c", "b"] }],
    ] as const
  ) {
    const o = { enumValueUsableBeforeCommit: usable };
    const steps = orderedSteps(compareSchemas(from, to, o));
    assert.deepEqual(steps.map((s) => s.up), [
      first,
      { kind: "alterColumn", table: "t", column: "m", patch: { default: { $sql: "'c'::mood" } } },
      { kind: "alterEnum", name: "mood", values: ["a", "c"] },
    ]);
    assert.deepEqual(steps.map((s) => s.phase), [
      PHASE.enumCreate,
      PHASE.columnAlter,
      PHASE.enumDrop,
    ]);
    assert.deepEqual(downs(from, to, o), [
      { kind: "alterEnum", name: "mood", values: ["a", "c", "b"] },
      { kind: "alterColumn", table: "t", column: "m", patch: { default: { $sql: "'b'::mood" } } },
      { kind: "alterEnum", name: "mood", values: ["a", "b"] },
    ]);
    // One rename note, on the first step.
    const notes = steps.flatMap((s) => s.notes).filter((n) => n.includes("--rename-enum-value"));
    assert.equal(notes.length, 1);
    assert.ok(steps[0]!.notes.includes(notes[0]!));
  }
});

Deno.test("compareSchemas() renames an enum value by hint, defaults holding it included, and renames it back on downgrade", () => {
  const from = schema([moodTable("'sad'::mood")], mood(["sad", "ok"]));
  const to = schema([moodTable("'blue'::mood")], mood(["blue", "ok", "great"]));
  const options = {
    renameEnumValues: { mood: { sad: "blue" } },
    enumValueUsableBeforeCommit: CAN_USE,
  };
  assert.deepEqual(ups(from, to, options), [
    { kind: "renameEnumValue", name: "mood", oldValue: "sad", newValue: "blue" },
    { kind: "addEnumValue", name: "mood", value: "great", after: "ok", ifNotExists: false },
  ]);
  assert.deepEqual(downs(from, to, options), [
    { kind: "alterEnum", name: "mood", values: ["blue", "ok"] },
    { kind: "renameEnumValue", name: "mood", oldValue: "blue", newValue: "sad" },
  ]);
  assert.deepEqual(replay(["sad", "ok"], ups(from, to, options)), ["blue", "ok", "great"]);
  assert.deepEqual(replay(["blue", "ok", "great"], downs(from, to, options)), ["sad", "ok"]);
  // The default follows the rename: it is not a difference of its own.
  assert.deepEqual(compareSchemas(from, to, options).flatMap((d) => d.messages), [
    'enum "mood": values are ["sad", "ok"] in the database, ["blue", "ok", "great"] in schema.ts',
  ]);
  // Without the hint: a removal and an addition, and the default changes in between.
  assert.deepEqual(ups(from, to, { enumValueUsableBeforeCommit: CAN_USE }).map(describe), [
    "addEnumValue .mood",
    "addEnumValue .mood",
    "alterColumn t",
    "alterEnum .mood",
  ]);
});

Deno.test("compareSchemas() rejects an enum value rename hint that does not fit (exit 2)", () => {
  const from = schema([], mood(["a", "b"]));
  const to = schema([], mood(["a", "c", "d"]));
  const bad: [Record<string, Record<string, string>>, RegExp][] = [
    [
      { nope: { a: "c" } },
      /^Cannot use --rename-enum-value "nope\.a:c": there is no enum "nope" in the database$/,
    ],
    [{ mood: { x: "c" } }, /: enum "mood" has no value "x" in the database$/],
    [{ mood: { b: "x" } }, /: enum "mood" has no value "x" in schema\.ts$/],
    [{ mood: { a: "c" } }, /: enum "mood" still has the value "a" in schema\.ts$/],
  ];
  for (const [hints, message] of bad) {
    assert.throws(() => compareSchemas(from, to, { renameEnumValues: hints }), (e) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, message);
      return true;
    });
  }
  const taken = schema([], mood(["a", "b", "c"]));
  assert.throws(
    () => compareSchemas(from, taken, { renameEnumValues: { mood: { b: "a" } } }),
    /enum "mood" has the value "a" already in the database/,
  );
  assert.throws(
    () =>
      compareSchemas(schema([], mood(["a", "b", "e"])), to, {
        renameEnumValues: { mood: { b: "c", e: "c" } },
      }),
    /another hint renames a value of "mood" to "c"/,
  );
});

/**
 * Replays changes on an enum's values and its columns' defaults: a default
 * set must be a value by then, and a value removed must be no default.
 */
function walk(values: string[], changes: readonly Change[], defaults: string[], where: string) {
  let list = [...values];
  const held = new Set(defaults);
  const literal = (v: unknown) => /^'(.*)'::mood$/.exec((v as { $sql: string }).$sql)![1]!;
  for (const c of changes) {
    if (c.kind === "alterColumn" && c.patch.default) {
      held.clear(); // column m's default; n has none
      held.add(literal(c.patch.default));
    } else if (c.kind === "addEnumValue" || c.kind === "alterEnum") {
      const next = applyEnumChange(list, c)!;
      for (const v of next.removed) assert.ok(!held.has(v), `${where}: removes default ${v}`);
      list = next.values;
    } else if (c.kind === "renameEnumValue") list = replay(list, [c]);
    for (const v of held) assert.ok(list.includes(v), `${where}: default ${v} is no value`);
  }
  return list;
}

Deno.test("compareSchemas() gets from every enum list to every other and back, adding early and removing late", () => {
  // Every list of distinct values from four letters, against every other.
  const lists: string[][] = [[]];
  for (let n = 0; n < 4; n++) {
    for (const l of lists.filter((x) => x.length === n)) {
      for (const v of "abcd") if (!l.includes(v)) lists.push([...l, v]);
    }
  }
  const all = lists.filter((l) => l.length > 0);
  let pairs = 0;
  for (const a of all) {
    for (const b of all) {
      if (a.join() === b.join()) continue;
      for (const usable of [CAN_USE, CANNOT_USE]) {
        for (const touched of [false, true]) {
          // `touched`: a column of the enum is added, and another's default moves from
          // the first old value to the first new one.
          const t = (d: string, more: boolean) =>
            !touched ? [moodTable()] : [
              table("t", [
                col("id"),
                col("m", { type: "enum:mood", default: `'${d}'::mood` }),
                ...(more ? [col("n", { type: "enum:mood" })] : []),
              ]),
            ];
          const from = schema(t(a[0]!, false), mood(a));
          const to = schema(t(b[0]!, true), mood(b));
          const where = `${a} -> ${b}, usable ${usable}, touched ${touched}`;
          const steps = orderedSteps(
            compareSchemas(from, to, { enumValueUsableBeforeCommit: usable }),
          );
          const up = steps.flatMap((s) => (s.up ? [s.up] : []));
          assert.deepEqual(walk(a, up, touched ? [a[0]!] : [], where), b, where);
          const down = steps.toReversed().flatMap((s) => s.down);
          assert.deepEqual(walk(b, down, touched ? [b[0]!] : [], where), a, where);
          // Values go only in the last phase, after the columns stop using them;
          // with another step using the enum, values come only in the first.
          let list = [...a];
          for (const s of steps) {
            if (s.up?.kind !== "addEnumValue" && s.up?.kind !== "alterEnum") continue;
            const next = applyEnumChange(list, s.up)!;
            if (next.removed.length > 0) assert.equal(s.phase, PHASE.enumDrop, where);
            const grew = next.values.some((v) => !list.includes(v));
            if (grew && touched) assert.equal(s.phase, PHASE.enumCreate, where);
            list = next.values;
          }
          if (touched && !usable) {
            assert.ok(!up.some((c) => c.kind === "addEnumValue"), `${where}: no addEnumValue`);
          }
          pairs++;
        }
      }
    }
  }
  assert.equal(pairs, 64 * 63 * 4);
});
