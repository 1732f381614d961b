import { deepStrictEqual as assertEquals } from "node:assert";
import { checkExpr } from "./introspect.ts";
import { pgTest } from "./_test_db.ts";

Deno.test("checkExpr() removes the CHECK wrapper and suffixes only", () => {
  assertEquals(checkExpr("CHECK ((age > 0))"), "(age > 0)");
  assertEquals(checkExpr("CHECK (flag)"), "flag");
  assertEquals(checkExpr("CHECK ((a > 0)) NOT VALID"), "(a > 0)");
  assertEquals(checkExpr("CHECK ((a > 0)) NO INHERIT"), "(a > 0)");
});

pgTest("introspect() reads a schema written by hand into the model", async (db) => {
  await db.execute({
    sql: `
    CREATE TYPE "Status" AS ENUM ('new', 'done', 'old');
    CREATE TYPE zeta AS ENUM ('z');
    CREATE TABLE parent (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL);
    CREATE UNIQUE INDEX parent_code_ux ON parent (code);
    CREATE TABLE child (
      a int NOT NULL, b int NOT NULL, code text REFERENCES parent (code) ON UPDATE CASCADE,
      status "Status" NOT NULL DEFAULT 'new', total numeric(10,2) DEFAULT -1,
      doubled int GENERATED ALWAYS AS (a * 2) STORED, seq serial,
      CONSTRAINT child_pk PRIMARY KEY (b, a),
      CONSTRAINT z_unique UNIQUE (code, status),
      CONSTRAINT a_positive CHECK (a > 0),
      CONSTRAINT b_fk FOREIGN KEY (b) REFERENCES parent (id) ON DELETE RESTRICT);
    CREATE INDEX child_lower ON child (lower(code), a) WHERE status <> 'old';
    COMMENT ON TABLE child IS 'kids';
    COMMENT ON COLUMN child.total IS 'sum';
    CREATE TABLE strata_version (version_num varchar(64) PRIMARY KEY);
    CREATE SCHEMA other; CREATE TABLE other.hidden (x int);`,
  });
  const s = await db.schema();
  assertEquals(s.enums, [
    { name: "Status", schema: "public", values: ["new", "done", "old"] },
    { name: "zeta", schema: "public", values: ["z"] },
  ]);
  assertEquals(s.tables.map((t) => t.name), ["child", "parent", "strata_version"]);
  const [child, parent] = s.tables;
  assertEquals(parent, {
    name: "parent",
    schema: "public",
    columns: [
      {
        name: "id",
        type: "integer",
        nullable: false,
        default: null,
        autoIncrement: true,
        comment: null,
      },
      {
        name: "code",
        type: "text",
        nullable: false,
        default: null,
        autoIncrement: false,
        comment: null,
      },
    ],
    primaryKey: ["id"],
    // Referenced by a foreign key, but backs no constraint of its own: an index.
    indexes: [{ name: "parent_code_ux", columns: ["code"], unique: true, where: null }],
    uniques: [],
    checks: [],
    foreignKeys: [],
    comment: null,
  });
  assertEquals(child?.comment, "kids");
  assertEquals(
    child?.columns.map((c) => [c.name, c.type, c.nullable, c.default, c.autoIncrement, c.comment]),
    [
      ["a", "integer", false, null, false, null],
      ["b", "integer", false, null, false, null],
      ["code", "text", true, null, false, null],
      ["status", "enum:Status", false, "'new'", false, null],
      ["total", "numeric(10,2)", true, "-1", false, "sum"],
      ["doubled", "integer", true, null, false, null],
      ["seq", "integer", false, "nextval('child_seq_seq'::regclass)", false, null],
    ],
  );
  assertEquals(child?.primaryKey, ["b", "a"]);
  assertEquals(child?.indexes, [{
    name: "child_lower",
    columns: ["lower(code)", "a"],
    unique: false,
    where: `(status <> 'old'::"Status")`,
  }]);
  assertEquals(child?.uniques, [{ name: "z_unique", columns: ["code", "status"] }]);
  assertEquals(child?.checks, [{ name: "a_positive", expr: "(a > 0)" }]);
  assertEquals(
    child?.foreignKeys,
    [
      {
        name: "b_fk",
        columns: ["b"],
        refTable: "parent",
        refColumns: ["id"],
        onDelete: "restrict",
        onUpdate: "no action",
      },
      {
        name: "child_code_fkey",
        columns: ["code"],
        refTable: "parent",
        refColumns: ["code"],
        onDelete: "no action",
        onUpdate: "cascade",
      },
    ].sort((x, y) => (x.name < y.name ? -1 : 1)),
  );
  // Excluding Strata's own tables, by bare or qualified name.
  assertEquals((await db.schema()).tables.length, 3);
  const { introspect } = await import("./introspect.ts");
  assertEquals((await introspect(db, { exclude: ["strata_version"] })).tables.map((t) => t.name), [
    "child",
    "parent",
  ]);
  assertEquals((await introspect(db, { exclude: ["public.child"] })).tables.map((t) => t.name), [
    "parent",
    "strata_version",
  ]);
  const other = await introspect(db, { schema: "other" });
  assertEquals([other.tables.map((t) => `${t.schema}.${t.name}`), other.enums], [
    ["other.hidden"],
    [],
  ]);
});

pgTest("introspect() qualifies foreign keys and enums from another schema", async (db) => {
  await db.execute({
    sql: `CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('a');
      CREATE TABLE app.p (id int PRIMARY KEY);
      CREATE TABLE c (p_id int REFERENCES app.p (id), m app.mood);`,
  });
  const [c] = (await db.schema()).tables;
  assertEquals(c?.foreignKeys[0]?.refTable, "app.p");
  assertEquals(c?.columns[1]?.type, "enum:app.mood");
});
