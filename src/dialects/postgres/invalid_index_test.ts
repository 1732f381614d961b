import assert from "node:assert/strict";
import type { Change } from "../../changes/change.ts";
import { INVALID_INDEXES } from "./invalid_index.ts";
import { pgTest } from "./_test_db.ts";

const create = (name: string, unique: boolean): Change => ({
  kind: "createIndex",
  name,
  table: "t",
  columns: ["a"],
  unique,
  concurrently: true,
});

pgTest(
  "a concurrent build stops at an INVALID index of its name, and reruns cleanly once it is dropped",
  async (db) => {
    await db.execute({ sql: "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1), (2)" });
    // A unique build over duplicates fails half-way and leaves the index INVALID.
    await assert.rejects(
      () => db.run([create("ix_t_a", true)], { transactional: false }),
      /unique/,
    );
    const invalid = await db.query(INVALID_INDEXES.sql);
    assert.deepEqual(invalid, [{ name: "ix_t_a", fix: "DROP INDEX CONCURRENTLY ix_t_a" }]);
    // IF NOT EXISTS alone would skip it; the guard refuses and names the fix.
    await assert.rejects(
      () => db.run([create("ix_t_a", false)], { transactional: false }),
      (e: Error & { hint?: string }) => {
        assert.match(e.message, /index ix_t_a exists but is INVALID/);
        return true;
      },
    );
    await db.execute({ sql: String(invalid[0]?.fix) });
    await db.run([create("ix_t_a", false)], { transactional: false });
    // A rerun of the same migration (e.g. after an interruption) changes nothing.
    await db.run([create("ix_t_a", false)], { transactional: false });
    assert.deepEqual(await db.query(INVALID_INDEXES.sql), []);
    const drop = { kind: "dropIndex", name: "ix_t_a", concurrently: true } as Change;
    await db.run([drop], { transactional: false });
    await db.run([drop], { transactional: false }); // IF EXISTS
    assert.deepEqual(await db.query("SELECT indexname FROM pg_indexes WHERE tablename = 't'"), []);
  },
);
