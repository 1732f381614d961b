import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fastHeader } from "./_fast_header.ts";
import { parseHeader } from "./parse_header.ts";
import { CASES } from "./_header_cases.ts";
import { renderMigration } from "./template.ts";
import { planProject } from "../../scripts/gen_project.ts";

const DEMO = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "migrations");

/** The careful scanner's answer, in a form that ignores the order of lists. */
function careful(source: string) {
  const p = parseHeader(source, { fast: false });
  return { values: p.values, dynamic: [...p.dynamic].sort(), mentioned: [...p.mentioned].sort() };
}

function assertAgrees(source: string, label: string): boolean {
  const fast = fastHeader(source);
  if (fast === undefined) return false;
  assert.deepEqual(
    {
      values: fast.values,
      dynamic: [...fast.dynamic].sort(),
      mentioned: [...fast.mentioned].sort(),
    },
    careful(source),
    label,
  );
  return true;
}

const RENDERED = [
  renderMigration({ revision: "1f2e3d4c5b6a", downRevision: null, message: "create users" }),
  renderMigration({
    revision: "1f2e3d4c5b6a",
    downRevision: ["0a9b8c7d6e5f", "aaaaaaaaaaaa"],
    message: 'merge it\'s "quoted" */',
    branchLabels: ["users", "billing"],
    dependsOn: ["cccccccccccc"],
    transactional: false,
    upgradeBody: 'await op.createTable("messages", { id: { type: "integer" } });',
    downgradeBody: 'await op.dropTable("messages");',
  }),
  ...planProject(12, { branches: 2 }).map((r) =>
    renderMigration({
      ...r,
      upgradeBody: `await op.execute("CREATE TABLE t_${r.revision} (id integer)");`,
    })
  ),
];

Deno.test("fastHeader() agrees with the careful scanner or gives up, on every parseHeader case", () => {
  for (const [name, source] of CASES) assertAgrees(source, name);
});

Deno.test("fastHeader() reads what `strata revision` writes, and the demo migrations, as the scanner does", () => {
  for (const [i, text] of RENDERED.entries()) {
    const taken = assertAgrees(text, `rendered #${i}`);
    // #1 has a message with quotes of both kinds, written with an escape: the scanner's job.
    if (i !== 1) assert(taken, `the fast path gave up on rendered #${i}:\n${text}`);
  }
  let taken = 0;
  for (const entry of Deno.readDirSync(DEMO)) {
    if (!entry.name.endsWith(".ts")) continue;
    if (assertAgrees(Deno.readTextFileSync(join(DEMO, entry.name)), entry.name)) taken++;
  }
  assert(taken > 0, "the fast path took none of the demo migrations");
});

Deno.test("fastHeader() gives up when anything after the header could export or mention a field", () => {
  const base = RENDERED[0]!;
  const tails = [
    ...CASES.map(([, source]) => source),
    'export { x as revision } from "./x.ts";',
    'export * from "./base.ts";',
    "// the message is below",
    'const s = "revision";',
    "export const transactional = false;",
  ];
  for (const tail of tails) {
    const text = `${base}\n${tail}\n`;
    const fast = fastHeader(text);
    if (fast !== undefined) assertAgrees(text, tail);
  }
  // Before the header, too.
  for (const head of ['import { revision } from "./x.ts";', "#!/usr/bin/env deno", "const s = `"]) {
    assert.equal(fastHeader(`${head}\n${base}`), undefined, head);
  }
  // Each field once; a second declaration is the scanner's to report.
  const twice = 'export const revision = "a";\nexport const revision = "b";\n';
  assert.equal(fastHeader(twice), undefined);
  assert.deepEqual(parseHeader(twice).dynamic, ["revision"]);
});

Deno.test("fastHeader() and the scanner agree on each line of a header with every literal form", () => {
  const lines = [
    'export const revision = "ab12";',
    "export const revision = 'ab12';",
    "export const downRevision = null; // a base",
    "export const downRevision: string | string[] | null = [\"a\", 'b'];",
    'export const downRevision = ["a", "b",];',
    "export const downRevision = [];",
    'export const branchLabels = ["x"] as const;',
    "export const transactional = false;",
    "export const transactional: boolean = true;",
    'export const message = "é 漢字 😀 with // and /* inside";',
    'export const message = "";',
  ];
  for (const line of lines) {
    for (const eol of ["\n", "\r\n", ""]) {
      const text =
        `/** doc */\nimport type { Op } from "x";\n\n${line}${eol}export function upgrade(op: Op) {}\n`;
      const taken = assertAgrees(text, JSON.stringify(line + eol));
      // Without a line break the next statement shares the line: the scanner's job.
      if (eol !== "") assert(taken, `gave up on ${JSON.stringify(line + eol)}`);
    }
  }
});
