/**
 * The PostgreSQL scratch space and the comment operations, on a live server:
 * normalising a declared schema leaves nothing in the database (the scratch
 * objects live in the session's temporary schema inside a transaction that is
 * rolled back), works for a role that may not create schemas, and
 * `op.alterTable` / `alterColumn({ comment })` change comments (SQLite keeps
 * none and changes nothing).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { normalizeDeclared } from "../src/autogen/normalize.ts";
import { postgresEngine } from "../src/dialects/postgres/mod.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { eachLiveDb } from "./_live.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { makeProject, ROOT } from "./_helpers.ts";
import { cli, shell } from "./_autogen.ts";

const declared = {
  enums: { mood: ["a", "b"] },
  tables: {
    t: {
      columns: {
        id: { type: "integer", primaryKey: true, autoIncrement: true },
        m: { type: "enum:mood", default: "a" },
        n: { type: "integer", check: "n > 0" },
      },
      indexes: { ix_t_n: { columns: ["n"], where: "n > 1" } },
      comment: "a table",
    },
    u: { columns: { id: { type: "integer", references: "t.id" } } },
  },
};

/** Everything in the database's catalogs that a scratch run could leave behind. */
async function footprint(url: string) {
  const db = await openDriver(url);
  try {
    const rows = await db.query(
      `SELECT (SELECT count(*) FROM pg_namespace)::int AS schemas,
        (SELECT count(*) FROM pg_class)::int AS relations,
        (SELECT count(*) FROM pg_type)::int AS types,
        (SELECT count(*) FROM pg_constraint)::int AS constraints`,
    );
    return rows[0];
  } finally {
    await db.close();
  }
}

Deno.test({
  name: "normalizeDeclared() on PostgreSQL reads the schema back and leaves nothing behind",
  ignore: !hasPg(),
  async fn() {
    const pg = await createPgDatabase("scratch");
    try {
      const before = await footprint(pg.url);
      const db = await openDriver(pg.url);
      try {
        const { schema } = await normalizeDeclared(declared, postgresEngine.dialect, {
          connection: db,
        });
        assert.deepEqual(schema.tables.map((t) => [t.name, t.schema]), [["t", "public"], [
          "u",
          "public",
        ]]);
        assert.deepEqual(schema.enums, [{ name: "mood", schema: "public", values: ["a", "b"] }]);
        const t = schema.tables[0]!;
        assert.equal(t.comment, "a table");
        assert.deepEqual(t.columns.map((c) => [c.name, c.type, c.default]), [
          ["id", "integer", null],
          ["m", "enum:mood", "'a'"],
          ["n", "integer", null],
        ]);
        assert.deepEqual(t.indexes, [{
          name: "ix_t_n",
          columns: ["n"],
          unique: false,
          where: "(n > 1)",
        }]);
        assert.equal(schema.tables[1]?.foreignKeys[0]?.refTable, "t");
        // The session goes on as it was: no scratch search path, no scratch objects.
        const [path] = await db.query("SELECT current_setting('search_path') AS p");
        assert.equal(path?.p, '"$user", public');
        assert.deepEqual(await db.query("SELECT to_regclass('t') AS t"), [{ t: null }]);
      } finally {
        await db.close();
      }
      assert.deepEqual(await footprint(pg.url), before);
    } finally {
      await pg.drop();
    }
  },
});

Deno.test({
  name:
    "check works for a role that may not create schemas (the scratch space is its temporary schema)",
  ignore: !hasPg(),
  async fn() {
    const pg = await createPgDatabase("role");
    const role = `strata_app_${crypto.randomUUID().slice(0, 8)}`;
    const admin = await openDriver(pg.url);
    const project = await makeProject("demo");
    try {
      await Deno.copyFile(join(ROOT, "schema.ts"), join(project.dir, "schema.ts"));
      assert.equal((await cli(["-u", pg.url, "upgrade", "head"], project.dir)).code, 0);
      await admin.execute({ sql: `CREATE ROLE ${role} LOGIN PASSWORD 'app-pw'` });
      await admin.execute({ sql: `REVOKE CREATE ON SCHEMA public FROM PUBLIC` });
      await admin.execute({ sql: `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}` });
      const url = new URL(pg.url);
      url.username = role;
      url.password = "app-pw";
      const denied = await openDriver(url.toString());
      try {
        await assert.rejects(denied.execute({ sql: "CREATE SCHEMA nope" }), /permission denied/);
      } finally {
        await denied.close();
      }
      const r = await cli(["-u", url.toString(), "check"], project.dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "OK: the database matches schema.ts\n");
      assert.doesNotMatch(r.stdout + r.stderr, /app-pw/);
      // The same role cannot create a dev database: one line saying so, nothing left.
      const dev = await cli(["check", "--dev-url", url.toString()], project.dir);
      assert.equal(dev.code, 1);
      assert.match(
        dev.stderr,
        /^error: Cannot create a scratch database for --dev-url: permission denied to create database\nhint: --dev-url needs /,
      );
      assert.doesNotMatch(dev.stderr, /app-pw/);
    } finally {
      await project.cleanup();
      await admin.close();
      await pg.drop();
      const a = await openDriver(Deno.env.get("STRATA_TEST_PG_URL")!);
      await a.execute({ sql: `DROP ROLE IF EXISTS ${role}` });
      await a.close();
    }
  },
});

Deno.test("op.alterTable and alterColumn({ comment }) change comments on PostgreSQL; SQLite rebuilds nothing", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      upgrade: async (op) => {
        await op.createTable("t", { a: { type: "text", comment: "old" } });
      },
    });
    const sqlBefore = db.dialect.name === "sqlite"
      ? await db.rows("SELECT sql FROM sqlite_master WHERE name = 't'")
      : [];
    await db.run({
      upgrade: async (op) => {
        await op.alterTable("t", { comment: "the table" });
        await op.alterColumn("t", "a", { comment: "new" });
      },
    });
    const table = await db.table("t");
    if (db.dialect.name === "postgres") {
      assert.equal(table.comment, "the table");
      assert.equal(table.columns[0]?.comment, "new");
      await db.run({
        upgrade: async (op) => {
          await op.alterTable("t", { comment: null });
          await op.alterColumn("t", "a", { comment: null, type: "varchar(10)" });
        },
      });
      const after = await db.table("t");
      assert.equal(after.comment, null);
      assert.deepEqual([after.columns[0]?.type, after.columns[0]?.comment], ["varchar(10)", null]);
    } else {
      assert.equal(table.comment, null);
      assert.deepEqual(await db.rows("SELECT sql FROM sqlite_master WHERE name = 't'"), sqlBefore);
    }
  });
});

Deno.test({
  name:
    "schema dump on PostgreSQL creates the sequences column defaults use, so the dump loads into an empty database",
  ignore: !hasPg(),
  async fn() {
    const p = await makeProject({
      "a1_seq.ts": [
        'export const revision = "a1a1a1a1a1a1";',
        "export const downRevision = null;",
        'export const message = "sequences";',
        "export async function upgrade(op) {",
        "  await op.execute('CREATE SEQUENCE \"Order Seq\"; CREATE TABLE legacy (id serial PRIMARY KEY)');",
        '  await op.createTable("orders", {',
        '    id: { type: "bigint", primaryKey: true, default: op.sql(`nextval(\'"Order Seq"\')`) },',
        '    n: { type: "integer", primaryKey: false, autoIncrement: false },',
        "  });",
        "}",
        "export async function downgrade(op) {}",
        "",
      ].join("\n"),
    });
    const from = await createPgDatabase("dumpseq");
    const into = await createPgDatabase("dumpseq");
    try {
      assert.equal((await cli(["-u", from.url, "upgrade", "head"], p.dir)).code, 0);
      const dump = await cli(["-u", from.url, "schema", "dump"], p.dir);
      assert.equal(dump.code, 0, dump.stderr);
      assert.match(dump.stdout, /^CREATE SEQUENCE "Order Seq";$/m);
      assert.match(dump.stdout, /^CREATE SEQUENCE legacy_id_seq;$/m);
      // Loads as it is, and dumps back to the same text.
      await shell({ dialect: "postgres", url: into.url }, dump.stdout);
      const again = await cli(["-u", into.url, "schema", "dump"], p.dir);
      assert.equal(again.stdout, dump.stdout);
    } finally {
      await from.drop();
      await into.drop();
      await p.cleanup();
    }
  },
});
