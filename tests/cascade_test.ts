/**
 * `cascade` means the same on both databases: a column a view uses is not
 * dropped without it (PostgreSQL refuses, naming the view; so does SQLite),
 * and with it the view goes with the column. One body, both dialects.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Op } from "../src/migration.ts";
import { eachLiveDb } from "./_live.ts";

Deno.test("op.dropColumn() refuses a column a view uses on both databases; cascade: true drops the view", async (t) => {
  await eachLiveDb(t, async (db) => {
    await db.run({
      async upgrade(op: Op) {
        await op.createTable("items", {
          id: { type: "integer", primaryKey: true },
          price: { type: "integer" },
          label: { type: "text" },
        });
        await op.bulkInsert("items", [{ id: 1, price: 5, label: "a" }]);
        await op.execute("CREATE VIEW v_prices AS SELECT id, price FROM items");
      },
    });
    const views = async () =>
      (await db.rows(
        db.dialect.name === "sqlite"
          ? "SELECT name FROM sqlite_master WHERE type = 'view'"
          : "SELECT table_name AS name FROM information_schema.views WHERE table_schema = 'public'",
      )).map((r) => r.name);
    await assert.rejects(
      () => db.run({ upgrade: (op: Op) => op.dropColumn("items", "price") }),
      db.dialect.name === "sqlite"
        ? /Cannot drop column "items\.price": used by view "v_prices"/
        : /cannot drop column price of table items because other objects depend on it/,
    );
    assert.deepEqual(await views(), ["v_prices"]);
    assert.deepEqual((await db.table("items")).columns.map((c) => c.name), [
      "id",
      "price",
      "label",
    ]);
    // A column nothing uses needs no cascade.
    await db.run({ upgrade: (op: Op) => op.dropColumn("items", "label") });
    await db.run({ upgrade: (op: Op) => op.dropColumn("items", "price", { cascade: true }) });
    assert.deepEqual(await views(), []);
    assert.deepEqual((await db.table("items")).columns.map((c) => c.name), ["id"]);
    assert.deepEqual(await db.rows("SELECT id FROM items"), [{ id: 1 }]);
  });
});
