import assert from "node:assert/strict";
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
import { openDriver } from "../drivers/mod.ts";
import { readVersionRows, tableExists } from "./version_table.ts";

Deno.test("readVersionRows() reads nothing and creates nothing on an empty database", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    const dialect = sqliteEngine.dialect;
    assert.deepEqual(await readVersionRows(db, dialect, "strata_version"), []);
    assert.equal(await tableExists(db, dialect, "strata_version"), false);
    assert.deepEqual(await db.query("SELECT name FROM sqlite_master"), []);
  } finally {
    await db.close();
  }
});

Deno.test("readVersionRows() returns the rows sorted, whatever order they were written in", async () => {
  const db = await openDriver("sqlite::memory:");
  try {
    const dialect = sqliteEngine.dialect;
    for (const s of dialect.versionSql.create("strata_version")) await db.execute(s);
    for (const s of dialect.versionSql.apply("strata_version", { remove: [], add: ["c3", "a1"] })) {
      await db.execute(s);
    }
    assert.equal(await tableExists(db, dialect, "strata_version"), true);
    assert.deepEqual(await readVersionRows(db, dialect, "strata_version"), ["a1", "c3"]);
    assert.deepEqual(await readVersionRows(db, dialect, "other_version"), []);
  } finally {
    await db.close();
  }
});
