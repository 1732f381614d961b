import assert from "node:assert/strict";
import { describeRevision, stepArrow } from "./describe.ts";

Deno.test("stepArrow() writes Alembic's arrow for every step shape", () => {
  const cases: [Parameters<typeof stepArrow>[0], string][] = [
    [{ direction: "up", revision: "a1", parents: [] }, "upgrade <base> -> a1"],
    [{ direction: "up", revision: "b2", parents: ["a1"] }, "upgrade a1 -> b2"],
    [{ direction: "up", revision: "m3", parents: ["a1", "b2"] }, "upgrade a1, b2 -> m3"],
    [{ direction: "down", revision: "b2", parents: ["a1"] }, "downgrade b2 -> a1"],
    [{ direction: "down", revision: "m3", parents: ["a1", "b2"] }, "downgrade m3 -> a1, b2"],
    [{ direction: "down", revision: "a1", parents: [] }, "downgrade a1 -> <base>"],
  ];
  for (const [step, text] of cases) assert.equal(stepArrow(step), text);
});

Deno.test("describeRevision() quotes the message and leaves it out when empty", () => {
  assert.equal(describeRevision("1f2e", "add user bio"), '1f2e ("add user bio")');
  assert.equal(describeRevision("1f2e", ""), "1f2e");
  assert.equal(describeRevision("1f2e"), "1f2e");
});
