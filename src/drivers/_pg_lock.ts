/**
 * The PostgreSQL migration lock: a session advisory lock whose 64-bit key is
 * `hashtextextended(name, 0)` (stable across PostgreSQL versions, since hash
 * partitioning depends on it). It is polled with `pg_try_advisory_lock`
 * rather than waited on with `pg_advisory_lock`, so the wait can time out,
 * report who holds it, and never leaves a blocked query behind. The server
 * drops it when the session ends, so a killed migrator cannot leave it stale.
 *
 * The key is the version table's name resolved on the live connection
 * (issue 9.1): `strata_version` and `public.strata_version` name one table,
 * so they must take one lock. A bare name is qualified with the schema it
 * resolves to through `search_path` (or, before the table exists, the schema
 * `CREATE TABLE` would use: `current_schema()`). The name as configured is
 * locked first when it differs, so a Strata that hashed only that name still
 * excludes this one. Bare names come before qualified ones in every run, so
 * two runs never wait for each other in a circle.
 *
 * @module
 */
import type { LockOptions, Queryable } from "./driver.ts";
import { pollLock } from "./_poll_lock.ts";
import {
  ADVISORY_HOLDER,
  ADVISORY_TRY,
  ADVISORY_UNLOCK,
  TABLE_SCHEMA,
} from "../dialects/postgres/session_sql.ts";

/** How often a waiter retries. */
const POLL_MS = 200;

/**
 * The names to lock for a version table, in order: the name as configured,
 * then, when that is a bare name, the schema-qualified name it resolves to.
 *
 * @param q The driver's session.
 * @param name The version table's configured name (`table` or `schema.table`).
 * @returns One or two names.
 */
export async function lockKeys(q: Queryable, name: string): Promise<string[]> {
  if (name.includes(".")) return [name];
  const schema = (await q.query(TABLE_SCHEMA, [name]))[0]?.schema;
  return typeof schema === "string" && schema !== "" ? [name, `${schema}.${name}`] : [name];
}

/**
 * Takes the advisory lock for each of `names`, in order, on the session
 * behind `q`, within one timeout.
 *
 * @param q The driver (its one session holds the lock).
 * @param names The lock's names (see {@linkcode lockKeys}).
 * @param options Timeout (for all of them together) and the wait callback (called once).
 * @returns The function that releases them.
 * @throws {LockTimeoutError} When another session holds one for `timeoutMs`.
 */
export async function advisoryLock(
  q: Queryable,
  names: readonly string[],
  options: LockOptions,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  const taken: string[] = [];
  const release = async () => {
    for (const name of taken.splice(0).reverse()) await q.query(ADVISORY_UNLOCK, [name]);
  };
  try {
    for (const name of names) {
      await pollLock({
        tryLock: async () => Boolean((await q.query(ADVISORY_TRY, [name]))[0]?.ok),
        holder: () => describeHolder(q, name),
        label: names.at(-1) ?? name,
        someone: "another session",
        pollMs: POLL_MS,
        extraHint: "pg_terminate_backend(PID) ends a stuck session",
        reportMs: options.timeoutMs,
      }, {
        timeoutMs: Math.max(0, deadline - Date.now()),
        onWait: (holder) => {
          if (!waited) options.onWait?.(holder);
          waited = true;
        },
      });
      taken.push(name);
    }
  } catch (e) {
    await release().catch(() => {});
    throw e;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await release();
  };
}

async function describeHolder(q: Queryable, name: string): Promise<string | undefined> {
  try {
    const row = (await q.query(ADVISORY_HOLDER, [name]))[0];
    if (row === undefined) return undefined;
    const app = row.application_name ? ` (${row.application_name})` : "";
    const from = row.addr ? ` from ${row.addr}` : "";
    return `pid ${row.pid}${app}${from}`;
  } catch {
    return undefined; // pg_stat_activity may be restricted; the lock still works
  }
}
