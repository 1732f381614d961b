/**
 * Runs every runnable JSDoc example in `main.ts` and `src/` (what
 * `deno test --doc` runs), in this one process.
 *
 * Why not `deno test --doc` itself: it runs each example as a test module of
 * its own, in a fresh worker, which costs about 0.2 s of CPU per example
 * (120 examples: 27 s of CPU, a fifth of the whole suite's). Here each
 * example is written to a temporary module, its relative imports made
 * absolute, and imported by one test each: the same code runs, and fails
 * the same way, for under 2 s. Type errors in examples are `deno task
 * check`'s job (`deno check --doc`), so this file only runs them.
 *
 * An example is a fenced code block in a JSDoc comment whose info string is
 * `ts` (or `typescript`, `js`, `javascript`, `tsx`, `jsx`); `ts ignore` marks
 * one that cannot run here (it needs PostgreSQL, or the `op` of a running
 * migration), as `deno test --doc` reads it.
 *
 * `deno test -A --doc src/` still runs them Deno's way.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const LANGS = new Set(["ts", "typescript", "js", "javascript", "tsx", "jsx"]);

/** One runnable example: where it is and its code. */
interface Example {
  /** 1-based line of the opening fence. */
  line: number;
  /** The code, without the comment's leading `*`. */
  code: string;
}

/**
 * Finds the runnable examples in a module's JSDoc comments.
 *
 * @param text The module's source.
 * @returns The examples, in order; `ignore` blocks left out.
 */
function examplesIn(text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split("\n");
  let inDoc = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inDoc) {
      inDoc = /^\s*\/\*\*/.test(line) && !line.includes("*/");
      continue;
    }
    if (line.includes("*/")) {
      inDoc = false;
      continue;
    }
    const open = /^\s*\*\s?```(\S*)(.*)$/.exec(line);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*\*\s?```\s*$/.test(lines[i]!); i++) {
      body.push(lines[i]!.replace(/^\s*\* ?/, ""));
    }
    const words = open[2]!.trim().split(/\s+/);
    if (LANGS.has(open[1]!) && !words.includes("ignore")) {
      out.push({ line: start + 1, code: body.join("\n") });
    }
  }
  return out;
}

/**
 * Makes an example a module that runs from `dir`: relative import specifiers
 * become absolute `file:` URLs of what they name beside `source`.
 *
 * @param code The example.
 * @param source The path of the module it documents.
 * @returns The module text.
 */
function asModule(code: string, source: string): string {
  return code.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(["'])(\.\.?\/[^"']+)\2/gm,
    (_all, head: string, quote: string, spec: string) =>
      `${head}${quote}${pathToFileURL(resolve(dirname(source), spec)).href}${quote}`,
  );
}

function* sources(dir: string): Generator<string> {
  for (const entry of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sources(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith("_test.ts")) yield path;
  }
}

Deno.test("examplesIn() finds fenced examples in JSDoc, skips ignored ones and other languages", () => {
  const text = [
    "/**",
    " * ```ts",
    ' * import { x } from "./x.ts";',
    " *",
    " * x();",
    " * ```",
    " * ```ts ignore",
    " * skipped();",
    " * ```",
    " * ```sh",
    " * deno task test",
    " * ```",
    " */",
    "class C {",
    "  /**",
    "   * ```ts",
    "   * member();",
    "   * ```",
    "   */",
    "}",
    "// ```ts",
  ].join("\n");
  assert.deepEqual(examplesIn(text), [
    { line: 2, code: 'import { x } from "./x.ts";\n\nx();' },
    { line: 16, code: "member();" },
  ]);
  const module = asModule('import { x } from "./x.ts";\nawait import("../y.ts");', "/a/b/c.ts");
  assert.equal(module, 'import { x } from "file:///a/b/x.ts";\nawait import("file:///a/y.ts");');
});

const files = [join(ROOT, "main.ts"), ...sources(join(ROOT, "src"))];
const dir = await Deno.makeTempDir({ prefix: "strata_doc_examples_" });
let written = 0;
for (const file of files) {
  const name = relative(ROOT, file);
  for (const example of examplesIn(await Deno.readTextFile(file))) {
    const path = join(dir, `${String(++written).padStart(4, "0")}.ts`);
    await Deno.writeTextFile(path, asModule(example.code, file));
    Deno.test(`example ${name}:${example.line}`, async () => {
      await import(pathToFileURL(path).href);
    });
  }
}

Deno.test({
  name: "doc examples: remove the temporary modules",
  fn: () => Deno.remove(dir, { recursive: true }),
});
