/**
 * `autoMigrate()` from an application's start-up (issue 5): a small app
 * script, written to a temporary directory and run as its own process,
 * imports `autoMigrate` from `src/mod.ts` by absolute file URL, migrates,
 * then queries its table. `STRATA_AUTO_MIGRATE=false` and `enabled: false`
 * skip the upgrade with one exact log line; a failing migration makes it
 * throw a typed error that the app can act on.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { eachDialect, makeProject, migrationSource, ROOT, sqliteTestDb } from "./_helpers.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const DISABLED = "Automatic migrations are disabled. Skipping migrations...";

const FILES: Record<string, string> = {
  "a1_items.ts": migrationSource(
    A1,
    null,
    `await op.createTable("items", { id: { type: "integer", primaryKey: true }, name: { type: "text" } });`,
    `await op.dropTable("items");`,
  ),
  "b2_seed.ts": migrationSource(
    B2,
    A1,
    `await op.bulkInsert("items", [{ id: 1, name: "apple" }, { id: 2, name: "pear" }]);`,
    `await op.execute("DELETE FROM items");`,
  ),
};

/** The app: migrate on start-up (unless switched off), then serve a query. */
function appSource(): string {
  const mod = pathToFileURL(join(ROOT, "src", "mod.ts")).href;
  return `import { autoMigrate, StrataError } from "${mod}";

const [url, dir] = Deno.args;
const options = { url, dir };
if (Deno.env.get("APP_DISABLE_OPTION") === "1") options.enabled = false;
try {
  const applied = await autoMigrate(options);
  console.log("APPLIED " + JSON.stringify(applied.map((s) => s.revision)));
} catch (err) {
  console.log(
    "FAILED " + JSON.stringify({
      name: err.name,
      strata: err instanceof StrataError,
      exitCode: err.exitCode,
      message: err.message,
    }),
  );
  Deno.exit(70);
}

// The app's own work: read the table the migrations made.
let names;
try {
  if (url.startsWith("sqlite:")) {
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(url.slice("sqlite:".length));
    names = db.prepare("SELECT name FROM items ORDER BY id").all().map((r) => r.name);
    db.close();
  } else {
    const { default: postgres } = await import("npm:postgres@3.4.9");
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    names = (await sql\`SELECT name FROM items ORDER BY id\`).map((r) => r.name);
    await sql.end();
  }
  console.log("ITEMS " + JSON.stringify(names));
} catch {
  console.log("NO ITEMS TABLE");
}
`;
}

interface AppRun {
  code: number;
  lines: string[];
  stderr: string;
}

async function runApp(
  app: string,
  url: string,
  dir: string,
  env: Record<string, string> = {},
): Promise<AppRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    // The repository's deno.json maps "postgres" for the app's own PostgreSQL query.
    args: ["run", "-A", "--no-check", "--config", join(ROOT, "deno.json"), app, url, dir],
    cwd: join(app, ".."),
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    lines: dec.decode(out.stdout).split("\n").filter((l) => l !== ""),
    stderr: dec.decode(out.stderr),
  };
}

Deno.test("autoMigrate() migrates at app start-up, then the app queries its tables", async (t) => {
  const p = await makeProject(FILES);
  const app = join(p.dir, "app.ts");
  await Deno.writeTextFile(app, appSource());
  try {
    await eachDialect(t, p.dir, async (db) => {
      let r = await runApp(app, db.url, p.migrations);
      assert.equal(r.code, 0, r.stderr + r.lines.join("\n"));
      assert.ok(r.lines.includes(`APPLIED ${JSON.stringify([A1, B2])}`), r.lines.join("\n"));
      assert.ok(r.lines.includes(`strata: upgrade ${A1}, m ${A1}`), r.lines.join("\n"));
      assert.ok(r.lines.includes(`ITEMS ["apple","pear"]`), r.lines.join("\n"));
      assert.deepEqual(await db.versions(), [B2]);

      // The next start finds nothing to do.
      r = await runApp(app, db.url, p.migrations);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.lines.includes("APPLIED []"), r.lines.join("\n"));
      assert.ok(r.lines.includes("strata: database is up to date"), r.lines.join("\n"));
      assert.ok(r.lines.includes(`ITEMS ["apple","pear"]`), r.lines.join("\n"));
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("autoMigrate() does nothing but log one line when switched off", async (t) => {
  const p = await makeProject(FILES);
  const app = join(p.dir, "app.ts");
  await Deno.writeTextFile(app, appSource());
  const expectSkipped = async (label: string, env: Record<string, string>) => {
    const path = join(p.dir, `off-${crypto.randomUUID().slice(0, 8)}.db`);
    const r = await runApp(app, `sqlite:${path}`, p.migrations, env);
    assert.equal(r.code, 0, `${label}: ${r.stderr}`);
    assert.deepEqual(
      r.lines,
      [DISABLED, "APPLIED []", "NO ITEMS TABLE"],
      `${label}: the app's output`,
    );
    assert.equal(r.stderr, "", label);
    // Nothing was created: no version table, no user table.
    assert.deepEqual(await sqliteTestDb(path).tables(), [], label);
    assert.deepEqual(await sqliteTestDb(path).versions(), [], label);
  };
  try {
    for (const value of ["false", "FALSE", "0", "off"]) {
      await t.step(
        `STRATA_AUTO_MIGRATE=${value}`,
        () => expectSkipped(value, { STRATA_AUTO_MIGRATE: value }),
      );
    }
    await t.step("enabled: false", () => expectSkipped("option", { APP_DISABLE_OPTION: "1" }));
    await t.step("STRATA_AUTO_MIGRATE=true still migrates", async () => {
      const path = join(p.dir, "on.db");
      const r = await runApp(app, `sqlite:${path}`, p.migrations, { STRATA_AUTO_MIGRATE: "true" });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.lines.includes(`ITEMS ["apple","pear"]`), r.lines.join("\n"));
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("autoMigrate() throws a typed error when a migration fails, keeping what committed", async (t) => {
  const p = await makeProject({
    ...FILES,
    "b2_seed.ts": migrationSource(
      B2,
      A1,
      `await op.bulkInsert("items", [{ id: 1, name: "apple" }]);\n` +
        `await op.execute("INSERT INTO no_such_table VALUES (1)");`,
    ),
  });
  const app = join(p.dir, "app.ts");
  await Deno.writeTextFile(app, appSource());
  try {
    await eachDialect(t, p.dir, async (db) => {
      const r = await runApp(app, db.url, p.migrations);
      assert.equal(r.code, 70, `the app's own exit code\n${r.lines.join("\n")}\n${r.stderr}`);
      const failed = r.lines.find((l) => l.startsWith("FAILED "));
      assert.ok(failed, r.lines.join("\n"));
      const err = JSON.parse(failed.slice("FAILED ".length));
      assert.equal(err.name, "MigrationError");
      assert.equal(err.strata, true);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /^Upgrade b2b2b2b2b2b2 .* failed at op\.execute\(.*no_such_table/);
      // a1 committed; b2 rolled back whole (its bulkInsert too).
      assert.deepEqual(await db.versions(), [A1]);
      const [row] = await db.query("SELECT count(*) AS n FROM items");
      assert.equal(Number(row!.n), 0);
    });
  } finally {
    await p.cleanup();
  }
});
