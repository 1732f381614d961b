/**
 * Test access to PostgreSQL: `STRATA_TEST_PG_URL` names a server where tests
 * may create and drop databases (scripts/run_tests.ts starts a throwaway one).
 * Without it, PostgreSQL tests are skipped with a loud line, unless
 * `STRATA_REQUIRE_PG=1`, which makes the absence a failure.
 *
 * @module
 */

import type postgres from "npm:postgres@3.4.9";

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

/** The table in the server's admin database that lists reusable test databases. */
const POOL = "strata_test_db_pool";

/**
 * What a database looks like when no test has touched it, as one line of
 * text: its schemas with owners, privileges and comments, its extensions,
 * owner, privileges and settings, and counts of what lives in `public` or
 * in no schema. A database goes back to the pool only when, reset, it reads
 * as it did when it was created.
 */
const SIGNATURE = `SELECT concat_ws(' | ',
  (SELECT string_agg(concat_ws(':', nspname, nspowner::regrole::text, nspacl::text,
      obj_description(oid, 'pg_namespace')), ',' ORDER BY nspname)
     FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'),
  (SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension),
  (SELECT concat_ws(':', datdba::regrole::text, datacl::text, datconnlimit, datallowconn,
      shobj_description(oid, 'pg_database'))
     FROM pg_database WHERE datname = current_database()),
  (SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
     WHERE d.datname = current_database()),
  (SELECT count(*) FROM pg_event_trigger), (SELECT count(*) FROM pg_publication),
  (SELECT count(*) FROM pg_largeobject_metadata),
  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public'),
  (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public'),
  (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public')) AS sig`;

/** Drops every schema a test made and `public`'s content; recreates `public` as PostgreSQL does. */
const RESET = `DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END $$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';`;

type Sql = postgres.Sql<Record<string, unknown>>;

/** Connects to the test server, or to `database` on it. */
async function connect(database?: string): Promise<Sql> {
  const { default: postgres } = await import("npm:postgres@3.4.9");
  const url = new URL(PG_URL!);
  if (database) url.pathname = `/${database}`;
  return postgres(url.toString(), { max: 1, onnotice: () => {} });
}

/** Reads a database's signature (see {@linkcode SIGNATURE}). */
async function signature(database: string): Promise<string> {
  const sql = await connect(database);
  try {
    const [row] = await sql.unsafe(SIGNATURE);
    return String(row?.sig);
  } finally {
    await sql.end();
  }
}

/**
 * Takes a free database from the pool (a table on the server, so test
 * modules in other workers and processes share it), or creates one.
 * Creating a database copies `template1` (about 170 ms); resetting a used
 * one takes a few milliseconds.
 */
async function claim(prefix: string): Promise<string> {
  const admin = await connect();
  try {
    const taken = await admin.begin(async (tx) => {
      // One claimer at a time; also keeps concurrent CREATE TABLE IF NOT EXISTS apart.
      await tx.unsafe("SELECT pg_advisory_xact_lock(727271001)");
      await tx.unsafe(
        `CREATE TABLE IF NOT EXISTS ${POOL} (name text PRIMARY KEY, sig text NOT NULL, busy boolean NOT NULL)`,
      );
      // A database dropped behind the pool's back (a tidied dev server) leaves the list.
      await tx.unsafe(
        `DELETE FROM ${POOL} p WHERE NOT EXISTS (SELECT 1 FROM pg_database d WHERE d.datname = p.name)`,
      );
      return await tx.unsafe(
        `UPDATE ${POOL} SET busy = true WHERE name = (SELECT name FROM ${POOL} WHERE NOT busy LIMIT 1) RETURNING name`,
      );
    });
    if (taken[0]) return String(taken[0].name);
    // Unique across test modules run in parallel in one process (same pid, separate counters).
    const unique = `${Date.now().toString(36)}_${counter++}_${crypto.randomUUID().slice(0, 6)}`;
    const name = `strata_${prefix}_${Deno.pid}_${unique}`.toLowerCase();
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const sig = await signature(name);
    await admin.unsafe(`INSERT INTO ${POOL} (name, sig, busy) VALUES ($1, $2, true)`, [name, sig]);
    return name;
  } finally {
    await admin.end();
  }
}

/**
 * Gives a database back: ends every session on it, resets it, and frees it
 * in the pool when it then reads as new; otherwise drops it.
 */
async function release(name: string): Promise<void> {
  const admin = await connect();
  try {
    const [row] = await admin.unsafe(`SELECT sig FROM ${POOL} WHERE name = $1`, [name]);
    let clean = false;
    if (row) {
      try {
        await endSessions(admin, name);
        const sql = await connect(name);
        try {
          await sql.unsafe(RESET);
          const [after] = await sql.unsafe(SIGNATURE);
          clean = String(after?.sig) === row.sig;
        } finally {
          await sql.end();
        }
      } catch {
        clean = false;
      }
    }
    if (clean) {
      await admin.unsafe(`UPDATE ${POOL} SET busy = false WHERE name = $1`, [name]);
    } else {
      await admin.unsafe(`DELETE FROM ${POOL} WHERE name = $1`, [name]);
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

/** Terminates every other session on `name` and waits until they are gone. */
async function endSessions(admin: Sql, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const [row] = await admin.unsafe(
      `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [name],
    );
    if (Number(row?.n) === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`sessions on ${name} did not end`);
}

/**
 * Gives a test an empty database on the test server: a reset one from the
 * pool, or a new one.
 *
 * @param prefix Name prefix for a newly created database.
 * @returns Its URL, its name, and a function that gives it back (resets it
 *   for the next test, or drops it when the reset cannot make it new again).
 */
export async function createPgDatabase(
  prefix = "t",
): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  if (!PG_URL) throw new Error("no STRATA_TEST_PG_URL");
  const name = await claim(prefix);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  let released = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (released) return;
      released = true;
      await release(name);
    },
  };
}
