/**
 * Benchmark (prints figures, asserts nothing): what each enum-value op costs
 * on a table of N rows with one enum column, on SQLite and (with
 * `STRATA_TEST_PG_URL`) PostgreSQL. Each op runs as one migration step in
 * its own transaction, through the real step runner; the median of R runs.
 *
 * What to expect: on PostgreSQL, `addEnumValue` and `renameEnumValue` touch
 * only the catalog, while `dropEnumValue` and `alterEnum` rebuild the type
 * and rewrite every table using it. On SQLite every op rewrites the CHECK of
 * each column of the enum, one table rebuild (a copy of the rows) per table.
 *
 * ```sh
 * deno run -A scripts/bench_enum.ts                      # 100,000 rows, 3 runs
 * deno run -A scripts/bench_enum.ts --rows 10000 --runs 5
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { Op } from "../src/migration.ts";
import { runStep } from "../src/apply/step.ts";
import { getDialect } from "../src/dialects/registry.ts";
import type { Driver } from "../src/drivers/driver.ts";
import { openDriver } from "../src/drivers/mod.ts";

const { values: flags } = parseArgs({
  options: { rows: { type: "string", default: "100000" }, runs: { type: "string", default: "3" } },
});
const ROWS = Number(flags.rows);
const RUNS = Number(flags.runs);

/** One op and the op that undoes it, so each run starts from the same state. */
const OPS: { name: string; up: (op: Op) => Promise<void>; down: (op: Op) => Promise<void> }[] = [
  {
    name: "addEnumValue",
    up: (op) => op.addEnumValue("mood", "ok", { before: "happy" }),
    down: (op) => op.dropEnumValue("mood", "ok"),
  },
  {
    name: "renameEnumValue",
    up: (op) => op.renameEnumValue("mood", "meh", "so-so"),
    down: (op) => op.renameEnumValue("mood", "so-so", "meh"),
  },
  {
    name: "dropEnumValue (no row holds it)",
    up: (op) => op.dropEnumValue("mood", "unused"),
    down: (op) => op.addEnumValue("mood", "unused"),
  },
  {
    name: "alterEnum (reorder)",
    up: (op) => op.alterEnum("mood", ["happy", "meh", "sad", "unused"]),
    down: (op) => op.alterEnum("mood", ["sad", "meh", "happy", "unused"]),
  },
];

async function step(db: Driver, dialect: "sqlite" | "postgres", fn: (op: Op) => Promise<void>) {
  const module = { revision: "bench", downRevision: null, upgrade: fn };
  const s = { revision: "bench", direction: "up" as const, version: { remove: [], add: [] } };
  await db.transaction((tx) =>
    runStep(module, s, {
      dialect: getDialect(dialect),
      q: tx,
      versionTable: "strata_version",
      isOffline: false,
      transactional: true,
    })
  );
}

async function bench(dialect: "sqlite" | "postgres", url: string): Promise<void> {
  const db = await openDriver(url);
  try {
    await step(db, dialect, async (op) => {
      await op.createEnum("mood", ["sad", "meh", "happy", "unused"]);
      await op.createTable("people", {
        id: { type: "integer", primaryKey: true },
        mood: { type: "enum:mood", nullable: false, default: "meh" },
        name: { type: "text" },
      });
      await op.createIndex("ix_people_mood", "people", ["mood"]);
      await op.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
          `${ROWS}) INSERT INTO people (id, mood, name) SELECT i, CASE i % 3 WHEN 0 THEN 'sad' ` +
          `WHEN 1 THEN 'meh' ELSE 'happy' END${
            op.dialect === "postgres" ? "::mood" : ""
          }, 'person ' || i FROM n`,
      );
    });
    for (const o of OPS) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await step(db, dialect, o.up);
        times.push(performance.now() - started);
        await step(db, dialect, o.down);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(`${dialect.padEnd(8)} ${o.name.padEnd(32)} ${median.toFixed(1).padStart(9)} ms`);
    }
  } finally {
    await db.close();
  }
}

console.log(
  `enum ops on a table of ${ROWS} rows, one enum column with an index, median of ${RUNS}`,
);
const dir = await Deno.makeTempDir({ prefix: "strata-bench-enum-" });
try {
  await bench("sqlite", `sqlite:${dir}/bench.db`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
const pgUrl = Deno.env.get("STRATA_TEST_PG_URL");
if (pgUrl) {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const name = `strata_bench_enum_${Deno.pid}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(pgUrl);
    url.pathname = `/${name}`;
    await bench("postgres", url.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log("postgres: skipped (set STRATA_TEST_PG_URL)");
}
