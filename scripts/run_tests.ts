/**
 * `deno task test`: runs the whole test suite. Starts a throwaway PostgreSQL
 * (unless `STRATA_TEST_PG_URL` points at one), runs `deno test`, removes the
 * cluster, and ends with one line `N passed, N failed`.
 *
 * The suite runs in two parts: every test module but the timing-sensitive
 * ones, among them `tests/doc_examples_test.ts`, which runs the JSDoc
 * examples (each runnable one asserts, so a broken one fails), with
 * `deno test --parallel` (most tests wait on PostgreSQL, psql, sqlite3 or a
 * subprocess, so a few modules at once keep 2 cores busy; `DENO_JOBS` sets
 * how many, default {@linkcode DEFAULT_JOBS}), then the {@linkcode SERIAL}
 * modules alone, whose kills and lock races calibrate themselves against an
 * otherwise quiet machine. The parallel part starts the longest modules
 * first ({@linkcode LONGEST_FIRST}).
 *
 * Tests run without type-checking (`--no-check`): `deno task check`
 * type-checks `src/`, `tests/` and `scripts/` with their JSDoc examples, and
 * CI runs it first; checking the same modules again here cost about 10 s
 * of CPU on a cold cache.
 *
 * `STRATA_SOAK=1` runs the long repeat counts (tests/_tier.ts). Extra
 * arguments go to one plain `deno test` instead (e.g.
 * `deno task test tests/cli_test.ts`).
 *
 * @module
 */
import { findPgBin, startCluster } from "./pg_cluster.ts";

/** Modules that run after the others, alone: they time kills and lock races. */
export const SERIAL: readonly string[] = ["tests/crash_test.ts", "tests/concurrency_test.ts"];

/** Test modules run at once in the parallel part when `DENO_JOBS` is unset. */
export const DEFAULT_JOBS = 4;

/**
 * The modules that take longest (measured with `deno task test`), longest
 * first. `deno test --parallel` starts modules in the order given, so these
 * go first and the short ones fill the gaps: no long module starts last and
 * runs on alone.
 */
export const LONGEST_FIRST: readonly string[] = [
  "tests/offline_diff_test.ts",
  "tests/autogen_property_test.ts",
  "tests/autogen_cli_test.ts",
  "tests/outside_project_test.ts",
  "tests/bad_input_test.ts",
  "tests/bad_input_more_test.ts",
  "src/script/discover_test.ts",
  "tests/enum_offline_test.ts",
  "tests/epipe_test.ts",
  "tests/interrupted_test.ts",
  "tests/random_ops_test.ts",
  "tests/server_stop_test.ts",
  "src/script/load_test.ts",
  "tests/ops_test.ts",
  "tests/autogen_golden_test.ts",
];

/** The test roots of deno.json's `test.include`. */
const TEST_ROOTS = ["src", "tests"];

/**
 * Every test module under {@linkcode TEST_ROOTS} but `skip`, in the order
 * the parallel part starts them: {@linkcode LONGEST_FIRST}, then the rest by
 * path.
 *
 * @param skip Modules run elsewhere.
 * @returns Paths relative to the repository root.
 * @throws {Error} When a module in {@linkcode LONGEST_FIRST} no longer exists.
 */
export function parallelOrder(skip: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (/(^|[._])test\.(ts|tsx|js|mjs)$/.test(e.name)) found.push(path);
    }
  };
  for (const root of TEST_ROOTS) walk(root);
  const stale = LONGEST_FIRST.filter((m) => !found.includes(m));
  if (stale.length) throw new Error(`LONGEST_FIRST names missing modules: ${stale.join(", ")}`);
  const rest = found.filter((m) => !LONGEST_FIRST.includes(m)).sort();
  return [...LONGEST_FIRST, ...rest].filter((m) => !skip.includes(m));
}

/** What one `deno test` run reported. */
interface Tally {
  passed: number;
  failed: number;
  ok: boolean;
}

const ESC = String.fromCharCode(27);

/**
 * Runs `deno test ARGS`, streaming its output, and reads its closing tally.
 *
 * @param args Arguments after `deno test`.
 * @param env Extra environment.
 * @returns Passed and failed counts and whether it exited 0.
 */
async function denoTest(args: string[], env: Record<string, string>): Promise<Tally> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--no-check", ...args],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let tail = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + decoder.decode(chunk, { stream: true })).slice(-4000);
  }
  const status = await child.status;
  // deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed (1s)".
  const clean = tail.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");
  const m = [...clean.matchAll(/(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/g)].pop();
  if (!m) return { passed: 0, failed: status.success ? 0 : 1, ok: status.success };
  return { passed: Number(m[1]), failed: Number(m[3]), ok: status.success };
}

/** Starts PostgreSQL if needed, runs both parts, prints the tally and exits with its status. */
async function run(): Promise<never> {
  const env: Record<string, string> = {};
  let stop: (() => Promise<void>) | undefined;
  if (!Deno.env.get("STRATA_TEST_PG_URL")) {
    const bin = findPgBin();
    if (bin) {
      const cluster = await startCluster(bin);
      env.STRATA_TEST_PG_URL = cluster.url;
      stop = cluster.stop;
      console.error(`test: started throwaway PostgreSQL from ${bin}`);
    } else {
      console.error("test: NO POSTGRESQL SERVER BINARIES FOUND — PostgreSQL tests will be skipped");
    }
  }

  const tallies: Tally[] = [];
  try {
    if (Deno.args.length) {
      tallies.push(await denoTest([...Deno.args], env));
    } else {
      const jobs = Deno.env.get("DENO_JOBS") ?? String(DEFAULT_JOBS);
      let started = performance.now();
      const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
      console.error(`test: all but ${SERIAL.join(", ")}, ${jobs} modules at once`);
      tallies.push(
        await denoTest(["--parallel", ...parallelOrder(SERIAL)], { ...env, DENO_JOBS: jobs }),
      );
      console.error(`test: that part took ${took()}; now ${SERIAL.join(", ")}, alone`);
      started = performance.now();
      tallies.push(await denoTest([...SERIAL], env));
      console.error(`test: that part took ${took()}`);
    }
  } finally {
    if (stop) await stop();
  }

  const passed = tallies.reduce((n, t) => n + t.passed, 0);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  Deno.exit(tallies.every((t) => t.ok) && failed === 0 ? 0 : 1);
}

if (import.meta.main) await run();
