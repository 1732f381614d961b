import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import { discoverScripts } from "./discover.ts";
import { loadModules } from "./load.ts";
import { migration, withDir } from "./_test_util.ts";
import type { Script } from "./script.ts";

function script(dir: string, name: string, revision: string, down: string[] = []): Script {
  return {
    revision,
    downRevisions: down,
    dependsOn: [],
    branchLabels: [],
    message: "",
    transactional: true,
    path: join(dir, name),
    staticHeader: true,
    checksum: "crc32:00000000",
  };
}

Deno.test("loadModules() imports every script, keyed by revision", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) {
    files[`r${i}.ts`] = migration(
      `r${i}`,
      i === 0 ? null : `r${i - 1}`,
      `export const index = ${i};`,
    );
  }
  await withDir(files, async (dir) => {
    const scripts = await discoverScripts(dir);
    const modules = await loadModules(scripts, { concurrency: 3 });
    assert.equal(modules.size, 40);
    const r7 = modules.get("r7") as unknown as { index: number; upgrade: unknown };
    assert.equal(r7.index, 7);
    assert.equal(typeof r7.upgrade, "function");
  });
});

Deno.test("loadModules() names the file and field when the module disagrees with its header", async () => {
  await withDir({ "b.ts": migration("b", "a") }, async (dir) => {
    const wrong = script(dir, "b.ts", "b", ["x"]);
    await assert.rejects(loadModules([wrong]), (err) => {
      assert(err instanceof ScriptError);
      assert.equal(err.file, join(dir, "b.ts"));
      assert.match(err.message, /"b\.ts": its "downRevision" is \["a"\] when imported but \["x"\]/);
      return true;
    });
  });
});

Deno.test("loadModules() names the file when it has a syntax error", async () => {
  await withDir({ "bad.ts": migration("bad", null, "export const = ;\n") }, async (dir) => {
    const [bad] = await discoverScripts(dir);
    assert.equal(bad?.staticHeader, true);
    await assert.rejects(loadModules([bad as Script]), (err) => {
      assert(err instanceof ScriptError);
      assert.equal(err.file, join(dir, "bad.ts"));
      assert.match(
        err.message,
        /^Cannot load migration "bad\.ts" at line \d+, column \d+: SyntaxError: /,
      );
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });
});

Deno.test("loadModules() names the file when it throws while loading", async () => {
  await withDir(
    { "boom.ts": migration("boom", null, 'throw new Error("boom\\nsecond line");\n') },
    async (dir) => {
      const scripts = await discoverScripts(dir);
      await assert.rejects(loadModules(scripts), (err) => {
        assert(err instanceof ScriptError);
        assert.match(
          err.message,
          /^Cannot load migration "boom\.ts" at line \d+, column \d+: boom$/,
        );
        return true;
      });
    },
  );
});

Deno.test("loadModules() rejects a module without an upgrade function", async () => {
  await withDir({
    "a.ts":
      `export const revision = "a";\nexport const downRevision = null;\nexport const upgrade = 1;\n`,
  }, async (dir) => {
    const scripts = await discoverScripts(dir);
    await assert.rejects(loadModules(scripts), /"a\.ts": it does not export an "upgrade" function/);
  });
});

Deno.test("loadModules() rejects the same revision twice", async () => {
  await withDir({ "a.ts": migration("a", null) }, async (dir) => {
    const a = script(dir, "a.ts", "a");
    await assert.rejects(loadModules([a, a]), /revision "a" is given twice/);
  });
});
