/**
 * The enum-value ops of the recorder: what they record, and the argument
 * checks, each one line naming the call (migrations may be plain JavaScript,
 * so the types are no guard).
 */
import assert from "node:assert/strict";
import { StrataError } from "../errors.ts";
import type { Change } from "./change.ts";
import type { Op } from "./op.ts";
import { createOp } from "./recorder.ts";

function recording() {
  const changes: Change[] = [];
  const op = createOp({
    apply(change) {
      changes.push(change);
      return Promise.resolve();
    },
    query: () => Promise.resolve([]),
  }, { dialect: "sqlite", isOffline: false });
  return { op, changes };
}

Deno.test("createOp() records the enum-value ops with their options", async () => {
  const { op, changes } = recording();
  await op.addEnumValue("mood", "ok");
  await op.addEnumValue("mood", "meh", { before: "ok", ifNotExists: true, schema: "app" });
  await op.addEnumValue("mood", "glad", { after: "ok" });
  await op.renameEnumValue("mood", "meh", "so-so", { schema: "app" });
  await op.dropEnumValue("mood", "glad");
  const list = ["ok", "so-so"];
  await op.alterEnum("mood", list);
  list.push("later"); // the change keeps its own copy
  assert.deepEqual(changes, [
    { kind: "addEnumValue", name: "mood", value: "ok", ifNotExists: false },
    {
      kind: "addEnumValue",
      name: "mood",
      value: "meh",
      ifNotExists: true,
      before: "ok",
      schema: "app",
    },
    { kind: "addEnumValue", name: "mood", value: "glad", ifNotExists: false, after: "ok" },
    { kind: "renameEnumValue", name: "mood", oldValue: "meh", newValue: "so-so", schema: "app" },
    { kind: "dropEnumValue", name: "mood", value: "glad" },
    { kind: "alterEnum", name: "mood", values: ["ok", "so-so"] },
  ]);
});

/** Calls that must be refused, with the message each must give. */
const BAD: [string, (op: Op) => Promise<void>, RegExp][] = [
  [
    "before and after",
    (op) => op.addEnumValue("mood", "ok", { before: "a", after: "b" }),
    /^Invalid arguments to op\.addEnumValue\("mood", "ok"\): give before or after, not both$/,
  ],
  [
    "a misspelt option",
    (op) => op.addEnumValue("mood", "ok", { befor: "a" } as never),
    /^Invalid arguments to op\.addEnumValue\("mood", "ok"\): unknown option "befor"$/,
  ],
  [
    "an anchor equal to the value",
    (op) => op.addEnumValue("mood", "ok", { after: "ok" }),
    /: after names the value being added$/,
  ],
  [
    "a non-boolean ifNotExists",
    (op) => op.addEnumValue("mood", "ok", { ifNotExists: "yes" } as never),
    /: ifNotExists must be true or false$/,
  ],
  [
    "an empty value",
    (op) => op.addEnumValue("mood", ""),
    /^Invalid arguments to op\.addEnumValue\("mood", ""\): the value is empty$/,
  ],
  [
    "a value longer than PostgreSQL allows",
    (op) => op.addEnumValue("mood", "x".repeat(64)),
    /: the value is 64 bytes long \(PostgreSQL allows 63\)$/,
  ],
  [
    "a value that is not a string",
    (op) => op.dropEnumValue("mood", 3 as never),
    /^Invalid arguments to op\.dropEnumValue\("mood"\): the value is a number, not a string$/,
  ],
  [
    "a missing enum name",
    (op) => op.dropEnumValue("", "x"),
    /^Invalid arguments to op\.dropEnumValue\("", "x"\): the enum name must be a non-empty string$/,
  ],
  [
    "a rename to the same value",
    (op) => op.renameEnumValue("mood", "a", "a"),
    /^Invalid arguments to op\.renameEnumValue\("mood", "a", "a"\): the old and new values are the same$/,
  ],
  [
    "a rename to a value with NUL",
    (op) => op.renameEnumValue("mood", "a", "b\0"),
    /: the new value contains a NUL character$/,
  ],
  [
    "an empty list",
    (op) => op.alterEnum("mood", []),
    /^Invalid arguments to op\.alterEnum\("mood", \[\]\): values is empty$/,
  ],
  [
    "a list that is not an array",
    (op) => op.alterEnum("mood", "a,b" as never),
    /: values must be an array of strings$/,
  ],
  [
    "a repeated value",
    (op) => op.alterEnum("mood", ["a", "b", "a"]),
    /: values lists "a" twice$/,
  ],
  [
    "a bad value in the list",
    (op) => op.alterEnum("mood", ["a", 2] as never),
    /: values\[1\] is a number, not a string$/,
  ],
  [
    "an options value that is not an object",
    (op) => op.alterEnum("mood", ["a"], "app" as never),
    /: options must be an object$/,
  ],
  [
    "an empty schema",
    (op) => op.dropEnumValue("mood", "a", { schema: "" }),
    /: schema must be a non-empty string$/,
  ],
];

for (const [what, call, message] of BAD) {
  Deno.test(`createOp() enum-value ops refuse ${what} (exit 2, one line naming the call)`, async () => {
    const { op, changes } = recording();
    const err = await call(op).then(() => undefined, (e: unknown) => e);
    assert(err instanceof StrataError, `expected a StrataError, got ${err}`);
    assert.match(err.message, message);
    assert(!err.message.includes("\n"));
    assert.equal(err.exitCode, 2);
    assert.deepEqual(changes, [], "nothing recorded");
  });
}
