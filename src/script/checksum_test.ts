import assert from "node:assert/strict";
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import {
  checksumFile,
  checksumMatches,
  checksumText,
  normalizeSource,
  sourceChecksums,
} from "./checksum.ts";
import { discoverScripts } from "./discover.ts";
import { withDir } from "./_test_util.ts";

const LF = 'export const revision = "a1";\nexport const downRevision = null;\n';

Deno.test("checksumFile() returns the CRC-32 of the normalized UTF-8 text, and any edit changes it", async () => {
  await withDir({ "a.ts": "abc\n", "b.ts": "abd\n" }, async (dir) => {
    // Reference value from zlib.crc32(b"abc\n").
    assert.equal(await checksumFile(join(dir, "a.ts")), "crc32n:4788814e");
    assert.notEqual(await checksumFile(join(dir, "b.ts")), await checksumFile(join(dir, "a.ts")));
    await assert.rejects(checksumFile(join(dir, "missing.ts")), ScriptError);
  });
});

Deno.test("checksumText() encodes non-ASCII text as UTF-8", () => {
  assert.equal(checksumText("é"), "crc32n:f3b81fb5"); // zlib.crc32("é\n".encode())
  assert.equal(checksumText(""), "crc32n:00000000");
  assert.equal(checksumText(" \n\r\n"), "crc32n:00000000");
});

Deno.test("checksumText() ignores CRLF line ends, a BOM and trailing blank space at the end", () => {
  const crlf = LF.replaceAll("\n", "\r\n");
  const variants = [
    crlf,
    LF.replaceAll("\n", "\r"),
    "\uFEFF" + LF,
    "\uFEFF" + crlf,
    LF.trimEnd(),
    LF + "\n\n",
    LF + "  \t\n",
    crlf + "\r\n",
  ];
  for (const v of variants) assert.equal(checksumText(v), checksumText(LF), JSON.stringify(v));
  // Edits that change the text are still edits.
  const edits = [
    LF.replace("a1", "a2"),
    LF.replace(";\n", "; \n"), // a space inside the file
    LF.replace("\n", "\n\n"), // a blank line inside the file
    "\t" + LF, // leading whitespace
    LF + "// note\n",
  ];
  for (const e of edits) assert.notEqual(checksumText(e), checksumText(LF), JSON.stringify(e));
});

Deno.test("normalizeSource() returns the very same string when the text is already normal", () => {
  assert.equal(normalizeSource(LF), LF);
  assert.equal(normalizeSource("x\r\ny  \n\n"), "x\ny\n");
  assert.equal(normalizeSource("\uFEFF"), "");
  assert.equal(normalizeSource("\n"), "");
});

Deno.test("sourceChecksums() keeps the old raw-text checksum only when normalizing changed the text", () => {
  assert.deepEqual(sourceChecksums(LF), { checksum: checksumText(LF) });
  // Strata 0.1.0 recorded `crc32:` of the raw text: "abc" gave crc32:352441c2.
  assert.deepEqual(sourceChecksums("abc"), {
    checksum: "crc32n:4788814e",
    legacyChecksum: "crc32:352441c2",
  });
});

Deno.test("checksumMatches() compares an old crc32: row with the old algorithm", () => {
  const crlf = LF.replaceAll("\n", "\r\n");
  // What Strata 0.1.0 stored for each file as it was when applied.
  const oldLf = "crc32:" + checksumText(LF).slice("crc32n:".length); // LF text is already normal
  const oldCrlf = sourceChecksums(crlf).legacyChecksum!;
  assert.ok(oldCrlf.startsWith("crc32:"));
  // An unchanged file matches its old row, whatever its line ends.
  assert.equal(checksumMatches(oldLf, sourceChecksums(LF)), true);
  assert.equal(checksumMatches(oldCrlf, sourceChecksums(crlf)), true);
  // Applied with LF, then converted to CRLF by git: still the same text.
  assert.equal(checksumMatches(oldLf, sourceChecksums(crlf)), true);
  assert.equal(checksumMatches(oldLf, sourceChecksums(LF + "\n\n")), true);
  // A real edit is an edit under either algorithm.
  const edited = sourceChecksums(LF + "// edited\n");
  assert.equal(checksumMatches(oldLf, edited), false);
  assert.equal(checksumMatches(checksumText(LF), edited), false);
  // New rows compare normalized checksums.
  assert.equal(checksumMatches(checksumText(LF), sourceChecksums(crlf)), true);
  assert.equal(checksumMatches(checksumText(LF), { checksum: checksumText("\uFEFF" + LF) }), true);
  // A prefix this version does not know never matches.
  assert.equal(checksumMatches("sha256:" + "0".repeat(64), sourceChecksums(LF)), false);
});

Deno.test("discoverScripts() gives each script the checksum of the text it read", async () => {
  await withDir(
    { "a1_x.ts": LF.replaceAll("\n", "\r\n"), "b2_y.ts": LF.replace("a1", "b2") },
    async (dir) => {
      const [a1, b2] = await discoverScripts(dir);
      assert.equal(a1?.checksum, checksumText(LF));
      assert.equal(a1?.checksum, await checksumFile(join(dir, "a1_x.ts")));
      assert.equal(a1?.legacyChecksum, sourceChecksums(LF.replaceAll("\n", "\r\n")).legacyChecksum);
      assert.equal(b2?.checksum, checksumText(LF.replace("a1", "b2")));
      assert.equal(b2 !== undefined && "legacyChecksum" in b2, false);
    },
  );
});
