/**
 * Checksums end to end (issue 9 item 6): a checkout that only changes line
 * ends, adds a byte-order mark or trailing newlines does not mark applied
 * migrations as edited, on history rows written now and on `crc32:` rows an
 * older Strata wrote; a real edit is still found. Real files, the CLI run in
 * this process (`main()` with captured output), SQLite and PostgreSQL. Only
 * `validate` runs after an edit, and it reads the files' text, never imports
 * them (a module stays cached by its path in this process).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { eachDialect, makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";

const FILES: Record<string, string> = {
  "a1_base.ts": migrationSource(
    A1,
    null,
    `await op.execute("CREATE TABLE ta (id integer)");`,
    `await op.execute("DROP TABLE ta");`,
  ),
  "b2_next.ts": migrationSource(
    B2,
    A1,
    `await op.execute("CREATE TABLE tb (id integer)");`,
    `await op.execute("DROP TABLE tb");`,
  ),
};

/** What git `core.autocrlf`, an editor's BOM and a stray newline do to a file. */
function checkoutNoise(text: string): string {
  return "\uFEFF" + text.replaceAll("\n", "\r\n") + "\r\n\r\n";
}

Deno.test("validate accepts line-end, BOM and trailing-newline changes on new and old history rows", async (t) => {
  const p = await makeProject(FILES);
  const files = (name: string) => join(p.migrations, name);
  try {
    await eachDialect(t, p.dir, async (db) => {
      for (const [name, text] of Object.entries(FILES)) await Deno.writeTextFile(files(name), text);
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      let r = await cli("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      const stored = await db.query("SELECT checksum FROM strata_history ORDER BY id");
      assert.ok(stored.every((row) => String(row.checksum).startsWith("crc32n:")));

      // Rows written now: the noisy checkout is not an edit.
      for (const [name, text] of Object.entries(FILES)) {
        await Deno.writeTextFile(files(name), checkoutNoise(text));
      }
      r = await cli("validate");
      assert.equal(r.code, 0, r.stdout + r.stderr);

      // Rows as Strata 0.1.0 wrote them: `crc32:` of the raw text applied (LF).
      for (const [rev, name] of [[A1, "a1_base.ts"], [B2, "b2_next.ts"]] as const) {
        const old = `crc32:${crc32(FILES[name]!).toString(16).padStart(8, "0")}`;
        await db.query(`UPDATE strata_history SET checksum = '${old}' WHERE revision = '${rev}'`);
      }
      r = await cli("validate");
      assert.equal(r.code, 0, r.stdout + r.stderr); // CRLF + BOM now, LF when applied
      await Deno.writeTextFile(files("a1_base.ts"), FILES["a1_base.ts"]!);
      r = await cli("validate");
      assert.equal(r.code, 0, r.stdout + r.stderr); // byte for byte what was applied

      // A real edit is found against either kind of row.
      await Deno.writeTextFile(files("a1_base.ts"), FILES["a1_base.ts"]! + "// edited\n");
      await Deno.writeTextFile(files("b2_next.ts"), FILES["b2_next.ts"]!.replace("tb", "tb2"));
      await db.query(
        `UPDATE strata_history SET checksum = 'crc32n:00000000' WHERE revision = '${B2}'`,
      );
      r = await cli("validate");
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`revision ${A1} was edited`));
      assert.match(r.stdout, new RegExp(`revision ${B2} was edited`));
    });
  } finally {
    await p.cleanup();
  }
});
