import assert from "node:assert/strict";
import { join } from "node:path";
import { entryFileName, entrySource, importThroughEntry } from "./_entry.ts";

Deno.test("entryFileName() names an entry module by its text: the same migrations, the same name", async () => {
  const a = entrySource(["file:///p/a1.ts", "file:///p/b2.ts"]);
  const b = entrySource(["file:///p/a1.ts", "file:///p/c3.ts"]);
  assert.equal(await entryFileName(a), await entryFileName(a));
  assert.notEqual(await entryFileName(a), await entryFileName(b));
  assert.match(await entryFileName(a), /^strata-entry-[0-9a-f]{24}\.mjs$/);
});

Deno.test("importThroughEntry() writes the entry under its stable name and leaves nothing behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "strata-entry-test-" });
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  try {
    const paths = ["a.ts", "b.ts"].map((f) => join(dir, f));
    await Deno.writeTextFile(paths[0]!, 'export const revision = "a";\n');
    // The second file records the entry modules present while it loads.
    await Deno.writeTextFile(
      paths[1]!,
      `export const revision = "b";\nexport const seen = [...Deno.readDirSync(${
        JSON.stringify(tmp)
      })].map((e) => e.name);\n`,
    );
    const namespaces = await importThroughEntry(paths, tmp);
    assert.deepEqual(namespaces?.map((m) => m.revision), ["a", "b"]);
    const urls = paths.map((p) => new URL(`file://${p}`).href);
    assert.deepEqual(namespaces?.[1]?.seen, [await entryFileName(entrySource(urls))]);
    assert.deepEqual([...Deno.readDirSync(tmp)], [], "removed after the import");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
