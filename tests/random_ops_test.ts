/**
 * Randomized op sequences (tests/_random_ops.ts) run live on both dialects;
 * after every step the introspected schema must equal the independently kept
 * expected model (tests/_model.ts), and downgrading each step must restore
 * the model before it.
 *
 * Reproduce or extend: `STRATA_RANDOM_SEED=1234` runs that seed only (with
 * `STRATA_RANDOM_COUNT=N`, N seeds from it); `STRATA_RANDOM_COUNT=1000`
 * alone runs more. A failure names its seed and the step.
 *
 * @module
 */
import assert from "node:assert/strict";
import { hasPg } from "./_pg.ts";
import { type LiveDb, openLiveDb } from "./_live.ts";
import { comparable, ExpectedModel } from "./_model.ts";
import { generateOpSequence, type OpSequence } from "./_random_ops.ts";

const SEED = Deno.env.get("STRATA_RANDOM_SEED");
const COUNT = Number(Deno.env.get("STRATA_RANDOM_COUNT") ?? (SEED === undefined ? 200 : 1));
const FIRST = SEED === undefined ? 1 : Number(SEED);

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
  Deno.test({
    name: `generated op sequences on ${dialect} match the expected model up and down ` +
      `(${COUNT} seeds from ${FIRST})`,
    ignore: dialect === "postgres" && !hasPg(),
    async fn() {
      const db = await openLiveDb(dialect);
      let kinds = 0;
      try {
        for (let seed = FIRST; seed < FIRST + COUNT; seed++) {
          const seq = generateOpSequence(seed, dialect);
          kinds += seq.steps.length;
          try {
            await runSequence(db, seq);
          } catch (e) {
            const steps = seq.steps.map((s, i) => `  ${i + 1}. ${s.describe}`).join("\n");
            console.error(
              `\nrandom ops failed on ${dialect}, seed ${seed} ` +
                `(reproduce: STRATA_RANDOM_SEED=${seed})\n${steps}`,
            );
            throw e;
          }
          await db.reset();
        }
      } finally {
        await db.close();
      }
      assert.equal(kinds, COUNT * 6);
    },
  });
}
