import assert from "node:assert/strict";
import type { Change } from "../../changes/change.ts";
import { createOp, type RecordingOp } from "../../changes/recorder.ts";
import type { Driver } from "../../drivers/driver.ts";
import { openDriver } from "../../drivers/mod.ts";
import type { RenderContext } from "../dialect.ts";
import { renderSqlite, SqliteSession } from "./session.ts";

const SETUP = `
CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, d TEXT);
INSERT INTO t VALUES (1, '12.0', 'x', 'y', 'z'), (2, 'n', 'x2', NULL, 'w');
`;

/** Runs changes through one session as the step runner does; returns the copies made. */
async function batched(db: Driver, changes: (op: RecordingOp) => Promise<void>): Promise<number> {
  const ctx: RenderContext = { query: (sql, p) => db.query(sql, p), transactional: true };
  const session = new SqliteSession();
  let copies = 0;
  const run = async (statements: { sql: string }[]) => {
    for (const s of statements) {
      if (/^INSERT INTO .* SELECT .* FROM "?_strata_old_/s.test(s.sql)) copies++;
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
    rows: await db.query("SELECT rowid AS r, * FROM t ORDER BY rowid"),
  };
}

const CASES: { name: string; copies: number; changes: (op: RecordingOp) => Promise<void> }[] = [
  {
    name: "changes of one table share one copy",
    copies: 1,
    changes: async (op) => {
      await op.alterColumn("t", "a", { type: "varchar(20)" });
      await op.alterColumn("t", "b", { nullable: false, default: "-" });
      await op.createCheckConstraint("ck_b", "t", "b <> ''");
      await op.createUniqueConstraint("uq_b", "t", ["b"]);
      await op.dropConstraint("ck_b", "t");
    },
  },
  {
    name: "a column the held rebuild adds is written before it is altered",
    copies: 2,
    changes: async (op) => {
      // An expression default: ADD COLUMN cannot, so it rebuilds and fills each row.
      await op.addColumn("t", "e", { type: "integer", default: op.sql("(1 + 1)") });
      await op.alterColumn("t", "e", { default: 3 }); // rows keep 2, as one by one
    },
  },
  {
    name: "a second type change of one column is a second copy (values convert twice)",
    copies: 2,
    changes: async (op) => {
      await op.alterColumn("t", "a", { type: "integer" });
      await op.alterColumn("t", "a", { type: "text" });
    },
  },
  {
    name: "a native change writes the held rebuild first",
    copies: 1,
    changes: async (op) => {
      await op.alterColumn("t", "a", { type: "varchar(20)" });
      await op.dropColumn("t", "d"); // native DROP COLUMN
      await op.addColumn("t", "f", { type: "text" }); // native ADD COLUMN
    },
  },
  {
    name: "a drop that needs a rebuild joins the held one",
    copies: 1,
    changes: async (op) => {
      await op.createUniqueConstraint("uq_c", "t", ["c"]);
      await op.alterColumn("t", "b", { type: "varchar(9)" });
      await op.dropColumn("t", "c", { cascade: true });
    },
  },
  {
    // Three rebuilding changes, two copies: the rename joins the first and writes it.
    name: "a rename joins the held rebuild, writes it, then renames",
    copies: 2,
    changes: async (op) => {
      await op.alterColumn("t", "a", { type: "varchar(20)" });
      await op.alterColumn("t", "b", { nullable: false, rename: "bee" });
      await op.alterColumn("t", "c", { default: "q" });
    },
  },
];

for (const c of CASES) {
  Deno.test(`SqliteSession: ${c.name}, with the result of one change at a time`, async () => {
    const a = await openDriver("sqlite::memory:");
    const b = await openDriver("sqlite::memory:");
    try {
      for (const db of [a, b]) await db.execute({ sql: SETUP });
      for (const db of [a, b]) await db.execute({ sql: "PRAGMA foreign_keys = OFF" });
      assert.equal(await batched(a, c.changes), c.copies);
      await oneByOne(b, c.changes);
      assert.deepEqual(await state(a), await state(b));
    } finally {
      await a.close();
      await b.close();
    }
  });
}

Deno.test("SqliteSession.render() refuses a change flushFor() did not let join a held rebuild", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    await db.execute({ sql: SETUP });
    const ctx: RenderContext = { query: (sql, p) => db.query(sql, p), transactional: true };
    const session = new SqliteSession();
    const alter: Change = {
      kind: "alterColumn",
      table: "t",
      column: "a",
      patch: { type: "integer" },
    };
    assert.equal(await session.render(alter, ctx), null);
    await assert.rejects(
      () => session.render({ kind: "execute", sql: "SELECT 1", params: [] }, ctx),
      /flushFor\(\) did not let join/,
    );
  } finally {
    await db.close();
  }
});
