/**
 * Strata in someone else's project (issue 8, "Done when"), as a user gets it:
 * a fresh project in a temporary directory outside this repository, set up by
 * `deno run -A jsr:@strata/strata/cli init --deno`, then driven through the
 * `deno task migrate` that init writes, `deno check`, an app that calls
 * `autoMigrate()`, and the bundled CLI (the compiled binary's stand-in) in the
 * container entrypoint. Every step is a real subprocess.
 *
 * JSR is unreachable here, so the project's deno.json has one line a user of
 * the published package would not: `"links": [this checkout]`, which makes
 * Deno resolve `jsr:@strata/strata` to these files, offline.
 */
import assert from "node:assert/strict";
import { join, sep } from "node:path";
import {
  buildBundle,
  type CliResult,
  pgTestDb,
  ROOT,
  runCommand,
  sqliteTestDb,
} from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const DENO = Deno.execPath();
const ENTRYPOINT = join(ROOT, "docker", "entrypoint.sh");

/** The app of the README's "autoMigrate() from the app", printing what it applied. */
const APP = `import { autoMigrate, StrataError } from "@strata/strata";

try {
  const applied = await autoMigrate({ enabledEnv: "AUTO_MIGRATE" });
  console.log(\`applied: \${applied.map((s) => s.revision).join(" ") || "none"}\`);
} catch (err) {
  if (!(err instanceof StrataError)) throw err;
  console.error(\`migration failed: \${err.message}\`);
  Deno.exit(err.exitCode);
}
`;

/** Fills the template's two `// write the change here` lines: upgrade first, then downgrade. */
function fill(text: string, up: string, down: string): string {
  const marker = "  // write the change here";
  const first = text.indexOf(marker);
  const second = text.indexOf(marker, first + 1);
  assert.ok(first >= 0 && second > first, `the template changed:\n${text}`);
  return text.slice(0, first) + up + text.slice(first + marker.length, second) + down +
    text.slice(second + marker.length);
}

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
  return r;
}

Deno.test("a project outside this repository: init, revision, deno check, upgrade on SQLite and PostgreSQL, autoMigrate, the bundle", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata-outside-" }));
  const tools = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata-tools-" }));
  const drops: (() => Promise<void>)[] = [];
  const baseEnv = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? "",
  };
  const run = (cmd: string, args: string[], env: Record<string, string> = {}) =>
    runCommand(cmd, args, { cwd: dir, env: { ...baseEnv, ...env } });
  const task = (args: string[], env: Record<string, string> = {}) =>
    run(DENO, ["task", "-q", "migrate", ...args], env);
  try {
    assert.ok(!dir.startsWith(ROOT + sep), `${dir} is inside the checkout`);
    const revs: string[] = [];

    await t.step("init --deno through jsr:@strata/strata/cli", async () => {
      await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ links: [ROOT] }));
      const r = ok(
        await run(DENO, [
          "run",
          "-A",
          "jsr:@strata/strata/cli",
          "init",
          "--url",
          "sqlite:app.db",
          "--deno",
        ]),
        "init",
      );
      assert.deepEqual(r.stdout.split("\n").filter((l) => /^(Created|Updated) /.test(l)), [
        "Created migrations/",
        "Created strata.json",
        "Updated deno.json",
      ]);
      assert.match(r.stdout, /^Next: deno task migrate revision -m "create users"$/m);
      const config = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
      assert.equal(config.tasks.migrate, "deno run -A @strata/strata/cli");
      assert.match(config.imports["@strata/strata"], /^jsr:@strata\/strata@\^\d/);
    });

    await t.step("deno task migrate revision, twice; the files import the package", async () => {
      const bodies = [
        [
          "create users",
          '  await op.createTable("users", {\n' +
          '    id: { type: "integer", primaryKey: true, autoIncrement: true },\n' +
          '    email: { type: "varchar(80)", nullable: false },\n' +
          "  });",
          '  await op.dropTable("users");',
        ],
        [
          "add bio",
          '  await op.addColumn("users", "bio", { type: "text" });',
          '  await op.dropColumn("users", "bio");',
        ],
      ] as const;
      for (const [message, up, down] of bodies) {
        const r = ok(await task(["revision", "-m", message]), `revision -m ${message}`);
        const m = /^Created (migrations\/([0-9a-f]{12})_\S+\.ts)/m.exec(r.stdout);
        assert.ok(m, r.stdout);
        revs.push(m[2]!);
        const file = join(dir, m[1]!);
        const text = await Deno.readTextFile(file);
        assert.match(text, /^import type \{ Op \} from "@strata\/strata\/migration";$/m);
        await Deno.writeTextFile(file, fill(text, up, down));
      }
      assert.match(
        await Deno.readTextFile(join(dir, "migrations", `${revs[1]}_add_bio.ts`)),
        new RegExp(`downRevision: string \\| string\\[\\] \\| null = "${revs[0]}"`),
      );
      await Deno.writeTextFile(join(dir, "main.ts"), APP);
    });

    await t.step("deno check passes on the migrations and the app", async () => {
      ok(await run(DENO, ["check", "migrations/", "main.ts"]), "deno check");
    });

    await t.step("upgrade head on SQLite (strata.json's URL)", async () => {
      const r = ok(await task(["upgrade", "head"]), "upgrade head");
      assert.match(r.stdout, new RegExp(`Applied 2 migrations .*now at ${revs[1]}`));
      const db = sqliteTestDb(join(dir, "app.db"));
      assert.deepEqual(await db.versions(), [revs[1]]);
      const columns = await db.query("SELECT name FROM pragma_table_info('users') ORDER BY cid");
      assert.deepEqual(columns.map((c) => c.name), ["id", "email", "bio"]);
    });

    const pg = hasPg();
    let pgUrl = "";
    if (pg) {
      await t.step("upgrade head on PostgreSQL (DATABASE_URL over strata.json)", async () => {
        const created = await createPgDatabase("outside");
        drops.push(created.drop);
        pgUrl = created.url;
        ok(await task(["upgrade", "head"], { DATABASE_URL: pgUrl }), "upgrade head on PostgreSQL");
        const db = await pgTestDb(pgUrl);
        assert.deepEqual(await db.versions(), [revs[1]]);
        const columns = await db.query(
          "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' " +
            "ORDER BY ordinal_position",
        );
        assert.deepEqual(columns.map((c) => c.column_name), ["id", "email", "bio"]);
      });

      await t.step(
        "the app's autoMigrate() migrates PostgreSQL, then skips when switched off",
        async () => {
          const created = await createPgDatabase("outside_app");
          drops.push(created.drop);
          const env = { DATABASE_URL: created.url };
          let r = ok(await run(DENO, ["run", "-A", "main.ts"], env), "the app");
          assert.match(r.stdout, new RegExp(`^applied: ${revs[0]} ${revs[1]}$`, "m"));
          assert.deepEqual(await (await pgTestDb(created.url)).versions(), [revs[1]]);
          r = ok(await run(DENO, ["run", "-A", "main.ts"], env), "the app, again");
          assert.match(r.stdout, /^applied: none$/m);
          await Deno.writeTextFile(join(dir, ".env"), "AUTO_MIGRATE=false\n");
          r = ok(await run(DENO, ["run", "-A", "main.ts"], env), "the app, switched off");
          assert.match(
            r.stdout,
            /^Automatic migrations are disabled\. Skipping migrations\.\.\.$/m,
          );
          assert.match(r.stdout, /^applied: none$/m);
          await Deno.remove(join(dir, ".env"));
        },
      );
    }

    const bundle = await buildBundle(tools);
    const bundled = (args: string[], env: Record<string, string> = {}) =>
      run(DENO, ["run", "-A", "--no-config", bundle, ...args], env);

    await t.step("the bundle, run with no deno.json, loads the same files", async () => {
      const heads = ok(await task(["heads"]), "heads");
      assert.equal(ok(await bundled(["heads"]), "bundled heads").stdout, heads.stdout);
      ok(await bundled(["-u", "sqlite:bundle.db", "upgrade", "head"]), "bundled upgrade");
      assert.deepEqual(await sqliteTestDb(join(dir, "bundle.db")).versions(), [revs[1]]);
      if (pg) {
        const r = ok(await bundled(["current"], { DATABASE_URL: pgUrl }), "bundled current");
        assert.equal(r.stdout.trim(), `${revs[1]} (head)`);
      }
    });

    await t.step("the container entrypoint waits, migrates, then execs the app", async () => {
      const shim = join(tools, "strata");
      await Deno.writeTextFile(
        shim,
        `#!/bin/sh\nexec "${DENO}" run -A --no-config "${bundle}" "$@"\n`,
      );
      await Deno.chmod(shim, 0o755);
      const PATH = `${tools}:${baseEnv.PATH}`;
      const app = ["sh", "-c", 'echo "app started at $(strata current)"'];
      // A fresh database: wait, then two migrations, then the app sees the head.
      const fresh = `sqlite:${join(dir, "entry.db")}`;
      let r = ok(
        await run("sh", [ENTRYPOINT, ...app], { PATH, DATABASE_URL: fresh }),
        "entrypoint",
      );
      const lines = r.stdout.trim().split("\n");
      assert.match(lines[0] ?? "", /^Database is ready: sqlite:/);
      assert.match(lines[1] ?? "", new RegExp(`^upgrade <base> -> ${revs[0]}`));
      assert.equal(lines.at(-1), `app started at ${revs[1]} (head)`);
      // A database that never comes: the wait times out and the app never starts.
      const never = `sqlite:${join(dir, "no-such-dir", "app.db")}`;
      r = await run("sh", [ENTRYPOINT, ...app], {
        PATH,
        DATABASE_URL: never,
        STRATA_WAIT_TIMEOUT: "1",
      });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout, /app started/);
      assert.match(r.stderr, /^error: /m);
    });
  } finally {
    for (const drop of drops) await drop();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(tools, { recursive: true });
  }
});
