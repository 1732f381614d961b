/**
 * End-to-end tests: the CLI against a SQLite file and a real PostgreSQL
 * database, asserting on the database (tables, version rows), not only on
 * printed text. The CLI runs in this process (`main()` with captured
 * output), except the failing-migration case, which runs `main.ts` as a
 * subprocess: the real entry point's exit code and stderr.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { eachDialect, makeProject, migrationSource, runCli, runCliInProcess } from "./_helpers.ts";

/** A diamond: base a1 → b2 → (c3 | d4) → merge e5. Each creates a table. */
const DIAMOND: Record<string, string> = {
  "a1_base.ts": migrationSource(
    "a1a1a1a1a1a1",
    null,
    `await op.execute("CREATE TABLE ta (id integer)");`,
    `await op.execute("DROP TABLE ta");`,
  ),
  "b2_next.ts": migrationSource(
    "b2b2b2b2b2b2",
    "a1a1a1a1a1a1",
    `await op.execute("CREATE TABLE tb (id integer)");`,
    `await op.execute("DROP TABLE tb");`,
  ),
  "c3_left.ts": migrationSource(
    "c3c3c3c3c3c3",
    "b2b2b2b2b2b2",
    `await op.execute("CREATE TABLE tc (id integer)");`,
    `await op.execute("DROP TABLE tc");`,
  ),
  "d4_right.ts": migrationSource(
    "d4d4d4d4d4d4",
    "b2b2b2b2b2b2",
    `await op.execute("CREATE TABLE td (id integer)");`,
    `await op.execute("DROP TABLE td");`,
  ),
  "e5_merge.ts": migrationSource("e5e5e5e5e5e5", ["c3c3c3c3c3c3", "d4d4d4d4d4d4"], ``, ``),
};

Deno.test("cli upgrade/downgrade/stamp/current walk a diamond graph on every database", async (t) => {
  const p = await makeProject(DIAMOND);
  try {
    await eachDialect(t, p.dir, async (db) => {
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });

      let r = await cli("upgrade", "c3c3");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["c3c3c3c3c3c3"]);
      assert.deepEqual(await db.tables(), ["ta", "tb", "tc"]);

      // two heads at once: apply the other branch
      r = await cli("upgrade", "d4d4");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["c3c3c3c3c3c3", "d4d4d4d4d4d4"]);

      r = await cli("current");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /c3c3c3c3c3c3/);
      assert.match(r.stdout, /d4d4d4d4d4d4/);

      // the database at two heads upgraded to the merge
      r = await cli("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["e5e5e5e5e5e5"]);
      assert.match(r.stdout, /upgrade c3c3c3c3c3c3, d4d4d4d4d4d4 -> e5e5e5e5e5e5/);

      // no-op upgrade
      r = await cli("upgrade", "head");
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Nothing to do/);

      // downgrade out of the merge to one parent keeps the other parent's row
      r = await cli("downgrade", "c3c3c3c3c3c3");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["c3c3c3c3c3c3", "d4d4d4d4d4d4"]);

      // -1 with two heads is refused, and the database is unchanged
      r = await cli("downgrade", "-1");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^error: .*/m);
      assert.match(r.stderr, /c3c3c3c3c3c3.*d4d4d4d4d4d4|d4d4d4d4d4d4.*c3c3c3c3c3c3/);
      assert.deepEqual(await db.versions(), ["c3c3c3c3c3c3", "d4d4d4d4d4d4"]);

      r = await cli("downgrade", "base");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), []);
      assert.deepEqual(await db.tables(), []);

      // stamp sets rows without running anything
      r = await cli("stamp", "heads");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["e5e5e5e5e5e5"]);
      assert.deepEqual(await db.tables(), []);
      r = await cli("stamp", "base");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), []);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("cli (subprocess) leaves the database at the previous revision when a migration throws", async (t) => {
  const p = await makeProject({
    "a1.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      `await op.execute("CREATE TABLE ok1 (id integer)");`,
    ),
    "b2.ts": migrationSource(
      "b2b2b2b2b2b2",
      "a1a1a1a1a1a1",
      `await op.execute("CREATE TABLE half (id integer)");\nthrow new Error("boom half-way");`,
    ),
  });
  try {
    await eachDialect(t, p.dir, async (db) => {
      const r = await runCli(["-u", db.url, "upgrade", "head"], { cwd: p.dir });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: Upgrade b2b2b2b2b2b2 .*boom half-way/m);
      assert.doesNotMatch(r.stderr, /\n\s+at /); // no stack trace
      assert.deepEqual(await db.versions(), ["a1a1a1a1a1a1"]);
      assert.deepEqual(await db.tables(), ["ok1"]);
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("cli revision and merge write files that form the graph heads/history show", async () => {
  const p = await makeProject();
  try {
    const cli = (...args: string[]) => runCliInProcess(args, { cwd: p.dir });
    let r = await cli("revision", "-m", "create things", "--rev-id", "aaa111");
    assert.equal(r.code, 0, r.stderr);
    r = await cli("revision", "-m", "left side", "--rev-id", "bbb222");
    assert.equal(r.code, 0, r.stderr);
    r = await cli("revision", "-m", "right side", "--head", "aaa111", "--rev-id", "ccc333");
    assert.equal(r.code, 0, r.stderr);
    const files = [...Deno.readDirSync(p.migrations)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "aaa111_create_things.ts",
      "bbb222_left_side.ts",
      "ccc333_right_side.ts",
    ]);

    r = await cli("heads");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n").map((l) => l.split(" ")[0]).sort(), [
      "bbb222",
      "ccc333",
    ]);

    // a plain revision is refused with two heads
    r = await cli("revision", "-m", "ambiguous");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: /m);

    r = await cli("merge", "heads", "-m", "join", "--rev-id", "ddd444");
    assert.equal(r.code, 0, r.stderr);
    r = await cli("--json", "heads");
    assert.deepEqual(JSON.parse(r.stdout).heads.map((h: { revision: string }) => h.revision), [
      "ddd444",
    ]);

    r = await cli("history");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bbb222, ccc333 -> ddd444 \(head\) \(mergepoint\), join/);
    assert.match(r.stdout, /<base> -> aaa111 \(branchpoint\), create things/);

    // the written files really run
    const db = join(p.dir, "x.db");
    r = await cli("-u", `sqlite:${db}`, "upgrade", "head");
    assert.equal(r.code, 0, r.stderr);
    r = await cli("-u", `sqlite:${db}`, "current");
    assert.match(r.stdout, /^ddd444 \(head\)/);
  } finally {
    await p.cleanup();
  }
});

Deno.test("cli demo migrations upgrade to head and back to an empty schema", async (t) => {
  const p = await makeProject("demo");
  try {
    await eachDialect(t, p.dir, async (db) => {
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      let r = await cli("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), ["e3a90c6b1f57"]);
      assert.deepEqual(await db.tables(), [
        "canned_replies",
        "conversations",
        "messages",
        "users",
      ]);
      const users = await db.query("SELECT email, status FROM users ORDER BY email");
      assert.deepEqual(users.map((u) => [u.email, u.status]), [["help@chat.example", "active"], [
        "system@chat.example",
        "active",
      ]]);
      const replies = await db.query("SELECT slug FROM canned_replies ORDER BY slug");
      assert.deepEqual(replies.map((x) => x.slug), ["closing", "escalate", "greeting"]);
      r = await cli("downgrade", "base");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.tables(), []);
      assert.deepEqual(await db.versions(), []);
    });
  } finally {
    await p.cleanup();
  }
});
