/**
 * The SQL text of the enum-value changes on PostgreSQL. What the type
 * rebuild does is tested on a real server (`tests/enum_ops_test.ts`,
 * `tests/enum_offline_test.ts`); here, the text it is written as.
 */
import assert from "node:assert/strict";
import type { EnumValueChange } from "../../changes/change.ts";
import { inline } from "./inline.ts";
import { renderEnumValueChange } from "./render_enum.ts";

function sql(change: EnumValueChange): string {
  const statements = renderEnumValueChange(change);
  assert.equal(statements.length, 1);
  return statements[0]!.sql;
}

Deno.test("renderEnumValueChange() writes ADD VALUE and RENAME VALUE natively", () => {
  const cases: [EnumValueChange, string][] = [
    [
      { kind: "addEnumValue", name: "mood", value: "ok", ifNotExists: false },
      "ALTER TYPE mood ADD VALUE 'ok'",
    ],
    [
      { kind: "addEnumValue", name: "Mood", schema: "app", value: "it's", ifNotExists: true },
      `ALTER TYPE app."Mood" ADD VALUE IF NOT EXISTS 'it''s'`,
    ],
    [
      { kind: "addEnumValue", name: "mood", value: "a\\b", before: "sad", ifNotExists: false },
      "ALTER TYPE mood ADD VALUE E'a\\\\b' BEFORE 'sad'",
    ],
    [
      { kind: "addEnumValue", name: "mood", value: "ok", after: "sad", ifNotExists: false },
      "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad'",
    ],
    [
      { kind: "renameEnumValue", name: "order", oldValue: "new", newValue: "fresh" },
      `ALTER TYPE "order" RENAME VALUE 'new' TO 'fresh'`,
    ],
  ];
  for (const [change, expected] of cases) assert.equal(sql(change), expected);
});

Deno.test("renderEnumValueChange() writes removals and reorders as one DO block naming the type", () => {
  const drop = sql({ kind: "dropEnumValue", name: "Mood", schema: "app", value: "it's" });
  assert.match(drop, /^DO \$strata\$\nDECLARE\n/);
  assert.match(drop, /\nEND\n\$strata\$$/);
  assert.ok(drop.includes(`typ oid := to_regtype('app."Mood"');`));
  assert.ok(drop.includes(`new_values := array_remove(old_values, 'it''s');`));
  assert.ok(drop.includes(`'Cannot drop value "it''s" from enum "Mood": no such value'`));
  // Messages name the enum as the call did (JSON-quoted, as SQLite's do).
  assert.ok(drop.includes(`to_json(v)::text, '"Mood"', to_json(r.col)::text`));

  const alter = sql({ kind: "alterEnum", name: "mood", values: ["b", "a\\", "c"] });
  assert.ok(alter.includes("new_values := ARRAY['b', E'a\\\\', 'c']::text[];"));
  assert.ok(alter.includes(`'Cannot alter enum "mood"'`));
  assert.ok(!alter.includes("array_remove"));
});

Deno.test("renderEnumValueChange() picks a dollar-quote tag no value contains", () => {
  const text = sql({ kind: "alterEnum", name: "mood", values: ["$strata$", "x"] });
  assert.match(text, /^DO \$strata_1\$\n/);
  assert.match(text, /\$strata_1\$$/);
  assert.ok(text.includes("ARRAY['$strata$', 'x']"));
});

Deno.test("the DO block goes into offline scripts as written (no parameters to inline)", () => {
  const [statement] = renderEnumValueChange({ kind: "dropEnumValue", name: "mood", value: "x" });
  assert.deepEqual(inline(statement!), [statement!.sql]);
  assert.ok(statement!.sql.includes("$1"), "the block's own EXECUTE … USING placeholder");
});
