import assert from "node:assert/strict";
import { parseHeader } from "./parse_header.ts";
import { CASES } from "./_header_cases.ts";

for (const [name, source, values, dynamic] of CASES) {
  Deno.test(`parseHeader() handles ${name}`, () => {
    const parsed = parseHeader(source);
    assert.deepEqual(parsed.values, values);
    assert.deepEqual([...parsed.dynamic].sort(), [...dynamic].sort());
  });
}

Deno.test("parseHeader() reads every field of a full migration", () => {
  const parsed = parseHeader(`import type { Op } from "../src/mod.ts";

export const revision = "1f2e3d4c5b6a";
export const downRevision: string | string[] | null = ["0a9b8c7d6e5f", "111111111111"];
export const message = "add user bio";
export const branchLabels: string[] = ["users"];
export const dependsOn = "222222222222";
export const transactional = false;

export async function upgrade(op: Op) {
  await op.addColumn("users", "bio", { type: "text" });
}
`);
  assert.deepEqual(parsed.values, {
    revision: "1f2e3d4c5b6a",
    downRevision: ["0a9b8c7d6e5f", "111111111111"],
    message: "add user bio",
    branchLabels: ["users"],
    dependsOn: "222222222222",
    transactional: false,
  });
  assert.deepEqual(parsed.dynamic, []);
});
