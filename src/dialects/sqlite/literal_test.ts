import assert from "node:assert/strict";
import { StrataError } from "../../errors.ts";
import { openTestDb } from "./_test_helpers.ts";
import { inline, literal } from "./literal.ts";
import { sqliteVersionSql } from "./version.ts";

const LITERALS: [unknown, string][] = [
  ["plain", "'plain'"],
  ["it's", "'it''s'"],
  ["", "''"],
  ["line\nbreak", "'line\nbreak'"],
  [42, "42"],
  [-1.5, "-1.5"],
  [-0, "0"],
  [Infinity, "9e999"],
  [12345678901234567890n, "12345678901234567890"],
  [true, "1"],
  [false, "0"],
  [null, "NULL"],
  [undefined, "NULL"],
  [new Date("2024-01-02T03:04:05.006Z"), "'2024-01-02T03:04:05.006Z'"],
  [new Uint8Array([0, 1, 254]), "X'0001fe'"],
  [{ a: "it's" }, `'{"a":"it''s"}'`],
  [[1, 2], "'[1,2]'"],
  [{ $sql: "CURRENT_TIMESTAMP" }, "CURRENT_TIMESTAMP"],
];

for (const [i, [value, expected]] of LITERALS.entries()) {
  Deno.test(`literal() writes ${JSON.stringify(expected)} for case ${i}`, () => {
    assert.equal(literal(value), expected);
  });
}

Deno.test("literal() output reads back as the value SQLite would bind", async () => {
  const t = await openTestDb();
  try {
    const [row] = await t.rows(
      `SELECT ${literal("it's")} AS s, ${literal(-1.5)} AS n, ${literal(true)} AS b, ` +
        `hex(${literal(new Uint8Array([0, 255]))}) AS h, ${literal(null)} AS z`,
    );
    assert.deepEqual(row, { s: "it's", n: -1.5, b: 1, h: "00FF", z: null });
  } finally {
    await t.db.close();
  }
});

Deno.test("literal() rejects NaN and functions", () => {
  assert.throws(() => literal(NaN), StrataError);
  assert.throws(() => literal(() => 1), StrataError);
});

const INLINE: [string, unknown[], string][] = [
  ["SELECT ?, ?", [1, "a"], "SELECT 1, 'a'"],
  ["SELECT '?' || ?", ["x"], "SELECT '?' || 'x'"],
  ['SELECT "col?" FROM t WHERE a = ?', [2], 'SELECT "col?" FROM t WHERE a = 2'],
  ["SELECT [a?], `b?` FROM t WHERE c = ?", [3], "SELECT [a?], `b?` FROM t WHERE c = 3"],
  ["SELECT ? -- why?\n", ["it's"], "SELECT 'it''s' -- why?\n"],
  ["SELECT /* ? */ ?", [null], "SELECT /* ? */ NULL"],
  ["SELECT 'it''s ?', ?", [true], "SELECT 'it''s ?', 1"],
  ["SELECT ?2, ?1, ?2", ["a", "b"], "SELECT 'b', 'a', 'b'"],
  ["SELECT ? || ?", ["?", "'?'"], "SELECT '?' || '''?'''"],
  ["SELECT x'3f', ?", [1], "SELECT x'3f', 1"],
];

for (const [sql, params, expected] of INLINE) {
  Deno.test(`inline() writes ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(inline({ sql, params }), [expected]);
  });
}

Deno.test("inline() expands a batch to one INSERT per row", () => {
  assert.deepEqual(
    inline({ sql: "INSERT INTO t (a, b) VALUES (?, ?)", batch: [[1, "x"], [2, null]] }),
    ["INSERT INTO t (a, b) VALUES (1, 'x')", "INSERT INTO t (a, b) VALUES (2, NULL)"],
  );
  assert.deepEqual(inline({ sql: "INSERT INTO t (a) VALUES (?)", batch: [] }), []);
  assert.deepEqual(inline({ sql: "SELECT '?'" }), ["SELECT '?'"]);
});

Deno.test("inline() rejects missing, unused and named parameters", () => {
  assert.throws(() => inline({ sql: "SELECT ?, ?", params: [1] }), /parameter 2 is missing/);
  assert.throws(() => inline({ sql: "SELECT ?", params: [1, 2] }), /2 parameters given, 1 used/);
  assert.throws(() => inline({ sql: "SELECT 1", params: [1] }), /: 1 parameter given, 0 used/);
  assert.throws(() => inline({ sql: "SELECT :a", params: [1] }), /only \? and \?NNN/);
});

Deno.test("sqliteVersionSql moves, merges and reads version rows", async () => {
  const t = await openTestDb();
  const v = sqliteVersionSql;
  const run = async (stmts: { sql: string; params?: readonly unknown[] }[]) => {
    for (const s of stmts) await t.db.execute(s);
  };
  const read = async () => (await t.rows(v.select("strata_version"))).map((r) => r.version_num);
  try {
    const probe = v.exists("strata_version");
    assert.deepEqual(await t.rows(probe.sql, [...(probe.params ?? [])]), []);
    await run(v.create("strata_version"));
    await run(v.create("strata_version"));
    assert.equal((await t.rows(probe.sql, [...(probe.params ?? [])])).length, 1);
    await run(v.apply("strata_version", { remove: [], add: ["b", "a"] }));
    assert.deepEqual(await read(), ["a", "b"]);
    const merge = v.apply("strata_version", { remove: ["a", "b"], add: ["c"] });
    assert.deepEqual(merge.map((s) => s.sql.split(" ")[0]), ["DELETE", "DELETE", "INSERT"]);
    await run(merge);
    const step = v.apply("strata_version", { remove: ["c"], add: ["d"] });
    assert.deepEqual(step, [{
      sql: "UPDATE strata_version SET version_num = ? WHERE version_num = ?",
      params: ["d", "c"],
      expectChanges: 1,
      reuse: true,
      ownTable: true,
    }]);
    await run(step);
    assert.deepEqual(await read(), ["d"]);
    assert.match(v.create("Versions")[0]?.sql ?? "", /^CREATE TABLE IF NOT EXISTS "Versions" /);
  } finally {
    await t.db.close();
  }
});
