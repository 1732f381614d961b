/**
 * Lock waits have an end (issue 9.4) and name who holds the lock (9.11).
 *
 * PostgreSQL: a migration's `ALTER TABLE` behind another session's open
 * transaction fails after `--statement-lock-timeout` with the table, the
 * blocking pid and its query; the session carries `application_name`
 * `strata <version> <command>`; and a Strata killed while its statement waits
 * leaves no session behind holding the migration lock
 * (`client_connection_check_interval`).
 *
 * SQLite: "database is locked" names the migration and whether a reader or a
 * writer holds the database.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../src/version.ts";
import { MAIN, makeProject, migrationSource, runCli, runCliInProcess } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";

const FILES = {
  "a1_base.ts": migrationSource(
    A1,
    null,
    `await op.createTable("ta", { id: { type: "integer", primaryKey: true } });\n` +
      `await op.bulkInsert("ta", [{ id: 1 }]);`,
  ),
  "b2_alter.ts": migrationSource(B2, A1, `await op.addColumn("ta", "v", { type: "text" });`),
};

/** A postgres.js client for the test's own sessions. */
async function client(url: string) {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  return postgres(url, { max: 2, onnotice: () => {}, connection: { application_name: "the-app" } });
}

Deno.test({
  name:
    "upgrade fails after --statement-lock-timeout behind an open transaction, naming the table and the blocker",
  ignore: !hasPg(),
  async fn() {
    const p = await makeProject(FILES);
    const pg = await createPgDatabase("lockwait");
    const app = await client(pg.url);
    let reserved: Awaited<ReturnType<typeof app.reserve>> | undefined;
    try {
      assert.equal((await runCliInProcess(["-u", pg.url, "upgrade", A1], { cwd: p.dir })).code, 0);
      // The application reads the table in a transaction it does not end.
      reserved = await app.reserve();
      const pid = (await reserved`SELECT pg_backend_pid() AS pid`)[0]?.pid;
      await reserved`BEGIN`;
      await reserved`SELECT id FROM ta WHERE id = 1`;
      const r = await runCliInProcess(["-u", pg.url, "--statement-lock-timeout", "1", "upgrade"], {
        cwd: p.dir,
      });
      const show = `exit ${r.code}\n${r.stdout}${r.stderr}`;
      assert.equal(r.code, 1, show);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 2, show);
      assert.match(
        lines[0]!,
        new RegExp(
          `^error: Upgrade ${B2} \\("m ${B2}"\\) failed at op\\.addColumn\\("ta", "v"\\): ` +
            `Waited more than 1 s for a lock on "ta" \\(AccessExclusiveLock\\), held by ` +
            `pid ${pid} \\("the-app", idle in transaction: SELECT id FROM ta WHERE id = 1\\)$`,
        ),
        show,
      );
      assert.match(lines[1]!, new RegExp(`^hint: .*pg_terminate_backend\\(${pid}\\)`), show);
      // Nothing changed, and the application's transaction is still there.
      const cols =
        await app`SELECT column_name FROM information_schema.columns WHERE table_name = 'ta'`;
      assert.deepEqual(cols.map((c) => c.column_name), ["id"]);
      const versions = await app`SELECT version_num FROM strata_version`;
      assert.deepEqual(versions.map((v) => v.version_num), [A1]);
      await reserved`COMMIT`;
      reserved.release();
      reserved = undefined;
      // With the transaction gone the same run goes through.
      const again = await runCliInProcess([
        "-u",
        pg.url,
        "--statement-lock-timeout",
        "1",
        "upgrade",
      ], {
        cwd: p.dir,
      });
      assert.equal(again.code, 0, again.stderr);
    } finally {
      reserved?.release();
      await app.end({ timeout: 1 });
      await pg.drop();
      await p.cleanup();
    }
  },
});

Deno.test({
  name:
    "a killed Strata leaves no waiting session holding the migration lock, and names itself while it runs",
  ignore: !hasPg(),
  async fn() {
    const p = await makeProject(FILES);
    const pg = await createPgDatabase("orphan");
    const app = await client(pg.url);
    let reserved: Awaited<ReturnType<typeof app.reserve>> | undefined;
    try {
      assert.equal((await runCliInProcess(["-u", pg.url, "upgrade", A1], { cwd: p.dir })).code, 0);
      reserved = await app.reserve();
      await reserved`BEGIN`;
      await reserved`SELECT id FROM ta`;
      // Strata waits for ever (0) behind the open transaction.
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--no-check",
          MAIN,
          "-u",
          pg.url,
          "--statement-lock-timeout",
          "0",
          "upgrade",
        ],
        cwd: p.dir,
        env: { NO_COLOR: "1" },
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).spawn();
      const name = `strata ${VERSION} upgrade`;
      const waiting = async () =>
        (await app`SELECT pid FROM pg_stat_activity WHERE application_name = ${name}
          AND wait_event_type = 'Lock'`).length;
      const until = async (test: () => Promise<boolean>, what: string, ms: number) => {
        const end = Date.now() + ms;
        while (!(await test())) {
          assert.ok(Date.now() < end, `timed out waiting until ${what}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await until(async () => (await waiting()) === 1, `"${name}" waits for the lock`, 20_000);
      child.kill("SIGKILL");
      await child.status;
      // The server notices the client is gone although its statement is still waiting.
      await until(
        async () =>
          (await app`SELECT pid FROM pg_stat_activity WHERE application_name = ${name}`).length ===
            0,
        "the orphaned session ends",
        10_000,
      );
      await reserved`COMMIT`;
      reserved.release();
      reserved = undefined;
      const r = await runCliInProcess(["-u", pg.url, "--lock-timeout", "2", "upgrade"], {
        cwd: p.dir,
      });
      assert.equal(r.code, 0, r.stderr);
    } finally {
      reserved?.release();
      await app.end({ timeout: 1 });
      await pg.drop();
      await p.cleanup();
    }
  },
});

Deno.test("SQLite: database is locked names the migration and a writer or a reader", async (t) => {
  const p = await makeProject(FILES);
  const path = join(p.dir, "app.db");
  const url = `sqlite:${path}`;
  const { DatabaseSync } = await import("node:sqlite");
  try {
    assert.equal((await runCliInProcess(["-u", url, "upgrade", A1], { cwd: p.dir })).code, 0);
    const cases = [
      ["a writer", "BEGIN IMMEDIATE", /another connection is writing \(it holds the write lock\)/],
      ["a reader", "BEGIN; SELECT * FROM ta", /another connection has a read transaction open/],
    ] as const;
    for (const [who, sql, pattern] of cases) {
      await t.step(`held by ${who}`, async () => {
        const other = new DatabaseSync(path);
        other.exec(sql);
        try {
          const r = await runCli(["-u", url, "--statement-lock-timeout", "0.3", "upgrade"], {
            cwd: p.dir,
          });
          const show = `exit ${r.code}\n${r.stdout}${r.stderr}`;
          assert.equal(r.code, 1, show);
          const [error, hint] = r.stderr.trim().split("\n");
          assert.match(error!, new RegExp(`^error: Upgrade ${B2} \\("m ${B2}"\\) failed`), show);
          assert.match(error!, /database is locked/, show);
          assert.match(error!, pattern, show);
          assert.match(error!, /for 0\.3 s$/, show);
          assert.match(hint!, /^hint: .*--statement-lock-timeout/, show);
        } finally {
          other.exec("ROLLBACK");
          other.close();
        }
        const cols = new DatabaseSync(path);
        try {
          const names = cols.prepare("SELECT name FROM pragma_table_info('ta')").all();
          assert.deepEqual(names.map((c) => c.name), ["id"], "nothing changed");
        } finally {
          cols.close();
        }
      });
    }
  } finally {
    await p.cleanup();
  }
});
