import assert from "node:assert/strict";
import { cannotBreakForeignKeys } from "./session_sql.ts";

Deno.test("cannotBreakForeignKeys() accepts one new table, index, view or read, nothing else", () => {
  for (
    const sql of [
      'CREATE TABLE "t" (id integer REFERENCES p (id))',
      "  create temp table t (x)",
      'CREATE INDEX "t_x" ON "t" ("x")',
      "CREATE VIEW v AS SELECT 1",
      "SELECT * FROM t;",
      "PRAGMA table_info('t')",
    ]
  ) assert.equal(cannotBreakForeignKeys(sql), true, sql);
  for (
    const sql of [
      "INSERT INTO t VALUES (1)",
      "UPDATE t SET x = 1",
      "DELETE FROM t",
      "DROP TABLE t",
      'ALTER TABLE "t" RENAME TO "u"',
      "CREATE UNIQUE INDEX u ON p (code)",
      "CREATE TABLE a (x); DELETE FROM p",
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM p; END",
      "PRAGMA foreign_keys = OFF",
      "WITH d AS (SELECT 1) DELETE FROM p",
    ]
  ) assert.equal(cannotBreakForeignKeys(sql), false, sql);
});
