/**
 * Exactly once under two lock identities (issue 9.1): one database reached
 * by two names must still apply every migration once.
 *
 * - SQLite: `app.db`, a symbolic link to it and a hard link to it.
 * - PostgreSQL: the version table as `strata_version` and as
 *   `public.strata_version`.
 *
 * Eight `strata upgrade head` processes start at once, split across the
 * names. Each migration increments a counter row, so a migration applied
 * twice shows as a counter above the number of migrations; the history must
 * hold one `up` row per migration. Before the fix the locks differed per name
 * and the counter ended near twice the count.
 *
 * The backstop (every version-row change checks what it changed) is tested
 * in process: a second connection applies a step behind the run's back, and
 * the run re-plans instead of applying it again.
 *
 * Rounds: `STRATA_SOAK=1` runs 5 per database, otherwise 1.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { resolveConfig } from "../src/config/resolve.ts";
import { type Driver, openDriver } from "../src/drivers/mod.ts";
import { Migrator } from "../src/runner/migrator.ts";
import { MAIN, makeProject, migrationSource, pgTestDb, ROOT, sqliteTestDb } from "./_helpers.ts";
import type { TestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

const PROCESSES = 8;
const ROUNDS = Deno.env.get("STRATA_SOAK") === "1" ? 5 : 1;
const COUNT = 6;

const rev = (k: number) => `e${String(k).padStart(2, "0")}`.repeat(4);

/** Migration 1 creates the counter at 1; each later one adds 1 and pauses (its downgrade subtracts 1). */
function counterFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 1; k <= COUNT; k++) {
    const up = k === 1
      ? `await op.createTable("counter", { id: { type: "integer", primaryKey: true }, n: { type: "integer" } });\n` +
        `await op.bulkInsert("counter", [{ id: 1, n: 1 }]);`
      : `await op.execute("UPDATE counter SET n = n + 1 WHERE id = 1");\n` +
        `await new Promise((r) => setTimeout(r, 30));`;
    const down = k === 1
      ? `await op.dropTable("counter");`
      : `await op.execute("UPDATE counter SET n = n - 1 WHERE id = 1");`;
    out[`${rev(k)}_count_${k}.ts`] = migrationSource(rev(k), k === 1 ? null : rev(k - 1), up, down);
  }
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts all processes at once; `argsOf(i)` gives process i its URL and settings. */
async function stampede(
  cwd: string,
  argsOf: (i: number) => { args: string[]; env?: Record<string, string> },
): Promise<Run[]> {
  const children = Array.from({ length: PROCESSES }, (_, i) => {
    const { args, env } = argsOf(i);
    return new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-check", MAIN, ...args, "upgrade", "head"],
      cwd,
      env: { NO_COLOR: "1", ...env },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  });
  const dec = new TextDecoder();
  return await Promise.all(children.map(async (c) => {
    const out = await c.output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  }));
}

async function checkOnce(db: TestDb, runs: Run[], label: string): Promise<void> {
  for (const [i, r] of runs.entries()) {
    assert.equal(r.code, 0, `${label}, process ${i}: exit ${r.code}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /error:/, `${label}, process ${i}`);
  }
  const lines = runs.flatMap((r) => r.stdout.split("\n").filter((l) => l.startsWith("upgrade ")));
  assert.equal(lines.length, COUNT, `${label}: step lines\n${lines.join("\n")}`);
  const [counter] = await db.query("SELECT n FROM counter WHERE id = 1");
  assert.equal(Number(counter?.n), COUNT, `${label}: the counter (a migration ran twice?)`);
  const history = await db.query(
    "SELECT revision, count(*) AS n FROM strata_history WHERE direction = 'up' " +
      "GROUP BY revision ORDER BY revision",
  );
  assert.deepEqual(
    history.map((r) => [String(r.revision), Number(r.n)]),
    Array.from({ length: COUNT }, (_, i) => [rev(i + 1), 1]),
    `${label}: history`,
  );
  assert.deepEqual(await db.versions(), [rev(COUNT)], `${label}: version rows`);
}

Deno.test(`upgrade head from ${PROCESSES} processes split across two names of one database applies each migration once`, async (t) => {
  const p = await makeProject(counterFiles());
  try {
    await t.step("sqlite: the file, a symbolic link and a hard link to it", async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const dir = join(p.dir, `round-${round}`);
        await Deno.mkdir(dir);
        const real = join(dir, "app.db");
        // The file must exist to be linked; an empty file is an empty SQLite database.
        await Deno.writeFile(real, new Uint8Array());
        await Deno.symlink(real, join(dir, "link.db"));
        await Deno.link(real, join(dir, "hard.db"));
        const names = ["app.db", "link.db", "hard.db"];
        const runs = await stampede(p.dir, (i) => ({
          args: ["-u", `sqlite:${join(dir, names[i % names.length]!)}`],
        }));
        await checkOnce(sqliteTestDb(real), runs, `sqlite round ${round}`);
      }
    });
    if (!hasPg()) return;
    await t.step("postgres: strata_version and public.strata_version", async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        const pg = await createPgDatabase("lockid");
        try {
          const runs = await stampede(p.dir, (i) => ({
            args: ["-u", pg.url],
            env: { STRATA_VERSION_TABLE: i % 2 ? "public.strata_version" : "strata_version" },
          }));
          await checkOnce(await pgTestDb(pg.url), runs, `postgres round ${round}`);
        } finally {
          await pg.drop();
        }
      }
    });
  } finally {
    await p.cleanup();
  }
});

/**
 * Makes the `n`-th transaction the migrator opens wait until `intruder` has
 * run on another connection: what a second run that took another lock would
 * do at that moment. On an empty database the first creates Strata's tables
 * and the steps follow; once they exist, the first is the first step.
 */
async function intrudeBefore(
  migrator: Migrator,
  n: number,
  intruder: () => Promise<void>,
): Promise<void> {
  const driver = await migrator.driver();
  const original = driver.transaction.bind(driver);
  let count = 0;
  driver.transaction = async <T>(fn: Parameters<typeof original<T>>[0]): Promise<T> => {
    if (++count === n) await intruder();
    return await original(fn);
  };
}

/** Applies `rev(k)` on `other`, as a run would: counter, version row, history row. */
function applyByHand(other: Driver, dialect: string, k: number): () => Promise<void> {
  const [a, b] = dialect === "postgres" ? ["$1", "$2"] : ["?", "?"];
  return () =>
    other.transaction(async (tx) => {
      await tx.execute({ sql: "UPDATE counter SET n = n + 1 WHERE id = 1" });
      await tx.execute({
        sql: `UPDATE strata_version SET version_num = ${a} WHERE version_num = ${b}`,
        params: [rev(k), rev(k - 1)],
      });
      await tx.execute({
        sql:
          `INSERT INTO strata_history (revision, direction, strata_version) VALUES (${a}, 'up', ${b})`,
        params: [rev(k), "intruder"],
      });
    });
}

/**
 * `upgrade head` while another connection applies migration 2 by hand: after
 * the run's first step (`from` empty), or after the run planned from
 * migration 1 and before its first step (`from` 1: the plan is stale from
 * the start). The run must re-plan and apply the rest, each once.
 */
async function behindTheBack(url: string, dir: string, from: 0 | 1): Promise<void> {
  const config = await resolveConfig({ url, dir }, {}, ROOT);
  const other = await openDriver(url);
  const migrator = new Migrator(config);
  try {
    if (from === 1) await migrator.upgrade(rev(1));
    await intrudeBefore(migrator, from === 0 ? 3 : 1, applyByHand(other, config.url!.dialect, 2));
    const applied = await migrator.upgrade("head");
    assert.deepEqual(
      applied.map((s) => s.revision),
      [...(from === 0 ? [rev(1)] : []), ...Array.from({ length: COUNT - 2 }, (_, i) => rev(i + 3))],
      "the run skips the step applied behind its back",
    );
    const [counter] = await other.query("SELECT n FROM counter WHERE id = 1");
    assert.equal(Number(counter?.n), COUNT, "the counter (a migration ran twice?)");
    const ups = await other.query(
      "SELECT revision FROM strata_history WHERE direction = 'up' ORDER BY id",
    );
    assert.deepEqual(
      ups.map((r) => String(r.revision)),
      Array.from({ length: COUNT }, (_, i) => rev(i + 1)),
    );
  } finally {
    await migrator.close();
    await other.close();
  }
}

Deno.test("Migrator.upgrade() re-plans when the version rows change behind its back, applying nothing twice", async (t) => {
  const p = await makeProject(counterFiles());
  const cases = [
    ["a step applied between two steps", 0],
    ["a plan made stale before its first step", 1],
  ] as const;
  try {
    for (const [what, from] of cases) {
      await t.step(`sqlite: ${what}`, async () => {
        await behindTheBack(`sqlite:${join(p.dir, `back-${from}.db`)}`, p.migrations, from);
      });
    }
    if (!hasPg()) return;
    for (const [what, from] of cases) {
      await t.step(`postgres: ${what}`, async () => {
        const pg = await createPgDatabase("back");
        try {
          await behindTheBack(pg.url, p.migrations, from);
        } finally {
          await pg.drop();
        }
      });
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("Migrator.downgrade() stops with a clear error when the version rows changed under it", async () => {
  const p = await makeProject(counterFiles());
  const url = `sqlite:${join(p.dir, "down.db")}`;
  const config = await resolveConfig({ url, dir: p.migrations }, {}, ROOT);
  const other = await openDriver(url);
  const migrator = new Migrator(config);
  try {
    await migrator.upgrade("head");
    // Another connection undoes the last step's version row just before the run's step.
    await intrudeBefore(migrator, 1, () =>
      other.execute({
        sql: "UPDATE strata_version SET version_num = ? WHERE version_num = ?",
        params: [rev(COUNT - 1), rev(COUNT)],
      }));
    await assert.rejects(
      () => migrator.downgrade("-1"),
      (e: Error) => {
        assert.match(
          e.message,
          /^Cannot downgrade e06e06e06e06 \("m e06e06e06e06"\): the version table changed under this run \(it is at e05e05e05e05; this run planned from e06e06e06e06\)$/,
        );
        return true;
      },
    );
    const [counter] = await other.query("SELECT n FROM counter WHERE id = 1");
    assert.equal(Number(counter?.n), COUNT, "nothing of the downgrade was kept");
  } finally {
    await migrator.close();
    await other.close();
    await p.cleanup();
  }
});
