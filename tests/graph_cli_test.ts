/**
 * Graph fidelity and messages end to end (issue 9 items 11–14): the CLI run in
 * this process (`main()` with captured output), asserting on the database's
 * version rows and tables, on exit codes and on every printed line.
 */
import assert from "node:assert/strict";
import { eachDialect, makeProject, migrationSource, runCliInProcess } from "./_helpers.ts";

const A = "a0a0a0a0a0a0";
const B = "b0b0b0b0b0b0";
const C = "c0c0c0c0c0c0";

/** `a ← b`, `a ← c`, where `c` also depends on `b`. Each creates a table. */
const DEPENDS: Record<string, string> = {
  "a_base.ts": migrationSource(
    A,
    null,
    `await op.execute("CREATE TABLE ta (id integer)");`,
    `await op.execute("DROP TABLE ta");`,
  ),
  "b_side.ts": migrationSource(
    B,
    A,
    `await op.execute("CREATE TABLE tb (id integer)");`,
    `await op.execute("DROP TABLE tb");`,
  ),
  "c_main.ts": migrationSource(
    C,
    A,
    `await op.execute("CREATE TABLE tc (id integer)");`,
    `await op.execute("DROP TABLE tc");`,
    `export const dependsOn = ["${B}"];`,
  ),
};

/** Lines of `text`, split at every line break a terminal or psql honours. */
function lines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => l !== "");
}

Deno.test("cli downgrade and show current follow Alembic across a dependsOn", async (t) => {
  const p = await makeProject(DEPENDS);
  try {
    await eachDialect(t, p.dir, async (db) => {
      const cli = (...args: string[]) => runCliInProcess(["-u", db.url, ...args], { cwd: p.dir });
      let r = await cli("show", "current");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, "(base: no revision)\n");

      r = await cli("upgrade", "heads");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), [C]);

      // show current: the current revision in full (it was an empty line).
      r = await cli("show", "current");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Rev: ${C} \\(head\\)\\n`));
      assert.match(r.stdout, new RegExp(`\\nAlso depends on: ${B}\\n`));

      // Issue 9.13: b is applied only as c's dependency; Alembic refuses.
      r = await cli("downgrade", B);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.deepEqual(lines(r.stderr), [
        `error: Cannot downgrade to "${B}": it is not a valid downgrade target from the current heads (${C})`,
        `hint: "${B}" is applied only as a dependency of "${C}"; downgrade that branch first, e.g. \`strata downgrade ${C}@-1\``,
      ]);
      assert.deepEqual(await db.versions(), [C]);
      assert.deepEqual(await db.tables(), ["ta", "tb", "tc"]);

      // Issue 9.12: b@-1 steps down b's line from the tip c absorbed: to a.
      r = await cli("downgrade", `${B}@-1`);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), [A]);
      assert.deepEqual(await db.tables(), ["ta"]);
      r = await cli("show", "current");
      assert.match(r.stdout, new RegExp(`^Rev: ${A}\\n`));
    });
  } finally {
    await p.cleanup();
  }
});

/** A migration whose message export is `message` (written as a JSON string). */
function withMessage(rev: string, down: string | null, message: string): string {
  return migrationSource(rev, down, "", "").replace(
    `export const message = "m ${rev}";`,
    `export const message = ${JSON.stringify(message)};`,
  );
}

Deno.test("cli prints a message with line breaks, or none, on one line everywhere", async () => {
  const p = await makeProject({
    "a_base.ts": withMessage(A, null, "first line\nsecond line"),
    "b_side.ts": withMessage(B, A, ""),
    "c_main.ts": withMessage(C, A, "note\rDROP TABLE users;"),
  });
  try {
    const url = `sqlite:${p.dir}/app.db`;
    const cli = (...args: string[]) => runCliInProcess(["-u", url, ...args], { cwd: p.dir });
    // Step lines: one per migration, each message on its line.
    let r = await cli("pending", "heads");
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(lines(r.stdout), [
      `${A}  first line second line`,
      `${B}  (no message)`,
      `${C}  note DROP TABLE users;`,
    ]);
    r = await cli("upgrade", "heads");
    assert.equal(r.code, 0, r.stderr);
    const steps = lines(r.stdout).filter((l) => !l.startsWith("Applied "));
    assert.deepEqual(steps.map((l) => l.replace(/ \(\d+ ms\)$/, "")), [
      `upgrade <base> -> ${A}, first line second line`,
      `upgrade ${A} -> ${B}, (no message)`,
      `upgrade ${A} -> ${C}, note DROP TABLE users;`,
    ]);
    r = await cli("history");
    assert.deepEqual(lines(r.stdout), [
      `${A} -> ${C} (head), note DROP TABLE users;`,
      `${A} -> ${B} (head), (no message)`,
      `<base> -> ${A} (branchpoint), first line second line`,
    ]);
    r = await cli("branches");
    assert.deepEqual(lines(r.stdout), [
      `${A} (branchpoint)`,
      `  -> ${B} (head), (no message)`,
      `  -> ${C} (head), note DROP TABLE users;`,
    ]);
    r = await cli("show", A);
    assert.equal(lines(r.stdout).at(-1), "    first line second line");
    // An offline script: a line break in a message must not end the SQL
    // comment (psql ends `--` comments at \r as well as \n).
    r = await runCliInProcess([
      "-d",
      p.migrations,
      "upgrade",
      "heads",
      "--sql",
      "--dialect",
      "postgres",
    ], {
      cwd: p.dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const comments = lines(r.stdout).filter((l) => l.includes("Running upgrade"));
    assert.deepEqual(comments, [
      `-- Running upgrade <base> -> ${A}: first line second line`,
      `-- Running upgrade ${A} -> ${B}: (no message)`,
      `-- Running upgrade ${A} -> ${C}: note DROP TABLE users;`,
    ]);
    assert.ok(!lines(r.stdout).some((l) => /^(second line|DROP TABLE)/.test(l)), r.stdout);
    // --json keeps the message as written.
    r = await cli("--json", "history");
    const json = JSON.parse(r.stdout) as { history: { message: string }[] };
    assert.deepEqual(json.history.map((h) => h.message), [
      "note\rDROP TABLE users;",
      "",
      "first line\nsecond line",
    ]);
  } finally {
    await p.cleanup();
  }
});

Deno.test("cli revision --rev-id refuses an id whose file discovery would skip", async () => {
  const p = await makeProject({});
  try {
    const r = await runCliInProcess(["revision", "-m", "x", "--rev-id", "_hidden"], { cwd: p.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: Invalid revision id "_hidden"/);
    assert.deepEqual([...Deno.readDirSync(p.migrations)], []);
  } finally {
    await p.cleanup();
  }
});
