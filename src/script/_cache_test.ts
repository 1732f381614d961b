import assert from "node:assert/strict";
import { join } from "node:path";
import { discoverScripts } from "./discover.ts";
import { defaultCacheDir } from "./_cache.ts";
import { migration, withDir } from "./_test_util.ts";

const COUNT = 120; // the cache starts at 100 migrations

function project(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) {
    const rev = `r${String(i).padStart(3, "0")}`;
    files[`${rev}.ts`] = migration(rev, i === 0 ? null : `r${String(i - 1).padStart(3, "0")}`);
  }
  return files;
}

/** Sets every file's times a minute back, so the cache stores them (it skips files changed just now). */
function age(dir: string, seconds = 60): void {
  const then = new Date(Date.now() - seconds * 1000);
  for (const e of Deno.readDirSync(dir)) Deno.utimeSync(join(dir, e.name), then, then);
}

function cacheFile(cacheDir: string): string {
  const [name] = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
  if (!name?.startsWith("headers-")) throw new Error(`no cache file in ${cacheDir}`);
  return join(cacheDir, name);
}

/** Changes the stored message of one entry, so a later read shows whether the cache was used. */
function tamper(cacheDir: string, name: string, message: string): void {
  const file = cacheFile(cacheDir);
  const data = JSON.parse(Deno.readTextFileSync(file));
  data.entries[name][8] = message;
  Deno.writeTextFileSync(file, JSON.stringify(data));
}

Deno.test("discoverScripts() reads unchanged files from the header cache, and an edited file from disk", async () => {
  await withDir(project(), async (dir) => {
    const cacheDir = join(dir, ".cache");
    age(dir);
    const fresh = await discoverScripts(dir, { cacheDir });
    const uncached = await discoverScripts(dir, { cacheDir: null });
    assert.deepEqual(fresh, uncached);
    const stored = JSON.parse(Deno.readTextFileSync(cacheFile(cacheDir)));
    assert.equal(Object.keys(stored.entries).length, COUNT);

    // A second run takes the headers from the cache (a tampered entry shows it)...
    tamper(cacheDir, "r005.ts", "from the cache");
    const cached = await discoverScripts(dir, { cacheDir });
    assert.equal(cached[5]?.message, "from the cache");
    assert.deepEqual(
      cached.map((s) => ({ ...s, message: "" })),
      fresh.map((s) => ({ ...s, message: "" })),
    );

    // ...but not for a file edited since: same size, other text, a later modification time...
    const path = join(dir, "r005.ts");
    const before = Deno.statSync(path);
    Deno.writeTextFileSync(path, Deno.readTextFileSync(path).replace('"m r005"', '"m r5!!"'));
    Deno.utimeSync(path, new Date(), new Date(before.mtime!.getTime() + 1_000));
    assert.equal(Deno.statSync(path).size, before.size);
    const edited = await discoverScripts(dir, { cacheDir });
    assert.equal(edited[5]?.message, "m r5!!");
    assert.notEqual(edited[5]?.checksum, fresh[5]?.checksum);
    assert.deepEqual(edited[5], (await discoverScripts(dir, { cacheDir: null }))[5]);

    // ...or another size, even with the old modification time put back.
    tamper(cacheDir, "r006.ts", "from the cache");
    const old = Deno.statSync(join(dir, "r006.ts"));
    Deno.writeTextFileSync(join(dir, "r006.ts"), migration("r006", "r005", "// longer\n"));
    Deno.utimeSync(join(dir, "r006.ts"), old.atime!, old.mtime!);
    const again = await discoverScripts(dir, { cacheDir });
    assert.equal(again[6]?.message, "m r006");
    assert.equal(again[6]?.checksum, (await discoverScripts(dir, { cacheDir: null }))[6]?.checksum);
  });
});

Deno.test("discoverScripts() stores no file changed just now, and forgets removed files", async () => {
  await withDir(project(), async (dir) => {
    const cacheDir = join(dir, ".cache");
    age(dir);
    Deno.utimeSync(join(dir, "r010.ts"), new Date(), new Date());
    await discoverScripts(dir, { cacheDir });
    let entries = JSON.parse(Deno.readTextFileSync(cacheFile(cacheDir))).entries;
    assert.equal(Object.keys(entries).length, COUNT - 1);
    assert.equal(entries["r010.ts"], undefined);
    Deno.removeSync(join(dir, "r119.ts"));
    const scripts = await discoverScripts(dir, { cacheDir });
    assert.equal(scripts.length, COUNT - 1);
    entries = JSON.parse(Deno.readTextFileSync(cacheFile(cacheDir))).entries;
    assert.equal(entries["r119.ts"], undefined);
  });
});

Deno.test("discoverScripts() works without a cache when the cache directory cannot be made or read", async () => {
  await withDir(project(), async (dir) => {
    age(dir);
    const blocker = join(dir, "not-a-dir");
    Deno.writeTextFileSync(blocker, "");
    const expected = await discoverScripts(dir, { cacheDir: null });
    assert.deepEqual(await discoverScripts(dir, { cacheDir: join(blocker, "cache") }), expected);
    assert.deepEqual(await discoverScripts(dir, { cacheDir: join(blocker, "cache") }), expected);
    // A damaged cache file is ignored and replaced.
    const cacheDir = join(dir, ".cache");
    await discoverScripts(dir, { cacheDir });
    Deno.writeTextFileSync(cacheFile(cacheDir), "{ not json");
    assert.deepEqual(await discoverScripts(dir, { cacheDir }), expected);
    assert.equal(typeof JSON.parse(Deno.readTextFileSync(cacheFile(cacheDir))).entries, "object");
  });
});

Deno.test("discoverScripts() keeps no cache for a small directory", async () => {
  await withDir({ "a.ts": migration("a", null) }, async (dir) => {
    const cacheDir = join(dir, ".cache");
    age(dir);
    await discoverScripts(dir, { cacheDir });
    assert.throws(() => Deno.statSync(cacheDir), Deno.errors.NotFound);
  });
});

Deno.test("defaultCacheDir() follows STRATA_CACHE_DIR, XDG_CACHE_HOME and HOME; empty or none is off", () => {
  // An environment of its own: tests run in parallel in one process, so none changes Deno.env.
  const keys = ["STRATA_CACHE_DIR", "XDG_CACHE_HOME", "HOME"];
  const dirFor = (values: (string | undefined)[]) =>
    defaultCacheDir((name) => values[keys.indexOf(name)]);
  assert.equal(dirFor(["/c", "/x", "/h"]), "/c");
  assert.equal(dirFor(["", "/x", "/h"]), undefined);
  assert.equal(dirFor(["none", "/x", "/h"]), undefined);
  assert.equal(dirFor([undefined, "/x", "/h"]), "/x/strata");
  assert.equal(dirFor([undefined, undefined, "/h"]), "/h/.cache/strata");
  assert.equal(dirFor([undefined, undefined, undefined]), undefined);
});
