import assert from "node:assert/strict";
import { openSqlite } from "../drivers/sqlite.ts";
import { OfflineError } from "../errors.ts";
import { LazyShadow } from "./lazy_shadow.ts";

const tables = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";

Deno.test("LazyShadow runs nothing until a read, then replays everything before it in order", async () => {
  const db = await openSqlite(":memory:");
  try {
    const shadow = new LazyShadow(db);
    shadow.revision = "a1";
    await shadow.execute({ sql: "CREATE TABLE t (id integer)" });
    await shadow.execute({ sql: "INSERT INTO t VALUES (?)", params: [7] });
    shadow.revision = "b2";
    await shadow.execute({ sql: "ALTER TABLE t RENAME TO u" });
    // Nothing has reached the database yet.
    assert.deepEqual(await db.query(tables), []);
    // A read through the shadow replays all three, in order.
    assert.deepEqual(await shadow.query("SELECT id FROM u"), [{ id: 7 }]);
    assert.deepEqual(await db.query(tables), [{ name: "u" }]);
    // Replayed statements are not replayed twice.
    await shadow.execute({ sql: "CREATE TABLE v (id integer)" });
    assert.deepEqual((await shadow.query(tables)).map((r) => r.name), ["u", "v"]);
  } finally {
    await db.close();
  }
});

Deno.test("LazyShadow names the migration whose statement the shadow rejects", async () => {
  const db = await openSqlite(":memory:");
  try {
    const shadow = new LazyShadow(db);
    shadow.revision = "a1";
    await shadow.execute({ sql: "CREATE TABLE t (id integer)" });
    shadow.revision = "b2";
    await shadow.execute({ sql: "CREATE TABLE t (id integer)" });
    shadow.revision = "c3";
    await assert.rejects(shadow.query(tables), (e) => {
      assert.ok(e instanceof OfflineError);
      assert.match(
        e.message,
        /^Cannot replay migration b2's statement into the shadow database: .*already exists/,
      );
      return true;
    });
    // What came before the failure was replayed.
    assert.deepEqual(await db.query(tables), [{ name: "t" }]);
  } finally {
    await db.close();
  }
});
