/**
 * Benchmark (prints figures, asserts nothing): 5 `alterColumn` on one table
 * of a 300-table SQLite database against the same on a 5-table database,
 * each a whole `strata upgrade head` process, medians. A rebuild reads only
 * the table it rebuilds, so the two should be close (goal: within 1.5×).
 * What difference remains is SQLite's own: `ALTER TABLE … RENAME` (the
 * rebuild's one rename) re-reads every schema entry, about 15 ms for 300
 * tables and their indexes on the 2-core test machine, and a larger schema
 * takes longer to open.
 *
 * ```sh
 * deno run -A scripts/bench_rebuild.ts            # 10 runs each
 * deno run -A scripts/bench_rebuild.ts --quick    # 3 runs each
 * ```
 *
 * `deno task bench` runs it after the startup benchmarks. The projects and
 * their base databases are generated under the git-ignored `.bench/`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname!, "..");
const BENCH = join(ROOT, ".bench");

/** The 5 changes measured: type, nullability and default, all rebuilds. */
const CHANGES = [
  `await op.alterColumn("t_000", "a", { type: "varchar(200)" });`,
  `await op.alterColumn("t_000", "b", { nullable: false });`,
  `await op.alterColumn("t_000", "c", { default: "none" });`,
  `await op.alterColumn("t_000", "d", { type: "bigint" });`,
  `await op.alterColumn("t_000", "e", { default: 0 });`,
];

/** Rows in the altered table (the copy costs the same in both databases). */
const ROWS = 1_000;

function migration(rev: string, down: string | null, body: string): string {
  return [
    `export const revision = "${rev}";`,
    `export const downRevision = ${JSON.stringify(down)};`,
    `export const message = "bench ${rev}";`,
    `export async function upgrade(op) {\n${body}\n}`,
    "",
  ].join("\n");
}

/** `n` tables like an application's: a key, a few columns, an index each. */
function schemaSql(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = `t_${String(i).padStart(3, "0")}`;
    out.push(
      `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c TEXT, d INTEGER, e REAL, ` +
        `created_at TEXT DEFAULT CURRENT_TIMESTAMP);`,
      `CREATE INDEX ix_${t}_b ON ${t} (b);`,
    );
  }
  out.push(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) ` +
      "INSERT INTO t_000 (a, b, c, d, e) SELECT 'row ' || i, i, 'c' || i, i * 2, i / 3.0 FROM n;",
  );
  return out.join("\n");
}

/** Runs `deno ARGS`; returns the wall time in milliseconds. */
async function timed(args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  if (out.code !== 0) {
    throw new Error(
      `deno ${args.join(" ")} exited ${out.code}:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One measured database size. */
export interface RebuildFigure {
  tables: number;
  /** Whole-process `upgrade head` times, ms. */
  runs: number[];
  median: number;
  min: number;
  /** The command measured, for the report. */
  command: string;
}

/**
 * Measures 5 `alterColumn` on one table with `tables` tables in the database.
 *
 * @param tables How many tables the database has.
 * @param runs How many processes to time.
 * @returns The figure.
 */
export async function measureRebuild(tables: number, runs: number): Promise<RebuildFigure> {
  const dir = join(BENCH, `rebuild-${tables}`);
  const migrations = join(dir, "migrations");
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(migrations, { recursive: true });
  await Deno.writeTextFile(
    join(migrations, "a1_schema.ts"),
    migration("a1", null, `await op.execute(${JSON.stringify(schemaSql(tables))});`),
  );
  await Deno.writeTextFile(
    join(migrations, "b2_alter.ts"),
    migration("b2", "a1", CHANGES.join("\n")),
  );
  const base = join(dir, "base.db");
  const cli = (db: string, target: string) => [
    "run",
    "-A",
    "--no-check",
    join(ROOT, "main.ts"),
    "-u",
    `sqlite:${db}`,
    "-d",
    migrations,
    "upgrade",
    target,
  ];
  await timed(cli(base, "a1"), dir);
  const db = join(dir, "run.db");
  // One warm-up run fills Deno's module cache for the migration files.
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    await Deno.copyFile(base, db);
    const ms = await timed(cli(db, "head"), dir);
    if (i > 0) times.push(ms);
  }
  return {
    tables,
    runs: times,
    median: median(times),
    min: Math.min(...times),
    command: `(cd ${relative(ROOT, dir)} && deno ${cli("run.db", "head").join(" ")})`,
  };
}

/**
 * Measures both sizes and formats the lines to print.
 *
 * @param runs Processes per size.
 * @returns The report lines.
 */
export async function rebuildReport(runs: number): Promise<string[]> {
  const small = await measureRebuild(5, runs);
  const large = await measureRebuild(300, runs);
  const ratio = large.median / small.median;
  const fmt = (f: RebuildFigure) =>
    `${f.median.toFixed(1)} ms (min ${f.min.toFixed(1)} ms, ${f.runs.length} runs)`;
  return [
    `5 alterColumn on one table (${ROWS} rows), whole-process upgrade head, medians:`,
    `  300-table database: ${fmt(large)}`,
    `  5-table database:   ${fmt(small)}`,
    `  ratio 300/5: ${ratio.toFixed(2)}× (goal ≤ 1.5×: ${ratio <= 1.5 ? "ok" : "OVER"})`,
    `  command: ${large.command}`,
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { quick: { type: "boolean", default: false }, runs: { type: "string" } },
  });
  const runs = Number(values.runs ?? (values.quick ? 3 : 10));
  for (const line of await rebuildReport(runs)) console.log(line);
}
