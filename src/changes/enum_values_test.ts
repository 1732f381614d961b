import assert from "node:assert/strict";
import { StrataError } from "../errors.ts";
import type { EnumValueChange } from "./change.ts";
import { applyEnumChange, enumValueProblem, heldValueMessage } from "./enum_values.ts";

const MOOD = ["sad", "meh", "happy"];

function add(value: string, more: Partial<EnumValueChange & { kind: "addEnumValue" }> = {}) {
  return { kind: "addEnumValue" as const, name: "mood", value, ifNotExists: false, ...more };
}

Deno.test("applyEnumChange() places an added value last, before or after another", () => {
  assert.deepEqual(applyEnumChange(MOOD, add("ok")), {
    values: ["sad", "meh", "happy", "ok"],
    removed: [],
  });
  assert.deepEqual(applyEnumChange(MOOD, add("ok", { before: "sad" }))?.values, [
    "ok",
    "sad",
    "meh",
    "happy",
  ]);
  assert.deepEqual(applyEnumChange(MOOD, add("ok", { after: "happy" }))?.values, [
    "sad",
    "meh",
    "happy",
    "ok",
  ]);
  assert.deepEqual(applyEnumChange(MOOD, add("ok", { after: "sad" }))?.values, [
    "sad",
    "ok",
    "meh",
    "happy",
  ]);
});

Deno.test("applyEnumChange() refuses an existing value unless ifNotExists, and a missing anchor", () => {
  assert.equal(applyEnumChange(MOOD, add("meh", { ifNotExists: true })), null);
  assert.throws(
    () => applyEnumChange(MOOD, add("meh")),
    (e: unknown) =>
      e instanceof StrataError && e.message === 'Cannot add value "meh" to enum "mood": it ' +
          "exists already" &&
      /ifNotExists/.test(e.hint ?? ""),
  );
  assert.throws(
    () => applyEnumChange(MOOD, add("ok", { before: "glad" })),
    /Cannot add value "ok" to enum "mood": there is no value "glad" to put it before/,
  );
  assert.throws(
    () => applyEnumChange(MOOD, add("ok", { after: "glad" })),
    /there is no value "glad" to put it after/,
  );
});

Deno.test("applyEnumChange() renames in place and reports the rename", () => {
  const r = applyEnumChange(MOOD, {
    kind: "renameEnumValue",
    name: "mood",
    oldValue: "meh",
    newValue: "ok",
  });
  assert.deepEqual(r, {
    values: ["sad", "ok", "happy"],
    removed: [],
    renamed: { from: "meh", to: "ok" },
  });
  assert.throws(
    () =>
      applyEnumChange(MOOD, {
        kind: "renameEnumValue",
        name: "mood",
        oldValue: "glad",
        newValue: "ok",
      }),
    /Cannot rename value "glad" of enum "mood": no such value/,
  );
  assert.throws(
    () =>
      applyEnumChange(MOOD, {
        kind: "renameEnumValue",
        name: "mood",
        oldValue: "sad",
        newValue: "happy",
      }),
    /Cannot rename value "sad" of enum "mood" to "happy": that value exists already/,
  );
});

Deno.test("applyEnumChange() removes with dropEnumValue and alterEnum, and reorders", () => {
  assert.deepEqual(applyEnumChange(MOOD, { kind: "dropEnumValue", name: "mood", value: "meh" }), {
    values: ["sad", "happy"],
    removed: ["meh"],
  });
  assert.throws(
    () => applyEnumChange(MOOD, { kind: "dropEnumValue", name: "mood", value: "glad" }),
    /Cannot drop value "glad" from enum "mood": no such value/,
  );
  assert.deepEqual(
    applyEnumChange(MOOD, { kind: "alterEnum", name: "mood", values: ["happy", "new", "sad"] }),
    { values: ["happy", "new", "sad"], removed: ["meh"] },
  );
  assert.deepEqual(
    applyEnumChange(MOOD, { kind: "alterEnum", name: "mood", values: ["happy", "meh", "sad"] }),
    { values: ["happy", "meh", "sad"], removed: [] },
  );
  assert.equal(applyEnumChange(MOOD, { kind: "alterEnum", name: "mood", values: [...MOOD] }), null);
});

Deno.test("enumValueProblem() accepts 1 to 63 bytes without NUL and says what is wrong otherwise", () => {
  assert.equal(enumValueProblem("x".repeat(63)), undefined);
  assert.equal(enumValueProblem("é".repeat(31)), undefined); // 62 bytes
  assert.equal(enumValueProblem("é".repeat(32)), "is 64 bytes long (PostgreSQL allows 63)");
  assert.equal(enumValueProblem(""), "is empty");
  assert.equal(enumValueProblem("a\0b"), "contains a NUL character");
  assert.equal(enumValueProblem(3), "is a number, not a string");
  assert.equal(enumValueProblem(null), "is a null, not a string");
});

Deno.test("heldValueMessage() quotes the value, enum and column as JSON strings", () => {
  assert.equal(
    heldValueMessage("mood", 'say "hi"', "t", "m"),
    'Cannot remove value "say \\"hi\\"" from enum "mood": column "t.m" holds it',
  );
});
