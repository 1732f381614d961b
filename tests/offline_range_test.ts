/**
 * `--sql` from a database at two heads: FROM may list several revisions. The
 * CLI runs in this process (`main()`); the script runs in the `sqlite3` shell.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeProject, runCliInProcess, sqliteTestDb } from "./_helpers.ts";

Deno.test("upgrade --sql with FROM naming two heads writes the merge for a database at both", async () => {
  const p = await makeProject("demo");
  try {
    const path = join(p.dir, "app.db");
    const db = sqliteTestDb(path);
    let r = await runCliInProcess(["-u", `sqlite:${path}`, "upgrade", "heads"], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    r = await runCliInProcess(["-u", `sqlite:${path}`, "downgrade", "9b6e03f18c2d"], {
      cwd: p.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await db.versions(), ["9b6e03f18c2d", "d14f8e2b6a95"]);

    r = await runCliInProcess(["upgrade", "9b6e,d14f:head", "--sql", "--dialect", "sqlite"], {
      cwd: p.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /CREATE TABLE users/); // nothing before FROM is written
    assert.match(r.stdout, /DELETE FROM strata_version WHERE version_num = '9b6e03f18c2d';/);

    const script = join(p.dir, "up.sql");
    await Deno.writeTextFile(script, r.stdout);
    const out = await new Deno.Command("sqlite3", {
      args: ["-bail", path, `.read ${script}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.deepEqual(await db.versions(), ["e3a90c6b1f57"]);
  } finally {
    await p.cleanup();
  }
});
