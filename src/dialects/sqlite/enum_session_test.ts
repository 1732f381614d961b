/**
 * The enum-value changes in the SQLite render session: one rebuild per
 * table of the enum, batched with that table's other rebuilds, with the same
 * result (every object's text and every row) as carrying the changes out
 * one at a time.
 */
import assert from "node:assert/strict";
import type { Change } from "../../changes/change.ts";
import { createOp, type RecordingOp } from "../../changes/recorder.ts";
import type { Driver, Statement } from "../../drivers/driver.ts";
import { openDriver } from "../../drivers/mod.ts";
import type { RenderContext } from "../dialect.ts";
import { renderSqlite, SqliteSession } from "./session.ts";
import { createEnumStatements } from "./enums.ts";

const SETUP = `
CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT,
  m TEXT DEFAULT 'b' CONSTRAINT "enum:mood" CHECK (m IN ('a', 'b', 'c')));
CREATE INDEX ix_t_m ON t (m) WHERE m <> 'a';
CREATE TABLE u (id INTEGER PRIMARY KEY, n TEXT CONSTRAINT "enum:mood" CHECK (n IN ('a', 'b', 'c')));
CREATE TABLE other (id INTEGER PRIMARY KEY, x TEXT CONSTRAINT "enum:size" CHECK (x IN ('s')));
INSERT INTO t VALUES (1, 'one', 'a'), (2, 'two', 'b'), (3, 'three', 'c'), (4, 'four', NULL);
INSERT INTO u VALUES (1, 'c'), (2, 'a');
`;

async function prepare(db: Driver): Promise<void> {
  for (const s of createEnumStatements("mood", ["a", "b", "c"])) await db.execute(s);
  for (const s of createEnumStatements("size", ["s"])) await db.execute(s);
  await db.execute({ sql: SETUP });
  await db.execute({ sql: "PRAGMA foreign_keys = OFF" });
}

const COPY = /^INSERT INTO .* SELECT .* FROM "?_strata_old_/s;

/** Runs changes through one session as the step runner does; returns the tables copied. */
async function batched(db: Driver, changes: (op: RecordingOp) => Promise<void>): Promise<string[]> {
  const ctx: RenderContext = { query: (sql, p) => db.query(sql, p), transactional: true };
  const session = new SqliteSession();
  const copies: string[] = [];
  const run = async (statements: Statement[]) => {
    for (const s of statements) {
      if (COPY.test(s.sql)) copies.push(/^INSERT INTO "?(\w+)/.exec(s.sql)?.[1] ?? "?");
      await db.execute(s);
    }
  };
  const op = createOp({
    async apply(change: Change) {
      await run(await session.flushFor(change, ctx));
      const own = await session.render(change, ctx);
      if (own) await run(own);
    },
    query: (sql, params) => db.query(sql, params),
  }, { dialect: "sqlite", isOffline: false });
  await changes(op);
  await op.settle();
  await run(await session.flush(ctx));
  return copies;
}

/** The same changes, each rendered and executed on its own. */
async function oneByOne(db: Driver, changes: (op: RecordingOp) => Promise<void>): Promise<void> {
  const ctx: RenderContext = { query: (sql, p) => db.query(sql, p), transactional: true };
  const op = createOp({
    async apply(change: Change) {
      for (const s of await renderSqlite(change, ctx)) await db.execute(s);
    },
    query: (sql, params) => db.query(sql, params),
  }, { dialect: "sqlite", isOffline: false });
  await changes(op);
  await op.settle();
}

async function state(db: Driver) {
  return {
    master: await db.query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"),
    t: await db.query("SELECT * FROM t ORDER BY id"),
    u: await db.query("SELECT * FROM u ORDER BY id"),
    enums: await db.query("SELECT * FROM _strata_enums ORDER BY name"),
  };
}

const CASES: {
  name: string;
  copies: string[];
  changes: (op: RecordingOp) => Promise<void>;
  check?: (db: Driver) => Promise<void>;
}[] = [
  {
    name: "an enum of two tables rebuilds each once",
    copies: ["t", "u"],
    changes: (op) => op.addEnumValue("mood", "d", { before: "b" }),
    async check(db) {
      await db.execute({ sql: "INSERT INTO u VALUES (9, 'd')" });
      assert.deepEqual((await db.query("SELECT vals FROM _strata_enums WHERE name = 'mood'"))[0], {
        vals: '["a","d","b","c"]',
      });
    },
  },
  {
    name: "an enum of one table joins that table's held rebuild",
    copies: ["other"],
    changes: async (op) => {
      await op.alterColumn("other", "x", { default: "s" });
      await op.addEnumValue("size", "m");
      await op.renameEnumValue("size", "s", "small");
      await op.alterColumn("other", "x", { nullable: false });
    },
  },
  {
    name: "columns that join after an enum change read its new values",
    copies: ["other"],
    changes: async (op) => {
      await op.alterEnum("size", ["s", "m", "l"]);
      // unique: a rebuild, so it joins the held one and reads the values held with it
      await op.addColumn("other", "y", { type: "enum:size", default: "l", unique: true });
    },
    async check(db) {
      await db.execute({ sql: "INSERT INTO other (id, x, y) VALUES (7, 'm', 'm')" });
    },
  },
  {
    name: "renames compose in one copy: rows follow each rename in turn",
    copies: ["t", "u", "t", "t"],
    changes: async (op) => {
      await op.renameEnumValue("mood", "b", "bb"); // two tables: written at once
      await op.alterColumn("t", "a", { type: "varchar(10)" });
      await op.dropColumn("u", "n"); // native, the held t rebuild is written first
      await op.renameEnumValue("mood", "c", "b");
      await op.renameEnumValue("mood", "a", "c");
      await op.alterColumn("t", "a", { nullable: true });
    },
  },
  {
    name: "an enum change after a held rebuild of another table writes it first",
    copies: ["other", "t"],
    changes: async (op) => {
      await op.alterColumn("other", "x", { default: "s" });
      await op.dropColumn("u", "n"); // native: u no longer uses mood
      await op.dropEnumValue("mood", "c"); // t alone: held
      await op.alterColumn("t", "a", { type: "varchar(10)" });
    },
  },
];

for (const c of CASES) {
  Deno.test(`SqliteSession: ${c.name}, with the result of one change at a time`, async () => {
    const a = await openDriver("sqlite::memory:");
    const b = await openDriver("sqlite::memory:");
    try {
      await prepare(a);
      await prepare(b);
      // A row holding a removed value would fail both; clear it first.
      if (c.name.includes("another table")) {
        for (const db of [a, b]) await db.execute({ sql: "UPDATE t SET m = NULL WHERE m = 'c'" });
      }
      assert.deepEqual(await batched(a, c.changes), c.copies);
      await oneByOne(b, c.changes);
      assert.deepEqual(await state(a), await state(b));
      await c.check?.(a);
    } finally {
      await a.close();
      await b.close();
    }
  });
}

Deno.test("SqliteSession: composed renames map each row by its original value", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    await prepare(db);
    await batched(db, async (op) => {
      await op.dropColumn("u", "n");
      await op.renameEnumValue("mood", "b", "bb");
      await op.renameEnumValue("mood", "c", "b");
      await op.renameEnumValue("mood", "a", "c");
    });
    assert.deepEqual(
      (await db.query("SELECT id, m FROM t ORDER BY id")).map((r) => [r.id, r.m]),
      [[1, "c"], [2, "bb"], [3, "b"], [4, null]],
    );
    const [t] = await db.query("SELECT sql FROM sqlite_master WHERE name = 't'");
    assert.match(
      String(t?.sql),
      /DEFAULT 'bb' CONSTRAINT "enum:mood" CHECK \(m IN \('c', 'bb', 'b'\)\)/,
    );
  } finally {
    await db.close();
  }
});

Deno.test("SqliteSession: removing a value rows hold fails before anything is written, naming the column", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    await prepare(db);
    const before = await state(db);
    await assert.rejects(
      () => batched(db, (op) => op.alterEnum("mood", ["a", "b"])),
      (e: Error & { hint?: string }) =>
        e.message === 'Cannot remove value "c" from enum "mood": column "t.m" holds it' &&
        /update or delete those rows/.test(e.hint ?? ""),
    );
    // After a rename in the same held rebuild, the rows are judged by their new value.
    await db.execute({ sql: "DELETE FROM u" });
    await assert.rejects(
      () =>
        batched(db, async (op) => {
          await op.dropColumn("u", "n");
          await op.renameEnumValue("mood", "a", "z");
          await op.dropEnumValue("mood", "z");
        }),
      /Cannot remove value "z" from enum "mood": column "t\.m" holds it/,
    );
    await assert.rejects(
      () => batched(db, (op) => op.dropEnumValue("mood", "b")),
      /Cannot remove value "b" from enum "mood": it is the default of column "t\.m"/,
    );
    assert.deepEqual((await state(db)).enums, before.enums);
  } finally {
    await db.close();
  }
});
