/**
 * An interrupted non-transactional migration (issue 9.3): killed half-way,
 * it leaves its start recorded; the next `upgrade head` stops with exit 1,
 * names it and says how to finish; `validate` lists it (and, on PostgreSQL,
 * the INVALID index it left); after the documented procedure the upgrade
 * goes through.
 *
 * PostgreSQL: SIGKILL during `CREATE INDEX CONCURRENTLY` on a table of
 * 200,000 rows. A second session holds an older snapshot, so the build waits
 * at its last phase (the index built, still marked INVALID) — the kill lands
 * there every time rather than by luck. The server notices the dead client
 * (client_connection_check_interval) and abandons the build.
 *
 * SQLite: SIGKILL between two statements of a non-transactional migration.
 *
 * The killed run is a process of its own; the commands after it run in this
 * process (`main()` with captured output).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../src/version.ts";
import { MAIN, makeProject, migrationSource, runCliInProcess, type TestDb } from "./_helpers.ts";
import { pgTestDb, sqliteTestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const C3 = "c3c3c3c3c3c3";
const NON_TX = "export const transactional = false;";

/** Starts `strata upgrade head`; resolves once `ready` holds, then SIGKILLs it. */
async function killWhen(
  args: string[],
  cwd: string,
  ready: () => Promise<boolean>,
): Promise<void> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", MAIN, ...args],
    cwd,
    env: { NO_COLOR: "1" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  child.status.then(() => (exited = true));
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (exited) assert.fail(`the run ended before the kill: ${await stderr}`);
    assert.ok(Date.now() < deadline, "the run never reached the point to kill it at");
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  await child.status;
  await stderr;
}

/** Exit code, and the `error:`/`hint:` lines. */
async function stopped(db: TestDb, cwd: string, extra: string[] = []) {
  const r = await runCliInProcess(["-u", db.url, ...extra, "upgrade", "head"], { cwd });
  const error = r.stderr.split("\n").find((l) => l.startsWith("error: ")) ?? "";
  const hint = r.stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";
  return { code: r.code, error, hint, show: `exit ${r.code}\n${r.stdout}${r.stderr}` };
}

Deno.test({
  name:
    "upgrade head after a SIGKILL during CREATE INDEX CONCURRENTLY stops, names the migration, and proceeds after the documented procedure",
  ignore: !hasPg(),
  async fn() {
    const p = await makeProject({
      "a1_big.ts": migrationSource(
        A1,
        null,
        `await op.createTable("big", { id: { type: "integer", primaryKey: true }, v: { type: "text" } });\n` +
          `await op.execute("INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 200000) g");`,
      ),
      "b2_index.ts": migrationSource(
        B2,
        A1,
        `await op.createIndex("ix_big_v", "big", ["v"], { concurrently: true });`,
        `await op.dropIndex("ix_big_v", { concurrently: true });`,
        NON_TX,
      ),
      "c3_after.ts": migrationSource(
        C3,
        B2,
        `await op.createTable("after", { id: { type: "integer" } });`,
      ),
    });
    const pg = await createPgDatabase("interrupt");
    const { default: postgres } = await import("npm:postgres@3.4.9");
    const watch = postgres(pg.url, { max: 2, onnotice: () => {} });
    let old: Awaited<ReturnType<typeof watch.reserve>> | undefined;
    try {
      const db = await pgTestDb(pg.url);
      assert.equal((await runCliInProcess(["-u", pg.url, "upgrade", A1], { cwd: p.dir })).code, 0);
      // An older snapshot holds the concurrent build at its last phase.
      old = await watch.reserve();
      await old`BEGIN ISOLATION LEVEL REPEATABLE READ`;
      await old`SELECT count(*) FROM big`;
      const app = `strata ${VERSION} upgrade`;
      await killWhen(
        ["-u", pg.url, "upgrade", "head"],
        p.dir,
        async () =>
          (await watch`SELECT 1 FROM pg_stat_activity WHERE application_name = ${app}
          AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock'`).length > 0,
      );
      // The server notices the dead client and abandons the build: an INVALID index stays.
      const deadline = Date.now() + 15_000;
      while ((await watch`SELECT 1 FROM pg_stat_activity WHERE application_name = ${app}`).length) {
        assert.ok(Date.now() < deadline, "the killed run's session lives on");
        await new Promise((r) => setTimeout(r, 100));
      }
      // Only now does the old snapshot end: the build never got past its wait.
      await old`COMMIT`;
      old.release();
      old = undefined;
      const valid =
        await watch`SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_big_v'::regclass`;
      assert.deepEqual(valid.map((r) => r.indisvalid), [false]);
      // The next deploy stops, naming the migration and the way out.
      const s = await stopped(db, p.dir);
      assert.equal(s.code, 1, s.show);
      assert.match(
        s.error,
        new RegExp(
          `^error: Cannot migrate: upgrade ${B2} \\("m ${B2}"\\) started at .+ and never finished`,
        ),
        s.show,
      );
      assert.match(s.hint, new RegExp(`strata stamp ${B2}\`; if not, .*\`strata stamp ${A1}\``));
      assert.deepEqual(await db.versions(), [A1], "nothing moved");

      // validate lists the interrupted step and the INVALID index with its fix.
      const v = await runCliInProcess(["-u", pg.url, "validate"], { cwd: p.dir });
      assert.equal(v.code, 3, v.stdout + v.stderr);
      assert.match(v.stdout, new RegExp(`finding: upgrade ${B2} .* never finished`));
      assert.match(v.stdout, /finding: index ix_big_v is INVALID/);
      assert.match(v.stdout, /DROP INDEX CONCURRENTLY ix_big_v/);

      // The documented procedure: it did not finish, so undo it and record that.
      await watch.unsafe("DROP INDEX CONCURRENTLY ix_big_v");
      const stamp = await runCliInProcess(["-u", pg.url, "stamp", A1], { cwd: p.dir });
      assert.equal(stamp.code, 0, stamp.stderr);
      const up = await runCliInProcess(["-u", pg.url, "upgrade", "head"], { cwd: p.dir });
      assert.equal(up.code, 0, up.stderr);
      assert.deepEqual(await db.versions(), [C3]);
      const after =
        await watch`SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_big_v'::regclass`;
      assert.deepEqual(after.map((r) => r.indisvalid), [true]);
      const ok = await runCliInProcess(["-u", pg.url, "validate"], { cwd: p.dir });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      const history = await db.query(
        `SELECT direction FROM strata_history WHERE revision = '${B2}' ORDER BY id`,
      );
      assert.deepEqual(history.map((r) => r.direction), ["up-start", "unstamp", "up-start", "up"]);
    } finally {
      if (old) {
        await old`ROLLBACK`.catch(() => {});
        old.release();
      }
      await watch.end({ timeout: 1 });
      await pg.drop();
      await p.cleanup();
    }
  },
});

Deno.test("SQLite: upgrade head after a SIGKILL inside a non-transactional migration stops until stamped", async () => {
  const p = await makeProject({
    "a1_base.ts": migrationSource(
      A1,
      null,
      `await op.createTable("ta", { id: { type: "integer" } });`,
    ),
    "b2_steps.ts": migrationSource(
      B2,
      A1,
      `await op.createTable("half", { id: { type: "integer" } });\n` +
        `await new Promise((r) => setTimeout(r, 60000));\n` +
        `await op.createTable("other_half", { id: { type: "integer" } });`,
      "",
      NON_TX,
    ),
  });
  const path = join(p.dir, "app.db");
  const db = sqliteTestDb(path);
  try {
    assert.equal((await runCliInProcess(["-u", db.url, "upgrade", A1], { cwd: p.dir })).code, 0);
    await killWhen(["-u", db.url, "upgrade", "head"], p.dir, async () => {
      try {
        return (await db.tables()).includes("half");
      } catch {
        return false; // the database is busy
      }
    });
    const s = await stopped(db, p.dir);
    assert.equal(s.code, 1, s.show);
    assert.match(
      s.error,
      new RegExp(`upgrade ${B2} \\("m ${B2}"\\) started at .+ and never finished`),
    );
    // pending says so too (exit 3), with the same way out.
    const pending = await runCliInProcess(["-u", db.url, "pending"], { cwd: p.dir });
    assert.equal(pending.code, 3, pending.stdout + pending.stderr);
    assert.match(pending.stdout, new RegExp(`^${B2}  m ${B2}$`, "m"));
    assert.match(pending.stdout, /finding: upgrade .* never finished/);
    // Downgrades wait too: what the migration did is unknown.
    const down = await runCliInProcess(["-u", db.url, "downgrade", "base"], { cwd: p.dir });
    assert.equal(down.code, 1, down.stderr);
    // Undo its half, record that it did not run, and go on.
    await db.query("DROP TABLE half");
    assert.equal((await runCliInProcess(["-u", db.url, "stamp", A1], { cwd: p.dir })).code, 0);
    const again = await runCliInProcess(
      ["-u", db.url, "--statement-lock-timeout", "1", "pending"],
      {
        cwd: p.dir,
      },
    );
    assert.equal(again.code, 3, "still pending, no longer interrupted");
    assert.doesNotMatch(again.stdout, /finding:/);
  } finally {
    await p.cleanup();
  }
});
