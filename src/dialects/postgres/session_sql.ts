/**
 * The statements the PostgreSQL driver sends about its own session:
 * transactions, the migration's advisory lock, who holds or blocks a lock,
 * the login check. They live here, with the rest of PostgreSQL's SQL, so the
 * driver holds no SQL text of its own; this module imports nothing.
 *
 * @module
 */

/** Opens a transaction. */
export const BEGIN = "BEGIN";
/** Commits the transaction. */
export const COMMIT = "COMMIT";
/** Rolls the transaction back. */
export const ROLLBACK = "ROLLBACK";

/**
 * A savepoint's statements.
 *
 * @param name The savepoint's name (a plain identifier Strata chooses).
 * @returns Open, release, and roll back to it.
 */
export function savepointSql(name: string): { open: string; release: string; rollback: string } {
  return {
    open: `SAVEPOINT ${name}`,
    release: `RELEASE SAVEPOINT ${name}`,
    rollback: `ROLLBACK TO SAVEPOINT ${name}`,
  };
}

/** Tries the session advisory lock keyed by `$1`'s 64-bit hash (column `ok`). */
export const ADVISORY_TRY = "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok";
/** Releases it (column `ok`). */
export const ADVISORY_UNLOCK = "SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS ok";
/** The schema a bare table name `$1` resolves to, or would be created in (column `schema`). */
export const TABLE_SCHEMA = `SELECT COALESCE(
  (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = to_regclass(quote_ident($1))),
  current_schema()) AS schema`;
/**
 * Who holds the advisory lock keyed by `$1` (`pid`, `application_name`,
 * `addr`). A bigint key shows in pg_locks as classid (high 32 bits), objid
 * (low), objsubid 1.
 */
export const ADVISORY_HOLDER = `SELECT a.pid, a.application_name, a.client_addr::text AS addr
FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND ((l.classid::int8 << 32) | l.objid::int8) = hashtextextended($1, 0)
LIMIT 1`;
/** What session `$1` waits for, and up to three sessions that block it. */
export const LOCK_WAIT = `SELECT w.locktype, w.mode, w.relation::regclass::text AS relation,
  b.pid, b.application_name, b.state, b.query
FROM pg_locks w
CROSS JOIN LATERAL unnest(pg_blocking_pids($1)) AS bp(pid)
JOIN pg_stat_activity b ON b.pid = bp.pid
WHERE w.pid = $1 AND NOT w.granted
ORDER BY b.pid
LIMIT 3`;

/**
 * The first query of a session: its backend pid (`pid`) and, on PostgreSQL
 * 14 and later (the setting is unknown before), a server-side check every
 * `checkMs` that the client is still there.
 *
 * @param checkMs `client_connection_check_interval`, in milliseconds.
 * @returns The query.
 */
export function sessionStartSql(checkMs: number): string {
  return "SELECT pg_backend_pid() AS pid, CASE WHEN " +
    "current_setting('server_version_num')::int >= 140000 " +
    `THEN set_config('client_connection_check_interval', '${Math.floor(checkMs)}', false) ` +
    "END AS checks";
}
