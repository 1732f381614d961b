/**
 * The bundled artifact: `deno bundle` (as `deno task bundle`: `strata.js` and
 * the chunks it loads on demand) and the CLI run from it against SQLite. The compiled binary cannot be built
 * here (`deno compile` downloads its runtime), so the bundle stands in for it:
 * both must load migrations from disk by absolute `file:` URL, with nothing
 * resolved relative to Strata's own sources.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { buildBundle } from "../scripts/bundle.ts";
import { makeProject, runCli, runCliInProcess, sqliteTestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

/** Builds the bundle into `dir` exactly as `deno task bundle` does, with another output path. */
function buildInto(dir: string): Promise<string> {
  return buildBundle(join(dir, "dist"));
}

Deno.test("bundle: the bundled CLI upgrades, reports, writes --sql and downgrades on SQLite", async (t) => {
  const p = await makeProject("demo");
  try {
    const bundle = await buildInto(p.dir);
    const dbPath = join(p.dir, "app.db");
    const db = sqliteTestDb(dbPath);
    const bundled = (...args: string[]) =>
      runCli(["-u", `sqlite:${dbPath}`, ...args], { cwd: p.dir, entry: bundle });
    // The reference: the CLI from source, in this process.
    const fromSource = (...args: string[]) =>
      runCliInProcess(["-u", `sqlite:${dbPath}`, ...args], { cwd: p.dir });

    // The head as the source CLI sees it; the bundle must agree.
    const sourceHeads = await fromSource("heads");
    assert.equal(sourceHeads.code, 0, sourceHeads.stderr);
    const head = sourceHeads.stdout.trim().split(/\s+/)[0] ?? "";
    assert.match(head, /^[0-9a-f]{12}$/);

    await t.step("heads", async () => {
      const r = await bundled("heads");
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, sourceHeads.stdout);
    });

    await t.step("--sql matches the source CLI's script and never connects", async () => {
      const r = await bundled("upgrade", "head", "--sql");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /BEGIN/);
      assert.match(r.stdout, /CREATE TABLE/);
      assert.match(r.stdout, new RegExp(head));
      const s = await fromSource("upgrade", "head", "--sql");
      assert.equal(s.code, 0, s.stderr);
      assert.equal(r.stdout, s.stdout);
      assert.deepEqual(await db.tables(), []);
    });

    await t.step("upgrade head", async () => {
      const r = await bundled("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await db.versions(), [head]);
      assert.ok((await db.tables()).includes("users"));
    });

    await t.step("a second upgrade head has nothing to do", async () => {
      const r = await bundled("upgrade", "head");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Nothing to do/);
      assert.deepEqual(await db.versions(), [head]);
    });

    await t.step("current and history", async () => {
      const current = await bundled("current");
      assert.equal(current.code, 0, current.stderr);
      assert.match(current.stdout, new RegExp(`${head}.*\\(head\\)`));
      const history = await bundled("history");
      assert.equal(history.code, 0, history.stderr);
      const files = [...Deno.readDirSync(p.migrations)].map((e) => e.name)
        .filter((name) => name.endsWith(".ts"));
      const revs = files.map((name) => /^([0-9a-f]{12})_/.exec(name)?.[1])
        .filter((rev) => rev !== undefined);
      assert.ok(revs.length > 0 && revs.length === files.length, files.join(", "));
      for (const rev of revs) {
        assert.match(history.stdout, new RegExp(rev), `history lacks ${rev}`);
      }
    });

    await t.step(
      "downgrade base leaves only Strata's own tables, with no version row",
      async () => {
        const r = await bundled("downgrade", "base");
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(await db.versions(), []);
        assert.deepEqual(await db.tables(), []); // tables() leaves Strata's own out
      },
    );
  } finally {
    await p.cleanup();
  }
});

/** The files `entry` imports statically, itself included (chunks import by relative path). */
function staticClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    const text = Deno.readTextFileSync(path);
    files.set(path, text);
    // Static imports only: `import … from "./x.js"` / `import "./x.js"`, not `import("./x.js")`.
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^("'`]*?["'](\.\/[^"']+)["']/gm)) {
      visit(join(dirname(path), m[1] as string));
    }
  };
  visit(entry);
  return files;
}

Deno.test("bundle: postgres.js and its node: modules load only when a PostgreSQL URL needs them", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "strata-bundle-" });
  try {
    const entry = await buildInto(dir);
    const eager = staticClosure(entry);
    const names = [...Deno.readDirSync(dirname(entry))].map((e) => e.name);
    assert(names.some((n) => /^postgres-.*\.js$/.test(n)), names.join(", "));
    for (const [path, text] of eager) {
      for (const mod of ["node:net", "node:tls", "node:crypto", "node:stream"]) {
        assert(!text.includes(`from "${mod}"`), `${path} loads ${mod} at start-up`);
      }
    }
    if (!hasPg()) return;
    await t.step("and the bundle still runs on PostgreSQL", async () => {
      const pg = await createPgDatabase("bundle");
      try {
        const p = await makeProject("demo");
        try {
          const r = await runCli(["-u", pg.url, "upgrade", "head"], { cwd: p.dir, entry });
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /Applied \d+ migrations/);
        } finally {
          await p.cleanup();
        }
      } finally {
        await pg.drop();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
