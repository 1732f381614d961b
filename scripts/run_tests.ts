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
 * otherwise quiet machine.
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
    args: ["test", "--allow-all", ...args],
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
      await denoTest(["--parallel", `--ignore=${SERIAL.join(",")}`], { ...env, DENO_JOBS: jobs }),
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
