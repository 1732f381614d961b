/**
 * Test access to PostgreSQL: `STRATA_TEST_PG_URL` names a server where tests
 * may create and drop databases (scripts/run_tests.ts starts a throwaway one).
 * Without it, PostgreSQL tests are skipped with a loud line, unless
 * `STRATA_REQUIRE_PG=1`, which makes the absence a failure.
 *
 * @module
 */

const PG_URL = Deno.env.get("STRATA_TEST_PG_URL");
let warned = false;

/**
 * Tells whether PostgreSQL tests can run; prints a loud skip line once when they cannot.
 *
 * @returns `true` when a server is configured.
 * @throws {Error} When `STRATA_REQUIRE_PG=1` and no server is configured.
 */
export function hasPg(): boolean {
  if (PG_URL) return true;
  if (Deno.env.get("STRATA_REQUIRE_PG") === "1") {
    throw new Error("STRATA_REQUIRE_PG=1 but STRATA_TEST_PG_URL is not set (run `deno task test`)");
  }
  if (!warned) {
    console.error(
      "\n!!! SKIPPING POSTGRESQL TESTS: STRATA_TEST_PG_URL is not set (use `deno task test`) !!!\n",
    );
    warned = true;
  }
  return false;
}

let counter = 0;

/**
 * Creates a fresh, empty database on the test server.
 *
 * @param prefix Name prefix for the database.
 * @returns Its URL and a function that drops it.
 */
export async function createPgDatabase(
  prefix = "t",
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error("no STRATA_TEST_PG_URL");
  const { default: postgres } = await import("npm:postgres@3.4.9");
  // Unique across test modules run in parallel in one process (same pid, separate counters).
  const unique = `${Date.now().toString(36)}_${counter++}_${crypto.randomUUID().slice(0, 6)}`;
  const name = `strata_${prefix}_${Deno.pid}_${unique}`.toLowerCase();
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = postgres(PG_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
