/**
 * Each engine's statements about Strata's own tables, run on a real database:
 * SQLite in memory, PostgreSQL on the test server (skipped loudly without one).
 */
import assert from "node:assert/strict";
import { createPgDatabase, hasPg } from "../../tests/_pg.ts";
import { parseDatabaseUrl } from "../config/url.ts";
import type { Dialect } from "../dialects/dialect.ts";
import { ENGINES, type RegisteredEngine } from "../dialects/registry.ts";
import type { Driver, Queryable } from "../drivers/driver.ts";
import { createOwnTables } from "./own_tables.ts";

/** Runs `fn` on a fresh database of `engine`; `false` when PostgreSQL is not configured. */
async function withDb(
  engine: RegisteredEngine,
  fn: (db: Driver) => Promise<void>,
): Promise<boolean> {
  let url = "sqlite::memory:";
  let drop = () => Promise.resolve();
  if (engine.name !== "sqlite") {
    if (!hasPg()) return false;
    const pg = await createPgDatabase("own");
    url = pg.url;
    drop = pg.drop;
  }
  const db = await engine.openDriver(parseDatabaseUrl(url, Deno.cwd()), { readOnly: false });
  try {
    await fn(db);
  } finally {
    await db.close();
    await drop();
  }
  return true;
}

async function exists(q: Queryable, dialect: Dialect, table: string): Promise<boolean> {
  const probe = dialect.versionSql.exists(table);
  return (await q.query(probe.sql, probe.params ?? [])).length > 0;
}

async function versions(q: Queryable, dialect: Dialect, table: string): Promise<string[]> {
  return (await q.query(dialect.versionSql.select(table))).map((r) => String(r.version_num));
}

async function history(q: Queryable, dialect: Dialect, table: string) {
  const read = dialect.historySql.select(table);
  return (await q.query(read.sql, read.params ?? [])).map((r) => [
    r.revision,
    r.direction,
    r.checksum,
  ]);
}

/** Creates the tables, moves version rows and records history through the dialect only. */
async function exercise(db: Driver, dialect: Dialect, versionTable: string, historyTable: string) {
  const tables = { versionTable, historyTable };
  assert.equal(await exists(db, dialect, versionTable), false);
  assert.equal(await exists(db, dialect, historyTable), false);
  // IF NOT EXISTS: creating twice is harmless, as every run does it.
  for (let i = 0; i < 2; i++) {
    await db.transaction(async (tx) => {
      for (const s of await createOwnTables(dialect, tables)) await tx.execute(s);
    });
  }
  assert.equal(await exists(db, dialect, versionTable), true);
  assert.equal(await exists(db, dialect, historyTable), true);

  const apply = async (remove: string[], add: string[]) => {
    for (const s of dialect.versionSql.apply(versionTable, { remove, add })) await db.execute(s);
  };
  await apply([], ["a1"]); // insert
  await apply(["a1"], ["b2"]); // update
  assert.deepEqual(await versions(db, dialect, versionTable), ["b2"]);
  await apply(["b2"], ["c3", "d4"]); // unmerge
  assert.deepEqual(await versions(db, dialect, versionTable), ["c3", "d4"]);
  await apply(["c3", "d4"], []); // delete both
  assert.deepEqual(await versions(db, dialect, versionTable), []);

  const records = [
    { revision: "a1", direction: "up", durationMs: 12.4, checksum: "crc32:0001" },
    { revision: "b2", direction: "up", durationMs: null, checksum: null },
    { revision: "a1", direction: "down", durationMs: 3, checksum: "crc32:0001" },
  ] as const;
  for (const r of records) {
    for (const s of await dialect.historySql.insert(historyTable, r)) await db.execute(s);
  }
  assert.deepEqual(await history(db, dialect, historyTable), [
    ["a1", "up", "crc32:0001"],
    ["b2", "up", null],
    ["a1", "down", "crc32:0001"],
  ]);
}

for (const engine of ENGINES) {
  Deno.test(`createOwnTables() and ${engine.name}'s version and history statements work on a real database`, async () => {
    await withDb(engine, (db) => exercise(db, engine.dialect, "strata_version", "strata_history"));
  });
}

Deno.test("postgres: the own tables work in another schema, and the history row gets its defaults", async () => {
  const engine = ENGINES.find((e) => e.name === "postgres")!;
  await withDb(engine, async (db) => {
    await db.execute({ sql: "CREATE SCHEMA audit" });
    await exercise(db, engine.dialect, "audit.strata_version", "audit.strata_history");
    const [row] = await db.query(
      "SELECT id, applied_at, duration_ms, strata_version FROM audit.strata_history ORDER BY id",
    );
    assert.equal(row?.id, 1);
    assert.ok(row?.applied_at instanceof Date);
    assert.equal(row?.duration_ms, 12);
    assert.match(String(row?.strata_version), /^\d+\.\d+\.\d+/);
    // Nothing landed in the search path's schema.
    assert.equal(await exists(db, engine.dialect, "strata_history"), false);
  });
});
