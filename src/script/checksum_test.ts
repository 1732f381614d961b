import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import { checksumFile } from "./checksum.ts";
import { withDir } from "./_test_util.ts";

Deno.test("checksumFile() returns the sha-256 hex of the bytes", async () => {
  await withDir({ "a.ts": "abc", "b.ts": "abc\n" }, async (dir) => {
    assert.equal(
      await checksumFile(join(dir, "a.ts")),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.notEqual(await checksumFile(join(dir, "b.ts")), await checksumFile(join(dir, "a.ts")));
    await assert.rejects(checksumFile(join(dir, "missing.ts")), ScriptError);
  });
});
