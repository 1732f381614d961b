import { deepStrictEqual as assertEquals, throws } from "node:assert";
import { StrataError } from "../../errors.ts";
import { inline, inlineParams } from "./inline.ts";
import { jsonbText, literal } from "./literal.ts";
import { pgTest } from "./_test_db.ts";

Deno.test("literal() writes each kind of value", () => {
  const cases: [unknown, string][] = [
    [null, "NULL"],
    [undefined, "NULL"],
    ["plain", "'plain'"],
    ["O'Hara", "'O''Hara'"],
    ["C:\\dir", "E'C:\\\\dir'"],
    ["it's a\\b", "E'it''s a\\\\b'"],
    [42, "42"],
    [-1.5, "-1.5"],
    [NaN, "'NaN'"],
    [-Infinity, "'-Infinity'"],
    [12345678901234567890n, "12345678901234567890"],
    [true, "TRUE"],
    [false, "FALSE"],
    [new Date("2024-01-02T03:04:05.000Z"), "'2024-01-02T03:04:05.000Z'::timestamptz"],
    [new Uint8Array([0, 171]), "E'\\\\x00ab'::bytea"],
    [{ $sql: "now()" }, "now()"],
    [{ a: "it's" }, `'{"a":"it''s"}'`],
    [[1, 2], "'[1,2]'"],
  ];
  for (const [value, want] of cases) assertEquals(literal(value), want, String(want));
  throws(() => literal("nul\0"), StrataError);
  throws(() => literal(new Date(NaN)), StrataError);
  throws(() => literal(() => 1), StrataError);
});

Deno.test("jsonbText() orders keys as jsonb does: by length, then bytes", () => {
  assertEquals(
    jsonbText({ bb: 1, a: { z: [], y: {} }, c: null }),
    '{"a": {"y": {}, "z": []}, "c": null, "bb": 1}',
  );
  assertEquals(jsonbText({ "é": 1, z: 2 }), '{"z": 2, "é": 1}');
});

Deno.test("inlineParams() skips strings, identifiers, dollar quotes and comments", () => {
  const cases: [string, unknown[], string][] = [
    ["SELECT $1, $2", ["a", 2], "SELECT 'a', 2"],
    ["SELECT '$1', $1", ["x"], "SELECT '$1', 'x'"],
    ["SELECT 'it''s $1', $1", [1], "SELECT 'it''s $1', 1"],
    ["SELECT E'\\' $1', $1", [1], "SELECT E'\\' $1', 1"],
    ['SELECT "col$1", "a""$1", $1', [1], 'SELECT "col$1", "a""$1", 1'],
    ["SELECT $$ $1 $$, $1", [1], "SELECT $$ $1 $$, 1"],
    ["SELECT $fn$ '$1' $$ $1 $fn$, $1", [1], "SELECT $fn$ '$1' $$ $1 $fn$, 1"],
    ["SELECT $1 -- $1\n, $2", [1, 2], "SELECT 1 -- $1\n, 2"],
    ["SELECT /* $1 /* $1 */ $1 */ $1", [1], "SELECT /* $1 /* $1 */ $1 */ 1"],
    ["SELECT a$1, $1", [1], "SELECT a$1, 1"],
    ["SELECT $10, $1", [1, 2, 3, 4, 5, 6, 7, 8, 9, "ten"], "SELECT 'ten', 1"],
    ["SELECT 5 -$1", [-3], "SELECT 5 - -3"],
    ["SELECT $1::jsonb", [{ a: 1 }], `SELECT '{"a":1}'::jsonb`],
  ];
  for (const [sql, params, want] of cases) assertEquals(inlineParams(sql, params), want, sql);
  throws(() => inlineParams("SELECT $2", [1]), StrataError);
});

Deno.test("inline() expands a batch and leaves a statement without params alone", () => {
  assertEquals(inline({ sql: "INSERT INTO t VALUES ($1)", batch: [[1], ["b"]] }), [
    "INSERT INTO t VALUES (1)",
    "INSERT INTO t VALUES ('b')",
  ]);
  assertEquals(inline({ sql: "PREPARE p AS SELECT $1" }), ["PREPARE p AS SELECT $1"]);
  assertEquals(inline({ sql: "SELECT $1", params: ["x"] }), ["SELECT 'x'"]);
  throws(() => inline({ sql: "SELECT $2", params: ["x"] }), {
    message: 'Cannot inline parameter "$2": the statement has 1 parameter',
  });
});

pgTest("inline() gives the same values as binding the params", async (db) => {
  await db.execute({
    sql: "CREATE TABLE t (s text, n numeric, f double precision, b boolean, d timestamptz, " +
      "y bytea, j jsonb, k bigint)",
  });
  const insert = "INSERT INTO t (s, n, f, b, d, y, j, k) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
  const rows = [
    [
      "it's a\\b $1 $$",
      -1.5,
      NaN,
      true,
      new Date("2024-01-02T03:04:05.678Z"),
      new Uint8Array([0, 255]),
      '{"a": [1]}',
      12345678901234567n,
    ],
    [null, 0, -Infinity, false, null, new Uint8Array([]), null, -1n],
  ];
  for (const row of rows) await db.execute({ sql: insert, params: row });
  for (const row of rows) {
    for (const sql of inline({ sql: insert, params: row })) await db.execute({ sql });
  }
  const got = await db.query(
    "SELECT s, n::text, f::text, b, d, encode(y, 'hex') AS y, j::text, k::text FROM t",
  );
  assertEquals(got.slice(2), got.slice(0, 2));
});
