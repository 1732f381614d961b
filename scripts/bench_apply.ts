/**
 * Per-migration overhead of live runs (issue 12.3): applies N create-table
 * migrations to an empty database, on SQLite and on PostgreSQL, and prints
 * figures (it asserts nothing).
 *
 * ```sh
 * deno run -A scripts/bench_apply.ts                      # 1,000 migrations, 3 runs each
 * deno run -A scripts/bench_apply.ts --count 300 --runs 5
 * STRATA_TEST_PG_URL=postgres://… deno run -A scripts/bench_apply.ts --dialect postgres
 * ```
 *
 * For each database it reports the median of:
 * - `process`: a whole `strata upgrade head` process (`deno run main.ts`), as
 *   a deploy sees it;
 * - `steps`: in one process, the time inside the steps (the sum of the
 *   durations `onStep` reports: the migration's statements, the version row,
 *   the history row and the transaction), which is what this work on
 *   round trips changes; loading the modules and planning are left out;
 * - `per step`: `steps` divided by N.
 *
 * PostgreSQL needs `STRATA_TEST_PG_URL` (a server where it may create and drop
 * databases); without it only SQLite is measured.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { generateProject } from "./gen_project.ts";
import { resolveConfig } from "../src/config/resolve.ts";
import { Migrator } from "../src/runner/migrator.ts";

const ROOT = resolve(import.meta.dirname!, "..");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`;
}

/** A fresh empty database: its URL and a function that removes it. */
type Fresh = () => Promise<{ url: string; drop: () => Promise<void> }>;

function sqliteFresh(dir: string): Fresh {
  let n = 0;
  return () => {
    const path = join(dir, `apply-${Deno.pid}-${n++}.db`);
    const drop = async () => {
      for (const s of ["", "-journal", "-wal", "-shm", ".strata-lock"]) {
        await Deno.remove(path + s).catch(() => {});
      }
    };
    return Promise.resolve({ url: `sqlite:${path}`, drop });
  };
}

function pgFresh(admin: string): Fresh {
  let n = 0;
  return async () => {
    const { default: postgres } = await import("npm:postgres@3.4.9");
    const name = `strata_bench_apply_${Deno.pid}_${n++}`;
    const run = async (sql: string) => {
      const c = postgres(admin, { max: 1, onnotice: () => {} });
      try {
        await c.unsafe(sql);
      } finally {
        await c.end();
      }
    };
    await run(`DROP DATABASE IF EXISTS ${name}`);
    await run(`CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  };
}

async function processRun(url: string, dir: string): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", join(ROOT, "main.ts"), "-u", url, "-d", dir, "upgrade"],
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return ms;
}

async function inProcess(url: string, dir: string): Promise<{ total: number; steps: number }> {
  const config = await resolveConfig({ url, dir }, {}, ROOT);
  let steps = 0;
  const migrator = new Migrator(config, { onStep: (s) => (steps += s.durationMs) });
  const started = performance.now();
  try {
    await migrator.upgrade("head");
  } finally {
    await migrator.close();
  }
  return { total: performance.now() - started, steps };
}

async function measure(label: string, fresh: Fresh, dir: string, count: number, runs: number) {
  const proc: number[] = [];
  const steps: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await fresh();
    try {
      proc.push(await processRun(a.url, dir));
    } finally {
      await a.drop();
    }
    const b = await fresh();
    try {
      const r = await inProcess(b.url, dir);
      steps.push(r.steps);
      total.push(r.total);
    } finally {
      await b.drop();
    }
  }
  console.log(
    `${label.padEnd(10)} process ${fmt(median(proc)).padStart(9)}   in process ${
      fmt(median(total)).padStart(9)
    }   steps ${fmt(median(steps)).padStart(9)}   per step ${fmt(median(steps) / count)}`,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      count: { type: "string", default: "1000" },
      runs: { type: "string", default: "3" },
      dialect: { type: "string", default: "both" },
    },
  });
  const count = Number(values.count);
  const runs = Number(values.runs);
  const work = await Deno.makeTempDir({ prefix: "strata-bench-apply-" });
  try {
    const dir = join(work, "migrations");
    await generateProject(dir, count, { opImport: join(ROOT, "src", "mod.ts") });
    console.log(
      `apply ${count} create-table migrations from empty, median of ${runs} (deno ${Deno.version.deno})`,
    );
    if (values.dialect !== "postgres") {
      await measure("sqlite", sqliteFresh(work), dir, count, runs);
    }
    const pg = Deno.env.get("STRATA_TEST_PG_URL");
    if (values.dialect !== "sqlite") {
      if (pg) await measure("postgres", pgFresh(pg), dir, count, runs);
      else console.log("postgres   skipped: STRATA_TEST_PG_URL is not set");
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
