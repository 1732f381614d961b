/**
 * `deno task test`: runs the whole test suite. Starts a throwaway PostgreSQL
 * (unless `STRATA_TEST_PG_URL` points at one), runs `deno test`, removes the
 * cluster, and ends with one line `N passed, N failed`.
 *
 * Extra arguments go to `deno test` (e.g. `deno task test tests/cli_test.ts`).
 *
 * @module
 */
import { findPgBin, startCluster } from "./pg_cluster.ts";

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

const args = Deno.args.length ? Deno.args : [];
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
  tail = (tail + decoder.decode(chunk)).slice(-4000);
}
const status = await child.status;
if (stop) await stop();

// deno test ends with e.g. "ok | 12 passed (3 steps) | 0 failed (1s)".
const ESC = String.fromCharCode(27);
const clean = tail.replaceAll(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), "");
const m = [...clean.matchAll(/(\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/g)].pop();
if (m) console.log(`${m[1]} passed, ${m[3]} failed`);
else console.log(`0 passed, ${status.success ? 0 : 1} failed`);
Deno.exit(status.code);
