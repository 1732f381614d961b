/**
 * The PostgreSQL migration lock: a session advisory lock whose 64-bit key is
 * `hashtextextended(name, 0)` (stable across PostgreSQL versions, since hash
 * partitioning depends on it). It is polled with `pg_try_advisory_lock`
 * rather than waited on with `pg_advisory_lock`, so the wait can time out,
 * report who holds it, and never leaves a blocked query behind. The server
 * drops it when the session ends, so a killed migrator cannot leave it stale.
 *
 * @module
 */
import type { LockOptions, Queryable } from "./driver.ts";
import { pollLock } from "./_poll_lock.ts";

/** How often a waiter retries. */
const POLL_MS = 200;

const TRY_SQL = "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok";
const UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS ok";
/** A bigint key shows in pg_locks as classid (high 32 bits), objid (low), objsubid 1. */
const HOLDER_SQL = `SELECT a.pid, a.application_name, a.client_addr::text AS addr
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended($1, 0)
LIMIT 1`;

/**
 * Takes the advisory lock for `name` on the session behind `q`.
 *
 * @param q The driver (its one session holds the lock).
 * @param name The lock's name.
 * @param options Timeout and the wait callback.
 * @returns The function that releases the lock.
 * @throws {LockTimeoutError} When another session holds it for `timeoutMs`.
 */
export async function advisoryLock(
  q: Queryable,
  name: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  await pollLock({
    tryLock: async () => Boolean((await q.query(TRY_SQL, [name]))[0]?.ok),
    holder: () => describeHolder(q, name),
    label: name,
    someone: "another session",
    pollMs: POLL_MS,
    extraHint: "pg_terminate_backend(PID) ends a stuck session",
  }, options);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await q.query(UNLOCK_SQL, [name]);
  };
}

async function describeHolder(q: Queryable, name: string): Promise<string | undefined> {
  try {
    const row = (await q.query(HOLDER_SQL, [name]))[0];
    if (row === undefined) return undefined;
    const app = row.application_name ? ` (${row.application_name})` : "";
    const from = row.addr ? ` from ${row.addr}` : "";
    return `pid ${row.pid}${app}${from}`;
  } catch {
    return undefined; // pg_stat_activity may be restricted; the lock still works
  }
}
