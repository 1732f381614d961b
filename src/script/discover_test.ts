import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import { generateProject } from "../../scripts/gen_project.ts";
import { checksumText } from "./checksum.ts";
import { discoverScripts, isMigrationFileName } from "./discover.ts";
import { migration, withDir } from "./_test_util.ts";

Deno.test("discoverScripts() reads headers statically, sorted by file name", async () => {
  await withDir({
    "b2_second.ts": migration("b2", "a1"),
    "a1_first.ts": migration("a1", null),
    "c3_merge.ts": `export const revision = "c3";
export const downRevision: string | string[] | null = ["a1", "b2"];
export const dependsOn = "a1";
export const branchLabels = ["x"];
export const transactional = false;
export async function upgrade() {}
`,
  }, async (dir) => {
    const scripts = await discoverScripts(dir);
    assert.deepEqual(scripts.map((s) => s.revision), ["a1", "b2", "c3"]);
    assert.deepEqual(scripts[0], {
      revision: "a1",
      downRevisions: [],
      dependsOn: [],
      branchLabels: [],
      message: "m a1",
      transactional: true,
      path: join(dir, "a1_first.ts"),
      staticHeader: true,
      checksum: checksumText(migration("a1", null)),
    });
    const merge = scripts[2];
    assert.deepEqual(merge?.downRevisions, ["a1", "b2"]);
    assert.deepEqual(merge?.dependsOn, ["a1"]);
    assert.deepEqual(merge?.branchLabels, ["x"]);
    assert.equal(merge?.transactional, false);
    assert.equal(merge?.message, "");
  });
});

Deno.test("discoverScripts() ignores _*.ts, .*, *_test.ts, *.d.ts, other files and folders", async () => {
  await withDir({
    "a1_first.ts": migration("a1", null),
    "_helpers.ts": "throw new Error('must not be read');",
    ".hidden.ts": "throw new Error('must not be read');",
    "a1_first_test.ts": "throw new Error('must not be read');",
    "types.d.ts": "declare const x: number;",
    "notes.md": "# notes",
    "script.js": "throw new Error('must not be read');",
  }, async (dir) => {
    await Deno.mkdir(join(dir, "sub.ts"));
    const scripts = await discoverScripts(dir);
    assert.deepEqual(scripts.map((s) => s.revision), ["a1"]);
  });
  assert.equal(isMigrationFileName("x.ts"), true);
  assert.equal(isMigrationFileName("x.tsx"), false);
});

Deno.test("discoverScripts() imports a file whose header is computed", async () => {
  await withDir({
    "a1_first.ts": migration("a1", null),
    "b2_computed.ts": `const base = "b";
export const revision = base + "2";
export const downRevision = ["a", "1"].join("");
export const message = \`computed \${revision}\`;
export async function upgrade() {}
`,
  }, async (dir) => {
    const [first, computed] = await discoverScripts(dir);
    assert.equal(first?.staticHeader, true);
    assert.equal(computed?.staticHeader, false);
    assert.equal(computed?.revision, "b2");
    assert.deepEqual(computed?.downRevisions, ["a1"]);
    assert.equal(computed?.message, "computed b2");
  });
});

Deno.test("discoverScripts() throws a ScriptError with a hint when the directory is missing", async () => {
  await withDir({}, async (dir) => {
    const missing = join(dir, "nope");
    await assert.rejects(discoverScripts(missing), (err) => {
      assert(err instanceof ScriptError);
      assert.match(err.message, /Cannot read migrations directory ".*nope": it does not exist/);
      assert.ok(err.hint);
      assert.equal(err.exitCode, 2);
      return true;
    });
  });
});

Deno.test("discoverScripts() names the file that has no revision export", async () => {
  await withDir({
    "a1_first.ts": migration("a1", null),
    "helper.ts": "export function help() {}\nthrow new Error('must not be imported');\n",
  }, async (dir) => {
    await assert.rejects(discoverScripts(dir), (err) => {
      assert(err instanceof ScriptError);
      assert.equal(err.file, join(dir, "helper.ts"));
      assert.match(err.message, /"helper\.ts": it does not export "revision"/);
      return true;
    });
  });
});

Deno.test("discoverScripts() rejects a header export of the wrong type", async () => {
  await withDir(
    { "a1.ts": `export const revision = "a1";\nexport const downRevision = true;` },
    async (dir) => {
      await assert.rejects(
        discoverScripts(dir),
        /"downRevision" must be null, a revision id or an array of ids, got true/,
      );
    },
  );
});

Deno.test("discoverScripts() names the file when a fallback import fails", async () => {
  await withDir(
    { "a1.ts": `export const revision = make();\nexport const downRevision = null;` },
    async (dir) => {
      await assert.rejects(discoverScripts(dir), (err) => {
        assert(err instanceof ScriptError);
        assert.match(
          err.message,
          /Cannot load migration "a1\.ts" at line 1, column \d+: ReferenceError: make is not defined/,
        );
        return true;
      });
    },
  );
});

/** Revisions in the generated project: 2,000 by default, 10,000 with `STRATA_SOAK=1` (the bench times 10,000). */
const GENERATED = Deno.env.get("STRATA_SOAK") === "1" ? 10_000 : 2_000;

Deno.test(`discoverScripts() reads a generated ${GENERATED.toLocaleString("en-US")}-revision project`, async () => {
  await withDir({}, async (dir) => {
    const project = await generateProject(dir, GENERATED, { branches: 20 });
    const started = performance.now();
    const scripts = await discoverScripts(dir, { cacheDir: null });
    const ms = performance.now() - started;
    console.log(`discoverScripts(): ${GENERATED} files in ${ms.toFixed(0)} ms`);
    assert.equal(scripts.length, GENERATED);
    assert(scripts.every((s) => s.staticHeader));
    const byRevision = new Map(scripts.map((s) => [s.revision, s]));
    for (const r of project.revisions) {
      const s = byRevision.get(r.revision);
      const down = r.downRevision === null ? [] : [r.downRevision].flat();
      assert.deepEqual(s?.downRevisions, down);
      assert.equal(s?.message, r.message);
    }
    assert.equal(scripts.filter((s) => s.downRevisions.length === 2).length, 20);
  });
});
