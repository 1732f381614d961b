/**
 * Issue 8: no implicit database, layered configuration, `POSTGRES_*` parts
 * merged key by key, `strata config`, and SQLite URL modes, through the CLI
 * in-process (`main(argv, { out, env, cwd })`) against real SQLite files and
 * a real PostgreSQL server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  makeProject,
  migrationSource,
  pgTestDb,
  runCliInProcess,
  sqliteTestDb,
} from "./_helpers.ts";
import { listTree } from "./_in_process.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const A1 = "a1a1a1a1a1a1";
const B2 = "b2b2b2b2b2b2";
const FILES = {
  "a1_items.ts": migrationSource(
    A1,
    null,
    `await op.createTable("items", { id: { type: "integer" } });`,
    `await op.dropTable("items");`,
  ),
  "b2_more.ts": migrationSource(
    B2,
    A1,
    `await op.createTable("more", { id: { type: "integer" } });`,
    `await op.dropTable("more");`,
  ),
};

/** The one `error:` line of a failed run (and that there is exactly one). */
function errorLine(stderr: string): string {
  const errors = stderr.split("\n").filter((l) => l.startsWith("error: "));
  assert.equal(errors.length, 1, stderr);
  return errors[0]!;
}

Deno.test("commands that touch the database fail with exit 2 and create nothing when no URL is set anywhere", async () => {
  const p = await makeProject(FILES);
  try {
    const before = listTree(p.dir);
    const cases = [
      ["current"],
      ["upgrade", "head"],
      ["upgrade"],
      ["stamp", "head"],
      ["downgrade", "base"],
      ["pending"],
      ["validate"],
      ["wait", "--timeout", "0"],
      ["history", "-i"],
    ];
    for (const args of cases) {
      // A .env elsewhere and an unrelated variable do not count.
      const r = await runCliInProcess(args, { cwd: p.dir, env: { DATABSE_URL: "sqlite:typo.db" } });
      assert.equal(r.code, 2, `${args.join(" ")}\n${r.stderr}`);
      const line = errorLine(r.stderr);
      assert.match(line, /^error: No database configured: looked in /, args.join(" "));
      for (const place of ["-u/--url", "STRATA_URL", "DATABASE_URL", "POSTGRES_*"]) {
        assert.ok(line.includes(place), `${place} missing from: ${line}`);
      }
      assert.ok(line.includes(`${join(p.dir, ".env")} (not found)`), line);
      assert.ok(line.includes(`${join(p.dir, "strata.json")} (not found)`), line);
      assert.match(r.stderr, /^hint: .*never picks a database/m);
      assert.equal(r.stdout, "");
      assert.deepEqual(listTree(p.dir), before, `${args.join(" ")} created a file`);
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("commands that need no database work without a URL and create no database", async () => {
  const p = await makeProject(FILES);
  try {
    const run = (...args: string[]) => runCliInProcess(args, { cwd: p.dir });
    const ok = async (args: string[], expect: RegExp) => {
      const r = await run(...args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stdout, expect, args.join(" "));
    };
    await ok(["heads"], /^b2b2b2b2b2b2 \(head\)$/m);
    await ok(["history"], /a1a1a1a1a1a1 -> b2b2b2b2b2b2 \(head\)/);
    await ok(["branches"], /^$/);
    await ok(["show", "a1a1"], /^Rev: a1a1a1a1a1a1$/m);
    await ok(["upgrade", "head", "--sql", "--dialect", "sqlite"], /CREATE TABLE items/);
    await ok(["downgrade", "head:base", "--sql", "--dialect", "postgres"], /DROP TABLE more/);
    await ok(["config"], /^url +NONE: no database configured \(looked in -u\/--url/m);
    await ok(["revision", "-m", "third", "--rev-id", "c3c3c3c3c3c3"], /^Created migrations\//);
    await ok(["revision", "-m", "side", "--head", A1, "--rev-id", "d4d4d4d4d4d4"], /d4d4/);
    await ok(["merge", "heads", "-m", "join", "--rev-id", "e5e5e5e5e5e5"], /revision e5e5e5e5e5e5/);
    await ok(["heads"], /^e5e5e5e5e5e5 \(head\)$/m);
    const tree = listTree(p.dir);
    assert.ok(!tree.some((f) => /\.db|strata-lock/.test(f)), tree.join(" "));

    // --sql without --dialect has nothing to go by: a usage error naming both ways out.
    const r = await run("upgrade", "head", "--sql");
    assert.equal(r.code, 2);
    assert.match(errorLine(r.stderr), /--sql needs a dialect/);
    assert.match(r.stderr, /^hint: pass --dialect sqlite or --dialect postgres/m);
  } finally {
    await p.cleanup();
  }
});

Deno.test("strata.json's dialect lets --sql run without a URL and refuses a URL of another engine", async () => {
  const p = await makeProject(FILES);
  try {
    await Deno.writeTextFile(join(p.dir, "strata.json"), '{"dialect": "postgres"}');
    let r = await runCliInProcess(["upgrade", "head", "--sql"], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-- dialect: postgres/);
    r = await runCliInProcess(["current"], { cwd: p.dir, env: { DATABASE_URL: "sqlite:app.db" } });
    assert.equal(r.code, 2);
    assert.match(errorLine(r.stderr), /is sqlite, but strata\.json dialect says "postgres"/);
    assert.deepEqual(listTree(p.dir).filter((f) => f.endsWith(".db")), []);
  } finally {
    await p.cleanup();
  }
});

Deno.test("this repository's strata.json names the demo's SQLite file", async () => {
  const text = await Deno.readTextFile(new URL("../strata.json", import.meta.url));
  assert.deepEqual(JSON.parse(text), { url: "sqlite:strata.db" });
});

Deno.test("config shows each setting with its source, the password masked, also as JSON and under --debug", async () => {
  const p = await makeProject(FILES);
  try {
    await Deno.writeTextFile(
      join(p.dir, ".env"),
      "POSTGRES_PORT=6543\nPOSTGRES_USER=app\nPOSTGRES_PASSWORD=app\nPOSTGRES_DB=app\n",
    );
    const env = { POSTGRES_HOST: "db.internal", STRATA_LOCK_TIMEOUT: "30" };
    let r = await runCliInProcess(["config"], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stderr);
    const url = r.stdout.split("\n").find((l) => l.startsWith("url"))!;
    assert.match(
      url,
      /^url +postgres:\/\/app:\*\*\*@db\.internal:6543\/app +\(env POSTGRES_HOST, \.env POSTGRES_PORT, \.env POSTGRES_USER, \.env POSTGRES_PASSWORD, \.env POSTGRES_DB\)$/,
    );
    assert.match(r.stdout, /^lockTimeout +30 s +\(env STRATA_LOCK_TIMEOUT\)$/m);
    assert.match(r.stdout, /^dir +\S+migrations +\(default\)$/m);
    assert.match(r.stdout, /^template +\(built in\) +\(default\)$/m);
    // The longest setting name keeps a space before its value.
    assert.match(r.stdout, /^statementLockTimeout +5 s +\(default\)$/m);

    r = await runCliInProcess(["--json", "config"], { cwd: p.dir, env });
    const data = JSON.parse(r.stdout);
    assert.equal(data.url, "postgres://app:***@db.internal:6543/app");
    assert.equal(data.source.lockTimeoutMs, "env STRATA_LOCK_TIMEOUT");
    assert.equal(data.lookedIn, undefined);

    // --debug on any command prints the same lines to stderr, masked.
    r = await runCliInProcess(["--debug", "heads"], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^debug: url +postgres:\/\/app:\*\*\*@db\.internal:6543\/app /m);

    r = await runCliInProcess(["--json", "config"], { cwd: p.dir, env: {} });
    assert.equal(JSON.parse(r.stdout).url, "postgres://app:***@localhost:6543/app");
    await Deno.remove(join(p.dir, ".env"));
    r = await runCliInProcess(["--json", "config"], { cwd: p.dir, env: {} });
    const none = JSON.parse(r.stdout);
    assert.equal(none.url, null);
    assert.match(none.lookedIn, /DATABASE_URL/);
  } finally {
    await p.cleanup();
  }
});

Deno.test("POSTGRES_HOST in the environment and the other parts in .env connect to the merged URL", async (t) => {
  if (!hasPg()) return;
  const db = await createPgDatabase("merge");
  const p = await makeProject(FILES);
  try {
    const u = new URL(db.url);
    const password = decodeURIComponent(u.password);
    // .env names a host that does not exist: the environment's POSTGRES_HOST wins
    // that key, and the rest of .env still applies.
    await Deno.writeTextFile(
      join(p.dir, ".env"),
      [
        "POSTGRES_HOST=wrong-host.invalid",
        `POSTGRES_PORT=${u.port}`,
        `POSTGRES_USER=${decodeURIComponent(u.username)}`,
        `POSTGRES_PASSWORD=${password}`,
        `POSTGRES_DB=${db.name}`,
        "",
      ].join("\n"),
    );
    const env = { POSTGRES_HOST: u.hostname };
    await t.step("upgrade applies both migrations there", async () => {
      const r = await runCliInProcess(["upgrade", "head"], { cwd: p.dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Applied 2 migrations/);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(password), "password printed");
      const pg = await pgTestDb(db.url);
      assert.deepEqual(await pg.versions(), [B2]);
      assert.deepEqual(await pg.tables(), ["items", "more"]);
    });
    await t.step("without the environment, .env's own host is used (and fails)", async () => {
      const r = await runCliInProcess(["current"], { cwd: p.dir, env: {} });
      assert.equal(r.code, 1);
      assert.match(errorLine(r.stderr), /wrong-host\.invalid/);
      assert.ok(!r.stderr.includes(password), "password printed");
    });
    assert.deepEqual(listTree(p.dir).filter((f) => f.endsWith(".db")), []);
  } finally {
    await p.cleanup();
    await db.drop();
  }
});

Deno.test("a SQLite URL's mode=ro reads the database and refuses to change it", async () => {
  const p = await makeProject(FILES);
  try {
    const path = join(p.dir, "app.db");
    let r = await runCliInProcess(["-u", `sqlite:${path}`, "upgrade", A1], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    const bytes = await Deno.readFile(path);
    const before = listTree(p.dir);
    const ro = ["-u", `sqlite:${path}?mode=ro`];

    r = await runCliInProcess([...ro, "current"], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^a1a1a1a1a1a1$/m);
    r = await runCliInProcess([...ro, "pending"], { cwd: p.dir });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^b2b2b2b2b2b2 /m);

    for (const args of [["upgrade", "head"], ["stamp", "head"], ["downgrade", "base"]]) {
      r = await runCliInProcess([...ro, ...args], { cwd: p.dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        errorLine(r.stderr),
        /^error: Cannot write to SQLite database ".*app\.db": it is opened read-only \(mode=ro in the URL\)$/,
      );
    }
    assert.deepEqual(await Deno.readFile(path), bytes);
    assert.deepEqual(listTree(p.dir), before); // no lock file, no "app.db?mode=ro"
    assert.deepEqual(await sqliteTestDb(path).versions(), [A1]);

    // A file that does not exist is not created under mode=ro or mode=rw.
    for (const mode of ["ro", "rw"]) {
      r = await runCliInProcess(["-u", `sqlite:new.db?mode=${mode}`, "upgrade"], { cwd: p.dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(errorLine(r.stderr), /the file does not exist/);
    }
    r = await runCliInProcess(["-u", "sqlite:app.db?cache=shared", "current"], { cwd: p.dir });
    assert.equal(r.code, 2);
    assert.match(errorLine(r.stderr), /unknown parameter "cache"/);
    assert.deepEqual(listTree(p.dir), before);
  } finally {
    await p.cleanup();
  }
});
