import assert from "node:assert/strict";
import { type HeaderLiteral, parseHeader } from "./parse_header.ts";

type Values = Record<string, HeaderLiteral>;

// [name, source, expected values, expected dynamic fields]
const CASES: [string, string, Values, string[]][] = [
  ["double quotes", `export const revision = "ab12";`, { revision: "ab12" }, []],
  ["single quotes", `export const revision = 'ab12'`, { revision: "ab12" }, []],
  [
    "template without substitution",
    "export const message = `hi there`;",
    { message: "hi there" },
    [],
  ],
  ["null base", `export const downRevision = null;`, { downRevision: null }, []],
  [
    "type annotation",
    `export const downRevision: string | string[] | null = "a1";`,
    { downRevision: "a1" },
    [],
  ],
  [
    "generic type annotation",
    `export const dependsOn: Array<string> | ReadonlyArray<string> = ["x"];`,
    { dependsOn: ["x"] },
    [],
  ],
  [
    "merge array, trailing comma, comments",
    `export const downRevision = [\n  "a", // left\n  /* right */ 'b',\n];`,
    { downRevision: ["a", "b"] },
    [],
  ],
  ["as const", `export const branchLabels = ["x"] as const;`, { branchLabels: ["x"] }, []],
  ["empty array", `export const dependsOn: string[] = [];`, { dependsOn: [] }, []],
  ["boolean", `export const transactional = false;`, { transactional: false }, []],
  [
    "no semicolons (ASI)",
    `export const revision = "a"\nexport const downRevision = null\nexport function upgrade() {}`,
    { revision: "a", downRevision: null },
    [],
  ],
  ["escapes", String.raw`export const message = "tab\there \"q\" \u00e9\x41";`, {
    message: 'tab\there "q" éA',
  }, []],
  [
    "comments around",
    `/* export const revision = "no"; */\n// export const revision = "no"\nexport /* c */ const revision /* c */ = /* c */ "yes" /* c */;`,
    {
      revision: "yes",
    },
    [],
  ],
  [
    "inside a string is ignored",
    `const s = "export const revision = 'no'";\nexport const revision = "yes";`,
    {
      revision: "yes",
    },
    [],
  ],
  [
    "inside a template is ignored",
    "const s = `${1}\nexport const revision = 'no'`;\nexport const revision = \"yes\";",
    { revision: "yes" },
    [],
  ],
  [
    "inside a function is ignored",
    `export function upgrade() {\n  const revision = "no";\n}\nexport const revision = "yes";`,
    { revision: "yes" },
    [],
  ],
  [
    "regex literal with a quote",
    `const re = /"export const revision = 'no'/;\nexport const revision = "yes";`,
    { revision: "yes" },
    [],
  ],
  ["division is not a regex", `const x = 4 / 2; const y = "a/b";\nexport const revision = "yes";`, {
    revision: "yes",
  }, []],
  ["property access is not a mention", `console.log(err.message);\nexport const revision = "a";`, {
    revision: "a",
  }, []],
  ["BOM and hashbang", `#!/usr/bin/env -S deno run\n\uFEFFexport const revision = "a";`, {
    revision: "a",
  }, []],
  ["computed concatenation", `export const revision = "ab" + "cd";`, {}, ["revision"]],
  ["computed call", `export const revision = makeId();`, {}, ["revision"]],
  ["method on a literal", `export const revision = "AB".toLowerCase();`, {}, ["revision"]],
  ["template with substitution", "export const message = `v${1}`;", {}, ["message"]],
  ["let is not a literal", `export let revision = "a";`, {}, ["revision"]],
  ["as another type", `export const revision = "a" as string;`, {}, ["revision"]],
  ["export list", `const revision = "a";\nexport { revision };`, {}, ["revision"]],
  ["renamed re-export", `export { rev as revision } from "./x.ts";`, {}, ["revision"]],
  ["destructuring", `export const { revision, downRevision } = header;`, {}, [
    "revision",
    "downRevision",
    "message",
    "branchLabels",
    "dependsOn",
    "transactional",
  ]],
  ["export star", `export * from "./base.ts";`, {}, [
    "revision",
    "downRevision",
    "message",
    "branchLabels",
    "dependsOn",
    "transactional",
  ]],
  ["second declarator", `export const a = 1, revision = "x";`, {}, ["revision"]],
  ["declared twice", `export const revision = "a";\nexport const revision = "b";`, {}, [
    "revision",
  ]],
  ["function named like a field", `export function message() {}`, {}, ["message"]],
  ["unterminated string", `export const revision = "abc\n`, {}, ["revision"]],
];

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
