/**
 * Randomized op sequences (tests/_random_ops.ts) run live on both dialects;
 * after every step the introspected schema must equal the independently kept
 * expected model (tests/_model.ts), and downgrading each step must restore
 * the model before it.
 *
 * Seeds per run (tests/_tier.ts): 100 on SQLite (cheap, in memory) and 25 on
 * PostgreSQL by default; 200 on both with `STRATA_SOAK=1`. The default seeds
 * must between them call every op method the generator knows, so a smaller
 * tier cannot quietly stop covering one.
 *
 * Reproduce or extend: `STRATA_RANDOM_SEED=1234` runs that seed only (with
 * `STRATA_RANDOM_COUNT=N`, N seeds from it); `STRATA_SEED=1234` starts the
 * tier's seeds there; `STRATA_RANDOM_COUNT=1000` alone runs more. A failure
 * names its seed and the step.
 *
 * @module
 */
import assert from "node:assert/strict";
import { hasPg } from "./_pg.ts";
import { type LiveDb, openLiveDb } from "./_live.ts";
import { comparable, ExpectedModel } from "./_model.ts";
import { generateOpSequence, type OpMethod, type OpSequence } from "./_random_ops.ts";
import { repeat, startSeed } from "./_tier.ts";

const ONLY_SEED = Deno.env.get("STRATA_RANDOM_SEED");
const FIRST = startSeed(1, "STRATA_RANDOM_SEED");
const COUNT_OVERRIDE = Deno.env.get("STRATA_RANDOM_COUNT");

/** Seeds to run on a dialect: the override, one for a replayed seed, else the tier's count. */
function seedCount(dialect: "sqlite" | "postgres"): number {
  if (COUNT_OVERRIDE === undefined && ONLY_SEED !== undefined) return 1;
  return dialect === "sqlite"
    ? repeat(100, 200, "STRATA_RANDOM_COUNT")
    : repeat(25, 200, "STRATA_RANDOM_COUNT");
}

/** Every op method the generator calls (in `up` or `down`): `op.query` is live-only reading. */
const GENERATED_METHODS: readonly OpMethod[] = [
  "createTable",
  "dropTable",
  "renameTable",
  "addColumn",
  "dropColumn",
  "alterColumn",
  "createIndex",
  "dropIndex",
  "createForeignKey",
  "createUniqueConstraint",
  "createCheckConstraint",
  "dropConstraint",
  "createEnum",
  "dropEnum",
  "execute",
  "bulkInsert",
];

async function rowCounts(db: LiveDb, names: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const n of names) {
    const [r] = await db.rows(`SELECT count(*) AS n FROM ${db.dialect.quoteIdent(n)}`);
    out.set(n, Number(r?.n));
  }
  return out;
}

async function check(db: LiveDb, model: ExpectedModel, where: string, anyOrder = false) {
  const { actual, expected } = comparable(await db.schema(), model.schema(), {
    anyColumnOrder: anyOrder,
  });
  assert.deepEqual(actual, expected, `${where}: introspected schema differs from the model`);
}

async function runSequence(db: LiveDb, seq: OpSequence): Promise<void> {
  const models: ExpectedModel[] = [new ExpectedModel(db.dialect)];
  for (const [i, step] of seq.steps.entries()) {
    const where = `step ${i + 1} up (${step.describe})`;
    const model = models[i]!.clone();
    for (const c of step.up) model.apply(c);
    await db.run(step, "up", `s${i + 1}`).catch((e) => {
      throw new Error(`${where}: ${e instanceof Error ? e.message : e}`, { cause: e });
    });
    await check(db, model, where);
    assert.deepEqual(
      await rowCounts(db, model.rows.keys()),
      model.rows,
      `${where}: row counts`,
    );
    models.push(model);
  }
  // Downgrades continue from what the database holds (a re-added column comes last).
  let model = models[seq.steps.length]!;
  for (let i = seq.steps.length - 1; i >= 0; i--) {
    const step = seq.steps[i]!;
    const where = `step ${i + 1} down (${step.describe})`;
    model = model.clone();
    for (const c of step.down) model.apply(c);
    await db.run(step, "down", `s${i + 1}`).catch((e) => {
      throw new Error(`${where}: ${e instanceof Error ? e.message : e}`, { cause: e });
    });
    await check(db, model, where);
    // The downgrade restores the schema before the step (a re-added column comes last).
    const { actual, expected } = comparable(model.schema(), models[i]!.schema(), {
      anyColumnOrder: true,
    });
    assert.deepEqual(actual, expected, `${where}: does not restore the previous model`);
    assert.deepEqual(
      await rowCounts(db, models[i]!.rows.keys()),
      models[i]!.rows,
      `${where}: row counts`,
    );
  }
}

for (const dialect of ["sqlite", "postgres"] as const) {
  const count = seedCount(dialect);
  Deno.test({
    name: `generated op sequences on ${dialect} match the expected model up and down ` +
      `(${count} seeds from ${FIRST})`,
    ignore: dialect === "postgres" && !hasPg(),
    async fn() {
      const db = await openLiveDb(dialect);
      const called = new Set<OpMethod>();
      let steps = 0;
      try {
        for (let seed = FIRST; seed < FIRST + count; seed++) {
          const seq = generateOpSequence(seed, dialect);
          try {
            await runSequence(db, seq);
          } catch (e) {
            const listing = seq.steps.map((s, i) => `  ${i + 1}. ${s.describe}`).join("\n");
            console.error(
              `\nrandom ops failed on ${dialect}, seed ${seed} ` +
                `(reproduce: STRATA_RANDOM_SEED=${seed})\n${listing}`,
            );
            throw e;
          }
          for (const step of seq.steps) {
            for (const c of [...step.up, ...step.down]) called.add(c.method);
          }
          steps += seq.steps.length;
          await db.reset();
        }
      } finally {
        await db.close();
      }
      const missing = GENERATED_METHODS.filter((m) => !called.has(m));
      console.log(
        `random ops ${dialect}: seeds ${FIRST}..${FIRST + count - 1}, ${steps} steps checked ` +
          `up and down, ${called.size} op methods` +
          (missing.length ? ` (not called: ${missing.join(", ")})` : ""),
      );
      // The default seeds must exercise every op the generator knows; a replayed seed or a
      // short custom range need not.
      if (ONLY_SEED === undefined && COUNT_OVERRIDE === undefined && FIRST === 1) {
        assert.deepEqual(missing, [], `seeds 1..${count} on ${dialect} never call these ops`);
      }
    },
  });
}
