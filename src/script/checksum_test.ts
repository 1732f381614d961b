import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import { checksumFile, checksumText } from "./checksum.ts";
import { discoverScripts } from "./discover.ts";
import { withDir } from "./_test_util.ts";

Deno.test("checksumFile() returns the CRC-32 of the UTF-8 text, and any edit changes it", async () => {
  await withDir({ "a.ts": "abc", "b.ts": "abc\n" }, async (dir) => {
    // Reference values from zlib.crc32.
    assert.equal(await checksumFile(join(dir, "a.ts")), "crc32:352441c2");
    assert.notEqual(await checksumFile(join(dir, "b.ts")), await checksumFile(join(dir, "a.ts")));
    await assert.rejects(checksumFile(join(dir, "missing.ts")), ScriptError);
  });
});

Deno.test("checksumText() encodes non-ASCII text as UTF-8", () => {
  assert.equal(checksumText("é"), "crc32:0e048d3e");
  assert.equal(checksumText(""), "crc32:00000000");
});

Deno.test("discoverScripts() gives each script the checksum of its file", async () => {
  const text = 'export const revision = "a1";\nexport const downRevision = null;\n';
  await withDir({ "a1_x.ts": text }, async (dir) => {
    const [script] = await discoverScripts(dir);
    assert.equal(script?.checksum, checksumText(text));
    assert.equal(script?.checksum, await checksumFile(join(dir, "a1_x.ts")));
  });
});
