/**
 * Bad input (issue 5): a table of broken migrations, graphs, targets, URLs,
 * credentials, files and flags. For every case the CLI must exit with the
 * documented code (1 runtime, 2 usage/config/graph, 3 check), print exactly
 * one `error:` line (a `hint:` may follow), no stack trace, no password
 * anywhere, and leave the database exactly as it was (SQLite: the bytes of
 * every file beside the database; PostgreSQL: schema, version rows, history
 * rows and data, read back through queries).
 *
 * Every case runs against one database per dialect, prepared once at
 * revision b2 of a chain a1 → b2 → c3 (a1 has no `downgrade`). Cases run the
 * CLI in this process (`main()` with captured output); those marked
 * `subprocess` run the real entry point in a process of its own, so the same
 * checks also hold for what a shell sees.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeProject, migrationSource, runCli, runCliInProcess, type TestDb } from "./_helpers.ts";
import { pgTestDb, sqliteTestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { assertOneErrorLine, pgSnapshot, SkipCase, sqliteSnapshot } from "./_bad_input.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const C3 = "c3c3c3c3c3c3";

/** A distinctive password in URLs that never reach a server. */
const FAKE_PW = "Fake-S3cret-Pw-4711";
/** The wrong password tried against the real server. */
const WRONG_PW = `Wr0ng-Pw-${crypto.randomUUID().slice(0, 8)}`;

const BASE: Record<string, string> = {
  "a1_base.ts": [
    `export const revision = "${A1}";`,
    `export const downRevision = null;`,
    `export const message = "base";`,
    `export async function upgrade(op) {`,
    `  await op.createTable("ta", { id: { type: "integer", primaryKey: true }, v: { type: "text" } });`,
    `  await op.bulkInsert("ta", [{ id: 1, v: "one" }, { id: 2, v: "two" }]);`,
    `}`,
    ``,
  ].join("\n"),
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

/** c3 (pending) with another upgrade body. */
const c3With = (up: string) => ({ "c3_third.ts": migrationSource(C3, B2, up, "") });

type Dialect = "sqlite" | "postgres";

/** Everything a case can use to build its URL or set-up. */
interface Env {
  db: TestDb;
  /** The database URL with the test role's password. */
  url: string;
  /** The directory holding the SQLite database (SQLite only). */
  dbDir: string;
}

interface Case {
  name: string;
  dialects: Dialect[];
  args: string[];
  /** Exit code. */
  code: 1 | 2 | 3;
  /** What the `error:` line says (after `error: `). */
  error: RegExp;
  /** What the `hint:` line says, when one is required. */
  hint?: RegExp;
  /** Migration files to replace (`null` deletes). */
  files?: Record<string, string | null>;
  /** Extra files in the project directory (e.g. a config file). */
  project?: Record<string, string>;
  /** The URL (default: the test database's). `null`: pass no `-u`. */
  url?: ((e: Env) => string) | null;
  /** Extra environment. */
  env?: (e: Env) => Record<string, string>;
  /** Runs before the CLI; returns what undoes it. */
  setup?: (e: Env) => Promise<() => Promise<void>>;
  /** Run `main.ts` as a subprocess instead of `main()` in this process. */
  subprocess?: true;
}

const CASES: Case[] = [
  // Migration files and the graph
  {
    name: "syntax error in a pending migration",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: { "c3_third.ts": BASE["c3_third.ts"]!.replace("});", "};") },
    code: 2,
    error: /^Cannot load migration "c3_third\.ts" at line 6, column \d+: SyntaxError/,
  },
  {
    name: "migration without upgrade()",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    files: {
      "c3_third.ts": `export const revision = "${C3}";\nexport const downRevision = "${B2}";\n` +
        `export const message = "no upgrade";\nexport function downgrade(op) {}\n`,
    },
    code: 2,
    error: /does not export an "upgrade" function/,
    hint: /export async function upgrade/,
  },
  {
    name: "duplicate revision",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    files: { "c3_copy.ts": BASE["c3_third.ts"]! },
    code: 2,
    error: /revision "c3c3c3c3c3c3" is defined twice/,
  },
  {
    name: "cycle",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    files: {
      "a1_base.ts": BASE["a1_base.ts"]!.replace("downRevision = null", `downRevision = "${C3}"`),
    },
    code: 2,
    error: /is on a cycle/,
  },
  {
    name: "missing parent",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    files: { "c3_third.ts": migrationSource(C3, "ffffffffffff", "", "") },
    code: 2,
    error: /unknown downRevision "ffffffffffff"/,
  },
  {
    name: "unknown target",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "zzzz"],
    code: 2,
    error: /^Cannot resolve target "zzzz"/,
  },
  {
    name: "ambiguous revision prefix",
    dialects: ["sqlite"],
    args: ["upgrade", "c3c3"],
    files: { "c3_other.ts": migrationSource("c3c3ffffffff", B2, "", "") },
    code: 2,
    error: /prefix matches 2 revisions/,
  },
  {
    name: "head with several heads",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: { "d4_branch.ts": migrationSource("d4d4d4d4d4d4", B2, "", "") },
    code: 2,
    error: /there are 2 heads/,
    hint: /c3c3c3c3c3c3.*d4d4d4d4d4d4/,
  },
  {
    name: "revision id longer than the version column",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: { "c3_third.ts": migrationSource("c".repeat(65), B2, "", "") },
    code: 2,
    error: /revision id "c{65}" in \S+c3_third\.ts is 65 characters long; .* at most 64$/,
    hint: /shorter id/,
  },
  {
    name: "revision id with a path separator",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    files: { "c3_third.ts": migrationSource("c3/c3", B2, "", "") },
    code: 2,
    error: /revision id "c3\/c3" in \S+c3_third\.ts is not valid: it contains "\/"/,
  },
  {
    name: "history range with reversed ends",
    dialects: ["sqlite"],
    args: ["history", "-r", `${C3}:${A1}`],
    code: 2,
    error: /^Cannot read history range "c3c3c3c3c3c3:a1a1a1a1a1a1": "c3c3c3c3c3c3" is above/,
    hint: /try `-r a1a1a1a1a1a1:c3c3c3c3c3c3`/,
  },
  {
    name: "unknown revision to stamp",
    dialects: ["sqlite"],
    args: ["stamp", "zzzz"],
    code: 2,
    error: /^Cannot resolve target "zzzz"/,
  },
  // URLs and connections
  {
    name: "malformed URL",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: () => `postgres://app:${FAKE_PW}@[bad/db`,
    code: 2,
    error: /^Cannot parse database URL/,
  },
  {
    name: "URL without // after the scheme",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: () => `postgres:app:${FAKE_PW}@db.example/app`,
    code: 2,
    error: /expected "\/\/" after the scheme/,
  },
  {
    name: "URL without a scheme",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: () => `app:${FAKE_PW}@db.example/app`,
    code: 2,
    error: /unsupported scheme/,
  },
  {
    name: "unknown URL scheme",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: () => `mysql://app:${FAKE_PW}@db.example/app`,
    code: 2,
    error: /unsupported scheme "mysql"/,
  },
  {
    name: "malformed URL from the environment",
    dialects: ["sqlite"],
    args: ["current"],
    url: null,
    env: () => ({ DATABASE_URL: `postgres://app:${FAKE_PW}@db.example:notaport/app` }),
    code: 2,
    error: /^Cannot parse database URL .*\(from env DATABASE_URL\)/,
  },
  {
    name: "unreachable host (connection refused)",
    dialects: ["postgres"],
    args: ["upgrade"],
    url: () => `postgres://app:${FAKE_PW}@127.0.0.1:1/app`,
    code: 1,
    error: /connection refused/,
  },
  {
    name: "host that never completes a PostgreSQL login",
    dialects: ["postgres"],
    args: ["upgrade"],
    url: () => `postgres://app:${FAKE_PW}@10.255.255.1:5432/app?connect_timeout=1`,
    code: 1,
    error: /^Cannot connect to postgres:\/\/app:\*\*\*@10\.255\.255\.1:5432\/app/,
  },
  {
    name: "unknown host",
    dialects: ["postgres"],
    args: ["upgrade"],
    url: () => `postgres://app:${FAKE_PW}@no-such-host.invalid:5432/app?connect_timeout=2`,
    code: 1,
    error: /^Cannot connect to/,
  },
  {
    name: "wrong password",
    subprocess: true,
    dialects: ["postgres"],
    args: ["upgrade"],
    url: (e) => withPassword(e.url, WRONG_PW),
    code: 1,
    error: /password authentication failed/,
  },
  {
    name: "wrong password in DATABASE_URL",
    dialects: ["postgres"],
    args: ["current"],
    url: null,
    env: (e) => ({ DATABASE_URL: withPassword(e.url, WRONG_PW) }),
    code: 1,
    error: /password authentication failed/,
  },
  {
    name: "unknown database",
    dialects: ["postgres"],
    args: ["upgrade"],
    url: (e) => {
      const u = new URL(e.url);
      u.pathname = "/strata_no_such_database";
      return u.toString();
    },
    code: 1,
    error: /database "strata_no_such_database" does not exist/,
  },
  {
    name: "read-only SQLite file",
    dialects: ["sqlite"],
    args: ["upgrade", "head"],
    setup: readOnlyDatabase,
    code: 1,
    error: /Cannot write to SQLite database .*readonly/,
  },
  {
    name: "SQLite file in a missing directory",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: (e) => `sqlite:${join(e.dbDir, "missing", "app.db")}`,
    code: 1,
    error: /directory ".*missing" does not exist/,
  },
  {
    name: "SQLite URL naming a file that is not a database",
    dialects: ["sqlite"],
    args: ["upgrade"],
    url: (e) => `sqlite:${join(e.dbDir, "not-a-database.db")}`,
    code: 1,
    error: /file is not a database/,
  },
  // Running migrations
  {
    name: "migration that throws half-way",
    subprocess: true,
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: c3With(
      `await op.createTable("tc", { id: { type: "integer" } });\n` +
        `await op.execute("INSERT INTO ta (id, v) VALUES (3, 'three')");\n` +
        `throw new Error("boom half-way\\nsecond line of the message");`,
    ),
    code: 1,
    error:
      /^Upgrade c3c3c3c3c3c3 \("m c3c3c3c3c3c3"\) failed after op\.execute\(.*\): boom half-way$/,
  },
  {
    name: "SQL error",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: c3With(
      `await op.createTable("tc", { id: { type: "integer" } });\n` +
        `await op.execute("UPDATE ta SET v = 'changed'");\n` +
        `await op.execute("SELEC nonsense FROM ta");`,
    ),
    code: 1,
    error: /failed at op\.execute\("SELEC nonsense FROM ta"\): .*syntax error/,
  },
  {
    name: "downgrade past a migration with no downgrade()",
    dialects: ["sqlite", "postgres"],
    args: ["downgrade", "base"],
    code: 2,
    error: /^Cannot downgrade a1a1a1a1a1a1 \("base"\): it has no downgrade\(\)/,
    hint: /stamp/,
  },
  {
    name: "lock held by another process (--lock-timeout 1)",
    dialects: ["sqlite", "postgres"],
    args: ["--lock-timeout", "1", "upgrade", "head"],
    setup: holdLock,
    code: 1,
    error: /^Cannot take the migration lock .* for more than 1 s/,
  },
  {
    name: "offline run that reads rows",
    dialects: ["sqlite"],
    args: ["upgrade", "head", "--sql"],
    files: c3With(`const rows = await op.query("SELECT id FROM ta");`),
    code: 2,
    error: /op\.query\(\) needs a live database/,
    hint: /op\.isOffline/,
  },
  // Applied migrations that no longer match
  {
    name: "edited applied migration (validate)",
    dialects: ["sqlite", "postgres"],
    args: ["validate"],
    files: { "b2_next.ts": BASE["b2_next.ts"]! + "// edited after it ran\n" },
    code: 3,
    error: /^Validation found 1 problem$/,
  },
  {
    name: "version row with no migration file",
    dialects: ["sqlite", "postgres"],
    args: ["upgrade", "head"],
    files: { "b2_next.ts": null, "c3_third.ts": null },
    code: 2,
    error: /names revision "b2b2b2b2b2b2", which no migration file defines/,
    hint: /stamp/,
  },
  // Flags, commands and configuration
  {
    name: "unknown command",
    dialects: ["sqlite"],
    args: ["upgrayedd"],
    code: 2,
    error: /^Unknown command "upgrayedd"/,
  },
  {
    name: "unknown option",
    subprocess: true,
    dialects: ["sqlite"],
    args: ["upgrade", "--frobnicate"],
    code: 2,
    error: /--frobnicate/,
  },
  {
    name: "missing argument",
    dialects: ["sqlite"],
    args: ["downgrade"],
    code: 2,
    error: /^downgrade takes 1 argument/,
  },
  {
    name: "bad --lock-timeout value",
    dialects: ["sqlite"],
    args: ["--lock-timeout", "soon", "upgrade"],
    code: 2,
    error: /^Cannot use lock timeout "soon"/,
  },
  {
    name: "config file with an unknown key",
    dialects: ["sqlite"],
    args: ["upgrade"],
    project: { "strata.json": JSON.stringify({ dir: "migrations", colour: "blue" }) },
    code: 2,
    error: /unknown key "colour"/,
  },
  {
    name: "--dialect bogus",
    dialects: ["sqlite"],
    args: ["upgrade", "head", "--sql", "--dialect", "bogus"],
    code: 2,
    error: /^Unknown dialect "bogus"/,
  },
  {
    name: "--sql option without --sql",
    dialects: ["sqlite"],
    args: ["upgrade", "head", "--dialect", "postgres"],
    code: 2,
    error: /--dialect only goes with --sql/,
  },
];

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Makes the SQLite file unwritable, also for root (who ignores chmod): `chattr +i`. */
async function readOnlyDatabase(e: Env): Promise<() => Promise<void>> {
  const path = e.url.slice("sqlite:".length);
  if (Deno.uid() !== 0) {
    await Deno.chmod(path, 0o444);
    return () => Deno.chmod(path, 0o644);
  }
  const out = await new Deno.Command("chattr", { args: ["+i", path], stderr: "piped" }).output()
    .catch((err) => ({ success: false, stderr: new TextEncoder().encode(String(err)) }));
  if (!out.success) {
    throw new SkipCase(
      `cannot make ${path} read-only for root: chattr +i failed: ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  return async () => {
    await new Deno.Command("chattr", { args: ["-i", path] }).output();
  };
}

/** Holds the migration lock from elsewhere: a process with the flock, or a PostgreSQL session. */
async function holdLock(e: Env): Promise<() => Promise<void>> {
  if (e.db.dialect === "sqlite") {
    const lockPath = `${e.url.slice("sqlite:".length)}.strata-lock`;
    const code = `const f = Deno.openSync(${JSON.stringify(lockPath)}, ` +
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
    };
  }
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const sql = postgres(e.url, { max: 1, onnotice: () => {} });
  await sql`SELECT pg_advisory_lock(hashtextextended('strata_version', 0))`;
  return () => sql.end();
}

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
      env.db.dialect === "sqlite" ? sqliteSnapshot(env.dbDir) : pgSnapshot(env.db);
    const before = await snapshot();
    try {
      undo = await c.setup?.(env);
    } catch (e) {
      if (!(e instanceof SkipCase)) throw e;
      console.error(`\n!!! SKIPPING "${c.name}": ${e.message} !!!\n`);
      return;
    }
    const url = c.url === null ? [] : ["-u", c.url ? c.url(env) : env.url];
    const run = c.subprocess ? runCli : runCliInProcess;
    const r = await run([...url, ...c.args], { cwd: p.dir, env: c.env?.(env) ?? {} });
    await undo?.();
    undo = undefined;
    const show = assertOneErrorLine(r, c, secrets);
    assert.equal(await snapshot(), before, `database changed\n${show}`);
  } finally {
    await undo?.();
    await p.cleanup();
  }
}

/** A PostgreSQL database owned by a role with a distinctive password. */
async function pgEnv(): Promise<{ env: Env; password: string; drop: () => Promise<void> }> {
  const pg = await createPgDatabase("badinput");
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const admin = postgres(Deno.env.get("STRATA_TEST_PG_URL")!, { max: 1, onnotice: () => {} });
  const role = `strata_bi_${Deno.pid}_${crypto.randomUUID().slice(0, 8)}`;
  const password = `Role-Pw-${crypto.randomUUID().slice(0, 12)}`;
  try {
    await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
    await admin.unsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
    await admin.unsafe(`ALTER DATABASE ${pg.name} OWNER TO ${role}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pg.url);
  url.username = role;
  url.password = password;
  const env = { db: await pgTestDb(url.toString()), url: url.toString(), dbDir: "" };
  return {
    env,
    password,
    async drop() {
      await pg.drop();
      const a = postgres(Deno.env.get("STRATA_TEST_PG_URL")!, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP ROLE IF EXISTS ${role}`).finally(() => a.end());
    },
  };
}

Deno.test(`bad input (${CASES.length} cases): one error line, the right exit code, database untouched`, async (t) => {
  const counts = { sqlite: 0, postgres: 0 };
  const adminPw = decodeURIComponent(new URL(Deno.env.get("STRATA_TEST_PG_URL") ?? "x:").password);
  const base = [FAKE_PW, WRONG_PW, ...(adminPw ? [adminPw] : [])];
  const setupProject = await makeProject(BASE);
  const prepare = async (env: Env) => {
    const r = await runCliInProcess(["-u", env.url, "upgrade", B2], { cwd: setupProject.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await env.db.versions(), [B2]);
  };
  try {
    const dbDir = join(setupProject.dir, "db");
    await Deno.mkdir(dbDir);
    await Deno.writeTextFile(join(dbDir, "not-a-database.db"), "just some text, not SQLite\n");
    const path = join(dbDir, "app.db");
    const sqlite: Env = { db: sqliteTestDb(path), url: `sqlite:${path}`, dbDir };
    await prepare(sqlite);
    for (const c of CASES.filter((c) => c.dialects.includes("sqlite"))) {
      await t.step(
        `sqlite: ${c.name}${c.subprocess ? " (subprocess)" : ""}`,
        () => runCase(c, sqlite, base),
      );
      counts.sqlite++;
    }
    if (hasPg()) {
      const pg = await pgEnv();
      try {
        await prepare(pg.env);
        for (const c of CASES.filter((c) => c.dialects.includes("postgres"))) {
          await t.step(
            `postgres: ${c.name}${c.subprocess ? " (subprocess)" : ""}`,
            () => runCase(c, pg.env, [...base, pg.password]),
          );
          counts.postgres++;
        }
      } finally {
        await pg.drop();
      }
    }
    console.log(`bad input: ${counts.sqlite} SQLite cases, ${counts.postgres} PostgreSQL cases`);
    assert.ok(CASES.length >= 25);
  } finally {
    await setupProject.cleanup();
  }
});
