/**
 * Every `op` call, run live on SQLite and PostgreSQL (one body, a `t.step`
 * per dialect) through the real step runner and driver transaction, checked
 * through the introspector and the rows, not the SQL text.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Op } from "../src/migration.ts";
import type { Table } from "../src/schema/model.ts";
import { join } from "node:path";
import { eachDialect, makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";
import { eachLiveDb, type LiveDb } from "./_live.ts";
import { stripParens } from "./_model.ts";
import { rejectsWith } from "../src/drivers/_test_helpers.ts";

/** `pg` on PostgreSQL (a name the database chose), `null` on SQLite (unnamed). */
function chosen(db: LiveDb, pg: string): string | null {
  return db.dialect.name === "postgres" ? pg : null;
}

/** Checks without PostgreSQL's outer parentheses, sorted by expression. */
function checks(t: Table): { name: string | null; expr: string }[] {
  return t.checks.map((c) => ({ name: c.name, expr: stripParens(c.expr) }))
    .sort((a, b) => a.expr.localeCompare(b.expr));
}

function columns(t: Table) {
  return t.columns.map((c) => [c.name, c.type, c.nullable, c.default, c.autoIncrement]);
}

/** `$1` on PostgreSQL, `?` on SQLite. */
function ph(op: Op, n: number): string {
  return op.dialect === "postgres" ? `$${n}` : "?";
}

Deno.test("op.createTable() writes every ColumnSpec field and table option", async (t) => {
  await eachLiveDb(t, async (db) => {
    const pg = db.dialect.name === "postgres";
    const m = {
      async upgrade(op: Op) {
        await op.createTable("orgs", { id: { type: "integer", primaryKey: true } });
        await op.createTable("people", {
          id: { type: "integer", primaryKey: true, autoIncrement: true },
          email: { type: "varchar(80)", nullable: false, unique: true },
          age: { type: "smallint", default: 18, check: "age >= 0" },
          joined: { type: "timestamptz", default: op.sql("CURRENT_TIMESTAMP") },
          org_id: {
            type: "integer",
            references: { table: "orgs", column: "id", onDelete: "cascade" },
          },
          boss_id: { type: "integer", references: "people.id" },
          note: { type: "text", comment: "free text" },
          active: { type: "boolean", nullable: false, default: true },
          score: { type: "numeric(10,2)", default: 1.5 },
          meta: { type: "json", default: { a: 1 } },
          uid: { type: "uuid" },
          photo: { type: "blob" },
          born: { type: "date" },
          ratio: { type: "double" },
          "Order": { type: "char(2)", default: "ab" },
        }, {
          unique: [["email", "org_id"]],
          checks: ["age < 200", { name: "ck_note", expr: "length(note) < 100" }],
          foreignKeys: [{
            name: "fk_people_org",
            columns: ["org_id"],
            references: "orgs",
            refColumns: ["id"],
            onDelete: "set null",
            onUpdate: "cascade",
          }],
          comment: "people we know",
        });
        // Key columns are NOT NULL on both databases, whatever `nullable` says.
        await op.createTable("memberships", {
          person_id: { type: "integer" },
          org_id: { type: "text", nullable: true },
        }, { primaryKey: ["person_id", "org_id"] });
        // ifNotExists: a second create of the same table is a no-op.
        await op.createTable("orgs", { other: { type: "text" } }, { ifNotExists: true });
      },
      async downgrade(op: Op) {
        await op.dropTable("memberships");
        await op.dropTable("people");
        await op.dropTable("orgs");
      },
    };
    await db.run(m);
    const people = await db.table("people");
    assert.deepEqual(columns(people), [
      ["id", "integer", false, null, true],
      ["email", "varchar(80)", false, null, false],
      ["age", "smallint", true, "18", false],
      ["joined", "timestamptz", true, "CURRENT_TIMESTAMP", false],
      ["org_id", "integer", true, null, false],
      ["boss_id", "integer", true, null, false],
      ["note", "text", true, null, false],
      ["active", "boolean", false, pg ? "true" : "1", false],
      ["score", "numeric(10,2)", true, "1.5", false],
      ["meta", "json", true, db.dialect.defaultSql({ a: 1 }, "json"), false],
      ["uid", "uuid", true, null, false],
      ["photo", "blob", true, null, false],
      ["born", "date", true, null, false],
      ["ratio", "double", true, null, false],
      ["Order", "char(2)", true, "'ab'", false],
    ]);
    assert.deepEqual(people.primaryKey, ["id"]);
    assert.deepEqual(
      people.uniques.map((u) => u.columns).sort(),
      [["email"], ["email", "org_id"]],
    );
    assert.deepEqual(checks(people), [
      { name: chosen(db, "people_age_check1"), expr: "age < 200" },
      { name: chosen(db, "people_age_check"), expr: "age >= 0" },
      { name: "ck_note", expr: "length(note) < 100" },
    ]);
    assert.deepEqual(
      people.foreignKeys.map((
        f,
      ) => [f.name, f.columns, f.refTable, f.refColumns, f.onDelete, f.onUpdate])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        [
          chosen(db, "people_boss_id_fkey"),
          ["boss_id"],
          "people",
          ["id"],
          "no action",
          "no action",
        ],
        ["fk_people_org", ["org_id"], "orgs", ["id"], "set null", "cascade"],
        [chosen(db, "people_org_id_fkey"), ["org_id"], "orgs", ["id"], "cascade", "no action"],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    assert.equal(people.comment, pg ? "people we know" : null);
    assert.equal(people.columns.find((c) => c.name === "note")?.comment, pg ? "free text" : null);
    const ms = await db.table("memberships");
    assert.deepEqual(ms.primaryKey, ["person_id", "org_id"]);
    assert.deepEqual(columns(ms), [
      ["person_id", "integer", false, null, false],
      ["org_id", "text", false, null, false],
    ]);
    assert.deepEqual(columns(await db.table("orgs")), [["id", "integer", false, null, false]]);

    // Defaults apply, autoIncrement numbers rows, constraints hold.
    await db.driver.execute({ sql: "INSERT INTO orgs (id) VALUES (1)" });
    await db.driver.execute({ sql: "INSERT INTO people (email, org_id) VALUES ('a@x', 1)" });
    const [row] = await db.rows("SELECT id, age, active, score, joined FROM people");
    assert.equal(Number(row?.id), 1);
    assert.equal(Number(row?.age), 18);
    assert.ok(row?.active === true || row?.active === 1);
    assert.equal(Number(row?.score), 1.5);
    assert.ok(row?.joined !== null);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO people (email, age) VALUES ('b@x', -1)" }),
      Error,
      /check/i,
    );
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO people (email) VALUES ('a@x')" }),
      Error,
      /unique/i,
    );

    await db.run(m, "down");
    assert.deepEqual((await db.schema()).tables, []);
  });
});

Deno.test("op.createTable() with schema puts the table in that PostgreSQL schema", async (t) => {
  await eachLiveDb(t, async (db) => {
    if (db.dialect.name !== "postgres") {
      // SQLite ignores `schema`: the table lands in main.
      await db.run({
        upgrade: (op) => op.createTable("t", { a: { type: "text" } }, { schema: "app" }),
      });
      assert.deepEqual((await db.schema()).tables.map((x) => x.name), ["t"]);
      return;
    }
    await db.run({
      async upgrade(op) {
        await op.execute("CREATE SCHEMA app");
        await op.createEnum("mood", ["a", "b"], { schema: "app" });
        await op.createTable("t", {
          id: { type: "integer", primaryKey: true },
          m: { type: "enum:app.mood" },
        }, { schema: "app" });
        await op.createIndex("ix_t_m", "t", ["m"], { schema: "app" });
        await op.alterColumn("t", "m", { nullable: false, schema: "app" });
      },
    });
    assert.deepEqual((await db.schema()).tables, []);
    const introspect = db.dialect.introspect as (
      q: unknown,
      o: { schema: string },
    ) => ReturnType<typeof db.dialect.introspect>;
    const app = await introspect(db.driver, { schema: "app" });
    assert.deepEqual(app.tables.map((x) => x.name), ["t"]);
    assert.deepEqual(app.enums.map((e) => e.name), ["mood"]);
    assert.deepEqual(columns(app.tables[0]!), [
      ["id", "integer", false, null, false],
      ["m", "enum:mood", false, null, false],
    ]);
    assert.deepEqual(app.tables[0]?.indexes.map((i) => i.name), ["ix_t_m"]);
  });
});

Deno.test("op.renameTable() and op.dropTable() keep rows and foreign keys pointing right", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("a", { id: { type: "integer", primaryKey: true } });
        await op.createTable("b", { a_id: { type: "integer", references: "a.id" } });
        await op.bulkInsert("a", [{ id: 1 }, { id: 2 }]);
        await op.bulkInsert("b", [{ a_id: 1 }]);
      },
    });
    const m = {
      upgrade: (op: Op) => op.renameTable("a", "alpha"),
      downgrade: (op: Op) => op.renameTable("alpha", "a"),
    };
    await db.run(m);
    assert.deepEqual((await db.schema()).tables.map((x) => x.name), ["alpha", "b"]);
    assert.equal((await db.table("b")).foreignKeys[0]?.refTable, "alpha");
    assert.deepEqual(await db.rows("SELECT count(*) AS n FROM alpha"), [{ n: 2 }]);
    await db.run(m, "down");
    assert.equal((await db.table("b")).foreignKeys[0]?.refTable, "a");
    await db.run({
      async upgrade(op) {
        await op.dropTable("b");
        await op.dropTable("missing", { ifExists: true });
      },
    });
    assert.deepEqual((await db.schema()).tables.map((x) => x.name), ["a"]);
  });
});

Deno.test("op.addColumn() and op.dropColumn() keep rows, also where SQLite rebuilds", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("users", {
          id: { type: "integer", primaryKey: true },
          name: { type: "text" },
        });
        await op.bulkInsert("users", [{ id: 1, name: "ann" }, { id: 2, name: "bob" }]);
      },
    });
    const m = {
      async upgrade(op: Op) {
        await op.addColumn("users", "bio", { type: "text" });
        await op.addColumn("users", "status", {
          type: "varchar(10)",
          nullable: false,
          default: "active",
        });
        // Not a constant default and UNIQUE: SQLite cannot ADD COLUMN these, so it rebuilds.
        await op.addColumn("users", "seen", {
          type: "timestamp",
          default: op.sql("CURRENT_TIMESTAMP"),
        });
        await op.addColumn("users", "handle", { type: "text", unique: true });
        await op.createIndex("ix_users_bio", "users", ["bio"]);
      },
      async downgrade(op: Op) {
        await op.dropColumn("users", "handle");
        await op.dropColumn("users", "seen");
        await op.dropColumn("users", "status");
        // Indexed: PostgreSQL drops the index with it anyway; SQLite asks for cascade.
        await op.dropColumn("users", "bio", { cascade: true });
      },
    };
    await db.run(m);
    const users = await db.table("users");
    assert.deepEqual(columns(users), [
      ["id", "integer", false, null, false],
      ["name", "text", true, null, false],
      ["bio", "text", true, null, false],
      ["status", "varchar(10)", false, "'active'", false],
      ["seen", "timestamp", true, "CURRENT_TIMESTAMP", false],
      ["handle", "text", true, null, false],
    ]);
    assert.deepEqual(users.uniques.map((u) => u.columns), [["handle"]]);
    assert.deepEqual(
      await db.rows("SELECT id, name, status FROM users ORDER BY id"),
      [{ id: 1, name: "ann", status: "active" }, { id: 2, name: "bob", status: "active" }],
    );
    await db.run(m, "down");
    const after = await db.table("users");
    assert.deepEqual(columns(after), [
      ["id", "integer", false, null, false],
      ["name", "text", true, null, false],
    ]);
    assert.deepEqual(after.indexes, []);
    assert.deepEqual(after.uniques, []);
    assert.deepEqual(await db.rows("SELECT id, name FROM users ORDER BY id"), [
      { id: 1, name: "ann" },
      { id: 2, name: "bob" },
    ]);
  });
});

Deno.test("op.alterColumn() changes type, nullability, default and name, keeping rows", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("items", {
          id: { type: "integer", primaryKey: true },
          qty: { type: "integer" },
          label: { type: "varchar(20)", default: "x" },
          price: { type: "real" },
        });
        await op.createIndex("ix_items_label", "items", ["label"]);
        await op.bulkInsert("items", [
          { id: 1, qty: 5, label: "five", price: 1.5 },
          { id: 2, qty: 7, label: "seven", price: 2.5 },
        ]);
      },
    });
    const m = {
      async upgrade(op: Op) {
        await op.alterColumn("items", "qty", { type: "bigint", nullable: false, default: 0 });
        await op.alterColumn("items", "label", { default: null });
        await op.alterColumn("items", "label", { type: "text", rename: "title" });
        await op.alterColumn("items", "price", { rename: "cost" });
      },
      async downgrade(op: Op) {
        await op.alterColumn("items", "cost", { rename: "price" });
        await op.alterColumn("items", "title", { rename: "label", type: "varchar(20)" });
        await op.alterColumn("items", "label", { default: "x" });
        await op.alterColumn("items", "qty", { type: "integer", nullable: true, default: null });
      },
    };
    await db.run(m);
    let items = await db.table("items");
    assert.deepEqual(columns(items), [
      ["id", "integer", false, null, false],
      ["qty", "bigint", false, "0", false],
      ["title", "text", true, null, false],
      ["cost", "real", true, null, false],
    ]);
    assert.deepEqual(items.indexes.map((i) => [i.name, i.columns]), [["ix_items_label", [
      "title",
    ]]]);
    assert.deepEqual(await db.rows("SELECT id, qty, title, cost FROM items ORDER BY id"), [
      { id: 1, qty: 5, title: "five", cost: 1.5 },
      { id: 2, qty: 7, title: "seven", cost: 2.5 },
    ]);
    await db.run(m, "down");
    items = await db.table("items");
    assert.deepEqual(columns(items), [
      ["id", "integer", false, null, false],
      ["qty", "integer", true, null, false],
      ["label", "varchar(20)", true, "'x'", false],
      ["price", "real", true, null, false],
    ]);
    // NOT NULL over NULLs fails and rolls the whole migration back.
    await db.driver.execute({ sql: "INSERT INTO items (id) VALUES (3)" });
    await rejectsWith(
      db.run({
        async upgrade(op) {
          await op.addColumn("items", "extra", { type: "text" });
          await op.alterColumn("items", "qty", { nullable: false });
        },
      }),
      Error,
      /op\.alterColumn\("items", "qty"\).*(NULL|null values)/,
    );
    assert.equal((await db.table("items")).columns.length, 4);
  });
});

Deno.test("op.createIndex() makes unique and partial indexes; op.dropIndex() drops them", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      upgrade: (op) =>
        op.createTable("posts", {
          id: { type: "integer", primaryKey: true },
          slug: { type: "text" },
          deleted_at: { type: "timestamp" },
          user_id: { type: "integer" },
        }),
    });
    const m = {
      async upgrade(op: Op) {
        await op.createIndex("ux_posts_slug", "posts", ["slug"], {
          unique: true,
          where: "deleted_at IS NULL",
        });
        await op.createIndex("ix_posts_user_slug", "posts", ["user_id", "slug"]);
      },
      async downgrade(op: Op) {
        await op.dropIndex("ix_posts_user_slug", { table: "posts" });
        await op.dropIndex("ux_posts_slug");
      },
    };
    await db.run(m);
    const posts = await db.table("posts");
    assert.deepEqual(
      posts.indexes.map((i) => ({ ...i, where: i.where && stripParens(i.where) })),
      [
        { name: "ix_posts_user_slug", columns: ["user_id", "slug"], unique: false, where: null },
        { name: "ux_posts_slug", columns: ["slug"], unique: true, where: "deleted_at IS NULL" },
      ],
    );
    await db.driver.execute({
      sql: "INSERT INTO posts (id, slug, deleted_at) VALUES (1, 'a', '2024-01-01 00:00:00')",
    });
    await db.driver.execute({ sql: "INSERT INTO posts (id, slug) VALUES (2, 'a')" });
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO posts (id, slug) VALUES (3, 'a')" }),
      Error,
      /unique|duplicate/i,
    );
    await db.run(m, "down");
    assert.deepEqual((await db.table("posts")).indexes, []);
  });
});

Deno.test("op.createForeignKey() with onDelete cascade is enforced after the migration", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("users", { id: { type: "integer", primaryKey: true } });
        await op.createTable("posts", {
          id: { type: "integer", primaryKey: true },
          user_id: { type: "integer" },
        });
        await op.bulkInsert("users", [{ id: 1 }, { id: 2 }]);
        await op.bulkInsert("posts", [{ id: 10, user_id: 1 }, { id: 11, user_id: 2 }]);
      },
    });
    const m = {
      upgrade: (op: Op) =>
        op.createForeignKey("fk_posts_user", "posts", ["user_id"], "users", ["id"], {
          onDelete: "cascade",
        }),
      downgrade: (op: Op) => op.dropConstraint("fk_posts_user", "posts"),
    };
    await db.run(m);
    assert.deepEqual((await db.table("posts")).foreignKeys, [{
      name: "fk_posts_user",
      columns: ["user_id"],
      refTable: "users",
      refColumns: ["id"],
      onDelete: "cascade",
      onUpdate: "no action",
    }]);
    await db.driver.execute({ sql: "DELETE FROM users WHERE id = 1" });
    assert.deepEqual(await db.rows("SELECT id FROM posts"), [{ id: 11 }]);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO posts (id, user_id) VALUES (12, 99)" }),
      Error,
      /foreign key/i,
    );
    await db.run(m, "down");
    assert.deepEqual((await db.table("posts")).foreignKeys, []);
    // A key the rows violate fails the migration (SQLite: foreign_key_check before COMMIT).
    await db.driver.execute({ sql: "INSERT INTO posts (id, user_id) VALUES (12, 99)" });
    await rejectsWith(db.run(m), Error, /op\.createForeignKey\("fk_posts_user".*foreign.key/i);
    assert.deepEqual((await db.table("posts")).foreignKeys, []);
    assert.deepEqual(await db.rows("SELECT count(*) AS n FROM posts"), [{ n: 2 }]);
  });
});

Deno.test("op.createUniqueConstraint(), createCheckConstraint() and dropConstraint() round-trip", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("t", {
          id: { type: "integer", primaryKey: true },
          a: { type: "integer" },
          b: { type: "text" },
        });
        await op.bulkInsert("t", [{ id: 1, a: 1, b: "x" }, { id: 2, a: 2, b: "x" }]);
      },
    });
    const m = {
      async upgrade(op: Op) {
        await op.createUniqueConstraint("uq_t_a_b", "t", ["a", "b"]);
        await op.createCheckConstraint("ck_t_a", "t", "a > 0");
      },
      async downgrade(op: Op) {
        await op.dropConstraint("ck_t_a", "t");
        await op.dropConstraint("uq_t_a_b", "t");
      },
    };
    await db.run(m);
    const table = await db.table("t");
    assert.deepEqual(table.uniques, [{ name: "uq_t_a_b", columns: ["a", "b"] }]);
    assert.deepEqual(checks(table), [{ name: "ck_t_a", expr: "a > 0" }]);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO t VALUES (3, 1, 'x')" }),
      Error,
      /unique/i,
    );
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO t VALUES (3, -1, 'y')" }),
      Error,
      /check/i,
    );
    assert.deepEqual(await db.rows("SELECT count(*) AS n FROM t"), [{ n: 2 }]);
    await db.run(m, "down");
    const after = await db.table("t");
    assert.deepEqual([after.uniques, after.checks], [[], []]);
    // A check the rows violate fails the migration.
    await rejectsWith(
      db.run({ upgrade: (op) => op.createCheckConstraint("ck_t_b", "t", "b <> 'x'") }),
      Error,
      /op\.createCheckConstraint\("ck_t_b", "t", "b <> 'x'"\)/,
    );
  });
});

Deno.test("op.createEnum() types columns enum:NAME; op.dropEnum() removes it", async (t) => {
  await eachLiveDb(t, async (db) => {
    const m = {
      async upgrade(op: Op) {
        await op.createEnum("mood", ["happy", "it's ok", "Sad"]);
        await op.createTable("people", {
          id: { type: "integer", primaryKey: true },
          mood: { type: "enum:mood", default: "happy", nullable: false },
        });
        await op.addColumn("people", "was", { type: "enum:mood" });
        await op.bulkInsert("people", [{ id: 1, mood: "it's ok" }, { id: 2 }]);
      },
      async downgrade(op: Op) {
        await op.dropTable("people");
        await op.dropEnum("mood");
      },
    };
    await db.run(m);
    const schema = await db.schema();
    assert.deepEqual(schema.enums.map((e) => [e.name, e.values]), [[
      "mood",
      ["happy", "it's ok", "Sad"],
    ]]);
    assert.deepEqual(columns(await db.table("people")), [
      ["id", "integer", false, null, false],
      ["mood", "enum:mood", false, "'happy'", false],
      ["was", "enum:mood", true, null, false],
    ]);
    assert.deepEqual(await db.rows("SELECT id, mood FROM people ORDER BY id"), [
      { id: 1, mood: "it's ok" },
      { id: 2, mood: "happy" },
    ]);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO people (id, mood) VALUES (3, 'angry')" }),
      Error,
      /enum|check/i,
    );
    // Another migration (a new run) finds the enum's values in the database.
    await db.run({ upgrade: (op) => op.addColumn("people", "later", { type: "enum:mood" }) });
    assert.equal((await db.table("people")).columns[3]?.type, "enum:mood");
    await db.run({ upgrade: (op) => op.dropColumn("people", "later") });
    await db.run(m, "down");
    assert.deepEqual(await db.schema(), { tables: [], enums: [] });
  });
});

Deno.test("op.execute() binds params; op.query() reads rows inside the migration", async (t) => {
  await eachLiveDb(t, async (db) => {
    let seen: unknown[] = [];
    await db.run({
      async upgrade(op) {
        await op.createTable("users", {
          id: { type: "integer", primaryKey: true },
          name: { type: "text" },
          is_active: { type: "boolean" },
        });
        await op.execute(
          `INSERT INTO users (id, name, is_active) VALUES (${ph(op, 1)}, ${ph(op, 2)}, ${
            ph(op, 3)
          })`,
          [1, "O'Brien; DROP TABLE users --", true],
        );
        await op.execute(`INSERT INTO users (id, name, is_active) VALUES (2, 'bo', false)`);
        // Backfill from a flag, then make it NOT NULL (the demo's status migration).
        await op.addColumn("users", "status", { type: "text" });
        await op.execute(
          "UPDATE users SET status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END",
        );
        await op.alterColumn("users", "status", { nullable: false });
        const rows = await op.query(
          `SELECT name FROM users WHERE id = ${ph(op, 1)}`,
          [1],
        );
        seen = rows.map((r) => r.name);
      },
    });
    assert.deepEqual(seen, ["O'Brien; DROP TABLE users --"]);
    assert.deepEqual(await db.rows("SELECT id, status FROM users ORDER BY id"), [
      { id: 1, status: "active" },
      { id: 2, status: "inactive" },
    ]);
    assert.equal((await db.table("users")).columns[3]?.nullable, false);
  });
});

Deno.test("op.bulkInsert() inserts 10,000 rows fast; missing keys take the default", async (t) => {
  await eachLiveDb(t, async (db) => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: i + 1,
      name: `item ${i}'s`,
      data: { n: i },
      ...(i % 3 === 0 ? {} : { qty: i }),
    }));
    await db.run({
      upgrade: (op) =>
        op.createTable("items", {
          id: { type: "integer", primaryKey: true },
          name: { type: "text", nullable: false },
          qty: { type: "integer", default: -1 },
          data: { type: "json" },
        }),
    });
    const started = performance.now();
    await db.run({ upgrade: (op) => op.bulkInsert("items", rows) });
    const ms = performance.now() - started;
    assert.ok(ms < 10_000, `10,000 rows took ${ms.toFixed(0)} ms`);
    const [stats] = await db.rows(
      "SELECT count(*) AS n, sum(CASE WHEN qty = -1 THEN 1 ELSE 0 END) AS defaulted FROM items",
    );
    assert.deepEqual([Number(stats?.n), Number(stats?.defaulted)], [10_000, 3_334]);
    const [last] = await db.rows("SELECT name, data FROM items WHERE id = 10000");
    assert.equal(last?.name, "item 9999's");
    const data = typeof last?.data === "string" ? JSON.parse(last.data) : last?.data;
    assert.deepEqual(data, { n: 9999 });
    // Rows whose every key is missing get DEFAULT VALUES.
    await db.run({
      async upgrade(op) {
        await op.createTable("ticks", {
          id: { type: "integer", primaryKey: true, autoIncrement: true },
          at: { type: "text", default: "now" },
        });
        await op.bulkInsert("ticks", [{}, {}, { at: "later" }]);
      },
    });
    assert.deepEqual(await db.rows("SELECT id, at FROM ticks ORDER BY id"), [
      { id: 1, at: "now" },
      { id: 2, at: "now" },
      { id: 3, at: "later" },
    ]);
  });
});

Deno.test("op.sql() marks a default as an SQL expression, a plain string as a literal", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op) {
        await op.createTable("events", {
          id: { type: "integer", primaryKey: true },
          at: { type: "timestamp", default: op.sql("CURRENT_TIMESTAMP") },
          label: { type: "text", default: "CURRENT_TIMESTAMP" },
          n: { type: "integer", default: op.sql("1 + 2") },
        });
        await op.execute("INSERT INTO events (id) VALUES (1)");
      },
    });
    const [row] = await db.rows("SELECT at, label, n FROM events");
    assert.equal(row?.label, "CURRENT_TIMESTAMP");
    assert.equal(Number(row?.n), 3);
    assert.ok(row?.at !== null && row?.at !== "CURRENT_TIMESTAMP");
    const cols = (await db.table("events")).columns;
    assert.equal(cols[1]?.default, "CURRENT_TIMESTAMP");
    assert.equal(cols[2]?.default, "'CURRENT_TIMESTAMP'");
  });
});

Deno.test("SQLite rebuilds through op keep rows, indexes, triggers and foreign keys both ways", async (t) => {
  await eachLiveDb(t, async (db) => {
    const trigger = db.dialect.name === "sqlite"
      ? `CREATE TRIGGER tr_items_audit AFTER UPDATE ON items BEGIN
           INSERT INTO audit (item_id) VALUES (NEW.id); END`
      : `CREATE FUNCTION audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN INSERT INTO audit (item_id) VALUES (NEW.id); RETURN NEW; END $$;
         CREATE TRIGGER tr_items_audit AFTER UPDATE ON items FOR EACH ROW EXECUTE FUNCTION audit_fn()`;
    await db.run({
      async upgrade(op) {
        await op.createTable("shops", { id: { type: "integer", primaryKey: true } });
        await op.createTable("items", {
          id: { type: "integer", primaryKey: true, autoIncrement: true },
          shop_id: {
            type: "integer",
            references: { table: "shops", column: "id", onDelete: "cascade" },
          },
          sku: { type: "varchar(20)" },
          qty: { type: "integer" },
        });
        await op.createTable("lines", {
          id: { type: "integer", primaryKey: true },
          item_id: { type: "integer", references: "items.id" },
        });
        await op.createTable("audit", { item_id: { type: "integer" } });
        await op.createIndex("ux_items_sku", "items", ["sku"], {
          unique: true,
          where: "qty > 0",
        });
        await op.createIndex("ix_items_qty", "items", ["qty"]);
        await op.execute(trigger);
        await op.bulkInsert("shops", [{ id: 1 }, { id: 2 }]);
        await op.bulkInsert("items", [
          { shop_id: 1, sku: "a", qty: 1 },
          { shop_id: 2, sku: "b", qty: 2 },
          { shop_id: 2, sku: "b", qty: 0 },
        ]);
        await op.bulkInsert("lines", [{ id: 1, item_id: 1 }, { id: 2, item_id: 3 }]);
      },
    });
    const before = await db.table("items");
    // Each of these rebuilds "items" on SQLite (referenced by "lines", referencing "shops").
    const m = {
      async upgrade(op: Op) {
        await op.alterColumn("items", "sku", { type: "text", nullable: true, default: "?" });
        await op.createCheckConstraint("ck_items_qty", "items", "qty >= 0");
        await op.createUniqueConstraint("uq_items_shop_sku_qty", "items", [
          "shop_id",
          "sku",
          "qty",
        ]);
      },
      async downgrade(op: Op) {
        await op.dropConstraint("uq_items_shop_sku_qty", "items");
        await op.dropConstraint("ck_items_qty", "items");
        await op.alterColumn("items", "sku", { type: "varchar(20)", default: null });
      },
    };
    await db.run(m);
    const after = await db.table("items");
    assert.deepEqual(after.indexes, before.indexes);
    assert.deepEqual(after.foreignKeys, before.foreignKeys);
    assert.equal((await db.table("lines")).foreignKeys[0]?.refTable, "items");
    assert.deepEqual(await db.rows("SELECT id, shop_id, sku, qty FROM items ORDER BY id"), [
      { id: 1, shop_id: 1, sku: "a", qty: 1 },
      { id: 2, shop_id: 2, sku: "b", qty: 2 },
      { id: 3, shop_id: 2, sku: "b", qty: 0 },
    ]);
    // The trigger still fires; the partial unique index still holds.
    await db.driver.execute({ sql: "UPDATE items SET qty = 5 WHERE id = 1" });
    assert.deepEqual(await db.rows("SELECT item_id FROM audit"), [{ item_id: 1 }]);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO items (shop_id, sku, qty) VALUES (1, 'b', 3)" }),
      Error,
      /unique/i,
    );
    // AUTOINCREMENT keeps counting (PostgreSQL's sequence also counted the failed insert);
    // cascades work from both sides.
    await db.driver.execute({ sql: "INSERT INTO items (shop_id, sku, qty) VALUES (1, 'c', 0)" });
    const next = db.dialect.name === "postgres" ? 5 : 4;
    assert.deepEqual(await db.rows("SELECT max(id) AS m FROM items"), [{ m: next }]);
    await rejectsWith(
      db.driver.execute({ sql: "INSERT INTO lines (id, item_id) VALUES (3, 99)" }),
      Error,
      /foreign key/i,
    );
    await db.driver.execute({ sql: "DELETE FROM lines WHERE item_id IN (2, 3)" });
    await db.driver.execute({ sql: "DELETE FROM shops WHERE id = 2" });
    assert.deepEqual(await db.rows("SELECT id FROM items ORDER BY id"), [{ id: 1 }, { id: next }]);
    await db.run(m, "down");
    const restored = await db.table("items");
    assert.deepEqual(restored, { ...before, columns: restored.columns });
    assert.deepEqual(columns(restored), columns(before));
    assert.equal(
      (await db.rows("SELECT count(*) AS n FROM lines"))[0]?.n,
      1,
    );
  });
});

/** Misuse cases: the upgrade body, per dialect, and what the error must say after the call. */
const MISUSE: { call: string; body: (d: string) => string; says: (d: string) => RegExp }[] = [
  {
    call: 'op.addColumn("users", "tags")',
    body: (d) =>
      `await op.addColumn("users", "tags", { type: ${
        JSON.stringify(d === "sqlite" ? "integer[]" : "text; DROP TABLE users")
      } });`,
    says: (d) => new RegExp(`Unknown column type ".*" on ${d}`),
  },
  {
    call: 'op.createIndex("ix_users_id", "users", ["id"])',
    body: () => `await op.createIndex("ix_users_id", "users", ["id"], { concurrently: true });`,
    says: () => /concurrently: true needs transactional = false/,
  },
  {
    call: 'op.alterColumn("users", "nope")',
    body: () => `await op.alterColumn("users", "nope", { nullable: false });`,
    says: () => /nope/,
  },
  {
    call: 'op.dropColumn("users", "nope")',
    body: () => `await op.dropColumn("users", "nope");`,
    says: () => /nope/,
  },
  {
    call: 'op.dropConstraint("ck_nope", "users")',
    body: () => `await op.dropConstraint("ck_nope", "users");`,
    says: () => /ck_nope/,
  },
];

Deno.test("op misuse fails the CLI with one error line naming the migration and the call", async (t) => {
  const p = await makeProject({
    "a1_users.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      `await op.createTable("users", { id: { type: "integer", primaryKey: true } });`,
      `await op.dropTable("users");`,
    ),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      // In-process: each bad migration gets a file name of its own (modules are cached by URL).
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      let r: Awaited<ReturnType<typeof cli>>;
      for (const e of Deno.readDirSync(p.migrations)) {
        // left behind by a failed step
        if (e.name.startsWith("b2_bad")) await Deno.remove(join(p.migrations, e.name));
      }
      r = await cli("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      for (const [i, m] of MISUSE.entries()) {
        const file = join(p.migrations, `b2_bad_${db.dialect}_${i}.ts`);
        await Deno.writeTextFile(
          file,
          migrationSource("b2b2b2b2b2b2", "a1a1a1a1a1a1", m.body(db.dialect)),
        );
        r = await cli("upgrade", "head");
        assert.equal(r.code, 1, `${m.call}: ${r.stderr}`);
        const lines = r.stderr.trim().split("\n");
        const errors = lines.filter((l) => l.startsWith("error: "));
        assert.equal(errors.length, 1, r.stderr);
        assert.ok(lines.every((l) => /^(error|hint): /.test(l)), `extra output: ${r.stderr}`);
        const prefix = `error: Upgrade b2b2b2b2b2b2 ("m b2b2b2b2b2b2") failed at ${m.call}: `;
        assert.ok(errors[0]!.startsWith(prefix), `${errors[0]}\n  should start ${prefix}`);
        assert.match(errors[0]!.slice(prefix.length), m.says(db.dialect));
        assert.deepEqual(await db.versions(), ["a1a1a1a1a1a1"]);
        await Deno.remove(file);
      }
    });
  } finally {
    await p.cleanup();
  }
});
