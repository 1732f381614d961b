import { deepStrictEqual as assertEquals } from "node:assert";
import { postgresVersionSql as v } from "./version.ts";
import { pgTest, type TestDb } from "./_test_db.ts";

Deno.test("versionSql.create() writes the Alembic-shaped table, schema-qualified when asked", () => {
  assertEquals(v.create("strata_version"), [{
    sql: "CREATE TABLE IF NOT EXISTS strata_version (version_num varchar(64) NOT NULL, " +
      "CONSTRAINT strata_version_pkc PRIMARY KEY (version_num))",
  }]);
  assertEquals(
    v.create("Ops.Versions")[0]?.sql.slice(0, 46),
    'CREATE TABLE IF NOT EXISTS "Ops"."Versions" (v',
  );
  assertEquals(v.select("ops.v"), "SELECT version_num FROM ops.v ORDER BY version_num");
});

Deno.test("versionSql.apply() updates one-to-one, else deletes and inserts", () => {
  const checked = { expectChanges: 1, reuse: true, ownTable: true };
  assertEquals(v.apply("t", { remove: ["a"], add: ["b"] }), [
    { sql: "UPDATE t SET version_num = $1 WHERE version_num = $2", params: ["b", "a"], ...checked },
  ]);
  assertEquals(v.apply("t", { remove: ["a", "b"], add: ["m"] }), [
    { sql: "DELETE FROM t WHERE version_num = $1", params: ["a"], ...checked },
    { sql: "DELETE FROM t WHERE version_num = $1", params: ["b"], ...checked },
    { sql: "INSERT INTO t (version_num) VALUES ($1)", params: ["m"], ...checked },
  ]);
  assertEquals(v.apply("t", { remove: [], add: [] }), []);
});

async function rows(db: TestDb, table: string): Promise<string[]> {
  return (await db.query(v.select(table))).map((r) => String(r.version_num));
}

for (const table of ["strata_version", "app.Strata_Version"]) {
  pgTest(`versionSql runs on PostgreSQL for "${table}"`, async (db) => {
    await db.execute({ sql: "CREATE SCHEMA app" });
    const probe = v.exists(table);
    assertEquals(await db.query(probe.sql, probe.params), []);
    for (const s of [...v.create(table), ...v.create(table)]) await db.execute(s);
    assertEquals((await db.query(probe.sql, probe.params)).length, 1);
    const steps = [
      { remove: [], add: ["a1"] },
      { remove: [], add: ["b1"] },
      { remove: ["a1", "b1"], add: ["m1"] },
      { remove: ["m1"], add: ["n1"] },
      { remove: ["n1"], add: ["x1", "y1"] },
    ];
    const seen: string[][] = [];
    for (const step of steps) {
      for (const s of v.apply(table, step)) await db.execute(s);
      seen.push(await rows(db, table));
    }
    assertEquals(seen, [["a1"], ["a1", "b1"], ["m1"], ["n1"], ["x1", "y1"]]);
  });
}
