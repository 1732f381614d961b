/**
 * Differential tests for offline `--sql` scripts (DESIGN.md, "Offline runs":
 * the script is exactly what a live run would execute). On each dialect a
 * live run gives database A; the script, run by the database's own shell
 * (`psql -v ON_ERROR_STOP=1 -f`, `sqlite3 -bail DB < script`), gives
 * database B; A and B must hold the same schema (introspected, Strata's
 * `strata_*` tables left out), the same version rows, the same history rows
 * (revision, direction, checksum) and the same data.
 *
 * Also here: offline runs never connect, `op.query` fails offline without
 * writing a partial file, and values are written as literals that read back
 * exactly as a live insert stores them.
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
import { runLive } from "./_offline.ts";
import type { Schema } from "../src/schema/model.ts";
import { generateOpSequence } from "./_random_ops.ts";
import {
  makeProject,
  migrationSource,
  pgTestDb,
  runCliInProcess,
  sqliteTestDb,
  type TestDb,
} from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { repeat, startSeed } from "./_tier.ts";

type DialectName = "sqlite" | "postgres";

/** Everything compared between a live database and a scripted one. */
interface Snapshot {
  schema: Schema;
  versions: string[];
  history: Record<string, unknown>[];
  data: Record<string, Record<string, unknown>[]>;
}

/** A database under test that cleans up after itself. */
interface Db extends TestDb {
  drop(): Promise<void>;
}

/** One dialect in one project directory: fresh databases, live runs, scripts. */
class Lab {
  readonly dialect: DialectName;
  /** The project directory (holds `migrations/`); may change between cases. */
  dir: string;
  #pg: Db[] = [];

  constructor(dialect: DialectName, dir: string) {
    this.dialect = dialect;
    this.dir = dir;
  }

  /**
   * `n` empty databases. SQLite: new files. PostgreSQL: `CREATE DATABASE`
   * takes about a second here, so the lab keeps its databases and empties
   * them (`DROP SCHEMA public CASCADE`) for the next case instead.
   */
  async dbs(n: number): Promise<Db[]> {
    if (this.dialect === "sqlite") {
      return Array.from({ length: n }, () => {
        const path = join(this.dir, `db-${crypto.randomUUID().slice(0, 8)}.db`);
        return { ...sqliteTestDb(path), drop: () => Promise.resolve() };
      });
    }
    const reused = this.#pg.slice(0, n);
    await Promise.all(
      reused.map((db) => db.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public")),
    );
    const created = await Promise.all(
      Array.from({ length: n - reused.length }, async () => {
        const pg = await createPgDatabase("offline");
        return { ...await pgTestDb(pg.url), drop: pg.drop };
      }),
    );
    this.#pg.push(...created);
    return [...reused, ...created];
  }

  /**
   * Runs `upgrade TARGET` or `downgrade TARGET` live, in this process (the
   * same {@linkcode Migrator} the CLI calls; a subprocess per run would
   * double the test's time).
   */
  live(db: TestDb, command: "upgrade" | "downgrade", target: string): Promise<void> {
    return runLive(db, this.dir, command, target);
  }

  /**
   * The offline script for `upgrade|downgrade RANGE --sql`: through the CLI's
   * `main()` in this process (as a DBA runs it; offline_golden_test.ts shows
   * the real entry point writes the same bytes) or, with `direct`, by
   * calling the same {@linkcode runOffline} directly (for many
   * generated cases).
   */
  async script(
    command: "upgrade" | "downgrade",
    range: string,
    options: { direct?: boolean; transactionPer?: "migration" | "run" } = {},
  ): Promise<string> {
    const per = options.transactionPer ?? "migration";
    if (options.direct) {
      const config = await resolveConfig({ dir: join(this.dir, "migrations") }, {}, this.dir);
      const migrator = new Migrator(config, { dialect: this.dialect });
      return await runOffline(migrator, command === "upgrade" ? "up" : "down", range, {
        transactionPer: per,
      });
    }
    const args = [command, range, "--sql", "--dialect", this.dialect, "--transaction-per", per];
    const r = await runCliInProcess(args, { cwd: this.dir });
    assert.equal(r.code, 0, `strata ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }

  /** Runs a script with the database's own shell, stopping at the first error. */
  async run(db: TestDb, script: string): Promise<void> {
    await runShell(db, script);
  }

  /** Drops every database made here. */
  async cleanup(): Promise<void> {
    await Promise.all(this.#pg.splice(0).map((db) => db.drop()));
  }
}

/**
 * Runs SQL text with `psql -v ON_ERROR_STOP=1 -f FILE` or `sqlite3 -bail DB`,
 * as a DBA would.
 */
async function runShell(db: TestDb, script: string): Promise<void> {
  const file = await Deno.makeTempFile({ suffix: ".sql" });
  try {
    await Deno.writeTextFile(file, script);
    let cmd: Deno.Command;
    if (db.dialect === "postgres") {
      cmd = new Deno.Command("psql", {
        args: ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file, "-d", db.url],
        env: { PGOPTIONS: "-c client_min_messages=warning" },
        stdout: "piped",
        stderr: "piped",
      });
    } else {
      const path = db.url.slice("sqlite:".length);
      cmd = new Deno.Command("sh", {
        args: ["-c", 'exec sqlite3 -bail "$1" < "$2"', "sh", path, file],
        stdout: "piped",
        stderr: "piped",
      });
    }
    const out = await cmd.output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `the ${db.dialect} shell failed: ${err}\n--- script ---\n${script}`);
    assert.equal(err.trim(), "", `the ${db.dialect} shell complained`);
  } finally {
    await Deno.remove(file);
  }
}

/** Columns filled from the clock: they differ between two runs by design. */
function isClockDefault(def: string | null): boolean {
  return def !== null && /current_timestamp|now\(\)|current_date|localtimestamp/i.test(def);
}

/** Reads what A and B are compared on, over one connection. */
async function snapshot(db: TestDb): Promise<Snapshot> {
  const dialect = getDialect(db.dialect);
  const driver = await openDriver(db.url);
  try {
    const q = (sql: string) => driver.query(sql) as Promise<Record<string, unknown>[]>;
    let schema = await dialect.introspect(driver, {
      exclude: ["strata_version", "strata_history"],
    });
    schema = { ...schema, tables: schema.tables.filter((t) => !t.name.startsWith("strata_")) };
    const data: Record<string, Record<string, unknown>[]> = {};
    for (const table of schema.tables) {
      const cols = table.columns.filter((c) => !isClockDefault(c.default)).map((c) =>
        dialect.quoteIdent(c.name)
      );
      if (cols.length === 0) continue;
      const order = cols.map((_, i) => String(i + 1)).join(", ");
      data[table.name] = await q(
        `SELECT ${cols.join(", ")} FROM ${dialect.quoteIdent(table.name)} ORDER BY ${order}`,
      );
    }
    const own = db.dialect === "sqlite"
      ? await q("SELECT name FROM sqlite_master WHERE name IN ('strata_version', 'strata_history')")
      : await q(
        "SELECT table_name AS name FROM information_schema.tables " +
          "WHERE table_name IN ('strata_version', 'strata_history') AND table_schema = 'public'",
      );
    const has = new Set(own.map((r) => r.name));
    const versions = has.has("strata_version")
      ? (await q("SELECT version_num FROM strata_version ORDER BY version_num"))
        .map((r) => String(r.version_num))
      : [];
    const history = has.has("strata_history")
      ? await q(
        "SELECT revision, direction, checksum, strata_version FROM strata_history ORDER BY id",
      )
      : [];
    return { schema, versions, history, data };
  } finally {
    await driver.close();
  }
}

/** Asserts that two databases hold the same schema, version rows, history and data. */
async function assertSame(live: TestDb, scripted: TestDb, what: string): Promise<void> {
  const [a, b] = await Promise.all([snapshot(live), snapshot(scripted)]);
  assert.deepEqual(b.schema, a.schema, `${what}: schema differs`);
  assert.deepEqual(b.versions, a.versions, `${what}: version rows differ`);
  assert.deepEqual(b.history, a.history, `${what}: history rows differ`);
  assert.deepEqual(b.data, a.data, `${what}: data differs`);
}

/**
 * Runs `fn` once per dialect, each in a `t.step` with its own {@linkcode Lab}
 * (PostgreSQL skipped loudly when no server is configured).
 */
async function eachLab(
  t: Deno.TestContext,
  dir: string,
  fn: (lab: Lab) => Promise<void>,
): Promise<void> {
  for (const dialect of ["sqlite", "postgres"] as const) {
    if (dialect === "postgres" && !hasPg()) continue;
    await t.step(dialect, async () => {
      const lab = new Lab(dialect, dir);
      try {
        await fn(lab);
      } finally {
        await lab.cleanup();
      }
    });
  }
}

// --- the demo set -----------------------------------------------------------

Deno.test("upgrade --sql on an empty database matches a live upgrade (demo set)", async (t) => {
  const p = await makeProject("demo");
  try {
    await eachLab(t, p.dir, async (lab) => {
      const [a, b, c] = await lab.dbs(3) as [Db, Db, Db];
      const [, script] = await Promise.all([
        lab.live(a, "upgrade", "head"),
        lab.script("upgrade", "head"),
      ]);
      await lab.run(b, script);
      await assertSame(a, b, "upgrade base:head");
      assert.deepEqual(await b.versions(), ["e3a90c6b1f57"]);

      // The same with one transaction for the whole run.
      await lab.run(c, await lab.script("upgrade", "head", { transactionPer: "run" }));
      await assertSame(a, c, "upgrade base:head --transaction-per run");
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("upgrade FROM:TO --sql on a database at FROM matches a live upgrade (demo set)", async (t) => {
  const p = await makeProject("demo");
  try {
    await eachLab(t, p.dir, async (lab) => {
      const ranges: [string, string][] = [
        // across the branch point, both branches and the merge
        ["5e8d2a4c7f10", "b85a7e1c4d20"],
        // from one branch: the other branch's row is inserted, then both merged
        ["9b6e03f18c2d", "head"],
        ["d14f8e2b6a95", "2f7c5d9a0b84"],
        ["b85a7e1c4d20", "head"],
      ];
      for (const [from, to] of ranges) {
        const [a, b] = await lab.dbs(2) as [Db, Db];
        // Both reach FROM live; then A goes on live, B runs the script.
        const [script] = await Promise.all([
          lab.script("upgrade", `${from}:${to}`),
          lab.live(a, "upgrade", from),
          lab.live(b, "upgrade", from),
        ]);
        await lab.live(a, "upgrade", to);
        await lab.run(b, script);
        await assertSame(a, b, `upgrade ${from}:${to}`);
      }
    });
  } finally {
    await p.cleanup();
  }
});

Deno.test("downgrade FROM:TO --sql matches a live downgrade (demo set)", async (t) => {
  const p = await makeProject("demo");
  try {
    await eachLab(t, p.dir, async (lab) => {
      const ranges: [string, string][] = [
        ["head", "base"],
        // out of the merge to one parent: the other parent's row stays
        ["head", "9b6e03f18c2d"],
        ["head", "7a41c9d05e36"],
        ["2f7c5d9a0b84", "5e8d2a4c7f10"],
      ];
      for (const [from, to] of ranges) {
        const [a, b] = await lab.dbs(2) as [Db, Db];
        const [script] = await Promise.all([
          lab.script("downgrade", `${from}:${to}`),
          lab.live(a, "upgrade", from),
          lab.live(b, "upgrade", from),
        ]);
        await lab.live(a, "downgrade", to);
        await lab.run(b, script);
        await assertSame(a, b, `downgrade ${from}:${to}`);
      }
    });
  } finally {
    await p.cleanup();
  }
});

// --- randomized op sequences (tests/_random_ops.ts) ---------------------------

const RANDOM_SEED = Deno.env.get("STRATA_RANDOM_SEED");
const RANDOM_FIRST = startSeed(1, "STRATA_RANDOM_SEED");

/**
 * Seeds per dialect (tests/_tier.ts): 4 on SQLite and 2 on PostgreSQL by default, 6 on both
 * with `STRATA_SOAK=1`; `STRATA_OFFLINE_RANDOM_COUNT=N` sets it, `STRATA_RANDOM_SEED` alone
 * runs that one seed.
 */
function randomCount(dialect: DialectName): number {
  if (RANDOM_SEED !== undefined && !Deno.env.get("STRATA_OFFLINE_RANDOM_COUNT")) return 1;
  return repeat(dialect === "sqlite" ? 4 : 2, 6, "STRATA_OFFLINE_RANDOM_COUNT");
}
const RANDOM_STEPS = 6;
const RANDOM_OPS_URL = new URL("./_random_ops.ts", import.meta.url).href;

function randomRevision(seed: number, i: number): string {
  return `${seed.toString(16).padStart(6, "0")}${(i + 1).toString(16).padStart(6, "0")}`;
}

/**
 * One migration file per generated step. The steps are functions (their
 * values include bytes), so each file imports the generator by absolute
 * `file:` URL and runs its own step: migrations may import anything at
 * runtime except Strata itself.
 */
function randomMigrations(seed: number, dialect: DialectName): Record<string, string> {
  const seq = generateOpSequence(seed, dialect, { steps: RANDOM_STEPS });
  const files: Record<string, string> = {};
  for (const [i, step] of seq.steps.entries()) {
    const rev = randomRevision(seed, i);
    files[`${rev}_step_${i + 1}.ts`] = [
      `import { generateOpSequence } from ${JSON.stringify(RANDOM_OPS_URL)};`,
      `export const revision = "${rev}";`,
      `export const downRevision = ${
        JSON.stringify(i === 0 ? null : randomRevision(seed, i - 1))
      };`,
      `export const message = ${JSON.stringify(step.describe.replaceAll('"', "'"))};`,
      `const step = generateOpSequence(${seed}, "${dialect}", { steps: ${RANDOM_STEPS} })` +
      `.steps[${i}];`,
      `export function upgrade(op) {\n  return step.upgrade(op);\n}`,
      `export function downgrade(op) {\n  return step.downgrade(op);\n}`,
      "",
    ].join("\n");
  }
  return files;
}

for (const dialect of ["sqlite", "postgres"] as const) {
  const count = randomCount(dialect);
  Deno.test({
    name: `--sql scripts of generated op sequences match live runs on ${dialect} ` +
      `(${count} seeds from ${RANDOM_FIRST}; upgrade, downgrade range, FROM:TO)`,
    ignore: dialect === "postgres" && !hasPg(),
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "strata-offline-random-" });
      const lab = new Lab(dialect, root);
      try {
        for (let seed = RANDOM_FIRST; seed < RANDOM_FIRST + count; seed++) {
          const files = randomMigrations(seed, dialect);
          lab.dir = join(root, `seed-${seed}`);
          await Deno.mkdir(join(lab.dir, "migrations"), { recursive: true });
          for (const [name, text] of Object.entries(files)) {
            await Deno.writeTextFile(join(lab.dir, "migrations", name), text);
          }
          try {
            await randomCase(lab, seed);
          } catch (e) {
            const steps = Object.values(files).map((f, i) =>
              `  ${i + 1}. ${/message = (.*);/.exec(f)?.[1]}`
            ).join("\n");
            console.error(
              `\noffline differential failed on ${dialect}, seed ${seed} ` +
                `(reproduce: STRATA_RANDOM_SEED=${seed})\n${steps}`,
            );
            throw e;
          }
        }
      } finally {
        await lab.cleanup();
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

/** Live vs. script for one generated project: A is live throughout, B only runs scripts. */
async function randomCase(lab: Lab, seed: number): Promise<void> {
  const [a, b] = await lab.dbs(2) as [Db, Db];
  const script = (command: "upgrade" | "downgrade", range: string) =>
    lab.script(command, range, { direct: true });
  const head = randomRevision(seed, RANDOM_STEPS - 1);
  const mid = randomRevision(seed, seed % (RANDOM_STEPS - 1)); // below head

  const [up] = await Promise.all([script("upgrade", "head"), lab.live(a, "upgrade", "head")]);
  await lab.run(b, up);
  await assertSame(a, b, `seed ${seed}: upgrade base:head`);
  // Both really moved (equal but untouched databases would pass assertSame).
  assert.deepEqual(await b.versions(), [head], `seed ${seed}: upgrade base:head`);

  const [down] = await Promise.all([
    script("downgrade", `${head}:${mid}`),
    lab.live(a, "downgrade", mid),
  ]);
  await lab.run(b, down);
  await assertSame(a, b, `seed ${seed}: downgrade ${head}:${mid}`);
  assert.deepEqual(await b.versions(), [mid], `seed ${seed}: downgrade ${head}:${mid}`);

  const [again] = await Promise.all([
    script("upgrade", `${mid}:head`),
    lab.live(a, "upgrade", "head"),
  ]);
  await lab.run(b, again);
  await assertSame(a, b, `seed ${seed}: upgrade ${mid}:head`);
  assert.deepEqual(await b.versions(), [head], `seed ${seed}: upgrade ${mid}:head`);

  const [all] = await Promise.all([
    script("downgrade", "head:base"),
    lab.live(a, "downgrade", "base"),
  ]);
  await lab.run(b, all);
  await assertSame(a, b, `seed ${seed}: downgrade head:base`);
  assert.deepEqual(await b.versions(), [], `seed ${seed}: downgrade head:base`);
}

// --- branches and merges ------------------------------------------------------

/** base a → (b1 | b2) → merge m → c; each revision leaves a trace. */
function branchFiles(withMerge: boolean): Record<string, string> {
  const table = (name: string) =>
    [
      `await op.createTable("${name}", { id: { type: "integer", primaryKey: true } });\n` +
      `await op.bulkInsert("${name}", [{ id: 1 }, { id: 2 }]);`,
      `await op.dropTable("${name}");`,
    ] as const;
  const files: Record<string, string> = {
    "aaaaaaaaaaaa_a.ts": migrationSource("aaaaaaaaaaaa", null, ...table("ta")),
    "b1b1b1b1b1b1_b1.ts": migrationSource("b1b1b1b1b1b1", "aaaaaaaaaaaa", ...table("tb1")),
    "b2b2b2b2b2b2_b2.ts": migrationSource("b2b2b2b2b2b2", "aaaaaaaaaaaa", ...table("tb2")),
  };
  if (withMerge) {
    files["e0e0e0e0e0e0_m.ts"] = migrationSource(
      "e0e0e0e0e0e0",
      [
        "b1b1b1b1b1b1",
        "b2b2b2b2b2b2",
      ],
      "",
      "",
    );
    files["cccccccccccc_c.ts"] = migrationSource("cccccccccccc", "e0e0e0e0e0e0", ...table("tc"));
  }
  return files;
}

Deno.test("--sql writes the version rows of two heads and of their merge as a live run does", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "strata-offline-merge-" });
  try {
    await eachLab(t, root, async (lab) => {
      // Each dialect gets its own project: the merge file is added half-way.
      const p = await makeProject(branchFiles(false));
      lab.dir = p.dir;
      // Two heads: `upgrade heads` leaves one row per head.
      const [a, b] = await lab.dbs(2) as [Db, Db];
      const [heads] = await Promise.all([
        lab.script("upgrade", "heads"),
        lab.live(a, "upgrade", "heads"),
      ]);
      // The first branch moves the row on; the second branch adds its own.
      assert.match(
        heads,
        /UPDATE strata_version SET version_num = 'b1b1b1b1b1b1' WHERE version_num = 'aaaaaaaaaaaa'/,
      );
      assert.match(heads, /INSERT INTO strata_version \(version_num\) VALUES \('b2b2b2b2b2b2'\)/);
      await lab.run(b, heads);
      await assertSame(a, b, "upgrade heads (two heads)");
      assert.deepEqual(await b.versions(), ["b1b1b1b1b1b1", "b2b2b2b2b2b2"]);

      // Then the merge is written. A script cannot start from two revisions
      // (`--sql` FROM is one revision, as in Alembic), so the merge script
      // starts from one branch: it applies the other branch (insert its row)
      // and then merges (two rows deleted, one inserted), as the live run
      // from that branch does.
      for (const [name, text] of Object.entries(branchFiles(true))) {
        await Deno.writeTextFile(join(p.migrations, name), text);
      }
      const [c, d] = await lab.dbs(2) as [Db, Db];
      const [merge] = await Promise.all([
        lab.script("upgrade", "b1b1b1b1b1b1:head"),
        lab.live(c, "upgrade", "b1b1b1b1b1b1"),
        lab.live(d, "upgrade", "b1b1b1b1b1b1"),
      ]);
      assert.match(
        merge,
        /DELETE FROM strata_version WHERE version_num = 'b1b1b1b1b1b1';\nDELETE FROM strata_version WHERE version_num = 'b2b2b2b2b2b2';\nINSERT INTO strata_version \(version_num\) VALUES \('e0e0e0e0e0e0'\);/,
      );
      await lab.live(c, "upgrade", "head");
      await lab.run(d, merge);
      await assertSame(c, d, "upgrade b1:head (other branch, then the merge)");
      assert.deepEqual(await d.versions(), ["cccccccccccc"]);

      // The live database at two heads (a) reaches the same rows with `upgrade head`.
      await lab.live(a, "upgrade", "head");
      assert.deepEqual(await a.versions(), ["cccccccccccc"]);

      // Down from head and back up: to a, to base, and out of the merge to
      // one parent (which keeps the other parent's row: two rows, so no
      // script can start there and that case comes last).
      for (const to of ["aaaaaaaaaaaa", "base", "b1b1b1b1b1b1"]) {
        const [down] = await Promise.all([
          lab.script("downgrade", `head:${to}`),
          lab.live(c, "downgrade", to),
        ]);
        await lab.run(d, down);
        await assertSame(c, d, `downgrade head:${to}`);
        if (to === "b1b1b1b1b1b1") {
          assert.deepEqual(await d.versions(), ["b1b1b1b1b1b1", "b2b2b2b2b2b2"]);
          break;
        }
        const [up] = await Promise.all([
          lab.script("upgrade", `${to}:head`),
          lab.live(c, "upgrade", "head"),
        ]);
        await lab.run(d, up);
        await assertSame(c, d, `upgrade ${to}:head`);
      }
      await p.cleanup();
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

// --- offline never connects ---------------------------------------------------

Deno.test("upgrade/downgrade --sql never connect: unreachable URLs still give the script", async () => {
  const p = await makeProject("demo");
  // A server that counts connection attempts (and hangs up on them): offline runs make none.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })().catch(() => {});
  try {
    const cwd = await Deno.makeTempDir({ dir: p.dir, prefix: "cwd-" });
    const missing = join(p.dir, "no-such-dir", "app.db");
    const counting = `postgres://u:secret@127.0.0.1:${listener.addr.port}/db`;
    const cases: [string, string[]][] = [
      ["postgres://u:secret@127.0.0.1:1/db", ["upgrade", "head"]],
      [counting, ["upgrade", "head"]],
      [counting, ["downgrade", "head:base"]],
      [`sqlite:${missing}`, ["upgrade", "head"]],
      ["sqlite:app.db", ["upgrade", "5e8d2a4c7f10:head"]],
    ];
    for (const [url, args] of cases) {
      const r = await runCliInProcess(["-u", url, "-d", p.migrations, ...args, "--sql"], { cwd });
      const what = `${url} ${args.join(" ")}`;
      assert.equal(r.code, 0, `${what}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`-- dialect: ${url.split(":")[0]}\n`), what);
      assert.match(r.stdout, /\nCOMMIT;\n$/, what);
      assert.doesNotMatch(r.stdout + r.stderr, /secret/, what);
      assert.equal(connections, 0, `${what}: connected to the database server`);
    }
    // With -o, the file and nothing else.
    const r = await runCliInProcess(
      ["-u", `sqlite:${missing}`, "-d", p.migrations, "upgrade", "head", "--sql", "-o", "m.sql"],
      { cwd },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...Deno.readDirSync(cwd)].map((e) => e.name), ["m.sql"]);
    assert.match(await Deno.readTextFile(join(cwd, "m.sql")), /^-- Strata .* offline migration/);
    await assert.rejects(Deno.stat(join(p.dir, "no-such-dir")), Deno.errors.NotFound);
  } finally {
    listener.close();
    await accepting;
    await p.cleanup();
  }
});

Deno.test("upgrade --sql fails with exit 2, names the migration and writes no file when op.query runs offline", async () => {
  const p = await makeProject({
    "a1_ok.ts": migrationSource(
      "a1a1a1a1a1a1",
      null,
      `await op.execute("CREATE TABLE t (a integer)");`,
    ),
    "b2_reads.ts": migrationSource(
      "b2b2b2b2b2b2",
      "a1a1a1a1a1a1",
      `const rows = await op.query("SELECT a FROM t");\nawait op.execute("SELECT 1");`,
    ),
  });
  try {
    for (const dialect of ["sqlite", "postgres"]) {
      const r = await runCliInProcess(
        ["upgrade", "head", "--sql", "--dialect", dialect, "-o", "out.sql"],
        { cwd: p.dir },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: .*b2b2b2b2b2b2/m);
      assert.match(r.stderr, /op\.query/);
      assert.match(r.stderr, /^hint: .*op\.isOffline/m);
      assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
      // No file, not even a partial one or its temporary sibling.
      assert.deepEqual([...Deno.readDirSync(p.dir)].map((e) => e.name), ["migrations"]);

      // To standard output: nothing partial either.
      const s = await runCliInProcess(["upgrade", "head", "--sql", "--dialect", dialect], {
        cwd: p.dir,
      });
      assert.equal(s.code, 2);
      assert.equal(s.stdout, "");
    }
  } finally {
    await p.cleanup();
  }
});

// --- values written as literals -----------------------------------------------

/**
 * Values that break naive quoting: quotes, backslashes, newlines, a line
 * that looks like a psql meta-command or a sqlite3 dot-command, placeholder
 * look-alikes, comment markers, unicode; with NULL, booleans, numbers, dates,
 * JSON documents and bytes beside them.
 */
const TRICKY_MIGRATION = `
const TEXTS = [
  "it's", 'say "hi"', "back\\\\slash\\\\", "\\\\", "new\\nline\\r\\nend", "tab\\tx", "",
  "héllo – 日本語 🎉 \\u2028", "$1 ? ?1 :name :'x' :\\"y\\" $$ $tag$", "-- not a comment",
  "/* nor this */", "semi; colon;", "E'x'", "\\\\x41", "line\\n\\\\echo hi", "line\\n.tables",
  "NULL", " padded ",
];
const JSONS = [{ a: "x'y", b: [1, null, true], "k\\\\": "\\\\n", u: "é🎉" }, [1, "two"], {}];
const BYTES = [[0, 1, 39, 92, 255, 10], [], [92, 120, 52, 49]];

function row(i, t) {
  return {
    id: i,
    t,
    b: i % 3 === 0 ? null : i % 3 === 1,
    n: [0, -1.5, 1e21, 0.1 + 0.2, null][i % 5],
    big: [9007199254740993n, -1n, null][i % 3],
    d: new Date(Date.UTC(2024, 1, 29, 23, 30, 15, 123 + i)),
    ts: new Date(Date.UTC(2024, 1, 29, 23, 30, 15, 123 + i)),
    j: JSONS[i % JSONS.length],
    bytes: new Uint8Array(BYTES[i % BYTES.length]),
  };
}

export const revision = "7e577e577e57";
export const downRevision = null;
export const message = "tricky values";

export async function upgrade(op) {
  await op.createTable("vals", {
    id: { type: "integer", primaryKey: true },
    t: { type: "text" },
    b: { type: "boolean" },
    n: { type: "double" },
    big: { type: "bigint" },
    d: { type: "timestamptz" },
    ts: { type: "timestamp" },
    j: { type: "json" },
    bytes: { type: "blob" },
  });
  // PostgreSQL text cannot hold NUL (live or offline); SQLite's can.
  const texts = op.dialect === "sqlite" ? [...TEXTS, "nul\\0byte", "cr\\r", "\\r\\n\\0"] : TEXTS;
  await op.bulkInsert("vals", texts.map((t, i) => row(i, t)));
  // The same values again through execute(sql, params).
  const cols = ["id", "t", "b", "n", "big", "d", "ts", "j", "bytes"];
  const marks = cols.map((_, i) => (op.dialect === "postgres" ? "$" + (i + 1) : "?"));
  for (const [i, t] of texts.entries()) {
    const r = row(100 + i, t);
    await op.execute(
      "INSERT INTO vals (" + cols.join(", ") + ") VALUES (" + marks.join(", ") + ")",
      cols.map((c) => (c === "j" ? JSON.stringify(r.j) : r[c])),
    );
  }
}

export async function downgrade(op) {
  await op.dropTable("vals");
}
`;

Deno.test("bulkInsert and execute(sql, params) values written offline read back as a live insert stores them", async (t) => {
  const p = await makeProject({ "7e577e577e57_tricky.ts": TRICKY_MIGRATION });
  try {
    await eachLab(t, p.dir, async (lab) => {
      const [a, b] = await lab.dbs(2) as [Db, Db];
      if (lab.dialect === "postgres") {
        // Settings under which naive literals go wrong: a non-UTC session time
        // zone, and backslash escapes in plain '…' strings.
        for (const db of [a, b]) {
          const name = new URL(db.url).pathname.slice(1);
          await db.query(
            `ALTER DATABASE ${name} SET timezone = 'Asia/Kolkata'; ` +
              `ALTER DATABASE ${name} SET standard_conforming_strings = off; ` +
              `ALTER DATABASE ${name} SET escape_string_warning = off`,
          );
        }
      }
      const [script] = await Promise.all([
        lab.script("upgrade", "head"),
        lab.live(a, "upgrade", "head"),
      ]);
      await lab.run(b, script);
      await assertSame(a, b, "tricky values");
      const rows = await b.query("SELECT count(*) AS n FROM vals");
      assert.equal(Number(rows[0]?.n), lab.dialect === "sqlite" ? 42 : 36);
    });
  } finally {
    await p.cleanup();
  }
});
