import { deepStrictEqual as assertEquals, throws } from "node:assert";
import type { ColumnDef, Value } from "../../changes/change.ts";
import { StrataError } from "../../errors.ts";
import { defaultSql, normalizeDefault } from "./defaults.ts";
import { columnType, normalizeType } from "./types.ts";
import { pgTest } from "./_test_db.ts";

const PORTABLE = [
  "integer",
  "bigint",
  "smallint",
  "text",
  "varchar(80)",
  "char(3)",
  "boolean",
  "real",
  "double",
  "numeric(10,2)",
  "date",
  "time",
  "timestamp",
  "timestamptz",
  "json",
  "uuid",
  "blob",
  "enum:mood",
];

Deno.test("normalizeType() keeps every portable name as it is", () => {
  for (const p of PORTABLE) assertEquals(normalizeType(p), p);
});

Deno.test("normalizeType() folds PostgreSQL spellings to portable names", () => {
  const cases: [string, string][] = [
    ["int4", "integer"],
    ["INT", "integer"],
    ["serial", "integer"],
    ["int8", "bigint"],
    ["int2", "smallint"],
    ["character varying(80)", "varchar(80)"],
    ["VARCHAR( 80 )", "varchar(80)"],
    ["character varying", "varchar"],
    ["character(3)", "char(3)"],
    ["char", "char(1)"],
    ["double precision", "double"],
    ["float8", "double"],
    ["float", "double"],
    ["float(10)", "real"],
    ["float4", "real"],
    ["bool", "boolean"],
    ["decimal(10, 2)", "numeric(10,2)"],
    ["numeric(5)", "numeric(5,0)"],
    ["timestamp without time zone", "timestamp"],
    ["timestamp with time zone", "timestamptz"],
    ["timestamp(3) with time zone", "timestamptz(3)"],
    ["time without time zone", "time"],
    ["time with time zone", "timetz"],
    ["jsonb", "json"],
    ["bytea", "blob"],
    ["integer[]", "integer[]"],
    ["character varying(20)[]", "varchar(20)[]"],
    ["interval", "interval"],
    ['"char"', '"char"'],
    ['"MyType"', '"MyType"'],
  ];
  for (const [given, want] of cases) assertEquals(normalizeType(given), want, given);
});

Deno.test("columnType() maps portable names and passes others through", () => {
  assertEquals(columnType("double"), "double precision");
  assertEquals(columnType("json"), "jsonb");
  assertEquals(columnType("blob"), "bytea");
  assertEquals(columnType("enum:mood"), "mood");
  assertEquals(columnType("enum:Mood"), '"Mood"');
  assertEquals(columnType("enum:app.mood"), "app.mood");
  assertEquals(columnType("timestamp(3) with time zone"), "timestamp(3) with time zone");
  assertEquals(columnType("numeric(5,-2)"), "numeric(5,-2)");
  assertEquals(columnType("text[]"), "text[]");
  for (const bad of ["", "int;", "a)(", "varchar((1)", 'x"', "int/*", "int --"]) {
    throws(() => columnType(bad), StrataError, bad);
  }
});

Deno.test("normalizeDefault() strips casts from lone literals only", () => {
  const cases: [string, string][] = [
    ["'abc'::text", "'abc'"],
    ["'a''b'::character varying", "'a''b'"],
    ["'-1'::integer", "-1"],
    ["'-1.5'::numeric", "-1.5"],
    ["'9007199254740993'::bigint", "9007199254740993"],
    ["'12'::text", "'12'"],
    ["'{}'::jsonb", "'{}'"],
    ["'2024-01-01 00:00:00'::timestamp without time zone", "'2024-01-01 00:00:00'"],
    ["'x'::\"Mood\"", "'x'"],
    ["now()", "now()"],
    ["current_timestamp", "CURRENT_TIMESTAMP"],
    ["nextval('t_id_seq'::regclass)", "nextval('t_id_seq'::regclass)"],
    ["(2 + 3)", "(2 + 3)"],
    ["'a'::text || 'b'::text", "'a'::text || 'b'::text"],
  ];
  for (const [given, want] of cases) assertEquals(normalizeDefault(given), want, given);
});

/** Portable types: the introspector reports each as normalizeType gives it. */
pgTest("introspect() reports each declared type as normalizeType() predicts", async (db) => {
  const declared = [
    ...PORTABLE,
    "int4",
    "serial",
    "character varying(20)",
    "float8",
    "timestamp(3) with time zone",
    "decimal(8)",
    "text[]",
    "interval",
    "jsonb",
    "enum:Mood",
  ];
  const columns: ColumnDef[] = declared.map((type, i) => ({ name: `c${i}`, type, nullable: true }));
  await db.run([
    { kind: "createEnum", name: "mood", values: ["a"] },
    { kind: "createEnum", name: "Mood", values: ["b"] },
    {
      kind: "createTable",
      table: "t",
      columns,
      uniques: [],
      checks: [],
      foreignKeys: [],
      ifNotExists: false,
    },
  ]);
  const got = (await db.schema()).tables[0]?.columns.map((c) => c.type);
  assertEquals(got, declared.map(normalizeType));
});

/** Defaults: the introspector reports each as defaultSql gives it. */
pgTest("introspect() reports each default as defaultSql() predicts", async (db) => {
  const cases: [Value, string][] = [
    ["abc", "text"],
    ["it's", "varchar(20)"],
    ["back\\slash", "text"],
    [42, "integer"],
    [-1, "integer"],
    [-1.5, "numeric(10,2)"],
    [1.25, "double"],
    [9007199254740993n, "bigint"],
    ["7", "integer"],
    [true, "boolean"],
    [false, "boolean"],
    [{ b: [1, 2], a: "x", ab: null, "é": 1 }, "json"],
    ['{"z":1,"y":{}}', "json"],
    [[1, "two"], "json"],
    [new Uint8Array([0, 1, 255]), "blob"],
    [new Date("2024-02-03T04:05:06.700Z"), "timestamp"],
    [new Date("2024-02-03T00:00:00Z"), "date"],
    ["happy", "enum:mood"],
    ["00000000-0000-0000-0000-000000000001", "uuid"],
    [{ $sql: "now()" }, "timestamptz"],
    [{ $sql: "current_timestamp" }, "timestamptz"],
    [{ $sql: "'{}'::jsonb" }, "json"],
    [{ $sql: "gen_random_uuid()" }, "uuid"],
  ];
  const columns: ColumnDef[] = cases.map(([value, type], i) => ({
    name: `c${i}`,
    type,
    nullable: true,
    default: value,
  }));
  await db.run([
    { kind: "createEnum", name: "mood", values: ["happy"] },
    {
      kind: "createTable",
      table: "t",
      columns,
      uniques: [],
      checks: [],
      foreignKeys: [],
      ifNotExists: false,
    },
  ]);
  const got = (await db.schema()).tables[0]?.columns.map((c) => c.default);
  assertEquals(got, cases.map(([value, type]) => defaultSql(value, type)));
});
