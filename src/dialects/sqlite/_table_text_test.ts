import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { edit } from "./_table_edit.ts";
import { findColumn, parseTableText, primaryKeyColumns, rowidAlias } from "./_table_text.ts";

const TRICKY = `CREATE TABLE "Weird ""T""" (
  id INTEGER PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT, -- the key
  [a b] VARCHAR (20) NOT NULL ON CONFLICT IGNORE DEFAULT -1 COLLATE NOCASE,
  \`c\` DOUBLE PRECISION CONSTRAINT c_pos CHECK (c > 0 AND (c < 10)) DEFAULT (1 + 2),
  p INTEGER REFERENCES parent (id) MATCH SIMPLE ON DELETE SET NULL ON UPDATE NO ACTION NOT DEFERRABLE,
  g INTEGER GENERATED ALWAYS AS (c * 2) STORED,
  h AS (c + 1),
  untyped,
  CONSTRAINT u1 UNIQUE ([a b], c) ON CONFLICT ABORT CHECK (p IS NULL OR p > 0),
  FOREIGN KEY (p, g) REFERENCES other (x, y) DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID`;

Deno.test("parseTableText() reads columns, types and every kind of constraint with their text", () => {
  const t = parseTableText(TRICKY);
  const text = (k: { start: number; end: number }) => TRICKY.slice(k.start, k.end);
  assert.equal(t.name, 'Weird "T"');
  assert.deepEqual(t.columns.map((c) => [c.name, c.typeText]), [
    ["id", "INTEGER"],
    ["a b", "VARCHAR (20)"],
    ["c", "DOUBLE PRECISION"],
    ["p", "INTEGER"],
    ["g", "INTEGER"],
    ["h", ""],
    ["untyped", ""],
  ]);
  assert.deepEqual(
    t.columns.map((c) => c.constraints.map((k) => [k.kind, text(k)])),
    [
      [["primaryKey", "PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT"]],
      [
        ["notNull", "NOT NULL ON CONFLICT IGNORE"],
        ["default", "DEFAULT -1"],
        ["collate", "COLLATE NOCASE"],
      ],
      [["check", "CONSTRAINT c_pos CHECK (c > 0 AND (c < 10))"], ["default", "DEFAULT (1 + 2)"]],
      [[
        "references",
        "REFERENCES parent (id) MATCH SIMPLE ON DELETE SET NULL ON UPDATE NO ACTION NOT DEFERRABLE",
      ]],
      [["generated", "GENERATED ALWAYS AS (c * 2) STORED"]],
      [["generated", "AS (c + 1)"]],
      [],
    ],
  );
  // Two table constraints in one comma item, as SQLite allows.
  assert.deepEqual(t.constraints.map((k) => [k.kind, k.name, k.columns, text(k)]), [
    ["unique", "u1", ["a b", "c"], "CONSTRAINT u1 UNIQUE ([a b], c) ON CONFLICT ABORT"],
    ["check", null, [], "CHECK (p IS NULL OR p > 0)"],
    [
      "foreignKey",
      null,
      ["p", "g"],
      "FOREIGN KEY (p, g) REFERENCES other (x, y) DEFERRABLE INITIALLY DEFERRED",
    ],
  ]);
  assert.deepEqual(t.constraints[2]?.refColumns, ["x", "y"]);
  assert.equal(t.columns[0]?.constraints[0]?.autoIncrement, true);
  assert.equal(t.strict && t.withoutRowid, true);
  assert.deepEqual(primaryKeyColumns(t), ["id"]);
  assert.equal(rowidAlias(t), undefined); // WITHOUT ROWID has none
  assert.equal(rowidAlias(parseTableText("CREATE TABLE x (k integer, PRIMARY KEY (k))")), "k");
});

Deno.test("edit functions change only their part of the text, and SQLite accepts the result", () => {
  const base = `CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  a TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE, -- note
  b,
  CONSTRAINT u UNIQUE (a) ON CONFLICT IGNORE,
  CHECK (length(a) > 0)
)`;
  const t = parseTableText(base);
  const a = findColumn(t, "A")!;
  const b = findColumn(t, "b")!;
  const cases: [string, string][] = [
    [edit.setType(t, a, "VARCHAR(9)"), base.replace("a TEXT", "a VARCHAR(9)")],
    [edit.setType(t, b, "INTEGER"), base.replace("  b,", "  b INTEGER,")],
    [edit.removeConstraint(t, a.constraints[0]!), base.replace(" NOT NULL", "")],
    [
      edit.replaceConstraint(t, a.constraints[1]!, "DEFAULT 'y'"),
      base.replace("DEFAULT 'x'", "DEFAULT 'y'"),
    ],
    [
      edit.addColumnConstraint(t, b, "NOT NULL", "afterType"),
      base.replace("  b,", "  b NOT NULL,"),
    ],
    [
      edit.addColumnConstraint(t, a, "CHECK (a <> '')", "end"),
      base.replace("NOCASE,", "NOCASE CHECK (a <> ''),"),
    ],
    [edit.removeItem(t, t.items[2]!), base.replace("\n  b,", "")],
    [edit.removeItem(t, t.items[0]!), base.replace("id INTEGER PRIMARY KEY,\n  ", "")],
    [
      edit.removeConstraint(t, t.constraints[1]!),
      base.replace(",\n  CHECK (length(a) > 0)", ""),
    ],
    [edit.addColumn(t, "c REAL"), base.replace("  b,", "  b,\n  c REAL,")],
    [
      edit.addTableConstraint(t, "CONSTRAINT v UNIQUE (b)"),
      base.replace("> 0)\n)", "> 0),\n  CONSTRAINT v UNIQUE (b)\n)"),
    ],
    [edit.rename(t, "_strata_new_t"), base.replace("TABLE t ", "TABLE _strata_new_t ")],
  ];
  const db = new DatabaseSync(":memory:");
  try {
    for (const [i, [got, want]] of cases.entries()) {
      assert.notEqual(want, base, `case ${i} changes something`);
      assert.equal(got, want, `case ${i}`);
      db.exec(`SAVEPOINT s; ${got}; ROLLBACK TO s; RELEASE s`);
    }
  } finally {
    db.close();
  }
});
