/**
 * The enum-value ops (`addEnumValue`, `renameEnumValue`, `dropEnumValue`,
 * `alterEnum`) run live on SQLite and PostgreSQL: one test body per op, a
 * `t.step` per database, through the real step runner and driver
 * transaction. Checked through the introspector (values and their order)
 * and the rows; each op's downgrade is checked to undo it exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Op } from "../src/migration.ts";
import { MigrationError } from "../src/errors.ts";
import { rejectsWith } from "../src/drivers/_test_helpers.ts";
import { eachDialect, makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";
import { eachLiveDb, type LiveDb, openLiveDb, type TestMigration } from "./_live.ts";
import { hasPg } from "./_pg.ts";

const MOOD = ["sad", "meh", "happy"];

/** Two tables with `enum:mood` columns (one with a default, one array-free), rows and a partial index. */
const SETUP: TestMigration = {
  async upgrade(op: Op) {
    await op.createEnum("mood", MOOD);
    await op.createTable("people", {
      id: { type: "integer", primaryKey: true },
      mood: { type: "enum:mood", nullable: false, default: "meh" },
      name: { type: "text" },
    });
    await op.createTable("posts", {
      id: { type: "integer", primaryKey: true },
      feeling: { type: "enum:mood" },
    });
    await op.createIndex("ix_people_glad", "people", ["name"], { where: "mood <> 'sad'" });
    await op.bulkInsert("people", [
      { id: 1, mood: "sad", name: "ann" },
      { id: 2, mood: "happy", name: "bob" },
      { id: 3, name: "cy" }, // the default
    ]);
    await op.bulkInsert("posts", [{ id: 1, feeling: "happy" }, { id: 2, feeling: null }]);
  },
};

async function setup(db: LiveDb): Promise<void> {
  await db.run(SETUP, "up", "setup");
}

/** Everything an op may change: the schema (tables and enums) and every row. */
async function snapshot(db: LiveDb) {
  return {
    schema: await db.schema(),
    people: await db.rows("SELECT id, mood, name FROM people ORDER BY id"),
    posts: await db.rows("SELECT id, feeling FROM posts ORDER BY id"),
  };
}

async function values(db: LiveDb, name = "mood"): Promise<string[] | undefined> {
  return (await db.schema()).enums.find((e) => e.name === name)?.values;
}

/** A column's reported default. */
async function defaultOf(db: LiveDb, table: string, column: string): Promise<string | null> {
  const t = await db.table(table);
  return t.columns.find((c) => c.name === column)?.default ?? null;
}

/** Runs a migration that must fail; returns its error after checking nothing changed. */
async function failsCleanly(
  db: LiveDb,
  m: TestMigration,
  match: RegExp,
  read: (db: LiveDb) => Promise<unknown> = snapshot,
): Promise<MigrationError> {
  const before = await read(db);
  const err = await rejectsWith(() => db.run(m), MigrationError, match);
  assert.deepEqual(await read(db), before, "the failed migration changed nothing");
  return err;
}

/** A test of PostgreSQL's own behaviour (skipped loudly without a server). */
function pgTest(name: string, fn: (db: LiveDb) => Promise<void>): void {
  Deno.test({
    name: `PostgreSQL: ${name}`,
    ignore: !hasPg(),
    async fn() {
      const db = await openLiveDb("postgres");
      try {
        await fn(db);
      } finally {
        await db.close();
      }
    },
  });
}

const insert = (table: string, column: string, value: string, id: number): TestMigration => ({
  async upgrade(op: Op) {
    await op.execute(`INSERT INTO ${table} (id, ${column}) VALUES (${id}, '${value}')`);
  },
});

Deno.test("op.addEnumValue() adds values last, before and after; columns take them; rows stay", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const before = await snapshot(db);
    const m: TestMigration = {
      async upgrade(op) {
        await op.addEnumValue("mood", "ok", { before: "happy" });
        await op.addEnumValue("mood", "ecstatic");
        await op.addEnumValue("mood", "blah", { after: "sad" });
        await op.addEnumValue("mood", "meh", { ifNotExists: true }); // there: nothing happens
      },
      async downgrade(op) {
        for (const v of ["blah", "ecstatic", "ok"]) await op.dropEnumValue("mood", v);
      },
    };
    await db.run(m);
    assert.deepEqual(await values(db), ["sad", "blah", "meh", "ok", "happy", "ecstatic"]);
    const after = await snapshot(db);
    assert.deepEqual(after.schema.tables, before.schema.tables, "tables, defaults and index kept");
    assert.deepEqual([after.people, after.posts], [before.people, before.posts]);

    // The new values are accepted by every column of the enum (a later migration:
    // PostgreSQL cannot use them in the transaction that added them).
    await db.run(insert("people", "mood", "ok", 10));
    await db.run(insert("posts", "feeling", "ecstatic", 10));
    await rejectsWith(() => db.run(insert("posts", "feeling", "nope", 11)), MigrationError);

    // The downgrade undoes it, once no row holds the new values.
    await db.run({
      async upgrade(op) {
        await op.execute("DELETE FROM people WHERE id = 10");
        await op.execute("DELETE FROM posts WHERE id = 10");
      },
    });
    await db.run(m, "down");
    assert.deepEqual(await snapshot(db), before);
  });
});

Deno.test("op.addEnumValue() refuses an existing value and a missing anchor, changing nothing", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const pg = db.dialect.name === "postgres";
    const first: TestMigration = {
      async upgrade(op) {
        await op.addEnumValue("mood", "ok");
        await op.addEnumValue("mood", "meh");
      },
    };
    const err = await failsCleanly(
      db,
      first,
      /failed at op\.addEnumValue\("mood", "meh"\): .*"meh"/,
    );
    assert.match(err.message, pg ? /already exists/ : /it exists already/);
    await failsCleanly(
      db,
      { upgrade: (op) => op.addEnumValue("mood", "ok", { after: "glad" }) },
      pg ? /"glad" is not an existing enum label/ : /there is no value "glad" to put it after/,
    );
    await failsCleanly(
      db,
      { upgrade: (op) => op.addEnumValue("nope", "ok") },
      pg ? /type "nope" does not exist/ : /Unknown enum "nope"/,
    );
  });
});

Deno.test("op.renameEnumValue() renames the value, the rows and the defaults holding it", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const before = await snapshot(db);
    const m: TestMigration = {
      async upgrade(op) {
        await op.renameEnumValue("mood", "meh", "so-so");
        await op.renameEnumValue("mood", "happy", "glad");
      },
      async downgrade(op) {
        await op.renameEnumValue("mood", "glad", "happy");
        await op.renameEnumValue("mood", "so-so", "meh");
      },
    };
    await db.run(m);
    assert.deepEqual(await values(db), ["sad", "so-so", "glad"]);
    assert.deepEqual(await db.rows("SELECT id, mood FROM people ORDER BY id"), [
      { id: 1, mood: "sad" },
      { id: 2, mood: "glad" },
      { id: 3, mood: "so-so" },
    ]);
    assert.deepEqual(await db.rows("SELECT id, feeling FROM posts ORDER BY id"), [
      { id: 1, feeling: "glad" },
      { id: 2, feeling: null },
    ]);
    assert.equal(await defaultOf(db, "people", "mood"), "'so-so'");
    await rejectsWith(() => db.run(insert("posts", "feeling", "happy", 9)), MigrationError);
    // A row inserted with the default gets the renamed value.
    await db.run({ upgrade: (op) => op.execute("INSERT INTO people (id) VALUES (4)") });
    assert.deepEqual(await db.rows("SELECT mood FROM people WHERE id = 4"), [{ mood: "so-so" }]);
    await db.run({ upgrade: (op) => op.execute("DELETE FROM people WHERE id = 4") });

    await db.run(m, "down");
    assert.deepEqual(await snapshot(db), before);
    await failsCleanly(
      db,
      { upgrade: (op) => op.renameEnumValue("mood", "glad", "x") },
      db.dialect.name === "postgres"
        ? /"glad" is not an existing enum label/
        : /Cannot rename value "glad" of enum "mood": no such value/,
    );
  });
});

Deno.test("op.dropEnumValue() refuses while a row or default holds the value, then removes it", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const before = await snapshot(db);
    const prefix = 'Upgrade abc123 ("test") failed at op.dropEnumValue("mood", "happy"): ';
    // The same message on both databases, and nothing changed.
    const held = await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("mood", "happy") },
      /holds it/,
    );
    assert.equal(
      held.message,
      prefix + 'Cannot remove value "happy" from enum "mood": column "people.mood" holds it',
    );
    assert.match(held.hint ?? "", /update or delete those rows first/);
    const asDefault = await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("mood", "meh") },
      /default/,
    );
    assert.equal(
      asDefault.message,
      'Upgrade abc123 ("test") failed at op.dropEnumValue("mood", "meh"): ' +
        'Cannot remove value "meh" from enum "mood": it is the default of column "people.mood"',
    );
    await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("mood", "glad") },
      /Cannot drop value "glad" from enum "mood": no such value/,
    );

    // Once no row holds it, it goes; rows, the default and the index stay.
    const m: TestMigration = {
      async upgrade(op) {
        await op.execute("UPDATE people SET mood = 'sad' WHERE mood = 'happy'");
        await op.execute("UPDATE posts SET feeling = NULL WHERE feeling = 'happy'");
        await op.dropEnumValue("mood", "happy");
      },
      async downgrade(op) {
        await op.addEnumValue("mood", "happy", { after: "meh" });
      },
    };
    await db.run(m);
    assert.deepEqual(await values(db), ["sad", "meh"]);
    const after = await snapshot(db);
    assert.deepEqual(after.schema.tables, before.schema.tables);
    assert.deepEqual(after.people, [
      { id: 1, mood: "sad", name: "ann" },
      { id: 2, mood: "sad", name: "bob" },
      { id: 3, mood: "meh", name: "cy" },
    ]);
    await rejectsWith(() => db.run(insert("posts", "feeling", "happy", 9)), MigrationError);
    await db.run(m, "down");
    assert.deepEqual((await snapshot(db)).schema, before.schema);
  });
});

Deno.test("op.alterEnum() reorders, adds and removes; data and defaults survive", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const before = await snapshot(db);
    const reorder: TestMigration = {
      async upgrade(op) {
        await op.alterEnum("mood", ["happy", "meh", "sad"]);
      },
      async downgrade(op) {
        await op.alterEnum("mood", MOOD);
      },
    };
    await db.run(reorder);
    assert.deepEqual(await values(db), ["happy", "meh", "sad"]);
    const after = await snapshot(db);
    assert.deepEqual(after.schema.tables, before.schema.tables);
    assert.deepEqual([after.people, after.posts], [before.people, before.posts]);
    // The order is the enum's order: ORDER BY follows it (PostgreSQL; SQLite sorts
    // text, so this is only asked of PostgreSQL).
    if (db.dialect.name === "postgres") {
      assert.deepEqual(
        (await db.rows("SELECT id FROM people ORDER BY mood, id")).map((r) => r.id),
        [2, 3, 1],
      );
    }
    await db.run(reorder, "down");
    assert.deepEqual(await snapshot(db), before);

    // Removing a value rows hold fails as dropEnumValue does.
    const held = await failsCleanly(
      db,
      { upgrade: (op) => op.alterEnum("mood", ["meh", "happy"]) },
      /holds it/,
    );
    assert.match(
      held.message,
      /: Cannot remove value "sad" from enum "mood": column "people\.mood" holds it$/,
    );

    // A value alterEnum adds can be used at once, in the same migration, on both.
    await db.run({
      async upgrade(op) {
        await op.alterEnum("mood", ["sad", "meh", "ok", "happy"]);
        await op.execute("INSERT INTO posts (id, feeling) VALUES (3, 'ok')");
      },
    });
    assert.deepEqual(await values(db), ["sad", "meh", "ok", "happy"]);
    assert.equal(await defaultOf(db, "people", "mood"), "'meh'");
    assert.deepEqual(await db.rows("SELECT feeling FROM posts WHERE id = 3"), [{ feeling: "ok" }]);
  });
});

Deno.test("a value op.addEnumValue adds cannot be used in the same transaction on PostgreSQL (SQLite has no such limit)", async (t) => {
  await eachLiveDb(t, async (db) => {
    await setup(db);
    const m: TestMigration = {
      async upgrade(op) {
        await op.addEnumValue("mood", "ok");
        await op.execute("INSERT INTO posts (id, feeling) VALUES (3, 'ok')");
      },
    };
    if (db.dialect.name === "sqlite") {
      await db.run(m);
      assert.deepEqual(await db.rows("SELECT feeling FROM posts WHERE id = 3"), [{
        feeling: "ok",
      }]);
      return;
    }
    const err = await failsCleanly(db, m, /Cannot use new value/);
    assert.equal(
      err.message,
      'Upgrade abc123 ("test") failed at op.execute("INSERT INTO posts (id, feeling) VALUE..."): ' +
        'Cannot use new value "ok" of enum "mood" in the transaction that added it',
    );
    assert.match(err.hint ?? "", /split the migration/);
    assert.match(err.hint ?? "", /transactional = false/);
    // As the hint says: outside a transaction, the value is committed at once.
    await db.run({ ...m, transactional: false });
    assert.deepEqual(await values(db), ["sad", "meh", "happy", "ok"]);
    assert.deepEqual(await db.rows("SELECT feeling::text FROM posts WHERE id = 3"), [{
      feeling: "ok",
    }]);
  });
});

pgTest(
  "removing or reordering enum values refuses what uses the type's columns, naming it",
  async (db) => {
    await setup(db);
    await db.run({
      async upgrade(op) {
        await op.execute("CREATE VIEW happy_people AS SELECT id FROM people WHERE mood = 'happy'");
      },
    });
    const view = await failsCleanly(
      db,
      { upgrade: (op) => op.alterEnum("mood", ["happy", "meh", "sad"]) },
      /view happy_people uses column "people\.mood"/,
    );
    assert.match(
      view.message,
      /^Upgrade .* failed at op\.alterEnum\("mood", .*\): Cannot alter enum "mood": /,
    );
    assert.match(view.hint ?? "", /drop it before this call and create it again after/);
    await db.run({ upgrade: (op) => op.execute("DROP VIEW happy_people") });

    await db.run({
      async upgrade(op) {
        await op.execute(
          "CREATE FUNCTION cheer(m mood) RETURNS text LANGUAGE sql AS 'SELECT 1::text'",
        );
      },
    });
    await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("mood", "sad") },
      /Cannot drop value "sad" from enum "mood": function cheer\(mood\) uses the type/,
    );
    await db.run({ upgrade: (op) => op.execute("DROP FUNCTION cheer(mood)") });

    // An index whose predicate holds the removed value cannot be restored after
    // the rebuild; the step fails naming it (SQLite keeps such text as it is).
    const m: TestMigration = {
      async upgrade(op) {
        await op.execute("DELETE FROM people WHERE mood = 'happy'");
        await op.execute("UPDATE posts SET feeling = NULL");
        await op.dropEnumValue("mood", "happy");
      },
    };
    await db.run({
      upgrade: (op) => op.execute("CREATE INDEX ix_happy ON posts (id) WHERE feeling = 'happy'"),
    });
    const index = await failsCleanly(db, m, /cannot restore index "ix_happy"/);
    assert.equal(
      index.message,
      'Upgrade abc123 ("test") failed at op.dropEnumValue("mood", "happy"): Cannot drop value ' +
        '"happy" from enum "mood": cannot restore index "ix_happy": invalid input value for ' +
        'enum mood: "happy"',
    );
    assert.match(index.hint ?? "", /change or drop it before this call/);
  },
);

pgTest(
  "the type rebuild carries CHECK constraints, indexes, array columns, defaults and the comment over",
  async (db) => {
    await setup(db);
    await db.run({
      async upgrade(op) {
        await op.execute("COMMENT ON TYPE mood IS 'how it feels'");
        await op.execute("ALTER TABLE posts ADD COLUMN history mood[] DEFAULT '{meh}'");
        await op.execute("ALTER TABLE posts ADD CONSTRAINT ck_not_sad CHECK (feeling <> 'sad')");
        await op.execute("UPDATE posts SET history = '{sad,happy}' WHERE id = 1");
        await op.execute("UPDATE people SET mood = 'meh' WHERE mood = 'sad'");
        await op.execute("CREATE SCHEMA other");
        await op.execute("CREATE TABLE other.log (m public.mood DEFAULT 'happy')");
        await op.execute("INSERT INTO other.log VALUES ('meh')");
      },
    });
    const before = await snapshot(db);
    // 'sad' is in an array: refused, naming the array column.
    await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("mood", "sad") },
      /Cannot remove value "sad" from enum "mood": column "posts\.history" holds it/,
    );
    await db.run({ upgrade: (op) => op.alterEnum("mood", ["happy", "meh", "sad", "new"]) });
    const after = await snapshot(db);
    assert.deepEqual(after.schema.tables, before.schema.tables);
    assert.deepEqual(await values(db), ["happy", "meh", "sad", "new"]);
    assert.deepEqual(
      await db.rows("SELECT history::text[] AS h, feeling::text AS f FROM posts ORDER BY id"),
      [{ h: ["sad", "happy"], f: "happy" }, { h: ["meh"], f: null }],
    );
    assert.deepEqual(await db.rows("SELECT m::text AS m FROM other.log"), [{ m: "meh" }]);
    assert.deepEqual(
      await db.rows(
        "SELECT obj_description('mood'::regtype, 'pg_type') AS c, " +
          "(SELECT string_agg(typname, ',' ORDER BY typname) FROM pg_type " +
          "WHERE typname LIKE '%mood%') AS types",
      ),
      [{ c: "how it feels", types: "_mood,mood" }], // no leftover mood__strata_new
    );
    // The CHECK still rejects 'sad', now as a value of the new type.
    await rejectsWith(
      () => db.run(insert("posts", "feeling", "sad", 7)),
      MigrationError,
      /ck_not_sad/,
    );
  },
);

pgTest(
  "the enum ops find a type by schema and case, and move partitioned and inherited columns",
  async (db) => {
    await db.run({
      async upgrade(op) {
        await op.execute("CREATE SCHEMA app");
        await op.createEnum("Mood", ["a", "b", "c"], { schema: "app" });
        await op.execute(
          `CREATE TABLE p (id int, m app."Mood" DEFAULT 'a') PARTITION BY LIST (id);
         CREATE TABLE p1 PARTITION OF p FOR VALUES IN (1);
         CREATE TABLE p2 PARTITION OF p (m DEFAULT 'c') FOR VALUES IN (2);
         CREATE TABLE inh_parent (m app."Mood" DEFAULT 'b');
         CREATE TABLE inh_child () INHERITS (inh_parent);
         INSERT INTO p VALUES (1, 'a'), (2, 'c');
         INSERT INTO inh_child VALUES ('a')`,
        );
      },
    });
    const read = () =>
      db.rows(
        `SELECT (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum
          WHERE enumtypid = 'app."Mood"'::regtype) AS labels,
        (SELECT string_agg(id || ':' || m, ',' ORDER BY id) FROM p) AS p,
        (SELECT string_agg(m::text, ',') FROM inh_parent) AS inh,
        (SELECT string_agg(c.relname || '=' || pg_get_expr(d.adbin, d.adrelid), ',' ORDER BY c.relname)
          FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
          WHERE c.relname IN ('p', 'p1', 'p2', 'inh_parent', 'inh_child')) AS defaults`,
      );
    await db.run({
      async upgrade(op) {
        await op.addEnumValue("Mood", "d", { schema: "app", after: "a" });
        await op.renameEnumValue("Mood", "b", "bee", { schema: "app" });
        await op.alterEnum("Mood", ["c", "d", "a", "bee"], { schema: "app" });
      },
    });
    assert.deepEqual(await read(), [{
      labels: "c,d,a,bee",
      p: "1:a,2:c",
      inh: "a",
      defaults: `inh_child='bee'::app."Mood",inh_parent='bee'::app."Mood",` +
        `p='a'::app."Mood",p1='a'::app."Mood",p2='c'::app."Mood"`,
    }]);
    await db.run({
      upgrade: (op) => op.execute(`CREATE TABLE pk (id int, m app."Mood") PARTITION BY LIST (m)`),
    });
    await failsCleanly(
      db,
      { upgrade: (op) => op.dropEnumValue("Mood", "d", { schema: "app" }) },
      /Cannot drop value "d" from enum "Mood": column "pk\.m" is in the partition key of table "pk"$/,
      read,
    );
  },
);

Deno.test("a failed enum op fails the CLI with one error line naming the migration, and leaves the database as it was", async (t) => {
  const p = await makeProject({
    "a1_setup.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      [
        `await op.createEnum("mood", ["sad", "meh", "happy"]);`,
        `await op.createTable("people", { id: { type: "integer", primaryKey: true }, mood: { type: "enum:mood" } });`,
        `await op.execute("INSERT INTO people (id, mood) VALUES (1, 'meh')");`,
      ].join("\n"),
    ),
    "b2_drop.ts": migrationSource(
      "b2b2b2b2b2b2",
      "a1a1a1a1a1a1",
      `await op.alterEnum("mood", ["happy", "sad"]);`,
    ),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      assert.equal((await cli("upgrade", "a1a1a1a1a1a1")).code, 0);
      const r = await cli("upgrade", "head");
      assert.equal(r.code, 1, r.stderr);
      assert.equal(
        r.stderr,
        'error: Upgrade b2b2b2b2b2b2 ("m b2b2b2b2b2b2") failed at op.alterEnum("mood", ' +
          '["happy","sad"]): Cannot remove value "meh" from enum "mood": column "people.mood" ' +
          "holds it\n" +
          "hint: update or delete those rows first in the same migration (op.execute), or keep " +
          "the value\n",
      );
      assert.deepEqual(await db.versions(), ["a1a1a1a1a1a1"]);
      const check = db.dialect === "postgres"
        ? "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) AS v FROM pg_enum " +
          "WHERE enumtypid = 'mood'::regtype"
        : "SELECT replace(replace(replace(vals, '[', ''), ']', ''), '\"', '') AS v " +
          "FROM _strata_enums WHERE name = 'mood'";
      assert.deepEqual((await db.query(check)).map((r) => r.v), ["sad,meh,happy"]);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("enum-op downgrades run through the CLI undo the upgrade on both databases", async (t) => {
  const up = [
    `await op.addEnumValue("mood", "ok", { after: "meh" });`,
    `await op.renameEnumValue("mood", "sad", "blue");`,
    `await op.alterEnum("mood", ["happy", "ok", "meh", "blue"]);`,
  ].join("\n");
  const down = [
    `await op.alterEnum("mood", ["blue", "meh", "ok", "happy"]);`,
    `await op.renameEnumValue("mood", "blue", "sad");`,
    `await op.dropEnumValue("mood", "ok");`,
  ].join("\n");
  const p = await makeProject({
    "a1_setup.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      [
        `await op.createEnum("mood", ["sad", "meh", "happy"]);`,
        `await op.createTable("people", { id: { type: "integer", primaryKey: true }, mood: { type: "enum:mood", default: "sad" } });`,
        `await op.execute("INSERT INTO people (id, mood) VALUES (1, 'sad'), (2, 'happy')");`,
      ].join("\n"),
    ),
    "b2_enum.ts": migrationSource("b2b2b2b2b2b2", "a1a1a1a1a1a1", up, down),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      const read = async () => ({
        rows: await db.query("SELECT id, mood FROM people ORDER BY id"),
        labels: db.dialect === "postgres"
          ? await db.query(
            "SELECT enumlabel AS v FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder",
          )
          : await db.query("SELECT vals AS v FROM _strata_enums"),
      });
      assert.equal((await cli("upgrade", "a1a1a1a1a1a1")).code, 0);
      const before = await read();
      let r = await cli("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      const mid = await read();
      assert.deepEqual(mid.rows.map((x) => String(x.mood)), ["blue", "happy"]);
      assert.notDeepEqual(mid.labels, before.labels);
      r = await cli("downgrade", "-1");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await read(), before);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("enum ops on SQLite rewrite only the enum's CHECKs: other tables, views, triggers and indexes keep their text", async () => {
  const db = await openLiveDb("sqlite");
  try {
    await setup(db);
    await db.run({
      async upgrade(op) {
        await op.createTable("plain", { id: { type: "integer", primaryKey: true } });
        await op.execute("CREATE VIEW v_people AS SELECT id, mood FROM people");
        await op.execute("CREATE TRIGGER tr_posts AFTER INSERT ON posts BEGIN SELECT 1; END");
      },
    });
    const master = () =>
      db.rows(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
      );
    const before = await master();
    await db.run({ upgrade: (op) => op.addEnumValue("mood", "ok") });
    const after = await master();
    assert.deepEqual(after.map((r) => r.name), before.map((r) => r.name));
    const changed = after.filter((r, i) => r.sql !== before[i]?.sql).map((r) => r.name);
    assert.deepEqual(changed, ["people", "posts"]);
    for (const name of changed) {
      const [old, now] = [before, after].map((rows) =>
        String(rows.find((r) => r.name === name)?.sql)
      );
      assert.equal(
        now,
        old!.replace("'meh', 'happy')", "'meh', 'happy', 'ok')"),
        `${name}: only the CHECK`,
      );
    }
  } finally {
    await db.close();
  }
});
