/**
 * `strata init` and the project template (issue 8), in-process on real
 * files: what init writes, that it never overwrites, and that `revision`
 * uses the project's template and says to run init when there is no
 * migrations directory.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree } from "./_in_process.ts";
import { runCliInProcess, sqliteTestDb } from "./_helpers.ts";
import { MIGRATION_TEMPLATE } from "../src/script/_template.ts";
import { VERSION } from "../src/version.ts";

async function withEmptyDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "strata-init-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every file under `dir` with its text, to show a refused init changed nothing. */
function snapshot(dir: string): string {
  return listTree(dir).map((f) => {
    const path = join(dir, f);
    return Deno.statSync(path).isFile ? `${f}\n${Deno.readTextFileSync(path)}` : f;
  }).join("\n---\n");
}

Deno.test("init --url --deno --template sets up a project that revision and upgrade use", async () => {
  await withEmptyDir(async (dir) => {
    const run = (...args: string[]) => runCliInProcess(args, { cwd: dir });
    let r = await run("init", "--url", "sqlite:app.db", "--deno", "--template");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split("\n").filter((l) => l.startsWith("Created")), [
      "Created migrations/",
      "Created strata.json",
      "Created deno.json",
      "Created templates/migration.ts.tmpl",
    ]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "strata.json"))), {
      url: "sqlite:app.db",
      dir: "migrations",
    });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "deno.json"))), {
      imports: { "@strata/strata": `jsr:@strata/strata@^${VERSION}` },
      tasks: { migrate: "deno run -A @strata/strata/cli" },
    });
    const tmpl = join(dir, "templates", "migration.ts.tmpl");
    assert.equal(await Deno.readTextFile(tmpl), MIGRATION_TEMPLATE);

    // The project's template is what revision renders.
    await Deno.writeTextFile(tmpl, `// made from the project template\n${MIGRATION_TEMPLATE}`);
    r = await run("revision", "-m", "create users", "--rev-id", "a1a1a1a1a1a1");
    assert.equal(r.code, 0, r.stderr);
    const file = join(dir, "migrations", "a1a1a1a1a1a1_create_users.ts");
    const text = await Deno.readTextFile(file);
    assert.ok(text.startsWith("// made from the project template\n"), text);
    assert.match(text, /import type \{ Op \} from "@strata\/strata\/migration";/);
    await Deno.writeTextFile(
      file,
      text.replace(
        "// write the change here",
        'await op.createTable("users", { id: { type: "integer" } });',
      ),
    );

    // upgrade needs no -u: strata.json names the database.
    r = await run("upgrade", "head");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await sqliteTestDb(join(dir, "app.db")).tables(), ["users"]);

    // A second init refuses and changes nothing.
    const before = snapshot(dir);
    r = await run("init", "--url", "sqlite:other.db");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: Cannot initialize: ".*strata\.json" already exists$/m);
    r = await run("init", "--template");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /migration\.ts\.tmpl" already exists/);
    r = await run("init", "--deno"); // the same lines are already there: nothing to do
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /already has/);
    assert.equal(snapshot(dir), before);
  });
});

Deno.test("init --dialect writes no URL and says how to configure one", async () => {
  await withEmptyDir(async (dir) => {
    let r = await runCliInProcess(["init", "--dialect", "postgres"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(dir, "strata.json"))), {
      dialect: "postgres",
      dir: "migrations",
    });
    assert.match(r.stdout, /No database is configured yet/);
    assert.match(r.stdout, /^ {2}DATABASE_URL=postgres:\/\/USER@HOST:5432\/DBNAME/m);
    assert.match(r.stdout, /POSTGRES_HOST, POSTGRES_PORT/);
    // Nothing silently points anywhere: a database command refuses ...
    r = await runCliInProcess(["current"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: No database configured/m);
    // ... while a script for the dialect needs no URL.
    r = await runCliInProcess(["revision", "-m", "one"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    r = await runCliInProcess(["upgrade", "head", "--sql"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-- dialect: postgres/);
    assert.deepEqual(listTree(dir).filter((f) => f.endsWith(".db")), []);
  });
});

Deno.test("init refuses dangerous or conflicting input and writes nothing", async () => {
  await withEmptyDir(async (dir) => {
    const cases: [string[], RegExp][] = [
      [["init"], /^error: init needs --url URL or --dialect sqlite\|postgres$/m],
      [["init", "--url", "postgres://app:secret@db/app"], /it holds a password/],
      [["init", "--url", "postgres://app@db/app?password=secret"], /it holds a password/],
      [["init", "--dialect", "mysql"], /^error: Unknown dialect "mysql"/m],
      [["init", "--url", "sqlite:a.db", "--dialect", "postgres"], /is a sqlite URL/],
      [["init", "--url", "mysql://db/app"], /unsupported scheme "mysql"/],
    ];
    for (const [args, error] of cases) {
      const r = await runCliInProcess(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, error);
      assert.ok(!r.stderr.includes("secret"), r.stderr);
      assert.deepEqual(listTree(dir), [], args.join(" "));
    }
  });
});

Deno.test("init --deno adds absent keys to deno.json and refuses present ones", async () => {
  await withEmptyDir(async (dir) => {
    const deno = join(dir, "deno.json");
    await Deno.writeTextFile(deno, JSON.stringify({ tasks: { dev: "deno run main.ts" } }));
    let r = await runCliInProcess(["init", "--deno"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Updated deno\.json$/m);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(deno)), {
      tasks: { dev: "deno run main.ts", migrate: "deno run -A @strata/strata/cli" },
      imports: { "@strata/strata": `jsr:@strata/strata@^${VERSION}` },
    });

    const mine = JSON.stringify({ tasks: { migrate: "dbmate up" } });
    await Deno.writeTextFile(deno, mine);
    r = await runCliInProcess(["init", "--deno"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: Cannot add to deno\.json: "migrate" is already set to "dbmate up"$/m,
    );
    assert.equal(await Deno.readTextFile(deno), mine);

    await Deno.writeTextFile(deno, '{\n  // comments\n  "tasks": {}\n}\n');
    r = await runCliInProcess(["init", "--deno"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not plain JSON/);
    assert.match(r.stderr, /^hint: add by hand: "imports": \{ "@strata\/strata"/m);
  });
});

Deno.test("revision without a migrations directory says to run init, and a missing template is an error", async () => {
  await withEmptyDir(async (dir) => {
    let r = await runCliInProcess(["revision", "-m", "first"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: Cannot find the migrations directory "migrations"$/m);
    assert.match(r.stderr, /^hint: run `strata init --url URL`/m);
    assert.deepEqual(listTree(dir), []);

    await Deno.mkdir(join(dir, "migrations"));
    await Deno.writeTextFile(join(dir, "strata.json"), '{"template": "tmpl/mig.txt"}');
    r = await runCliInProcess(["revision", "-m", "first"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: Cannot read migration template ".*tmpl\/mig\.txt" \(from strata\.json template\)/m,
    );

    await Deno.mkdir(join(dir, "tmpl"));
    await Deno.writeTextFile(join(dir, "tmpl", "mig.txt"), `// {{nope}}\n${MIGRATION_TEMPLATE}`);
    r = await runCliInProcess(["revision", "-m", "first"], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^error: Cannot render migration: unknown template placeholder "\{\{nope\}\}"$/m,
    );

    await Deno.writeTextFile(
      join(dir, "tmpl", "mig.txt"),
      `// custom: {{message}}\n${MIGRATION_TEMPLATE}`,
    );
    r = await runCliInProcess(["revision", "-m", "first", "--rev-id", "f1"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const text = await Deno.readTextFile(join(dir, "migrations", "f1_first.ts"));
    assert.ok(text.startsWith("// custom: first\n"), text);
  });
});
