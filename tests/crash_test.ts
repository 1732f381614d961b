/**
 * Crash test (issue 5): a multi-migration `upgrade head` is killed with
 * SIGKILL at random moments. After every kill the database must sit exactly
 * at a revision: the version row names revision k, the schema equals a
 * reference schema captured at k (through the introspector), the data of
 * every applied migration is complete, and the history table lists each of
 * the first k migrations once and nothing after. A later `upgrade head` must
 * finish the job.
 *
 * Seeded: the seed is printed; rerun with `STRATA_CRASH_SEED=N` (or
 * `STRATA_SEED=N`). Kills per dialect: 8 by default, 50 with `STRATA_SOAK=1`,
 * or `STRATA_CRASH_KILLS=N` (tests/_tier.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getDialect } from "../src/dialects/registry.ts";
import { openDriver } from "../src/drivers/mod.ts";
import type { Driver } from "../src/drivers/mod.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { Migrator } from "../src/runner/migrator.ts";
import type { Schema } from "../src/schema/model.ts";
import { MAIN, makeProject, ROOT } from "./_helpers.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";
import { repeat, startSeed } from "./_tier.ts";

const COUNT = 12;
const ROWS = 40;
const KILLS = repeat(8, 50, "STRATA_CRASH_KILLS");
/** Varies from run to run unless given (the kill moments depend on timing anyway); printed. */
const SEED = startSeed(Date.now() % 1_000_000, "STRATA_CRASH_SEED");
/** At most this many kills (1..N, drawn per round) before a round is finished by a full
 * `upgrade head` and the database reset; short rounds keep early revisions covered. */
const MAX_KILLS_PER_ROUND = 4;
const OWN_TABLES = ["strata_version", "strata_history"];

const rev = (k: number) => `c${String(k).padStart(2, "0")}`.repeat(4);

/**
 * Migration k creates table t_k with rows, adds a column and fills it, indexes
 * it, and adds a column to the previous table: DDL and data work, with pauses
 * between ops to widen the windows a kill can land in.
 */
function crashMigration(k: number): string {
  const t = `t_${k}`;
  const prev = `t_${k - 1}`;
  const rows = Array.from({ length: ROWS }, (_, i) => ({ id: i + 1, name: `row ${k}.${i}` }));
  return `export const revision = "${rev(k)}";
export const downRevision = ${k === 1 ? "null" : `"${rev(k - 1)}"`};
export const message = "crash step ${k}";

const pause = () => new Promise((r) => setTimeout(r, 12));

export async function upgrade(op) {
  await op.createTable("${t}", {
    id: { type: "integer", primaryKey: true },
    name: { type: "text", nullable: false },
  });
  await op.bulkInsert("${t}", ${JSON.stringify(rows)});
  await pause();
  await op.addColumn("${t}", "extra", { type: "integer" });
  await op.execute("UPDATE ${t} SET extra = id * 2");
  await pause();
  await op.createIndex("ix_${t}_name", "${t}", ["name"]);
  ${k > 1 ? `await op.addColumn("${prev}", "next_${k}", { type: "text" });` : ""}
  await pause();
}

export async function downgrade(op) {
  ${k > 1 ? `await op.dropColumn("${prev}", "next_${k}");` : ""}
  await op.dropTable("${t}");
}
`;
}

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Target {
  dialect: "sqlite" | "postgres";
  url: string;
  /** Empties the database (no Strata tables left). */
  reset(): Promise<void>;
}

async function withDriver<T>(url: string, fn: (d: Driver) => Promise<T>): Promise<T> {
  const d = await openDriver(url);
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

/** The revision the database is at: 0 for none, k for `rev(k)`. */
async function state(d: Driver): Promise<{ k: number; schema: Schema; history: string[] }> {
  const dialect = getDialect(d.dialect);
  const exists = async (table: string) => {
    const probe = dialect.versionSql.exists(table);
    return (await d.query(probe.sql, probe.params ?? [])).length > 0;
  };
  const versions = await exists("strata_version")
    ? (await d.query("SELECT version_num FROM strata_version")).map((r) => String(r.version_num))
    : [];
  assert.ok(versions.length <= 1, `several version rows: ${versions}`);
  const k = versions.length === 0 ? 0 : Number(versions[0]!.slice(1, 3));
  if (versions.length) assert.equal(versions[0], rev(k), `unexpected version row ${versions[0]}`);
  const history = await exists("strata_history")
    ? (await d.query("SELECT revision FROM strata_history WHERE direction = 'up' ORDER BY id"))
      .map((r) => String(r.revision))
    : [];
  const schema = await dialect.introspect(d, { exclude: OWN_TABLES });
  // Data of every applied migration is complete.
  for (let i = 1; i <= k; i++) {
    const [row] = await d.query(`SELECT count(*) AS n, sum(extra) AS s FROM t_${i}`);
    assert.equal(Number(row!.n), ROWS, `t_${i} has ${row!.n} rows at revision ${k}`);
    assert.equal(Number(row!.s), ROWS * (ROWS + 1), `t_${i}.extra incomplete at revision ${k}`);
  }
  return { k, schema, history };
}

/** Reference schemas at revisions 0..COUNT, built in-process on a scratch database. */
async function referenceSchemas(url: string, dir: string): Promise<Schema[]> {
  const config = await resolveConfig({ url, dir }, {}, ROOT);
  const migrator = new Migrator(config);
  const dialect = getDialect(config.url!.dialect);
  const out: Schema[] = [];
  try {
    out.push(await dialect.introspect(await migrator.driver(), { exclude: OWN_TABLES }));
    for (let k = 1; k <= COUNT; k++) {
      await migrator.upgrade(rev(k));
      out.push(await dialect.introspect(await migrator.driver(), { exclude: OWN_TABLES }));
    }
  } finally {
    await migrator.close();
  }
  return out;
}

function spawnUpgrade(url: string, cwd: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", MAIN, "-u", url, "upgrade", "head"],
    cwd,
    env: { NO_COLOR: "1" },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

async function timedRun(url: string, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawnUpgrade(url, cwd);
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return performance.now() - started;
}

async function crashRounds(target: Target, dir: string, cwd: string): Promise<void> {
  const refDb = target.dialect === "sqlite"
    ? { url: `sqlite:${join(cwd, "reference.db")}`, drop: () => Promise.resolve() }
    : await createPgDatabase("crashref");
  const reference = await referenceSchemas(refDb.url, dir).finally(() => refDb.drop());
  assert.ok(reference[COUNT]!.tables.length === COUNT, "reference schema at head");

  const check = async (label: string): Promise<number> => {
    const s = await withDriver(target.url, state);
    assert.deepEqual(s.schema, reference[s.k], `${label}: schema differs from revision ${s.k}`);
    const expected = Array.from({ length: s.k }, (_, i) => rev(i + 1));
    assert.deepEqual(s.history, expected, `${label}: history disagrees with revision ${s.k}`);
    return s.k;
  };

  // Calibrate: how long start-up and a full run take here.
  await target.reset();
  const full = await timedRun(target.url, cwd);
  const noop = await timedRun(target.url, cwd);
  assert.equal(await check("calibration"), COUNT);
  await target.reset();
  const perStep = Math.max(5, (full - noop) / COUNT);

  const random = prng(SEED + (target.dialect === "sqlite" ? 0 : 1));
  const landed = new Map<number, number>(); // revision after a kill → how often
  let kills = 0;
  let finished = 0;
  let inRound = 0;
  let roundLength = 1 + Math.floor(random() * MAX_KILLS_PER_ROUND);
  let k = 0;
  let attempt = 0;
  while (kills < KILLS) {
    attempt++;
    assert.ok(attempt < KILLS * 4, "too many runs finished before the kill");
    // Land anywhere from late start-up to the end of what is still pending.
    const delay = noop * 0.6 + random() * ((COUNT - k) * perStep * 0.9 + noop * 0.3);
    const child = spawnUpgrade(target.url, cwd);
    const stderr = new Response(child.stderr).text();
    const exited = child.status.then(() => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const early = await Promise.race([
      exited,
      new Promise<false>((r) => timer = setTimeout(() => r(false), delay)),
    ]);
    clearTimeout(timer);
    if (!early) {
      try {
        child.kill("SIGKILL");
      } catch (e) {
        // It exited between the timer and the kill: a finished run, judged below.
        if (!(e instanceof TypeError)) throw e;
      }
    }
    const status = await child.status;
    // Killed is what the status says: a run can end on its own just before the signal lands.
    const killed = status.signal === "SIGKILL";
    if (!killed) {
      assert.equal(status.code, 0, `an unkilled run failed: ${await stderr}`);
      finished++;
    } else {
      kills++;
      inRound++;
      await stderr;
    }
    k = await check(`kill ${kills} (delay ${Math.round(delay)} ms)`);
    if (killed) landed.set(k, (landed.get(k) ?? 0) + 1);
    if (inRound >= roundLength || k === COUNT || !killed) {
      // A second `upgrade head` finishes the job.
      const out = await spawnUpgrade(target.url, cwd).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.equal(await check("after the finishing run"), COUNT);
      await target.reset();
      inRound = 0;
      roundLength = 1 + Math.floor(random() * MAX_KILLS_PER_ROUND);
      k = 0;
    }
  }
  const spread = [...landed].sort((a, b) => a[0] - b[0]).map(([r, n]) => `${r}:${n}`).join(" ");
  console.log(
    `crash ${target.dialect}: seed ${SEED}, ${kills} kills (revision:count ${spread}), ` +
      `${finished} runs finished first; full run ${Math.round(full)} ms, no-op ${
        Math.round(noop)
      } ms`,
  );
  // The kills must land mid-run, not only before the first or after the last step.
  const between = [...landed].filter(([r]) => r > 0 && r < COUNT).reduce((a, [, n]) => a + n, 0);
  assert.ok(between >= kills / 3, `only ${between} of ${kills} kills landed mid-run`);
}

Deno.test("upgrade head killed with SIGKILL leaves every database at a whole revision", async (t) => {
  const files: Record<string, string> = {};
  for (let k = 1; k <= COUNT; k++) files[`${rev(k)}_step_${k}.ts`] = crashMigration(k);
  const p = await makeProject(files);
  console.log(`crash test seed: ${SEED} (STRATA_CRASH_SEED=${SEED} to repeat)`);
  try {
    await t.step("sqlite", async () => {
      const path = join(p.dir, "crash.db");
      await crashRounds(
        {
          dialect: "sqlite",
          url: `sqlite:${path}`,
          async reset() {
            for (const suffix of ["", "-journal", "-wal", "-shm"]) {
              await Deno.remove(path + suffix).catch(() => {});
            }
          },
        },
        p.migrations,
        p.dir,
      );
    });
    if (!hasPg()) return;
    await t.step("postgres", async () => {
      const db = await createPgDatabase("crash");
      try {
        await crashRounds(
          {
            dialect: "postgres",
            url: db.url,
            reset: () =>
              withDriver(db.url, async (d) => {
                await d.execute({ sql: "DROP SCHEMA public CASCADE; CREATE SCHEMA public" });
              }),
          },
          p.migrations,
          p.dir,
        );
      } finally {
        await db.drop();
      }
    });
  } finally {
    await p.cleanup();
  }
});
