/**
 * Bad input, continued (issue 9): the errors the safe-live-runs work added —
 * interrupted and never-settling migrations, never-applied revisions and
 * several heads, lock waits, the lock's identity, `validate --accept`, the
 * statement lock timeout setting and `--sql -o FILE`. Together with
 * `bad_input_test.ts` the table has more than 60 cases.
 *
 * For every case the CLI must exit with the documented code, print exactly
 * one `error:` line (a `hint:` may follow), no stack trace, no password, and
 * leave the database as it was when the command started (SQLite: every file
 * beside the database, after opening it once so a hot journal rolls back;
 * PostgreSQL: schema, indexes, version rows, history rows and data).
 *
 * Every case runs against one database per dialect, prepared once at
 * revision b2 of a chain a1 → b2 → c3. Cases run the CLI in this process
 * (`main()` with captured output); those marked `subprocess` run the real
 * entry point in a process of its own: a migration that never settles ends
 * only when the process's event loop runs dry.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { makeProject, migrationSource, runCli, runCliInProcess, type TestDb } from "./_helpers.ts";
import { pgTestDb, sqliteTestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { assertOneErrorLine, pgSnapshot, SkipCase, sqliteSnapshot } from "./_bad_input.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const C3 = "c3c3c3c3c3c3";
const X9 = "x9x9x9x9x9x9";

const BASE: Record<string, string> = {
  "a1_base.ts": migrationSource(
    A1,
    null,
    `await op.createTable("ta", { id: { type: "integer", primaryKey: true }, v: { type: "text" } });\n` +
      `await op.bulkInsert("ta", [{ id: 1, v: "one" }, { id: 2, v: "two" }]);`,
    `await op.dropTable("ta");`,
  ),
  "b2_next.ts": migrationSource(
    B2,
    A1,
    `await op.createTable("tb", { id: { type: "integer" } });`,
    `await op.dropTable("tb");`,
  ),
  "c3_third.ts": migrationSource(
    C3,
    B2,
    `await op.createTable("tc", { id: { type: "integer" } });`,
    `await op.dropTable("tc");`,
  ),
};

/** c3 (pending) with another upgrade body and header lines. */
const c3With = (up: string, extra = "") => ({
  "c3_third.ts": migrationSource(C3, B2, up, "", extra),
});

const NEVER = "await new Promise(() => {});";

const FAKE_PW = "Fake-S3cret-Pw-4711";

type Dialect = "sqlite" | "postgres";

interface Env {
  db: TestDb;
  url: string;
  /** SQLite: the directory holding the database. */
  dbDir: string;
  /** SQLite: the database file. */
  path: string;
}

interface Case {
  name: string;
  dialects: Dialect[];
  args: string[];
  code: 1 | 2 | 3;
  error: RegExp;
  hint?: RegExp;
  files?: Record<string, string | null>;
  project?: Record<string, string>;
  url?: (e: Env) => string;
  env?: Record<string, string>;
  /**
   * Runs before the CLI in the case's project directory (the database
   * snapshot is taken after it); returns its undo.
   */
  setup?: (e: Env, projectDir: string) => Promise<() => Promise<void>>;
  /**
   * The run changes the database by design: a migration outside a transaction
   * (`transactional = false`) keeps what it did and its recorded start. The
   * setup's undo restores it.
   */
  changesDatabase?: true;
  /**
   * The setup holds a SQLite connection with a lock: the snapshot is taken
   * before it, and compared after its undo (a snapshot's own connection
   * closing in this process would drop the holder's POSIX locks).
   */
  holdsDatabase?: true;
  /** Run `main.ts` as a subprocess instead of `main()` in this process. */
  subprocess?: true;
}

/** A history row (an open start, by default) written behind Strata's back. */
function historyRow(revision: string, direction = "up-start") {
  return async (e: Env) => {
    const sql = `INSERT INTO strata_history (revision, direction, strata_version) ` +
      `VALUES ('${revision}', '${direction}', 'test')`;
    await e.db.query(sql);
    return async () => {
      await e.db.query(
        `DELETE FROM strata_history WHERE revision = '${revision}' AND direction = '${direction}'`,
      );
    };
  };
}

/** SQLite: another connection holds the write lock, or a read transaction. */
function sqliteHolds(sql: string) {
  return (e: Env) => {
    const other = new DatabaseSync(e.path);
    other.exec(sql);
    return Promise.resolve(() => {
      other.exec("ROLLBACK");
      other.close();
      return Promise.resolve();
    });
  };
}

/** PostgreSQL: a session of the application keeps a transaction open after reading `ta`. */
async function pgReader(e: Env): Promise<() => Promise<void>> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const sql = postgres(e.url, { max: 1, onnotice: () => {} });
  const reserved = await sql.reserve();
  await reserved`BEGIN`;
  await reserved`SELECT v FROM ta WHERE id = 1`;
  return async () => {
    await reserved`ROLLBACK`;
    reserved.release();
    await sql.end();
  };
}

/** PostgreSQL: a session holds the advisory lock of the schema-qualified version table. */
async function pgQualifiedLock(e: Env): Promise<() => Promise<void>> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const sql = postgres(e.url, { max: 1, onnotice: () => {} });
  await sql`SELECT pg_advisory_lock(hashtextextended('public.strata_version', 0))`;
  return () => sql.end();
}

/** SQLite: another process holds the lock of the real file; the run uses a symbolic link. */
async function sqliteRealLock(e: Env): Promise<() => Promise<void>> {
  const link = join(e.dbDir, "link.db");
  await Deno.symlink(e.path, link);
  const code = `const f = Deno.openSync(${JSON.stringify(`${e.path}.strata-lock`)}, ` +
    `{ read: true, write: true, create: true }); f.lockSync(true); ` +
    `console.log("locked"); setTimeout(() => {}, 60000);`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /locked/);
  return async () => {
    reader.releaseLock();
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel();
    await Deno.remove(link);
  };
}

/** PostgreSQL: an INVALID index `ix_tc` (a failed unique build over duplicates). */
async function pgInvalidIndex(e: Env): Promise<() => Promise<void>> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const sql = postgres(e.url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe("CREATE TABLE tc (id integer); INSERT INTO tc VALUES (1), (1)");
    await sql.unsafe("CREATE UNIQUE INDEX CONCURRENTLY ix_tc ON tc (id)").catch(() => {});
  } finally {
    await sql.end();
  }
  return async () => {
    const s = postgres(e.url, { max: 1, onnotice: () => {} });
    await s.unsafe("DROP TABLE tc").finally(() => s.end());
  };
}

const CASES: Case[] = [
  // Migrations that never finish
  {
    name: "upgrade() that never settles",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: c3With(`await op.createTable("tc", { id: { type: "integer" } });\n${NEVER}`),
    subprocess: true,
    code: 1,
    error:
      /^Upgrade c3c3c3c3c3c3 \("m c3c3c3c3c3c3"\) never finished: its upgrade\(\) waits for a promise that nothing can settle any more$/,
    hint: /never resolved or rejected/,
  },
  {
    name: "downgrade() that never settles",
    dialects: ["sqlite"],
    args: ["downgrade", A1],
    files: { "b2_next.ts": migrationSource(B2, A1, "", NEVER) },
    subprocess: true,
    code: 1,
    error: /^Downgrade b2b2b2b2b2b2 \("m b2b2b2b2b2b2"\) never finished: its downgrade\(\)/,
  },
  // Interrupted migrations (transactional = false)
  {
    name: "upgrade after an interrupted migration",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    setup: historyRow(C3),
    code: 1,
    error:
      /^Cannot migrate: upgrade c3c3c3c3c3c3 \("m c3c3c3c3c3c3"\) started at .+ and never finished/,
    hint: /`strata stamp c3c3c3c3c3c3`; if not, undo what it did and `strata stamp b2b2b2b2b2b2`/,
  },
  {
    name: "downgrade after an interrupted downgrade",
    dialects: ["sqlite"],
    args: ["downgrade", "-1"],
    setup: historyRow(B2, "dn-start"),
    code: 1,
    error: /^Cannot migrate: downgrade b2b2b2b2b2b2 .* never finished/,
    hint: /if it finished, `strata stamp a1a1a1a1a1a1`; if not, .*`strata stamp b2b2b2b2b2b2`/,
  },
  {
    name: "pending after an interrupted migration",
    dialects: ["sqlite"],
    args: ["pending"],
    setup: historyRow(C3),
    code: 3,
    error: /^1 migration pending; 1 problem found$/,
    hint: /strata stamp/,
  },
  {
    name: "validate after an interrupted migration",
    dialects: ["postgres"],
    args: ["validate"],
    setup: historyRow(C3),
    code: 3,
    error: /^Validation found 1 problem$/,
  },
  {
    name: "a failing migration outside a transaction",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: c3With(
      `await op.createTable("tc", { id: { type: "integer" } });\n` +
        `await op.execute("SELEC broken");\nawait op.dropTable("tc");`,
      "export const transactional = false;",
    ),
    setup: (e) =>
      Promise.resolve(async () => {
        await e.db.query("DROP TABLE IF EXISTS tc");
        await e.db.query(`DELETE FROM strata_history WHERE revision = '${C3}'`);
      }),
    changesDatabase: true,
    code: 1,
    error: /failed at op\.execute\("SELEC broken"\): .*syntax error/,
    hint: /runs outside a transaction .* `strata stamp`/,
  },
  {
    name: "a concurrent index build that finds an INVALID index of its name",
    dialects: ["postgres"],
    args: ["upgrade", "head"],
    files: c3With(
      `await op.createIndex("ix_tc", "tc", ["id"], { concurrently: true });`,
      "export const transactional = false;",
    ),
    setup: async (e) => {
      const undo = await pgInvalidIndex(e);
      return async () => {
        await e.db.query(`DELETE FROM strata_history WHERE revision = '${C3}'`);
        await undo();
      };
    },
    changesDatabase: true,
    code: 1,
    error:
      /failed at op\.createIndex\("ix_tc", "tc", \["id"\]\): index ix_tc exists but is INVALID/,
    hint: /DROP INDEX CONCURRENTLY ix_tc/,
  },
  // Checks that must not lie
  {
    name: "pending with a re-parented migration that never ran",
    dialects: ["sqlite", "postgres"],
    args: ["pending"],
    files: {
      "x9_slid_in.ts": migrationSource(X9, A1, `await op.createTable("tx", {});`),
      "b2_next.ts": migrationSource(B2, X9, `await op.createTable("tb", {});`),
    },
    code: 3,
    error: /^1 migration pending; 1 problem found$/,
    hint: /`strata downgrade x9x9x9x9x9x9`, `strata stamp a1a1a1a1a1a1`, `strata upgrade`/,
  },
  {
    name: "validate with a re-parented migration that never ran",
    dialects: ["sqlite"],
    args: ["validate"],
    files: {
      "x9_slid_in.ts": migrationSource(X9, A1, `await op.createTable("tx", {});`),
      "b2_next.ts": migrationSource(B2, X9, `await op.createTable("tb", {});`),
    },
    // The edit of b2's downRevision is an edit of an applied file, too.
    code: 3,
    error: /^Validation found 2 problems$/,
  },
  {
    name: "pending with two unmerged heads",
    dialects: ["sqlite", "postgres"],
    args: ["pending"],
    files: { "d4_branch.ts": migrationSource("d4d4d4d4d4d4", B2, "") },
    code: 3,
    error: /^2 migrations pending; 1 problem found$/,
    hint: /merge them with `strata merge heads/,
  },
  {
    name: "validate with two unmerged heads",
    dialects: ["sqlite"],
    args: ["validate"],
    files: { "d4_branch.ts": migrationSource("d4d4d4d4d4d4", B2, "") },
    code: 3,
    error: /^Validation found 1 problem$/,
  },
  {
    name: "validate --accept of a pending revision",
    dialects: ["sqlite", "postgres"],
    args: ["validate", "--accept", C3],
    code: 2,
    error: /^Cannot accept "c3c3c3c3c3c3": it is not applied$/,
  },
  {
    name: "validate --accept without revisions",
    dialects: ["sqlite"],
    args: ["validate", "--accept"],
    code: 2,
    error: /^validate --accept needs the revisions to accept$/,
  },
  {
    name: "validate with a revision but no --accept",
    dialects: ["sqlite"],
    args: ["validate", B2],
    code: 2,
    error: /^validate takes no revisions without --accept, got b2b2b2b2b2b2$/,
  },
  {
    name: "validate --accept of an unknown revision",
    dialects: ["sqlite"],
    args: ["validate", "--accept", "ffff"],
    code: 2,
    error: /"ffff"/,
  },
  // Lock waits and the lock's identity
  {
    name: "an ALTER behind the application's open transaction (--statement-lock-timeout 1)",
    dialects: ["postgres"],
    args: ["--statement-lock-timeout", "1", "upgrade", "head"],
    files: c3With(`await op.addColumn("ta", "w", { type: "text" });`),
    setup: pgReader,
    code: 1,
    error:
      /^Upgrade c3c3c3c3c3c3 .* failed at op\.addColumn\("ta", "w"\): Waited more than 1 s for a lock on "ta" \(AccessExclusiveLock\), held by pid \d+ \("postgres\.js", idle in transaction: SELECT v FROM ta WHERE id = 1\)$/,
    hint: /pg_terminate_backend\(\d+\)/,
  },
  {
    name: "a writer holds the SQLite database (--statement-lock-timeout 0.2)",
    dialects: ["sqlite"],
    args: ["--statement-lock-timeout", "0.2", "upgrade", "head"],
    setup: sqliteHolds("BEGIN IMMEDIATE"),
    holdsDatabase: true,
    code: 1,
    error:
      /^Upgrade c3c3c3c3c3c3 .* failed: database is locked: another connection is writing \(it holds the write lock\) for 0\.2 s$/,
  },
  {
    name: "a reader holds the SQLite database (--statement-lock-timeout 0.2)",
    dialects: ["sqlite"],
    args: ["--statement-lock-timeout", "0.2", "upgrade", "head"],
    setup: sqliteHolds("BEGIN; SELECT * FROM ta"),
    holdsDatabase: true,
    code: 1,
    error: /database is locked: another connection has a read transaction open for 0\.2 s$/,
  },
  {
    name: "the migration lock held under the schema-qualified table name",
    dialects: ["postgres"],
    args: ["--lock-timeout", "1", "upgrade", "head"],
    setup: pgQualifiedLock,
    code: 1,
    error:
      /^Cannot take the migration lock "public\.strata_version": held by .* for more than 1 s$/,
  },
  {
    name: "the migration lock held on the real file, the run naming a symbolic link",
    dialects: ["sqlite"],
    args: ["--lock-timeout", "1", "upgrade", "head"],
    url: (e) => `sqlite:${join(e.dbDir, "link.db")}`,
    setup: sqliteRealLock,
    code: 1,
    error:
      /^Cannot take the migration lock ".*\/db\/app\.db\.strata-lock": held by another process for more than 1 s$/,
  },
  // Settings
  {
    name: "bad --statement-lock-timeout value",
    dialects: ["sqlite"],
    args: ["--statement-lock-timeout", "soon", "upgrade"],
    code: 2,
    error: /^Cannot use statement lock timeout "soon" \(from flag --statement-lock-timeout\)/,
  },
  {
    name: "negative STRATA_STATEMENT_LOCK_TIMEOUT",
    dialects: ["sqlite"],
    args: ["upgrade"],
    env: { STRATA_STATEMENT_LOCK_TIMEOUT: "-1" },
    code: 2,
    error: /^Cannot use statement lock timeout "-1" \(from env STRATA_STATEMENT_LOCK_TIMEOUT\)/,
  },
  {
    name: "statementLockTimeout in strata.json that is not a number",
    dialects: ["sqlite"],
    args: ["upgrade"],
    project: { "strata.json": JSON.stringify({ statementLockTimeout: [5] }) },
    code: 2,
    error: /"statementLockTimeout" must be a number of seconds/,
  },
  // --sql -o FILE
  {
    name: "--sql -o into a missing directory",
    dialects: ["sqlite"],
    args: ["upgrade", "head", "--sql", "-o", "missing/dir/out.sql"],
    code: 1,
    error:
      /^Cannot write the script to "missing\/dir\/out\.sql": directory ".*missing\/dir" does not exist$/,
  },
  {
    name: "--sql -o naming a directory",
    dialects: ["sqlite"],
    args: ["upgrade", "head", "--sql", "-o", "migrations"],
    code: 1,
    error: /^Cannot write the script to "migrations": it is a directory$/,
  },
  {
    name: "--sql -o a full device",
    dialects: ["sqlite"],
    args: ["downgrade", `${B2}:base`, "--sql", "-o", "full"],
    // A node of our own like /dev/full: a regression must not replace the system's device.
    setup: async (_e, dir) => {
      const full = join(dir, "full");
      const made = await new Deno.Command("mknod", { args: ["-m", "666", full, "c", "1", "7"] })
        .output().catch(() => undefined);
      if (!made?.success) throw new SkipCase("cannot create a device node here (mknod)");
      return async () => {
        assert.ok((await Deno.lstat(full)).isCharDevice, "the device was replaced");
        await Deno.remove(full);
      };
    },
    code: 1,
    error: /^Cannot write the script to "full": no space left on the device$/,
  },
];

async function runCase(c: Case, env: Env, secrets: string[]): Promise<void> {
  const p = await makeProject(BASE);
  let undo: (() => Promise<void>) | undefined;
  try {
    for (const [name, text] of Object.entries(c.files ?? {})) {
      const path = join(p.migrations, name);
      if (text === null) await Deno.remove(path);
      else await Deno.writeTextFile(path, text);
    }
    for (const [name, text] of Object.entries(c.project ?? {})) {
      await Deno.writeTextFile(join(p.dir, name), text);
    }
    const snapshot = () =>
      env.db.dialect === "sqlite" ? sqliteSnapshot(env.dbDir, env.path) : pgSnapshot(env.db);
    const early = c.holdsDatabase ? await snapshot() : undefined;
    try {
      undo = await c.setup?.(env, p.dir);
    } catch (e) {
      if (!(e instanceof SkipCase)) throw e;
      console.error(`\n!!! SKIPPING "${c.name}": ${e.message} !!!\n`);
      return;
    }
    const before = early ?? await snapshot();
    const url = c.url ? c.url(env) : env.url;
    const run = c.subprocess ? runCli : runCliInProcess;
    const r = await run(["-u", url, ...c.args], { cwd: p.dir, env: c.env ?? {} });
    const show = assertOneErrorLine(r, c, secrets);
    if (c.holdsDatabase) {
      await undo?.();
      undo = undefined;
    }
    if (!c.changesDatabase) assert.equal(await snapshot(), before, `database changed\n${show}`);
  } finally {
    await undo?.();
    await p.cleanup();
  }
}

Deno.test(`bad input, continued (${CASES.length} cases): one error line, the right exit code, database untouched`, async (t) => {
  const adminPw = decodeURIComponent(new URL(Deno.env.get("STRATA_TEST_PG_URL") ?? "x:").password);
  const secrets = [FAKE_PW, ...(adminPw ? [adminPw] : [])];
  const setup = await makeProject(BASE);
  const prepare = async (env: Env) => {
    const r = await runCliInProcess(["-u", env.url, "upgrade", B2], { cwd: setup.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await env.db.versions(), [B2]);
  };
  const counts = { sqlite: 0, postgres: 0 };
  try {
    const dbDir = join(setup.dir, "db");
    await Deno.mkdir(dbDir);
    const path = join(dbDir, "app.db");
    const sqlite: Env = { db: sqliteTestDb(path), url: `sqlite:${path}`, dbDir, path };
    await prepare(sqlite);
    for (const c of CASES.filter((c) => c.dialects.includes("sqlite"))) {
      await t.step(
        `sqlite: ${c.name}${c.subprocess ? " (subprocess)" : ""}`,
        () => runCase(c, sqlite, secrets),
      );
      counts.sqlite++;
    }
    if (hasPg()) {
      const pg = await createPgDatabase("badmore");
      try {
        const env: Env = { db: await pgTestDb(pg.url), url: pg.url, dbDir: "", path: "" };
        await prepare(env);
        for (const c of CASES.filter((c) => c.dialects.includes("postgres"))) {
          await t.step(
            `postgres: ${c.name}${c.subprocess ? " (subprocess)" : ""}`,
            () => runCase(c, env, secrets),
          );
          counts.postgres++;
        }
      } finally {
        await pg.drop();
      }
    }
    console.log(
      `bad input, continued: ${counts.sqlite} SQLite, ${counts.postgres} PostgreSQL cases`,
    );
    assert.ok(CASES.length >= 22);
  } finally {
    await setup.cleanup();
  }
});
