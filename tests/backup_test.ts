/**
 * `upgrade --backup` (issue 5): on a SQLite file it first writes a
 * consistent copy beside the database (VACUUM INTO), prints its path, and the
 * copy opens at the previous revision; restoring it as the README says brings
 * the database back. The CLI runs in this process (`main()`).
 */
import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import {
  makeProject,
  migrationSource,
  pgTestDb,
  runCliInProcess,
  sqliteTestDb,
} from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";

const FILES: Record<string, string> = {
  "a1_items.ts": migrationSource(
    A1,
    null,
    `await op.createTable("items", { id: { type: "integer", primaryKey: true }, name: { type: "text" } });\n` +
      `await op.bulkInsert("items", [{ id: 1, name: "apple" }, { id: 2, name: "pear" }]);`,
    `await op.dropTable("items");`,
  ),
  "b2_more.ts": migrationSource(
    B2,
    A1,
    `await op.addColumn("items", "price", { type: "integer" });\n` +
      `await op.execute("UPDATE items SET price = id * 10");\n` +
      `await op.execute("DELETE FROM items WHERE id = 2");`,
    `await op.dropColumn("items", "price");`,
  ),
};

Deno.test("upgrade --backup copies the SQLite file first; the copy is at the previous revision", async () => {
  const p = await makeProject(FILES);
  try {
    const path = join(p.dir, "app.db");
    const db = sqliteTestDb(path);
    const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });

    let r = await cli("upgrade", A1);
    assert.equal(r.code, 0, r.stderr);

    r = await cli("upgrade", "head", "--backup");
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split("\n").find((l) => l.startsWith("Backup written to "));
    assert.ok(line, r.stdout);
    const backup = line.slice("Backup written to ".length);
    assert.equal(dirname(backup), p.dir, "the backup sits beside the database");
    assert.match(basename(backup), /^app\.db\.\d{8}T\d{6}(-\d+)?\.bak$/);
    // The backup line comes before the first step.
    assert.ok(r.stdout.indexOf("Backup written") < r.stdout.indexOf(`-> ${B2}`), r.stdout);

    const names = [...Deno.readDirSync(p.dir)].map((e) => e.name);
    assert.deepEqual(names.filter((n) => n.includes(".partial")), [], "no partial copy left");
    const copy = sqliteTestDb(backup);
    const plain = async (sql: string) => (await copy.query(sql)).map((r) => ({ ...r }));
    assert.deepEqual(await plain("PRAGMA integrity_check"), [{ integrity_check: "ok" }]);
    assert.deepEqual(await copy.versions(), [A1]);
    assert.deepEqual(await plain("SELECT id, name FROM items ORDER BY id"), [
      { id: 1, name: "apple" },
      { id: 2, name: "pear" },
    ]);
    assert.deepEqual(await db.versions(), [B2]);

    // Nothing pending: no backup.
    r = await cli("upgrade", "head", "--backup");
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Backup written/);

    // Restore as the README says: replace the file, drop -wal/-shm.
    await Deno.copyFile(backup, path);
    for (const s of ["-wal", "-shm"]) await Deno.remove(path + s).catch(() => {});
    r = await cli("current");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(A1));
    assert.equal((await db.query("SELECT count(*) AS n FROM items"))[0]!.n, 2);
    // And upgrading again works from there.
    r = await cli("upgrade", "head");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await db.versions(), [B2]);
  } finally {
    await p.cleanup();
  }
});

Deno.test({
  name: "upgrade --backup on PostgreSQL refuses before changing anything",
  ignore: !hasPg(),
}, async () => {
  const p = await makeProject(FILES);
  const pg = await createPgDatabase("backup");
  try {
    const r = await runCliInProcess(["-u", pg.url, "upgrade", "head", "--backup"], { cwd: p.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: --backup works only with a SQLite file database$/m);
    assert.match(r.stderr, /^hint: use pg_dump/m);
    const db = await pgTestDb(pg.url);
    assert.deepEqual(await db.tables(), []);
    // Also when nothing is pending: a deploy script learns on its first run.
    const up = await runCliInProcess(["-u", pg.url, "upgrade", "head"], { cwd: p.dir });
    assert.equal(up.code, 0, up.stderr);
    const again = await runCliInProcess(["-u", pg.url, "upgrade", "head", "--backup"], {
      cwd: p.dir,
    });
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /^error: --backup works only with a SQLite file database$/m);
  } finally {
    await pg.drop();
    await p.cleanup();
  }
});
