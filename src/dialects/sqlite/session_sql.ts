/**
 * The statements the SQLite driver sends about its own session:
 * transactions, savepoints, pragmas, the foreign-key check. They live here,
 * with the rest of SQLite's SQL, so the driver holds no SQL text of its own;
 * this module imports nothing, so the driver's start-up loads nothing else.
 *
 * @module
 */

/** Opens a transaction and takes the write lock at once. */
export const BEGIN_IMMEDIATE = "BEGIN IMMEDIATE";
/** Commits the transaction. */
export const COMMIT = "COMMIT";
/** Rolls the transaction back. */
export const ROLLBACK = "ROLLBACK";

/**
 * A savepoint's statements.
 *
 * @param name The savepoint's name (a plain identifier Strata chooses).
 * @returns Open, release, and roll back (then release).
 */
export function savepointSql(name: string): { open: string; release: string; rollback: string } {
  return {
    open: `SAVEPOINT ${name}`,
    release: `RELEASE ${name}`,
    rollback: `ROLLBACK TO ${name}; RELEASE ${name}`,
  };
}

/** Reads whether foreign keys are enforced (one row, column `foreign_keys`). */
export const FOREIGN_KEYS_GET = "PRAGMA foreign_keys";
/** Stops enforcing foreign keys (ignored inside a transaction). */
export const FOREIGN_KEYS_OFF = "PRAGMA foreign_keys = OFF";
/** Enforces foreign keys again. */
export const FOREIGN_KEYS_ON = "PRAGMA foreign_keys = ON";
/** Lists rows whose foreign key points nowhere (`table`, `rowid`, `parent`, `fkid`). */
export const FOREIGN_KEY_CHECK = "PRAGMA foreign_key_check";
/**
 * Reads a number that changes when another connection commits to the
 * database (https://sqlite.org/pragma.html#pragma_data_version); this
 * connection's own commits leave it as it was.
 */
export const DATA_VERSION = "PRAGMA data_version";

/**
 * Statements that cannot add a foreign-key violation: a new table (empty;
 * `CREATE TABLE … AS` copies rows but cannot declare a foreign key), a
 * non-unique index, a view, a trigger's definition, and reads. A unique
 * index is left out: it can make a foreign key that `foreign_key_check`
 * rejected as mismatched checkable, and so report rows.
 */
const FK_NEUTRAL =
  /^\s*(CREATE\s+(TEMP(ORARY)?\s+)?(TABLE|INDEX|VIEW|TRIGGER)\b|SELECT\b|PRAGMA\s+(table_info|table_xinfo|index_list|index_info|index_xinfo|foreign_key_list)\b)/i;

/**
 * Tells whether a text of one statement cannot add a foreign-key violation, so a
 * transaction made only of such statements (and of Strata's own
 * bookkeeping) needs no `foreign_key_check` before COMMIT.
 *
 * @param sql One statement.
 * @returns `true` when it is one of the kinds above.
 */
export function cannotBreakForeignKeys(sql: string): boolean {
  // One statement only: text after a `;` may be anything (`op.execute` runs
  // several; a trigger body has its own, and so counts as unknown).
  return FK_NEUTRAL.test(sql) && !/;\s*\S/.test(sql);
}
/** Reads the journal mode (one row, column `journal_mode`). */
export const JOURNAL_MODE_GET = "PRAGMA journal_mode";

/**
 * Sets the journal mode.
 *
 * @param mode `DELETE`, `TRUNCATE`, … (a keyword Strata chooses).
 * @returns The pragma.
 */
export function journalModeSql(mode: string): string {
  return `PRAGMA journal_mode = ${mode}`;
}

/**
 * Sets how long a statement waits for another connection's lock.
 *
 * @param ms Milliseconds (a whole number).
 * @returns The pragma.
 */
export function busyTimeoutSql(ms: number): string {
  return `PRAGMA busy_timeout = ${Math.floor(ms)}`;
}
