import assert from "node:assert/strict";
import { normalizeSqliteExpr, sqliteAutogen } from "./autogen.ts";

Deno.test("normalizeSqliteExpr() makes equal expressions equal text", () => {
  const same: [string, string][] = [
    ["a>=0", "(A >= 0)"],
    ['"age" IS NOT NULL', "age is not null"],
    ["status IN ('a','b')", "status in ( 'a' , 'b' ) /* note */"],
    ["((x + 1) * 2 > 3)", "(x+1)*2>3"],
  ];
  for (const [a, b] of same) {
    assert.equal(normalizeSqliteExpr(a), normalizeSqliteExpr(b), `${a} vs ${b}`);
  }
  const different: [string, string][] = [
    ["a > 0", "a > 1"],
    ["name = 'A'", "name = 'a'"],
    ["(a + 1) * 2", "a + 1 * 2"],
    ['"Odd Name" > 0', "odd name > 0"],
  ];
  for (const [a, b] of different) {
    assert.notEqual(normalizeSqliteExpr(a), normalizeSqliteExpr(b), `${a} vs ${b}`);
  }
});

Deno.test("sqliteAutogen.dumpSql() writes enums as rows of Strata's enum table and enum columns with their CHECK", async () => {
  const statements = await sqliteAutogen.dumpSql({
    enums: [{ name: "mood", schema: "main", values: ["a", "b"] }],
    tables: [{
      name: "t",
      schema: "main",
      columns: [
        {
          name: "id",
          type: "integer",
          nullable: false,
          default: null,
          autoIncrement: true,
          comment: null,
        },
        {
          name: "m",
          type: "enum:mood",
          nullable: true,
          default: "'a'",
          autoIncrement: false,
          comment: null,
        },
      ],
      primaryKey: ["id"],
      indexes: [{ name: "ix_t_m", columns: ["m"], unique: false, where: "m IS NOT NULL" }],
      uniques: [],
      checks: [],
      foreignKeys: [],
      comment: null,
    }],
  });
  assert.deepEqual(statements, [
    "CREATE TABLE IF NOT EXISTS _strata_enums (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL)",
    `INSERT INTO _strata_enums (name, vals) VALUES ('mood', '["a","b"]')`,
    "CREATE TABLE t (\n  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n" +
    `  m TEXT DEFAULT 'a' CONSTRAINT "enum:mood" CHECK (m IN ('a', 'b'))\n)`,
    "CREATE INDEX ix_t_m ON t (m) WHERE m IS NOT NULL",
  ]);
});
