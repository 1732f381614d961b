/**
 * End-to-end tests of `check`, `revision --autogenerate` and `schema dump`
 * as subprocesses of the CLI, on both databases: drift made by hand with
 * `sqlite3` / `psql` is reported one line each with exit 3; the demo project
 * passes `check`; the autogenerate workflow runs end to end, an enum value
 * renamed by `--rename-enum-value` included; `--dev-url`
 * needs no project database and leaves nothing behind; bad schema files get
 * one line and exit 2; a dump loads back into an empty database as the same schema.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getDialect } from "../src/dialects/registry.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { eachDialect, makeProject, ROOT, runCli } from "./_helpers.ts";
import { cli, demoProject, shell } from "./_autogen.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const PG_URL = Deno.env.get("STRATA_TEST_PG_URL");

/** Databases Strata made for `--dev-url` on the test server (there must be none left). */
async function devDatabases(): Promise<string[]> {
  const db = await openDriver(PG_URL!);
  try {
    const rows = await db.query(
      "SELECT datname::text AS name FROM pg_database WHERE datname LIKE 'strata\\_dev\\_%'",
    );
    return rows.map((r) => String(r.name));
  } finally {
    await db.close();
  }
}

Deno.test("check: the demo database at head matches the demo's schema.ts; hand-made drift is one line each, exit 3", async (t) => {
  const project = await demoProject();
  try {
    await eachDialect(t, project.dir, async (db) => {
      const run = (...args: string[]) => cli(["-u", db.url, ...args], project.dir);
      assert.equal((await run("upgrade", "head")).code, 0);
      const ok = await run("check");
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, "OK: the database matches schema.ts\n");

      await shell(
        db,
        "ALTER TABLE users ADD COLUMN nickname text;\n" +
          "DROP INDEX ix_users_name;\n" +
          (db.dialect === "postgres"
            ? "ALTER TABLE canned_replies ALTER COLUMN title SET DEFAULT 'untitled';\n"
            : ""),
      );
      const drift = await run("check");
      assert.equal(drift.code, 3, drift.stderr);
      const expected = [
        'drift: column "users.nickname": in the database but not in schema.ts',
        ...(db.dialect === "postgres"
          ? [
            `drift: column "canned_replies.title": default is 'untitled' in the database, none in schema.ts`,
          ]
          : []),
        'drift: index "ix_users_name" on "users": in schema.ts but not in the database',
      ];
      assert.deepEqual(drift.stdout.trim().split("\n").sort(), expected.sort());
      assert.match(
        drift.stderr,
        /^error: The database differs from schema\.ts in \d places\nhint: /,
      );

      const json = await run("check", "--json");
      assert.equal(json.code, 3);
      const report = JSON.parse(json.stdout);
      assert.equal(report.ok, false);
      assert.equal(report.atHead, true);
      assert.deepEqual(
        report.differences.map((d: { kind: string; name: string }) => `${d.kind} ${d.name}`).sort(),
        [
          "column nickname",
          "index ix_users_name",
          ...(db.dialect === "postgres" ? ["column title"] : []),
        ].sort(),
      );
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("check: a changed default made by hand in sqlite3 is reported (SQLite needs a rebuild for it)", async () => {
  const project = await demoProject();
  try {
    const path = join(project.dir, "app.db");
    const url = `sqlite:${path}`;
    assert.equal((await cli(["-u", url, "upgrade", "head"], project.dir)).code, 0);
    // SQLite cannot ALTER a default: people edit the stored CREATE TABLE text.
    await shell(
      { dialect: "sqlite", url },
      "PRAGMA writable_schema = ON;\n" +
        "UPDATE sqlite_master SET sql = replace(sql, 'DEFAULT ''active''', 'DEFAULT ''new''') " +
        "WHERE name = 'users';\n",
    );
    const r = await cli(["-u", url, "check"], project.dir);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(
      r.stdout,
      `drift: column "users.status": default is 'new' in the database, 'active' in schema.ts\n`,
    );
  } finally {
    await project.cleanup();
  }
});

Deno.test("check: a database that is not at head exits 3 before comparing; autogenerate refuses with exit 2", async (t) => {
  const project = await demoProject();
  try {
    await eachDialect(t, project.dir, async (db) => {
      const run = (...args: string[]) => cli(["-u", db.url, ...args], project.dir);
      assert.equal((await run("upgrade", "7a41c9d05e36")).code, 0);
      const r = await run("check");
      assert.equal(r.code, 3);
      assert.match(r.stdout, /^finding: the database is not at head: 5 migrations pending \(/);
      assert.match(r.stderr, /^error: The database is not at head; drift was not checked\n/);
      const g = await run("revision", "--autogenerate", "-m", "x");
      assert.equal(g.code, 2);
      assert.match(
        g.stderr,
        /^error: Cannot autogenerate: the database is not at head \(5 migrations/,
      );
      assert.match(g.stderr, /\nhint: run `strata upgrade head` first, or pass --dev-url/);
      assert.equal([...Deno.readDirSync(project.migrations)].filter((e) => e.isFile).length, 8);
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("revision --autogenerate: edit schema.ts, generate, upgrade, check, downgrade; no changes writes no file", async (t) => {
  const project = await demoProject();
  try {
    await eachDialect(t, project.dir, async (db) => {
      const proc = (...args: string[]) => runCli(["-u", db.url, ...args], { cwd: project.dir });
      assert.equal((await proc("upgrade", "head")).code, 0);
      const none = await proc("revision", "--autogenerate", "-m", "nothing");
      assert.equal(none.code, 0, none.stderr);
      assert.equal(none.stdout, "No changes detected\n");
      const before = [...Deno.readDirSync(project.migrations)].map((e) => e.name).sort();

      const schemaPath = join(project.dir, "schema.ts");
      const original = await Deno.readTextFile(schemaPath);
      const edited = original
        .replace(
          'bio: { type: "text" },',
          'bio: { type: "text" },\n        nickname: { type: "varchar(40)" },',
        )
        .replace(
          'ix_users_name: { columns: ["name"] },',
          'ix_users_name: { columns: ["name"] },\n        ix_users_nickname: { columns: ["nickname"], unique: true },',
        );
      assert.notEqual(edited, original);
      await Deno.writeTextFile(schemaPath, edited);
      try {
        const gen = await proc(
          "revision",
          "--autogenerate",
          "-m",
          "add nickname",
          "--rev-id",
          "f00dcafe0001",
        );
        assert.equal(gen.code, 0, gen.stderr);
        assert.match(gen.stdout, /^Created migrations\/f00dcafe0001_add_nickname\.ts/);
        const file = join(project.migrations, "f00dcafe0001_add_nickname.ts");
        const text = await Deno.readTextFile(file);
        assert.match(
          text,
          /export const downRevision: string \| string\[\] \| null = "e3a90c6b1f57";/,
        );
        assert.match(
          text,
          /await op\.addColumn\("users", "nickname", \{ type: "varchar\(40\)" \}\);/,
        );
        assert.match(
          text,
          /await op\.createIndex\("ix_users_nickname", "users", \["nickname"\], \{/,
        );
        assert.match(text, /await op\.dropColumn\("users", "nickname"\);/);

        const up = await proc("upgrade", "head");
        assert.equal(up.code, 0, up.stderr);
        const ok = await proc("check");
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.equal((await proc("downgrade", "-1")).code, 0);
        await Deno.writeTextFile(schemaPath, original);
        assert.equal((await proc("check")).code, 3, "not at head after the downgrade");
        await Deno.remove(file);
        const back = await proc("check");
        assert.equal(back.code, 0, back.stdout + back.stderr);
      } finally {
        await Deno.writeTextFile(schemaPath, original);
      }
      assert.deepEqual([...Deno.readDirSync(project.migrations)].map((e) => e.name).sort(), before);
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("revision --autogenerate --rename-enum-value: an enum value renamed keeps its rows; without the hint a review note says how", async (t) => {
  const project = await demoProject();
  try {
    // A declared schema module is imported once per process: the edited one is a new file.
    const original = await Deno.readTextFile(join(project.dir, "schema.ts"));
    const edited = original.replace(
      'message_role: ["user", "assistant", "system"],',
      'message_role: ["user", "assistant", "developer", "tool"],',
    );
    assert.notEqual(edited, original);
    await Deno.writeTextFile(join(project.dir, "schema_roles.ts"), edited);
    await eachDialect(t, project.dir, async (db) => {
      const run = (...args: string[]) => cli(["-u", db.url, ...args], project.dir);
      const roles = async () =>
        (await db.query("SELECT role FROM messages WHERE body = 'enum-test'")).map((r) =>
          String(r.role)
        );
      const files = () => [...Deno.readDirSync(project.migrations)].map((e) => e.name).sort();
      const before = files();
      assert.equal((await run("upgrade", "head")).code, 0);
      await shell(
        db,
        "INSERT INTO conversations (title) VALUES ('enum-test');\n" +
          "INSERT INTO messages (conversation_id, role, body) " +
          "SELECT max(id), 'system', 'enum-test' FROM conversations;\n",
      );
      const drift = await run("check", "--schema", "schema_roles.ts");
      assert.equal(drift.code, 3, drift.stderr);
      assert.equal(
        drift.stdout,
        'drift: enum "message_role": values are ["user", "assistant", "system"] in the ' +
          'database, ["user", "assistant", "developer", "tool"] in schema_roles.ts\n',
      );

      // Without the hint: one alterEnum that removes "system", and a note on renaming.
      const plain = await run(
        "revision",
        "--autogenerate",
        "-m",
        "roles",
        "--schema",
        "schema_roles.ts",
        "--rev-id",
        "e0e0e0e0e001",
      );
      assert.equal(plain.code, 0, plain.stderr);
      assert.match(plain.stderr, /^warning: 1 place marked "\/\/ review:" in the new migration/m);
      const plainFile = join(project.migrations, "e0e0e0e0e001_roles.ts");
      const plainText = await Deno.readTextFile(plainFile);
      await Deno.remove(plainFile);
      assert.match(plainText, /--rename-enum-value\s+(\/\/\s+)?message_role\.system:NEW/);
      assert.match(
        plainText.replace(/\s+/g, " "),
        /await op\.alterEnum\("message_role", \[ "user", "assistant", "developer", "tool", \]\);/,
      );
      assert.match(plainText, /data loss: removes value "system" from enum "message_role"/);

      const hinted = await run(
        "revision",
        "--autogenerate",
        "-m",
        "roles",
        "--schema",
        "schema_roles.ts",
        "--rev-id",
        "e0e0e0e0e002",
        "--rename-enum-value",
        "message_role.system:developer",
      );
      assert.equal(hinted.code, 0, hinted.stderr);
      const text = await Deno.readTextFile(join(project.migrations, "e0e0e0e0e002_roles.ts"));
      assert.match(
        text,
        /\{\n {2}\/\/ Generated by .*\n {2}await op\.renameEnumValue\("message_role", "system", "developer"\);\n {2}await op\.addEnumValue\("message_role", "tool", \{ after: "developer" \}\);\n\}/,
      );
      assert.match(text, /await op\.renameEnumValue\("message_role", "developer", "system"\);\n\}/);
      assert.equal((await run("upgrade", "head")).code, 0);
      const ok = await run("check", "--schema", "schema_roles.ts");
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.deepEqual(await roles(), ["developer"]);
      assert.equal((await run("downgrade", "-1")).code, 0);
      assert.deepEqual(await roles(), ["system"]);
      await Deno.remove(join(project.migrations, "e0e0e0e0e002_roles.ts"));
      const back = await run("check");
      assert.equal(back.code, 0, `back to the demo's schema.ts: ${back.stdout}${back.stderr}`);

      // Hints that do not fit: one line, exit 2, no file.
      const bad: [string, RegExp][] = [
        [
          "message_role.system",
          /^error: Cannot parse --rename-enum-value "message_role\.system"\nhint: write ENUM\.OLD:NEW/,
        ],
        [
          "message_role.nope:developer",
          /^error: Cannot use --rename-enum-value "message_role\.nope:developer": enum "message_role" has no value "nope" in the database\n/,
        ],
        [
          "mood.system:developer",
          /^error: Cannot use --rename-enum-value "mood\.system:developer": there is no enum "mood" in the database\n/,
        ],
      ];
      for (const [hint, expected] of bad) {
        const r = await run(
          "revision",
          "--autogenerate",
          "-m",
          "x",
          "--schema",
          "schema_roles.ts",
          "--rename-enum-value",
          hint,
        );
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, expected);
      }
      const without = await run("revision", "-m", "x", "--rename-enum-value", "a.b:c");
      assert.equal(without.code, 2);
      assert.match(without.stderr, /^error: --rename-enum-value needs --autogenerate\n/);
      assert.deepEqual(files(), before, "no file written");
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("--dev-url: check and autogenerate with no project database at all, nothing left behind", async (t) => {
  const project = await demoProject();
  try {
    // No URL anywhere: not in flags, environment, .env or strata.json.
    const proc = (...args: string[]) => runCli(args, { cwd: project.dir });
    await t.step("sqlite::memory:", async () => {
      const r = await proc("check", "--dev-url", "sqlite::memory:");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "OK: the migrations build schema.ts\n");
      const g = await proc("revision", "--autogenerate", "-m", "x", "--dev-url", "sqlite::memory:");
      assert.equal(g.stdout, "No changes detected\n");
      const file = await proc("check", "--dev-url", `sqlite:${join(project.dir, "dev.db")}`);
      assert.equal(file.code, 2);
      assert.match(file.stderr, /^error: --dev-url for SQLite must be sqlite::memory:\n/);
      assert.deepEqual(
        [...Deno.readDirSync(project.dir)].map((e) => e.name).sort(),
        ["deno.json", "migrations", "schema.ts"],
      );
    });
    if (!hasPg()) return;
    await t.step("postgres server", async () => {
      const r = await proc("check", "--dev-url", PG_URL!);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "OK: the migrations build schema.ts\n");
      assert.doesNotMatch(r.stdout + r.stderr, /strata-test-pw/);
      // A schema.ts the migrations do not build: exit 3, and the scratch database is gone.
      const schemaPath = join(project.dir, "schema.ts");
      const original = await Deno.readTextFile(schemaPath);
      await Deno.writeTextFile(schemaPath, original.replace('bio: { type: "text" },', ""));
      try {
        const d = await proc("check", "--dev-url", PG_URL!);
        assert.equal(d.code, 3);
        assert.equal(
          d.stdout,
          'drift: column "users.bio": in the migrations but not in schema.ts\n',
        );
      } finally {
        await Deno.writeTextFile(schemaPath, original);
      }
      assert.deepEqual(await devDatabases(), []);
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("check: a bad declared schema gives one line and exit 2, and the database is not touched", async () => {
  const project = await demoProject();
  const url = `sqlite:${join(project.dir, "app.db")}`;
  const run = (...args: string[]) => cli(["-u", url, ...args], project.dir);
  try {
    assert.equal((await run("upgrade", "head")).code, 0);
    const original = await Deno.readTextFile(join(project.dir, "schema.ts"));
    const cases: [string, string, RegExp][] = [
      [
        "an index on an unknown column",
        original.replace(
          'ix_users_name: { columns: ["name"] }',
          'ix_users_name: { columns: ["nmae"] }',
        ),
        /^error: Invalid declared schema "bad\d\.ts": table "users", index "ix_users_name": unknown column "nmae"\nhint: columns: /,
      ],
      [
        "a foreign key to a missing table",
        original.replace('references: "conversations"', 'references: "conversation"'),
        /^error: Invalid declared schema "bad\d\.ts": table "messages", foreign key "fk_messages_conversation": references unknown table "conversation"\n/,
      ],
      [
        "a bad type",
        original.replace('slug: { type: "varchar(64)"', 'slug: { type: "text; drop table users"'),
        /^error: Cannot build the declared schema "bad\d\.ts": Unknown column type "text; drop table users" on sqlite\n/,
      ],
      [
        "a syntax error",
        original.replace("tables: {", "tables: {{"),
        /^error: Cannot load the declared schema "bad\d\.ts" at line \d+, column \d+: /,
      ],
      [
        "no default export",
        "export const x = 1;\n",
        /^error: Cannot use the declared schema "bad\d\.ts": it has no default export\n/,
      ],
    ];
    for (const [i, [what, text, expected]] of cases.entries()) {
      assert.notEqual(text, original, what);
      // One file each: a module is imported once per process.
      await Deno.writeTextFile(join(project.dir, `bad${i}.ts`), text);
      const r = await run("check", "--schema", `bad${i}.ts`);
      assert.equal(r.code, 2, `${what}: ${r.stderr}`);
      assert.match(r.stderr, expected, what);
      assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("error:")).length, 1, what);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
    }
    const missing = await run("check", "--schema", "nope.ts");
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^error: Cannot find the declared schema ".*nope\.ts"\nhint: write it/,
    );
    assert.equal((await run("check")).code, 0, "the database is as it was");
    const hints: [string[], RegExp][] = [
      [
        ["--rename", "users.bio"],
        /^error: Cannot parse --rename "users\.bio"\nhint: write TABLE\.OLD:NEW/,
      ],
      [
        ["--rename", "users.nope:x"],
        /^error: Cannot use --rename "users\.nope:x": there is no column "users\.nope" in the database\n/,
      ],
      [
        ["--rename-table", "a:b:c"],
        /^error: Cannot parse --rename-table "a:b:c"\nhint: write OLD:NEW/,
      ],
    ];
    for (const [args, expected] of hints) {
      const r = await run("revision", "--autogenerate", "-m", "x", ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
    }
    const without = await run("revision", "-m", "x", "--rename", "users.bio:about");
    assert.equal(without.code, 2);
    assert.match(without.stderr, /^error: --rename needs --autogenerate\n/);
    assert.equal([...Deno.readDirSync(project.migrations)].length, 9, "no file written");
  } finally {
    await project.cleanup();
  }
});

Deno.test("schema dump: deterministic DDL that loads into an empty database as the same schema", async (t) => {
  const project = await demoProject();
  try {
    await eachDialect(t, project.dir, async (db) => {
      const run = (...args: string[]) => cli(["-u", db.url, ...args], project.dir);
      assert.equal((await run("upgrade", "head")).code, 0);
      const a = await run("schema", "dump");
      const b = await run("schema", "dump");
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.stdout, a.stdout, "two dumps differ");
      // Strata's version and history tables stay out; on SQLite the enums are
      // rows of Strata's enum table, which a loaded dump needs to read back the same.
      assert.doesNotMatch(a.stdout, /strata_version|strata_history/);
      if (db.dialect === "sqlite") assert.match(a.stdout, /INSERT INTO _strata_enums/);
      else assert.doesNotMatch(a.stdout, /_strata_/);
      const o = await run("schema", "dump", "-o", "schema.sql");
      assert.equal(o.code, 0);
      assert.equal(await Deno.readTextFile(join(project.dir, "schema.sql")), a.stdout);

      // Load it into an empty database with the database's own shell.
      const target = db.dialect === "sqlite"
        ? {
          dialect: db.dialect,
          url: `sqlite:${join(project.dir, `copy-${crypto.randomUUID()}.db`)}`,
          drop: () => Promise.resolve(),
        }
        : { dialect: db.dialect, ...(await createPgDatabase("dump")) };
      try {
        await shell(target, a.stdout);
        const dialect = getDialect(db.dialect);
        const read = async (url: string) => {
          const d = await openDriver(url);
          try {
            return await dialect.introspect(d, { exclude: ["strata_version", "strata_history"] });
          } finally {
            await d.close();
          }
        };
        assert.deepEqual(await read(target.url), await read(db.url));
      } finally {
        await target.drop();
      }
    });
  } finally {
    await project.cleanup();
  }
});

Deno.test("bundle: the single-file CLI loads schema.ts from disk with no deno.json beside it", async () => {
  const project = await makeProject("demo");
  try {
    // Only a type is imported from the package: nothing needs resolving at run time.
    await Deno.copyFile(join(ROOT, "schema.ts"), join(project.dir, "schema.ts"));
    const bundle = join(project.dir, "strata.js");
    const built = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "deno", "-o", bundle, "main.ts"],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
    const url = `sqlite:${join(project.dir, "app.db")}`;
    const run = (...args: string[]) =>
      runCli(["-u", url, ...args], { cwd: project.dir, entry: bundle });
    assert.equal((await run("upgrade", "head")).code, 0);
    const ok = await run("check");
    assert.equal(ok.code, 0, ok.stderr);
    const schemaPath = join(project.dir, "schema.ts");
    const text = await Deno.readTextFile(schemaPath);
    await Deno.writeTextFile(
      schemaPath,
      text.replace(
        'bio: { type: "text" },',
        'bio: { type: "text" },\n        x: { type: "text" },',
      ),
    );
    const gen = await run("revision", "--autogenerate", "-m", "add x");
    assert.equal(gen.code, 0, gen.stderr);
    assert.equal((await run("upgrade", "head")).code, 0);
    const after = await run("check");
    assert.equal(after.code, 0, after.stdout + after.stderr);
  } finally {
    await project.cleanup();
  }
});
