import { deepStrictEqual as assertEquals } from "node:assert";
import type { Change } from "../../changes/change.ts";
import { inline } from "./inline.ts";
import { MAX_PARAMS, renderBulkInsert } from "./render_data.ts";
import { pgTest } from "./_test_db.ts";

function bulk(
  rows: Record<string, unknown>[],
  table = "t",
): Extract<Change, { kind: "bulkInsert" }> {
  return { kind: "bulkInsert", table, rows };
}

Deno.test("renderBulkInsert() unions keys in first-seen order and writes DEFAULT for missing ones", () => {
  const [s, ...rest] = renderBulkInsert(
    bulk([{ a: 1, b: "x" }, { c: true, a: 2 }, { b: undefined }]),
  );
  assertEquals(rest, []);
  assertEquals(
    s?.sql,
    "INSERT INTO t (a, b, c) VALUES\n  ($1, $2, DEFAULT),\n  ($3, DEFAULT, $4),\n  (DEFAULT, DEFAULT, DEFAULT)",
  );
  assertEquals(s?.params, [1, "x", 2, true]);
});

Deno.test("renderBulkInsert() binds objects as JSON text and writes op.sql() values as SQL", () => {
  const [s] = renderBulkInsert(
    bulk([{ j: { a: [1] }, k: [1, 2], at: { $sql: "now()" }, d: new Date(0) }]),
  );
  assertEquals(s?.sql, "INSERT INTO t (j, k, at, d) VALUES\n  ($1, $2, now(), $3)");
  assertEquals(s?.params, ['{"a":[1]}', "[1,2]", new Date(0)]);
});

Deno.test("renderBulkInsert() splits rows so no statement reaches 65,535 params", () => {
  const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, i]));
  const stmts = renderBulkInsert(bulk(Array.from({ length: 2_500 }, () => wide)));
  assertEquals(stmts.map((s) => s.params?.length), [65_500, 65_500, 65_500, 53_500]);
  for (const s of stmts) assertEquals((s.params?.length ?? 0) < MAX_PARAMS, true);
  assertEquals(renderBulkInsert(bulk([])), []);
  assertEquals(renderBulkInsert(bulk([{}, {}])).map((s) => s.sql), [
    "INSERT INTO t DEFAULT VALUES",
    "INSERT INTO t DEFAULT VALUES",
  ]);
});

pgTest("bulkInsert of 10,000 rows lands every row, live and inlined", async (db) => {
  await db.execute({
    sql: "CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, n integer DEFAULT 7)",
  });
  const rows = Array.from(
    { length: 10_000 },
    (_, i) => (i % 2 ? { id: i, name: `r'${i}` } : { id: i, name: `r'${i}`, n: i }),
  );
  await db.run([bulk(rows)]);
  const [stats] = await db.query(
    "SELECT count(*)::int AS c, count(DISTINCT name)::int AS d, sum(n)::int AS s FROM t",
  );
  assertEquals(stats, { c: 10_000, d: 10_000, s: 5_000 * 7 + (10_000 / 2) * (10_000 - 2) / 2 });
  // The offline form: the same statements with literals run to the same result.
  await db.execute({ sql: "TRUNCATE t" });
  for (const stmt of renderBulkInsert(bulk(rows))) {
    for (const sql of inline(stmt)) await db.execute({ sql });
  }
  assertEquals(await db.query("SELECT count(*)::int AS c, sum(n)::int AS s FROM t"), [{
    c: 10_000,
    s: stats?.s,
  }]);
});

pgTest(
  "bulkInsert stores JSON values as documents in jsonb and json and as text in text, with no cast",
  async (db) => {
    await db.execute({ sql: "CREATE TABLE t (id integer, jb jsonb, j json, tx text)" });
    const doc = { a: [1, "it's"], b: { c: null } };
    const change = bulk([{ id: 1, jb: doc, j: doc, tx: doc }, { id: 2, jb: [1, 2], tx: "plain" }]);
    await db.run([change]);
    // Offline: the same rows as literals (untyped string literals take the column's type).
    for (const sql of renderBulkInsert(change).flatMap(inline)) await db.execute({ sql });
    const got = await db.query(
      "SELECT id, jsonb_typeof(jb) AS tb, jb::text AS jb, json_typeof(j) AS tj, tx FROM t ORDER BY id",
    );
    const one = {
      id: 1,
      tb: "object",
      jb: `{"a": [1, "it's"], "b": {"c": null}}`,
      tj: "object",
      tx: JSON.stringify(doc),
    };
    const two = { id: 2, tb: "array", jb: "[1, 2]", tj: null, tx: "plain" };
    assertEquals(got, [one, one, two, two]);
  },
);
