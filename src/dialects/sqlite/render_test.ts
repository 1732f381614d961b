import assert from "node:assert/strict";
import type { Change } from "../../changes/change.ts";
import { StrataError } from "../../errors.ts";
import { openTestDb } from "./_test_helpers.ts";
import { introspect } from "./introspect.ts";

const SETUP = `CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);
CREATE INDEX ix_users_name ON users (name);`;

const col = (name: string, type: string, more: Record<string, unknown> = {}) => ({
  name,
  type,
  nullable: true,
  ...more,
});

const CASES: { name: string; change: Change; sql: string[] }[] = [
  {
    name: "createTable writes columns in order with an AUTOINCREMENT rowid alias",
    change: {
      kind: "createTable",
      table: "posts",
      columns: [
        col("id", "integer", { nullable: false, primaryKey: true, autoIncrement: true }),
        col("title", "varchar(80)", { nullable: false, default: "untitled" }),
        col("user_id", "integer", {
          references: { table: "users", column: "id", onDelete: "cascade" },
        }),
        col("published", "boolean", { default: false }),
        col("at", "timestamptz", { default: { $sql: "CURRENT_TIMESTAMP" } }),
        col("score", "numeric(5,2)", { check: "score >= 0", unique: true }),
      ],
      uniques: [{ name: "uq_title", columns: ["title", "user_id"] }, { columns: ["at"] }],
      checks: [{ name: "ck_title", expr: "length(title) > 0" }],
      foreignKeys: [{
        name: "fk_user",
        columns: ["user_id"],
        refTable: "users",
        refColumns: ["id"],
        onUpdate: "set null",
      }],
      ifNotExists: true,
      comment: "ignored",
      schema: "ignored",
    },
    sql: [`CREATE TABLE IF NOT EXISTS posts (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  title VARCHAR(80) NOT NULL DEFAULT 'untitled',
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  published BOOLEAN DEFAULT 0,
  at TIMESTAMPTZ TEXT DEFAULT CURRENT_TIMESTAMP,
  score NUMERIC(5,2) UNIQUE CHECK (score >= 0),
  CONSTRAINT uq_title UNIQUE (title, user_id),
  UNIQUE (at),
  CONSTRAINT ck_title CHECK (length(title) > 0),
  CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE SET NULL
)`],
  },
  {
    name: "createTable writes a composite primary key as a table constraint",
    change: {
      kind: "createTable",
      table: "Tags",
      columns: [
        col("post", "integer", { nullable: false }),
        col("order", "text", { nullable: false }),
      ],
      primaryKey: ["post", "order"],
      uniques: [],
      checks: [],
      foreignKeys: [],
      ifNotExists: false,
    },
    sql: [
      `CREATE TABLE "Tags" (\n  post INTEGER NOT NULL,\n  "order" TEXT NOT NULL,\n  PRIMARY KEY (post, "order")\n)`,
    ],
  },
  {
    name: "dropTable",
    change: { kind: "dropTable", table: "users", ifExists: true },
    sql: ["DROP TABLE IF EXISTS users"],
  },
  {
    name: "renameTable",
    change: { kind: "renameTable", table: "users", newName: "People" },
    sql: ['ALTER TABLE users RENAME TO "People"'],
  },
  {
    name: "addColumn is native for a nullable column",
    change: {
      kind: "addColumn",
      table: "users",
      column: col("bio", "text", { check: "length(bio) < 500" }),
    },
    sql: ["ALTER TABLE users ADD COLUMN bio TEXT CHECK (length(bio) < 500)"],
  },
  {
    name: "addColumn is native for NOT NULL with a constant default",
    change: {
      kind: "addColumn",
      table: "users",
      column: col("n", "integer", { nullable: false, default: -1 }),
    },
    sql: ["ALTER TABLE users ADD COLUMN n INTEGER NOT NULL DEFAULT -1"],
  },
  {
    name: "dropColumn is native for an unindexed column",
    change: { kind: "dropColumn", table: "users", column: "email" },
    sql: ["ALTER TABLE users DROP COLUMN email"],
  },
  {
    name: "alterColumn with only a rename is native",
    change: { kind: "alterColumn", table: "users", column: "name", patch: { rename: "full name" } },
    sql: ['ALTER TABLE users RENAME COLUMN name TO "full name"'],
  },
  {
    name: "createIndex writes unique and where",
    change: {
      kind: "createIndex",
      name: "ix_email",
      table: "users",
      columns: ["email", "name"],
      unique: true,
      where: "email IS NOT NULL",
      concurrently: false,
    },
    sql: ["CREATE UNIQUE INDEX ix_email ON users (email, name) WHERE email IS NOT NULL"],
  },
  {
    name: "dropIndex",
    change: { kind: "dropIndex", name: "ix_users_name", table: "users" },
    sql: ["DROP INDEX ix_users_name"],
  },
  {
    name: "createEnum",
    change: { kind: "createEnum", name: "mood", values: ["a"] },
    sql: [
      "CREATE TABLE IF NOT EXISTS _strata_enums (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL)",
      "INSERT INTO _strata_enums (name, vals) VALUES (?, ?)",
    ],
  },
  {
    name: "dropEnum",
    change: { kind: "dropEnum", name: "mood" },
    sql: [
      "CREATE TABLE IF NOT EXISTS _strata_enums (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL)",
      "DELETE FROM _strata_enums WHERE name = ?",
    ],
  },
  {
    name: "execute",
    change: { kind: "execute", sql: "UPDATE users SET name = ? WHERE id = ?", params: ["x", 1] },
    sql: ["UPDATE users SET name = ? WHERE id = ?"],
  },
];

for (const c of CASES) {
  Deno.test(`renderSqlite() renders ${c.name}`, async () => {
    const t = await openTestDb(SETUP);
    try {
      const stmts = await t.apply(c.change);
      assert.deepEqual(stmts.map((s) => s.sql), c.sql);
    } finally {
      await t.db.close();
    }
  });
}

Deno.test("renderSqlite() refuses concurrently: true in a transaction, ignores it outside", async () => {
  const t = await openTestDb(SETUP);
  try {
    const change: Change = {
      kind: "createIndex",
      name: "ix_email",
      table: "users",
      columns: ["email"],
      unique: false,
      concurrently: true,
    };
    await assert.rejects(() => t.apply(change), (e: Error) => {
      assert.ok(e instanceof StrataError);
      assert.equal(
        e.message,
        'op.createIndex("ix_email", …) with concurrently: true needs transactional = false',
      );
      return true;
    });
    t.ctx.transactional = false;
    assert.deepEqual((await t.apply(change)).map((s) => s.sql), [
      "CREATE INDEX ix_email ON users (email)",
    ]);
    const drop: Change = { kind: "dropIndex", name: "ix_email", concurrently: true };
    assert.deepEqual((await t.apply(drop)).map((s) => s.sql), ["DROP INDEX ix_email"]);
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() output of every change kind executes and introspects as asked", async () => {
  const t = await openTestDb(SETUP);
  try {
    const op = t.op();
    await op.createEnum("mood", ["happy", "it's ok"]);
    await op.createTable("posts", {
      id: { type: "integer", primaryKey: true, autoIncrement: true },
      title: { type: "varchar(80)", nullable: false, default: "untitled" },
      user_id: { type: "integer", references: "users.id" },
      mood: { type: "enum:mood", default: "happy" },
      at: { type: "timestamptz", default: op.sql("CURRENT_TIMESTAMP") },
    }, { checks: [{ name: "ck_title", expr: "length(title) > 0" }], unique: [["title"]] });
    await op.addColumn("posts", "body", { type: "text" });
    await op.addColumn("posts", "slug", { type: "text", unique: true });
    await op.createIndex("ix_posts_user", "posts", ["user_id"], { where: "user_id IS NOT NULL" });
    await op.createForeignKey("fk_posts_user", "posts", ["user_id"], "users", ["id"], {
      onDelete: "cascade",
    });
    await op.createUniqueConstraint("uq_posts_slug_title", "posts", ["slug", "title"]);
    await op.createCheckConstraint("ck_body", "posts", "length(body) < 1000");
    await op.dropConstraint("ck_title", "posts");
    await op.alterColumn("posts", "body", { type: "varchar(1000)", nullable: false, default: "" });
    await op.alterColumn("posts", "title", { rename: "headline" });
    await op.dropColumn("posts", "at");
    await op.bulkInsert("posts", [{ headline: "a", slug: "a" }, {
      headline: "b",
      mood: "it's ok",
    }]);
    await op.execute("UPDATE posts SET body = ? WHERE headline = ?", ["hello", "a"]);
    await op.createTable("tmp", { x: { type: "text" } });
    await op.renameTable("tmp", "tmp2");
    await op.dropTable("tmp2");
    await op.dropIndex("ix_users_name");
    await op.settle();

    const schema = await introspect(t.db);
    assert.deepEqual(schema.tables.map((x) => x.name), ["posts", "users"]);
    assert.deepEqual(schema.enums, [{
      name: "mood",
      schema: "main",
      values: ["happy", "it's ok"],
    }]);
    const posts = await t.table("posts");
    assert.deepEqual(
      posts.columns.map((c) => [c.name, c.type, c.nullable, c.default, c.autoIncrement]),
      [
        ["id", "integer", false, null, true],
        ["headline", "varchar(80)", false, "'untitled'", false],
        ["user_id", "integer", true, null, false],
        ["mood", "enum:mood", true, "'happy'", false],
        ["body", "varchar(1000)", false, "''", false],
        ["slug", "text", true, null, false],
      ],
    );
    assert.deepEqual(posts.primaryKey, ["id"]);
    assert.deepEqual(posts.indexes, [
      { name: "ix_posts_user", columns: ["user_id"], unique: false, where: "user_id IS NOT NULL" },
    ]);
    assert.deepEqual(posts.uniques, [
      { name: null, columns: ["headline"] },
      { name: null, columns: ["slug"] },
      { name: "uq_posts_slug_title", columns: ["slug", "headline"] },
    ]);
    assert.deepEqual(posts.checks, [{ name: "ck_body", expr: "length(body) < 1000" }]);
    assert.deepEqual(posts.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.onDelete]), [
      [null, ["user_id"], "users", "no action"],
      ["fk_posts_user", ["user_id"], "users", "cascade"],
    ]);
    const rows = await t.rows("SELECT headline, body, mood FROM posts ORDER BY id");
    assert.deepEqual(rows, [
      { headline: "a", body: "hello", mood: "happy" }, // bulkInsert: a missing key is DEFAULT
      { headline: "b", body: "", mood: "it's ok" },
    ]);
    await assert.rejects(
      async () => await t.exec("INSERT INTO posts (headline, mood) VALUES ('c', 'sad')"),
      /CHECK constraint failed: enum:mood/,
    );
    assert.equal((await t.table("users")).indexes.length, 0);
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() bulkInsert is one batch statement for 10,000 rows", async () => {
  const t = await openTestDb("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
  try {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => ({ id: i + 1, qty: i % 2 ? null : i, name: i % 2 ? `item ${i}` : `it's ${i}` }),
    );
    const started = performance.now();
    const stmts = await t.apply({ kind: "bulkInsert", table: "items", rows });
    const ms = performance.now() - started;
    assert.equal(stmts.length, 1);
    assert.equal(stmts[0]?.sql, "INSERT INTO items (id, qty, name) VALUES (?, ?, ?)");
    assert.equal(stmts[0]?.batch?.length, 10_000);
    assert.deepEqual(stmts[0]?.batch?.[1], [2, null, "item 1"]);
    const [n] = await t.rows("SELECT count(*) AS n, count(qty) AS q FROM items");
    assert.deepEqual(n, { n: 10_000, q: 5_000 });
    assert.ok(ms < 5_000, `bulk insert took ${ms} ms`);
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() bulkInsert of no rows renders nothing; SQL expressions are refused", async () => {
  const t = await openTestDb();
  try {
    assert.deepEqual(await t.apply({ kind: "bulkInsert", table: "x", rows: [] }), []);
    await assert.rejects(
      () => t.apply({ kind: "bulkInsert", table: "x", rows: [{ a: { $sql: "now()" } }] }),
      StrataError,
    );
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() quotes reserved, upper-case and quote-bearing names", async () => {
  const t = await openTestDb();
  try {
    const op = t.op();
    await op.createTable('Se"lect', {
      order: { type: "integer", primaryKey: true },
      Group: { type: "text", nullable: false, default: "it's" },
      'we"ird': { type: "text" },
    });
    await op.createIndex("Ix", 'Se"lect', ["Group", 'we"ird']);
    await op.bulkInsert('Se"lect', [{ order: 1, Group: "g", 'we"ird': "w" }]);
    await op.alterColumn('Se"lect', 'we"ird', { nullable: false });
    await op.dropColumn('Se"lect', "Group", { cascade: true });
    await op.settle();
    assert.deepEqual(t.warnings, [
      'dropping column "Se"lect.Group" also drops index "Ix" (cascade: true)',
    ]);
    assert.deepEqual(await t.rows("SELECT name FROM sqlite_master WHERE type = 'index'"), []);
    assert.match(t.log[0]?.sql ?? "", /^CREATE TABLE "Se""lect" \(\n {2}"order" INTEGER/);
    const table = await t.table('Se"lect');
    assert.deepEqual(table.columns.map((c) => [c.name, c.nullable]), [
      ["order", false],
      ['we"ird', false],
    ]);
    assert.deepEqual(await t.rows('SELECT * FROM "Se""lect"'), [{ order: 1, 'we"ird': "w" }]);
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() rejects an unknown enum and an implausible type", async () => {
  const t = await openTestDb("CREATE TABLE users (id INTEGER PRIMARY KEY)");
  try {
    await assert.rejects(
      () => t.op().addColumn("users", "m", { type: "enum:nope" }),
      /Unknown enum "nope" on sqlite/,
    );
    await assert.rejects(
      () => t.op().createTable("x", { a: { type: "text; DROP TABLE y" } }),
      /Unknown column type "text; DROP TABLE y" on sqlite/,
    );
    await assert.rejects(
      () => t.op().createTable("x", { a: { type: "numeric(5" } }),
      /Unknown column type/,
    );
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() reads enum values from _strata_enums, the one place they live", async () => {
  const t = await openTestDb();
  try {
    await t.op().createEnum("mood", ["a", "b"]);
    await t.op().createTable("p", { m: { type: "enum:mood" } });
    await t.op().addColumn("p", "m2", { type: "enum:mood", nullable: false, default: "a" });
    const p = await t.table("p");
    assert.deepEqual(p.columns.map((c) => c.type), ["enum:mood", "enum:mood"]);
    assert.deepEqual(
      await t.rows("SELECT name, vals FROM _strata_enums"),
      [{ name: "mood", vals: '["a","b"]' }],
    );
    // Columns still carry the values in their CHECK, but only the table is read:
    // without its row the enum is unknown.
    await t.exec("DELETE FROM _strata_enums");
    await assert.rejects(
      () => t.op().addColumn("p", "m3", { type: "enum:mood" }),
      /Unknown enum "mood" on sqlite/,
    );
    assert.deepEqual((await introspect(t.db)).enums, []);
  } finally {
    await t.db.close();
  }
});

Deno.test("renderSqlite() forgets an enum on dropEnum; introspection reports the created ones", async () => {
  const t = await openTestDb();
  try {
    await t.op().createEnum("mood", ["a", "b"]);
    await t.op().createEnum("size", ["s"]);
    // Reported as PostgreSQL reports its types: created, whether or not a column uses it.
    assert.deepEqual((await introspect(t.db)).enums, [
      { name: "mood", schema: "main", values: ["a", "b"] },
      { name: "size", schema: "main", values: ["s"] },
    ]);
    await t.op().createTable("p", { m: { type: "enum:mood" } });
    await t.op().dropEnum("size");
    assert.deepEqual((await introspect(t.db)).enums.map((e) => e.name), ["mood"]);
    await assert.rejects(
      () => t.op().addColumn("p", "m3", { type: "enum:size" }),
      /Unknown enum "size"/,
    );
  } finally {
    await t.db.close();
  }
});
