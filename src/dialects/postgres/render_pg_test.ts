/**
 * Every change kind rendered, executed on a fresh PostgreSQL database, and
 * read back through the introspector: the assertions are on the model.
 */
import assert, { deepStrictEqual as assertEquals } from "node:assert";
import type { Change, ColumnDef } from "../../changes/change.ts";
import { findTable, type Table } from "../../schema/model.ts";
import { pgTest, type TestDb } from "./_test_db.ts";

function col(name: string, type: string, extra: Partial<ColumnDef> = {}): ColumnDef {
  return { name, type, nullable: true, ...extra };
}

function table(name: string, columns: ColumnDef[], extra: Partial<Change> = {}): Change {
  return {
    kind: "createTable",
    table: name,
    columns,
    uniques: [],
    checks: [],
    foreignKeys: [],
    ifNotExists: false,
    ...extra,
  } as Change;
}

async function tableOf(db: TestDb, name: string, schema = "public"): Promise<Table> {
  const t = findTable(await db.schema(schema), name);
  assert(t, `table ${name} exists`);
  return t;
}

pgTest("createTable round-trips columns, keys, constraints and comments", async (db) => {
  await db.run([
    table("orgs", [col("id", "integer", { nullable: false, primaryKey: true })]),
    table("users", [
      col("id", "bigint", { nullable: false, primaryKey: true, autoIncrement: true }),
      col("email", "varchar(255)", { nullable: false, unique: true, comment: "login" }),
      col("age", "smallint", { check: "age >= 0", default: 18 }),
      col("org_id", "integer", {
        references: { table: "orgs", column: "id", onDelete: "cascade" },
      }),
    ], { comment: "people" }),
    table("members", [
      col("org", "integer", { nullable: false }),
      col("user", "bigint", { nullable: false }),
      col("role", "text", { default: "it's" }),
    ], {
      primaryKey: ["org", "user"],
      uniques: [{ name: "uq_members_role", columns: ["org", "role"] }],
      checks: [{ name: "ck_members_role", expr: "role <> ''" }],
      foreignKeys: [{
        name: "fk_members_user",
        columns: ["user"],
        refTable: "users",
        refColumns: ["id"],
        onDelete: "set null",
        onUpdate: "restrict",
      }],
    }),
    table("members", [col("x", "integer")], { ifNotExists: true }),
  ]);
  const users = await tableOf(db, "users");
  assertEquals(users.comment, "people");
  assertEquals(users.primaryKey, ["id"]);
  assertEquals(users.columns, [
    {
      name: "id",
      type: "bigint",
      nullable: false,
      default: null,
      autoIncrement: true,
      comment: null,
    },
    {
      name: "email",
      type: "varchar(255)",
      nullable: false,
      default: null,
      autoIncrement: false,
      comment: "login",
    },
    {
      name: "age",
      type: "smallint",
      nullable: true,
      default: "18",
      autoIncrement: false,
      comment: null,
    },
    {
      name: "org_id",
      type: "integer",
      nullable: true,
      default: null,
      autoIncrement: false,
      comment: null,
    },
  ]);
  assertEquals(users.uniques, [{ name: "users_email_key", columns: ["email"] }]);
  assertEquals(users.checks, [{ name: "users_age_check", expr: "(age >= 0)" }]);
  assertEquals(users.foreignKeys, [{
    name: "users_org_id_fkey",
    columns: ["org_id"],
    refTable: "orgs",
    refColumns: ["id"],
    onDelete: "cascade",
    onUpdate: "no action",
  }]);
  assertEquals(users.indexes, []);
  const members = await tableOf(db, "members");
  assertEquals(members.primaryKey, ["org", "user"]);
  assertEquals(members.columns.map((c) => c.name), ["org", "user", "role"]);
  assertEquals(members.columns[2]?.default, "'it''s'");
  assertEquals(members.uniques, [{ name: "uq_members_role", columns: ["org", "role"] }]);
  assertEquals(members.checks, [{ name: "ck_members_role", expr: "(role <> ''::text)" }]);
  assertEquals(members.foreignKeys[0]?.onDelete, "set null");
  assertEquals(members.foreignKeys[0]?.onUpdate, "restrict");
});

pgTest("createTable, renameTable and dropTable work in another schema", async (db) => {
  await db.execute({ sql: "CREATE SCHEMA app" });
  await db.run([
    table("a", [col("id", "integer", { nullable: false, primaryKey: true })], { schema: "app" }),
    table("b", [col("a_id", "integer", { references: { table: "a", column: "id" } })], {
      schema: "app",
    }),
    { kind: "renameTable", table: "b", schema: "app", newName: "c" },
  ]);
  assertEquals((await db.schema("app")).tables.map((t) => t.name), ["a", "c"]);
  assertEquals((await tableOf(db, "c", "app")).foreignKeys[0]?.refTable, "a");
  assertEquals((await db.schema()).tables, []);
  await db.run([
    { kind: "dropTable", table: "c", schema: "app", ifExists: false },
    { kind: "dropTable", table: "c", schema: "app", ifExists: true },
  ]);
  assertEquals((await db.schema("app")).tables.map((t) => t.name), ["a"]);
});

pgTest("addColumn, alterColumn and dropColumn change the model", async (db) => {
  await db.run([
    table("t", [col("id", "integer", { nullable: false, primaryKey: true })]),
    { kind: "addColumn", table: "t", column: col("n", "text", { default: "5", comment: "num" }) },
    { kind: "addColumn", table: "t", column: col("gone", "boolean") },
  ]);
  await db.execute({ sql: "INSERT INTO t (id) VALUES (1)" });
  await db.run([
    {
      kind: "alterColumn",
      table: "t",
      column: "n",
      patch: { type: "bigint", default: -7, nullable: false, rename: "num" },
    },
    { kind: "dropColumn", table: "t", column: "gone" },
  ]);
  const t = await tableOf(db, "t");
  assertEquals(t.columns.map((c) => [c.name, c.type, c.nullable, c.default, c.comment]), [
    ["id", "integer", false, null, null],
    ["num", "bigint", false, "-7", "num"],
  ]);
  assertEquals(await db.query("SELECT num FROM t"), [{ num: "5" }]); // bigint as text by postgres.js
  await db.run([
    { kind: "alterColumn", table: "t", column: "num", patch: { default: null, nullable: true } },
  ]);
  const num = (await tableOf(db, "t")).columns[1];
  assertEquals([num?.default, num?.nullable], [null, true]);
});

pgTest("createIndex and dropIndex, plain, unique, partial and concurrent", async (db) => {
  await db.run([
    table("t", [col("a", "integer"), col("B", "text"), col("deleted", "boolean")]),
    {
      kind: "createIndex",
      name: "ix_t_a_b",
      table: "t",
      columns: ["a", "B"],
      unique: true,
      where: "deleted IS NOT TRUE",
      concurrently: false,
    },
    {
      kind: "createIndex",
      name: "Ix_b",
      table: "t",
      columns: ["B"],
      unique: false,
      concurrently: false,
    },
  ]);
  await db.run([
    {
      kind: "createIndex",
      name: "ix_c",
      table: "t",
      columns: ["a"],
      unique: false,
      concurrently: true,
    },
  ], { transactional: false });
  assertEquals((await tableOf(db, "t")).indexes, [
    { name: "Ix_b", columns: ["B"], unique: false, where: null },
    { name: "ix_c", columns: ["a"], unique: false, where: null },
    { name: "ix_t_a_b", columns: ["a", "B"], unique: true, where: "(deleted IS NOT TRUE)" },
  ]);
  await db.run([
    { kind: "dropIndex", name: "ix_t_a_b", table: "t" },
    { kind: "dropIndex", name: "Ix_b" },
  ]);
  await db.run([{ kind: "dropIndex", name: "ix_c", concurrently: true } as Change], {
    transactional: false,
  });
  assertEquals((await tableOf(db, "t")).indexes, []);
});

pgTest("constraint changes add and drop foreign keys, uniques and checks", async (db) => {
  await db.run([
    table("p", [col("id", "integer", { nullable: false, primaryKey: true })]),
    table("c", [col("p_id", "integer"), col("n", "integer")]),
    {
      kind: "createForeignKey",
      name: "fk_c_p",
      table: "c",
      columns: ["p_id"],
      refTable: "p",
      refColumns: ["id"],
      onDelete: "set default",
      onUpdate: "cascade",
    },
    { kind: "createUniqueConstraint", name: "uq_c", table: "c", columns: ["p_id", "n"] },
    { kind: "createCheckConstraint", name: "ck_c", table: "c", expr: "n > 0" },
  ]);
  let c = await tableOf(db, "c");
  assertEquals(c.foreignKeys, [{
    name: "fk_c_p",
    columns: ["p_id"],
    refTable: "p",
    refColumns: ["id"],
    onDelete: "set default",
    onUpdate: "cascade",
  }]);
  assertEquals(c.uniques, [{ name: "uq_c", columns: ["p_id", "n"] }]);
  assertEquals(c.checks, [{ name: "ck_c", expr: "(n > 0)" }]);
  assertEquals(c.indexes, []);
  await db.run(
    ["fk_c_p", "uq_c", "ck_c"].map((name) => ({ kind: "dropConstraint", name, table: "c" })),
  );
  c = await tableOf(db, "c");
  assertEquals([c.foreignKeys, c.uniques, c.checks], [[], [], []]);
});

pgTest("createEnum and dropEnum, and enum columns report enum:NAME", async (db) => {
  await db.run([
    { kind: "createEnum", name: "Mood", values: ["sad", "it's ok", "happy"] },
    table("t", [col("m", "enum:Mood", { default: "happy" })]),
  ]);
  const s = await db.schema();
  assertEquals(s.enums, [{ name: "Mood", schema: "public", values: ["sad", "it's ok", "happy"] }]);
  assertEquals(s.tables[0]?.columns[0]?.type, "enum:Mood");
  assertEquals(s.tables[0]?.columns[0]?.default, "'happy'");
  await db.run([
    { kind: "dropTable", table: "t", ifExists: false },
    { kind: "dropEnum", name: "Mood" },
  ]);
  assertEquals((await db.schema()).enums, []);
});

pgTest("execute binds its params", async (db) => {
  await db.run([
    table("t", [col("a", "text")]),
    { kind: "execute", sql: "INSERT INTO t (a) VALUES ($1), ($2)", params: ["x'y", "$1"] },
  ]);
  assertEquals(await db.query("SELECT a FROM t ORDER BY a"), [{ a: "$1" }, { a: "x'y" }]);
});

pgTest("identifiers that are reserved, upper case or contain a quote round-trip", async (db) => {
  const names = ["order", "User", 'we"ird'];
  await db.execute({ sql: 'CREATE SCHEMA "Select"' });
  await db.run([
    table('Ta"ble', names.map((n) => col(n, "integer", { unique: true })), { schema: "Select" }),
    {
      kind: "createIndex",
      name: 'i"x',
      table: 'Ta"ble',
      schema: "Select",
      columns: names,
      unique: false,
      concurrently: false,
    },
    {
      kind: "bulkInsert",
      table: 'Ta"ble',
      schema: "Select",
      rows: [{ order: 1, User: 2, 'we"ird': 3 }],
    },
  ]);
  const t = await tableOf(db, 'Ta"ble', "Select");
  assertEquals(t.columns.map((c) => c.name), names);
  assertEquals(t.indexes, [{ name: 'i"x', columns: names, unique: false, where: null }]);
  assertEquals(t.uniques.length, 3);
  assertEquals(await db.query('SELECT * FROM "Select"."Ta""ble"'), [{
    order: 1,
    User: 2,
    'we"ird': 3,
  }]);
});
