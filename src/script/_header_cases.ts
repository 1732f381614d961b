/**
 * Header sources and what the parser must make of them, shared by the tests
 * of the careful scanner and of the fast path (private to `src/script/`).
 *
 * @module
 */
import { HEADER_FIELDS, type HeaderLiteral } from "./parse_header.ts";

/** Expected header values. */
export type Values = Record<string, HeaderLiteral>;

/** [name, source, expected values, expected dynamic fields] */
export const CASES: [string, string, Values, string[]][] = [
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
  [
    "a comment ending in a period is not a property access",
    `// loads the rows.\n/* and more. */ // then.\nexport const revision = "a";`,
    { revision: "a" },
    [],
  ],
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
  ["destructuring", `export const { revision, downRevision } = header;`, {}, [...HEADER_FIELDS]],
  ["export star", `export * from "./base.ts";`, {}, [...HEADER_FIELDS]],
  ["second declarator", `export const a = 1, revision = "x";`, {}, ["revision"]],
  ["declared twice", `export const revision = "a";\nexport const revision = "b";`, {}, [
    "revision",
  ]],
  ["function named like a field", `export function message() {}`, {}, ["message"]],
  ["unterminated string", `export const revision = "abc\n`, {}, ["revision"]],
];
