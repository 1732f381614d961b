/**
 * Concurrency test (issue 5): 8 processes run `upgrade head` at once on a
 * fresh database, twice per database (five times with `STRATA_SOAK=1`, or
 * `STRATA_CONCURRENCY_REPEATS=N`; tests/_tier.ts). Every run must exit 0, the
 * history table must show each migration applied exactly once, and a process
 * that waits for the migration lock says so at most once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, makeProject, migrationSource, sqliteTestDb, type TestDb } from "./_helpers.ts";
import { pgTestDb } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { repeat } from "./_tier.ts";

const PROCESSES = 8;
const REPEATS = repeat(2, 5, "STRATA_CONCURRENCY_REPEATS");
const COUNT = 6;

const rev = (k: number) => `d${String(k).padStart(2, "0")}`.repeat(4);

/** Migration k creates a table, fills it and pauses, so the lock is held a while. */
function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 1; k <= COUNT; k++) {
    out[`${rev(k)}_step_${k}.ts`] = migrationSource(
      rev(k),
      k === 1 ? null : rev(k - 1),
      [
        `await op.createTable("c_${k}", { id: { type: "integer", primaryKey: true }, v: { type: "text" } });`,
        `await op.bulkInsert("c_${k}", [{ id: 1, v: "a" }, { id: 2, v: "b" }]);`,
        `await new Promise((r) => setTimeout(r, 40));`,
      ].join("\n"),
      `await op.dropTable("c_${k}");`,
    );
  }
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function stampede(url: string, cwd: string): Promise<Run[]> {
  const children = Array.from({ length: PROCESSES }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-check", MAIN, "-u", url, "upgrade", "head"],
      cwd,
      env: { NO_COLOR: "1" },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  const dec = new TextDecoder();
  return await Promise.all(children.map(async (c) => {
    const out = await c.output();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  }));
}

async function checkRuns(db: TestDb, runs: Run[], label: string): Promise<number> {
  for (const [i, r] of runs.entries()) {
    assert.equal(r.code, 0, `${label}, process ${i}: exit ${r.code}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /error:/, `${label}, process ${i}`);
    const waits = r.stderr.match(/waiting for the migration lock/g)?.length ?? 0;
    assert.ok(waits <= 1, `${label}, process ${i} said it was waiting ${waits} times`);
  }
  // Each step line is printed by exactly one process.
  const stepLines = runs.flatMap((r) =>
    r.stdout.split("\n").filter((l) => l.startsWith("upgrade "))
  );
  assert.equal(stepLines.length, COUNT, `${label}: step lines\n${stepLines.join("\n")}`);
  const counts = await db.query(
    "SELECT revision, count(*) AS n FROM strata_history WHERE direction = 'up' " +
      "GROUP BY revision ORDER BY revision",
  );
  assert.deepEqual(
    counts.map((r) => [String(r.revision), Number(r.n)]),
    Array.from({ length: COUNT }, (_, i) => [rev(i + 1), 1]),
    `${label}: history`,
  );
  assert.deepEqual(await db.versions(), [rev(COUNT)], `${label}: version rows`);
  assert.deepEqual(
    await db.tables(),
    Array.from({ length: COUNT }, (_, i) => `c_${i + 1}`).sort(),
    `${label}: tables`,
  );
  for (let k = 1; k <= COUNT; k++) {
    const [row] = await db.query(`SELECT count(*) AS n FROM c_${k}`);
    assert.equal(Number(row!.n), 2, `${label}: rows of c_${k}`);
  }
  return runs.filter((r) => /waiting for the migration lock/.test(r.stderr)).length;
}

Deno.test(`upgrade head from ${PROCESSES} processes at once applies each migration once`, async (t) => {
  const p = await makeProject(files());
  try {
    await t.step("sqlite", async () => {
      let waited = 0;
      for (let i = 0; i < REPEATS; i++) {
        const db = sqliteTestDb(join(p.dir, `concurrent-${i}.db`));
        waited += await checkRuns(db, await stampede(db.url, p.dir), `sqlite run ${i + 1}`);
      }
      assert.ok(waited > 0, "no process ever waited for the lock");
      console.log(`sqlite: ${waited} of ${REPEATS * PROCESSES} processes waited for the lock`);
    });
    if (!hasPg()) return;
    await t.step("postgres", async () => {
      let waited = 0;
      for (let i = 0; i < REPEATS; i++) {
        const pg = await createPgDatabase("conc");
        try {
          const db = await pgTestDb(pg.url);
          waited += await checkRuns(db, await stampede(db.url, p.dir), `postgres run ${i + 1}`);
        } finally {
          await pg.drop();
        }
      }
      assert.ok(waited > 0, "no process ever waited for the lock");
      console.log(`postgres: ${waited} of ${REPEATS * PROCESSES} processes waited for the lock`);
    });
  } finally {
    await p.cleanup();
  }
});
