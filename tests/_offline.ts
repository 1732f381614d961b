/**
 * Helpers for live-versus-offline tests: run a project live (in process, the
 * same `Migrator` the CLI calls), write its `--sql` script, run the script
 * with the database's own shell as a DBA would (`psql -v ON_ERROR_STOP=1 -f`,
 * `sqlite3 -bail`), and compare two databases (schema through the
 * introspector, version rows, data).
 *
 * `offline_diff_test.ts` holds its own copies of these (its `Lab`); this
 * module is the shareable form.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConfig } from "../src/config/resolve.ts";
import { getDialect } from "../src/dialects/registry.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { Migrator } from "../src/runner/migrator.ts";
import { runOffline } from "../src/offline/run_offline.ts";
import { pgTestDb, sqliteTestDb, type TestDb } from "./_helpers.ts";
import { createPgDatabase } from "./_pg.ts";

/** A database under test that cleans up after itself. */
export interface OfflineDb extends TestDb {
  drop(): Promise<void>;
}

/**
 * A fresh empty database: a new SQLite file in `dir`, or a new PostgreSQL database.
 *
 * @param dialect Which database.
 * @param dir Where SQLite files go.
 * @returns The database.
 */
export async function freshDb(dialect: "sqlite" | "postgres", dir: string): Promise<OfflineDb> {
  if (dialect === "sqlite") {
    const path = join(dir, `db-${crypto.randomUUID().slice(0, 8)}.db`);
    return { ...sqliteTestDb(path), drop: () => Promise.resolve() };
  }
  const pg = await createPgDatabase("offline");
  return { ...await pgTestDb(pg.url), drop: pg.drop };
}

/**
 * Runs `upgrade TARGET` or `downgrade TARGET` live on `db`.
 *
 * @param db The database.
 * @param dir The project directory (holds `migrations/`).
 * @param command `upgrade` or `downgrade`.
 * @param target The target.
 */
export async function runLive(
  db: TestDb,
  dir: string,
  command: "upgrade" | "downgrade",
  target: string,
): Promise<void> {
  const config = await resolveConfig({ url: db.url, dir: join(dir, "migrations") }, {}, dir);
  const migrator = new Migrator(config);
  try {
    if (command === "upgrade") await migrator.upgrade(target);
    else await migrator.downgrade(target);
  } finally {
    await migrator.close();
  }
}

/**
 * Writes the offline script of `upgrade|downgrade RANGE --sql`, in process.
 *
 * @param dialect The engine.
 * @param dir The project directory.
 * @param command `upgrade` or `downgrade`.
 * @param range `TO` or `FROM:TO`.
 * @param transactionPer One transaction per migration (default) or for the run.
 * @returns The script.
 */
export async function writeScript(
  dialect: "sqlite" | "postgres",
  dir: string,
  command: "upgrade" | "downgrade",
  range: string,
  transactionPer: "migration" | "run" = "migration",
): Promise<string> {
  const config = await resolveConfig({ dir: join(dir, "migrations") }, {}, dir);
  const migrator = new Migrator(config, { dialect });
  return await runOffline(migrator, command === "upgrade" ? "up" : "down", range, {
    transactionPer,
  });
}

/**
 * Runs SQL text with `psql -X -q -v ON_ERROR_STOP=1 -f FILE` or `sqlite3 -bail DB < FILE`.
 *
 * @param db The database.
 * @param script The SQL.
 * @returns The shell's exit code and standard error.
 */
export async function runShell(
  db: TestDb,
  script: string,
): Promise<{ code: number; stderr: string }> {
  const file = await Deno.makeTempFile({ suffix: ".sql" });
  try {
    await Deno.writeTextFile(file, script);
    const cmd = db.dialect === "postgres"
      ? new Deno.Command("psql", {
        args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file, "-d", db.url],
        env: { PGOPTIONS: "-c client_min_messages=warning" },
        stdout: "piped",
        stderr: "piped",
      })
      : new Deno.Command("sh", {
        args: ["-c", 'exec sqlite3 -bail "$1" < "$2"', "sh", db.url.slice("sqlite:".length), file],
        stdout: "piped",
        stderr: "piped",
      });
    const out = await cmd.output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(file);
  }
}

/**
 * Runs a script that must succeed, with nothing on standard error.
 *
 * @param db The database.
 * @param script The SQL.
 */
export async function runScript(db: TestDb, script: string): Promise<void> {
  const r = await runShell(db, script);
  assert.equal(r.code, 0, `the ${db.dialect} shell failed: ${r.stderr}\n--- script ---\n${script}`);
  assert.equal(r.stderr.trim(), "", `the ${db.dialect} shell complained`);
}

/**
 * What two databases are compared on: the schema (Strata's own tables left
 * out), the version rows, and every row of every user table.
 *
 * @param db The database.
 * @returns The snapshot.
 */
export async function dbSnapshot(db: TestDb) {
  const dialect = getDialect(db.dialect);
  const driver = await openDriver(db.url);
  try {
    const schema = await dialect.introspect(driver, {
      exclude: ["strata_version", "strata_history"],
    });
    const data: Record<string, unknown[]> = {};
    for (const table of schema.tables) {
      const cols = table.columns.map((c) => dialect.quoteIdent(c.name));
      const order = cols.map((_, i) => String(i + 1)).join(", ");
      // Enum values as text: PostgreSQL would sort by the enum's order.
      const select = cols.map((c) => `CAST(${c} AS TEXT) AS ${c}`).join(", ");
      data[table.name] = (await driver.query(
        `SELECT ${select} FROM ${dialect.quoteIdent(table.name)} ORDER BY ${order}`,
      )).map((r) => ({ ...r }));
    }
    return { schema, versions: await db.versions(), data };
  } finally {
    await driver.close();
  }
}

/**
 * Asserts that two databases hold the same schema, version rows and data.
 *
 * @param a One database (e.g. the live run's).
 * @param b The other (e.g. the script's).
 * @param what What is compared, for the message.
 */
export async function assertSameDb(a: TestDb, b: TestDb, what: string): Promise<void> {
  const [x, y] = await Promise.all([dbSnapshot(a), dbSnapshot(b)]);
  assert.deepEqual(y, x, `${what}: the databases differ`);
}
