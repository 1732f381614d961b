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

/** Runs `fn` with a fresh empty directory for the entry modules (no process-wide TMPDIR change). */
async function withTempDir<T>(fn: (tmp: string) => Promise<T>): Promise<T> {
  const tmp = await Deno.makeTempDir({ prefix: "strata_tmpdir_" });
  try {
    return await fn(tmp);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

function entries(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name);
}

// Big enough that importing each file on its own would take many seconds.
const MANY = 2_000;

Deno.test(`loadModules() names a broken migration among ${MANY} with its line and column, and removes its entry module`, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < MANY; i++) {
    const rev = `r${String(i).padStart(4, "0")}`;
    const prev = i === 0 ? null : `r${String(i - 1).padStart(4, "0")}`;
    // r1234 has a syntax error on its line 6, column 19 (the ";").
    files[`${rev}.ts`] = migration(rev, prev, i === 1234 ? "export const x = (;\n" : "");
  }
  await withDir(files, async (dir) => {
    const scripts = await discoverScripts(dir, { cacheDir: null });
    assert.equal(scripts.length, MANY);
    await withTempDir(async (tmp) => {
      await assert.rejects(loadModules(scripts, { tempDir: tmp }), (err) => {
        assert(err instanceof ScriptError);
        assert.equal(err.file, join(dir, "r1234.ts"));
        assert.match(
          err.message,
          /^Cannot load migration "r1234\.ts" at line 6, column 19: SyntaxError: /,
        );
        return true;
      });
      assert.deepEqual(entries(tmp), [], "the entry module is removed after a failure");
      // Without the broken file, all the others load through one entry module.
      const good = scripts.filter((s) => s.revision !== "r1234");
      const modules = await loadModules(good, { tempDir: tmp });
      assert.equal(modules.size, MANY - 1);
      assert.equal(typeof modules.get("r1999")?.upgrade, "function");
      assert.deepEqual(entries(tmp), [], "the entry module is removed after a success");
    });
  });
});

Deno.test("loadModules() loads migrations that import a relative helper module", async () => {
  await withDir({
    "_helpers.ts": 'export const TABLE = "from_helper";\n',
    "a.ts": migration(
      "a",
      null,
      'import { TABLE } from "./_helpers.ts";\nexport const t = TABLE;\n',
    ),
    "b.ts": migration("b", "a", 'export { TABLE as t } from "./_helpers.ts";\n'),
  }, async (dir) => {
    const scripts = await discoverScripts(dir);
    const modules = await loadModules(scripts);
    for (const rev of ["a", "b"]) {
      assert.equal((modules.get(rev) as unknown as { t: string }).t, "from_helper");
    }
  });
});

Deno.test("loadModules() falls back to importing one by one when the temp directory is unusable", async () => {
  await withDir({ "a.ts": migration("a", null), "b.ts": migration("b", "a") }, async (dir) => {
    const scripts = await discoverScripts(dir);
    const modules = await loadModules(scripts, { tempDir: join(dir, "missing") });
    assert.deepEqual([...modules.keys()], ["a", "b"]);
  });
});
