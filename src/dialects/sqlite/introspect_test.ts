import assert from "node:assert/strict";
import type { Value } from "../../changes/change.ts";
import { openTestDb } from "./_test_helpers.ts";
import { introspect } from "./introspect.ts";
import { sqliteEngine } from "./mod.ts";
import { canonicalType, declaredType } from "./types.ts";

const sqliteDialect = sqliteEngine.dialect;

const PORTABLE = [
  "integer",
  "bigint",
  "smallint",
  "text",
  "varchar(80)",
  "char(2)",
  "boolean",
  "real",
  "double",
  "numeric(10,2)",
  "date",
  "time",
  "timestamp",
  "timestamptz",
  "json",
  "uuid",
  "blob",
  "DECIMAL(8, 3)",
  "datetime",
  "tinyint",
];

Deno.test("introspect() reports every portable type as normalizeType() says", async () => {
  const t = await openTestDb();
  try {
    const columns = Object.fromEntries(PORTABLE.map((type, i) => [`c${i}`, { type }]));
    await t.op().createTable("types", columns);
    const table = await t.table("types");
    assert.deepEqual(
      table.columns.map((c) => c.type),
      PORTABLE.map((type) => sqliteDialect.normalizeType(type)),
    );
    assert.deepEqual(table.columns.map((c) => c.type).slice(-3), [
      "numeric(8,3)",
      "timestamp",
      "tinyint",
    ]);
  } finally {
    await t.db.close();
  }
});

Deno.test("declaredType() gives text-like types TEXT affinity and keeps values as text", async () => {
  const t = await openTestDb();
  try {
    await t.op().createTable("a", {
      j: { type: "json" },
      u: { type: "uuid" },
      d: { type: "date" },
      ts: { type: "timestamptz" },
      b: { type: "boolean" },
    });
    await t.exec("INSERT INTO a VALUES ('123', '0042', '2024', '1700000000', 1)");
    assert.deepEqual(
      await t.rows(
        "SELECT typeof(j) AS j, typeof(u) AS u, typeof(d) AS d, typeof(ts) AS ts FROM a",
      ),
      [{ j: "text", u: "text", d: "text", ts: "text" }],
    );
    assert.equal(declaredType("timestamptz"), "TIMESTAMPTZ TEXT");
    assert.equal(canonicalType("TIMESTAMP WITH TIME ZONE"), "timestamptz");
    assert.equal(canonicalType("Character Varying( 12 )"), "varchar(12)");
    assert.equal(canonicalType(""), "");
  } finally {
    await t.db.close();
  }
});

const DEFAULTS: [string, Value][] = [
  ["text", "it's"],
  ["integer", -1],
  ["real", 1.5],
  ["bigint", 9007199254740993n],
  ["boolean", true],
  ["text", null],
  ["timestamptz", new Date("2024-01-02T03:04:05Z")],
  ["blob", new Uint8Array([0, 255])],
  ["json", { a: [1, "x"] }],
  ["timestamptz", { $sql: "CURRENT_TIMESTAMP" }],
  ["timestamptz", { $sql: "datetime('now')" }],
  ["integer", { $sql: " (1 + 2) " }],
  ["text", { $sql: "lower('A')" }],
];

Deno.test("introspect() reports each default as defaultSql() says", async () => {
  const t = await openTestDb();
  try {
    const columns = Object.fromEntries(
      DEFAULTS.map(([type, value], i) => [`c${i}`, { type, default: value }]),
    );
    await t.op().createTable("d", columns);
    // Native ADD COLUMN and the rebuild keep them too.
    await t.op().addColumn("d", "later", { type: "text", default: "x" });
    await t.op().alterColumn("d", "c0", { type: "varchar(9)" });
    const table = await t.table("d");
    assert.deepEqual(
      table.columns.map((c) => c.default),
      [...DEFAULTS.map(([type, value]) => sqliteDialect.defaultSql(value, type)), "'x'"],
    );
    await t.exec("INSERT INTO d (c2) VALUES (2.5)");
    const [row] = await t.rows("SELECT c0, c4, c11, c12 FROM d");
    assert.deepEqual(row, { c0: "it's", c4: 1, c11: 3, c12: "a" });
  } finally {
    await t.db.close();
  }
});

const HAND_WRITTEN = `
CREATE TABLE [Parent] (id INT PRIMARY KEY, code TEXT CONSTRAINT uq_code UNIQUE, k TEXT COLLATE NOCASE UNIQUE);
CREATE TABLE child (
  id INTEGER PRIMARY KEY,
  parent_id INT CONSTRAINT fk_parent REFERENCES Parent ON DELETE SET NULL,
  \`code\` TEXT REFERENCES Parent (code) ON UPDATE CASCADE,
  qty INTEGER CHECK (qty > 0) CONSTRAINT ck_qty_small CHECK (qty < 100),
  a TEXT, b TEXT, -- a comment with CHECK (nothing)
  CONSTRAINT uq_ab UNIQUE (a, b),
  UNIQUE (b),
  CHECK (a <> 'x, y'),
  CONSTRAINT fk_ab FOREIGN KEY (a) REFERENCES Parent (k)
);
CREATE INDEX ix_child_expr ON child (lower(a), b DESC) WHERE qty > 1;
CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT);
CREATE TABLE _strata_new_x (a);
CREATE TABLE strata_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY);`;

Deno.test("introspect() reads names, checks, keys and indexes from hand-written SQL", async () => {
  const t = await openTestDb(HAND_WRITTEN);
  try {
    const schema = await introspect(t.db, { exclude: ["strata_version"] });
    assert.deepEqual(schema.tables.map((x) => x.name), ["Parent", "child", "kv", "seq"]);
    const child = schema.tables[1]!;
    assert.deepEqual(child.primaryKey, ["id"]);
    assert.deepEqual(child.columns.map((c) => [c.name, c.type, c.nullable, c.autoIncrement]), [
      ["id", "integer", false, false],
      ["parent_id", "integer", true, false],
      ["code", "text", true, false],
      ["qty", "integer", true, false],
      ["a", "text", true, false],
      ["b", "text", true, false],
    ]);
    assert.deepEqual(child.checks, [
      { name: null, expr: "a <> 'x, y'" },
      { name: null, expr: "qty > 0" },
      { name: "ck_qty_small", expr: "qty < 100" },
    ]);
    assert.deepEqual(child.uniques, [
      { name: null, columns: ["b"] },
      { name: "uq_ab", columns: ["a", "b"] },
    ]);
    assert.deepEqual(child.foreignKeys, [
      {
        name: null,
        columns: ["code"],
        refTable: "Parent",
        refColumns: ["code"],
        onDelete: "no action",
        onUpdate: "cascade",
      },
      {
        name: "fk_ab",
        columns: ["a"],
        refTable: "Parent",
        refColumns: ["k"],
        onDelete: "no action",
        onUpdate: "no action",
      },
      {
        name: "fk_parent",
        columns: ["parent_id"],
        refTable: "Parent",
        refColumns: ["id"],
        onDelete: "set null",
        onUpdate: "no action",
      },
    ]);
    assert.deepEqual(child.indexes, [
      { name: "ix_child_expr", columns: ["lower(a)", "b"], unique: false, where: "qty > 1" },
    ]);
    const parent = schema.tables[0]!;
    assert.deepEqual(parent.uniques, [
      { name: null, columns: ["k"] },
      { name: "uq_code", columns: ["code"] },
    ]);
    assert.equal(parent.columns[0]?.nullable, true, "INT PRIMARY KEY is no rowid alias");
    assert.deepEqual(schema.tables[2]?.columns.map((c) => c.nullable), [false, true]);
    assert.equal(schema.tables[3]?.columns[0]?.autoIncrement, true);
    assert.deepEqual(schema.enums, []);
  } finally {
    await t.db.close();
  }
});

Deno.test("rebuildTable() of a hand-written table keeps what introspection sees", async () => {
  const t = await openTestDb(HAND_WRITTEN);
  try {
    const before = await t.table("child");
    await t.op().alterColumn("child", "a", { default: "z" });
    const after = await t.table("child");
    assert.deepEqual({ ...after, columns: [] }, { ...before, columns: [] });
    assert.equal(after.columns[4]?.default, "'z'");
    await t.exec("PRAGMA foreign_keys = OFF");
    await t.op().alterColumn("Parent", "k", { nullable: false });
    await t.exec("PRAGMA foreign_keys = ON");
    assert.equal((await t.table("Parent")).columns[2]?.nullable, false);
    assert.match(
      String((await t.rows("SELECT sql FROM sqlite_master WHERE name = 'Parent'"))[0]?.sql),
      /COLLATE NOCASE/,
    );
    await t.op().alterColumn("kv", "v", { type: "text" });
    assert.match(
      String((await t.rows("SELECT sql FROM sqlite_master WHERE name = 'kv'"))[0]?.sql),
      /\) WITHOUT ROWID$/,
    );
  } finally {
    await t.db.close();
  }
});
