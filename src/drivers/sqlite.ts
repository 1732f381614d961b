/**
 * The SQLite driver, on `node:sqlite` (built into Deno: no FFI, works in a
 * compiled binary).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import { ConnectionError, EXIT, QueryError, VersionConflictError } from "../errors.ts";
import type { Driver, LockOptions, Queryable, Row, Statement } from "./driver.ts";
import {
  BEGIN_IMMEDIATE,
  busyTimeoutSql,
  cannotBreakForeignKeys,
  COMMIT,
  DATA_VERSION,
  FOREIGN_KEY_CHECK,
  FOREIGN_KEYS_GET,
  FOREIGN_KEYS_OFF,
  FOREIGN_KEYS_ON,
  JOURNAL_MODE_GET,
  journalModeSql,
  ROLLBACK,
  savepointSql,
} from "../dialects/sqlite/session_sql.ts";
import { lockFiles, sqliteLockPaths } from "./_sqlite_lock.ts";
import { bind, convertRow } from "./_sqlite_values.ts";

export { toSqliteParam } from "./_sqlite_values.ts";

/** Options for {@linkcode openSqlite}. */
export interface SqliteOptions {
  /**
   * Open the file read-only; the first write fails with a {@linkcode ConnectionError}.
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * Create the file when it is missing (SQLite's `mode=rwc`); `false` opens
   * an existing file only (`mode=rw`).
   * @default {true}
   */
  create?: boolean;
  /**
   * How long a statement waits for another connection's lock, in
   * milliseconds (SQLite's busy timeout); `0` waits for ever.
   * @default {5000}
   */
  busyTimeoutMs?: number;
}

/** The longest busy timeout SQLite takes (a signed 32-bit count of ms, ~24 days): "for ever". */
const FOREVER_MS = 2 ** 31 - 1;

/** Prepared statements kept for `reuse` statements, per connection. */
const REUSE_LIMIT = 32;

/**
 * A live SQLite connection. Create one with {@linkcode openSqlite} (or
 * `openDriver` in `./mod.ts`).
 */
export class SqliteDriver implements Driver {
  /** Always `"sqlite"`. */
  readonly dialect = "sqlite" as const;
  /** Absolute path of the database file, or `":memory:"`. */
  readonly path: string;
  /** Opened read-only (`mode=ro` in the URL): writes and the migration lock are refused. */
  readonly readOnly: boolean;
  /**
   * Where the driver reports a warning: foreign-key violations a migration
   * found already there (once per connection).
   */
  onWarning: ((message: string) => void) | undefined;
  #db: DatabaseSync;
  #depth = 0;
  #warnedViolations = false;
  /**
   * The violations `foreign_key_check` last saw and the `data_version` then:
   * while no other connection has committed since, the next transaction
   * starts from them instead of checking the whole database again.
   */
  #knownViolations: { dataVersion: number; found: Map<string, Violation> } | undefined;
  /** Whether the open transaction ran a statement that could break a foreign key. */
  #mayBreakForeignKeys = false;
  /**
   * Batch statements prepared in the open transaction, by SQL text: the
   * chunks of one `bulkInsert` reuse one prepared statement. Cleared when
   * the transaction ends.
   */
  #batches = new Map<string, StatementSync>();
  #busyMs: number;
  #prepared = new Map<string, StatementSync>();
  /** The journal mode to restore when the migration lock is released. */
  #restoreJournal: string | undefined;

  /**
   * @param path Absolute file path, or `":memory:"`.
   * @param db The open connection.
   * @param options Whether `db` was opened read-only; its busy timeout, for messages.
   */
  constructor(
    path: string,
    db: DatabaseSync,
    options: { readOnly?: boolean; busyMs?: number } = {},
  ) {
    this.path = path;
    this.#db = db;
    this.readOnly = options.readOnly ?? false;
    this.#busyMs = options.busyMs ?? 5000;
    globalThis.addEventListener("unload", this.#onUnload);
  }

  /**
   * The process is ending (`Deno.exit`, e.g. after a migration that can
   * never finish) with the connection open: roll back and close, so no
   * journal is left beside the database.
   */
  #onUnload = (): void => {
    try {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec(ROLLBACK);
    } catch { /* closing anyway */ }
    void this.close();
  };

  /**
   * Runs a statement. Without params the text may hold several statements;
   * with `batch` it is prepared once and run once per row, atomically.
   *
   * @param stmt The statement.
   * @throws {QueryError} When SQLite rejects it.
   */
  // deno-lint-ignore require-await -- async so that errors reject rather than throw
  async execute(stmt: Statement): Promise<void> {
    const { sql, params, batch, expectChanges } = stmt;
    if (!stmt.ownTable && !cannotBreakForeignKeys(sql)) this.#mayChange();
    this.#run(sql, () => {
      if (expectChanges !== undefined) {
        this.#checked(stmt, expectChanges);
      } else if (batch !== undefined) {
        const prepared = this.#prepareBatch(sql);
        this.#db.exec(BATCH.open);
        try {
          for (const row of batch) prepared.run(...bind(row));
        } catch (e) {
          this.#db.exec(BATCH.rollback);
          throw e;
        }
        this.#db.exec(BATCH.release);
      } else if (params === undefined || params.length === 0) {
        this.#db.exec(sql);
      } else {
        this.#statement(sql, stmt.reuse === true).run(...bind(params));
      }
    });
  }

  #prepareBatch(sql: string): StatementSync {
    let prepared = this.#batches.get(sql);
    if (prepared === undefined) {
      prepared = this.#db.prepare(sql);
      if (this.#depth > 0) {
        if (this.#batches.size >= 16) this.#batches.clear();
        this.#batches.set(sql, prepared);
      }
    }
    return prepared;
  }

  /** Runs a statement that must change `expected` rows (see `Statement.expectChanges`). */
  #checked(stmt: Statement, expected: number): void {
    let changes: number;
    try {
      changes = Number(
        this.#statement(stmt.sql, stmt.reuse === true).run(...bind(stmt.params)).changes,
      );
    } catch (e) {
      if (e instanceof Error && /UNIQUE constraint failed/i.test(e.message)) {
        throw VersionConflictError.changed(stmt.sql, expected, undefined, e);
      }
      throw e;
    }
    if (changes !== expected) throw VersionConflictError.changed(stmt.sql, expected, changes);
  }

  /** A prepared statement; `reuse` ones are kept (a few dozen at most) and prepared once. */
  #statement(sql: string, reuse: boolean): StatementSync {
    if (!reuse) return this.#db.prepare(sql);
    let prepared = this.#prepared.get(sql);
    if (prepared === undefined) {
      if (this.#prepared.size >= REUSE_LIMIT) this.#prepared.clear();
      prepared = this.#db.prepare(sql);
      this.#prepared.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * Runs a query and returns its rows as objects keyed by column name.
   *
   * @param sql The query, with `?` placeholders.
   * @param params Bound parameters.
   * @returns The rows.
   * @throws {QueryError} When SQLite rejects it.
   */
  // deno-lint-ignore require-await -- async so that errors reject rather than throw
  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    if (!cannotBreakForeignKeys(sql)) this.#mayChange();
    const rows = this.#run(sql, () => {
      const prepared: StatementSync = this.#db.prepare(sql);
      prepared.setReadBigInts(true);
      return prepared.all(...bind(params)) as Record<string, unknown>[];
    });
    return rows.map(convertRow);
  }

  /**
   * Runs `fn` in a `BEGIN IMMEDIATE` transaction (the write lock is taken up
   * front, so two migrators cannot deadlock upgrading a read lock). Nested
   * calls use a savepoint.
   *
   * Foreign-key enforcement is switched off for the transaction and the
   * whole database is checked with `PRAGMA foreign_key_check` before COMMIT,
   * as sqlite.org's table-rebuild procedure requires (the pragma cannot change
   * inside a transaction, and a rebuild's DROP TABLE would otherwise fire ON
   * DELETE actions in referencing tables). So, during a migration on SQLite,
   * ON DELETE/UPDATE actions do not fire. Only violations the transaction
   * introduced fail it: the check runs after BEGIN too, and a violation found
   * both times (same table, rowid and parent) was there before. SQLite does
   * not enforce foreign keys unless asked, so orphan rows are common; those
   * are reported once to {@linkcode SqliteDriver.onWarning}.
   *
   * Each check reads the whole database, so two per migration made applying
   * many migrations grow with the square of their tables. A transaction
   * whose statements cannot break a foreign key (new tables and indexes,
   * reads, Strata's own bookkeeping: `cannotBreakForeignKeys` and
   * `Statement.ownTable`) skips the check before COMMIT, and a transaction
   * starts from what the last check saw while no other connection has
   * committed since (`PRAGMA data_version`) and this one ran nothing outside
   * a transaction that could break a foreign key.
   *
   * @param fn The work; its argument runs statements in the transaction.
   * @returns What `fn` returns, after COMMIT.
   * @throws What `fn` throws, after ROLLBACK; {@linkcode QueryError} for a
   *   foreign-key violation the transaction introduced.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const depth = this.#depth;
    if (depth > 0) return await this.#savepoint(depth, fn);
    const enforced = this.#statement(FOREIGN_KEYS_GET, true).get()?.foreign_keys === 1;
    if (enforced) this.#db.exec(FOREIGN_KEYS_OFF);
    try {
      this.#run(BEGIN_IMMEDIATE, () => this.#db.exec(BEGIN_IMMEDIATE));
      this.#depth++;
      let result: T;
      let dataVersion = 0;
      let before: Map<string, Violation> | undefined;
      try {
        if (enforced) {
          dataVersion = this.#dataVersion();
          before = this.#violationsAtStart(dataVersion);
        }
        this.#mayBreakForeignKeys = false;
        if (before) this.#warnViolations(before);
        result = await fn(this);
        // A transaction of new tables, indexes and bookkeeping leaves the
        // violations as they were: no second whole-database check.
        const after = before && this.#mayBreakForeignKeys ? this.#checkForeignKeys(before) : before;
        this.#run(COMMIT, () => this.#db.exec(COMMIT));
        this.#knownViolations = after ? { dataVersion, found: after } : undefined;
      } catch (e) {
        if (this.#db.isTransaction) this.#db.exec(ROLLBACK);
        // Rolled back: the database is as it was when the transaction began.
        this.#knownViolations = before ? { dataVersion, found: before } : undefined;
        throw e;
      } finally {
        this.#depth--;
        this.#batches.clear();
      }
      return result;
    } finally {
      if (enforced && this.#db.isOpen) this.#db.exec(FOREIGN_KEYS_ON);
    }
  }

  async #savepoint<T>(depth: number, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const sp = savepointSql(`strata_sp_${depth}`);
    this.#run(sp.open, () => this.#db.exec(sp.open));
    this.#depth++;
    try {
      const result = await fn(this);
      this.#run(sp.release, () => this.#db.exec(sp.release));
      return result;
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec(sp.rollback);
      throw e;
    } finally {
      this.#depth--;
    }
  }

  /**
   * Notes a statement that could break a foreign key: the open transaction
   * must check before COMMIT; outside one, what the last check saw is stale
   * (this connection's own commits do not move `data_version`).
   */
  #mayChange(): void {
    this.#mayBreakForeignKeys = true;
    if (this.#depth === 0) this.#knownViolations = undefined;
  }

  /** This connection's `PRAGMA data_version` (see {@linkcode DATA_VERSION}). */
  #dataVersion(): number {
    return Number(this.#statement(DATA_VERSION, true).get()?.data_version);
  }

  /**
   * The violations at the start of a transaction: those the last one left
   * when no other connection has committed since, else a fresh check.
   */
  #violationsAtStart(dataVersion: number): Map<string, Violation> {
    const known = this.#knownViolations;
    if (known && known.dataVersion === dataVersion) return known.found;
    return this.#foreignKeyViolations();
  }

  /** The rows `PRAGMA foreign_key_check` reports, counted by table, rowid and parent. */
  #foreignKeyViolations(): Map<string, Violation> {
    const rows = this.#run(
      FK_CHECK,
      () => this.#statement(FK_CHECK, true).all() as Record<string, unknown>[],
    );
    const found = new Map<string, Violation>();
    for (const r of rows) {
      const table = String(r.table);
      const parent = String(r.parent);
      // WITHOUT ROWID tables report no rowid: such rows are told apart by count.
      const key = `${table}\0${r.rowid ?? ""}\0${parent}`;
      const v = found.get(key) ?? { table, parent, count: 0 };
      v.count++;
      found.set(key, v);
    }
    return found;
  }

  #warnViolations(found: Map<string, Violation>): void {
    if (found.size === 0 || this.#warnedViolations || !this.onWarning) return;
    this.#warnedViolations = true;
    this.onWarning(
      `the database already has rows that break foreign keys (${
        summarize([...found.values()])
      }); migrations leave them alone and fail only on violations they add`,
    );
  }

  /**
   * Checks the whole database again; fails on violations `before` lacks.
   *
   * @returns The violations now (those that were there before).
   */
  #checkForeignKeys(before: Map<string, Violation>): Map<string, Violation> {
    const added: Violation[] = [];
    const now = this.#foreignKeyViolations();
    for (const [key, v] of now) {
      const extra = v.count - (before.get(key)?.count ?? 0);
      if (extra > 0) added.push({ ...v, count: extra });
    }
    if (added.length === 0) return now;
    throw new QueryError(
      FK_CHECK,
      `Foreign key check failed: the migration left ${summarize(added)}`,
      {
        hint:
          "on SQLite, ON DELETE actions do not fire during a migration: delete or fix the child rows in it",
      },
    );
  }

  /**
   * Takes the migration lock: an OS lock on `<db>.strata-lock`, where `<db>`
   * is the file itself with symbolic links resolved, so every name of one
   * database takes the same lock (see `_sqlite_lock.ts` for the details). A
   * no-op for `:memory:`.
   *
   * While it is held, a database in SQLite's default `delete` journal mode
   * commits in `truncate` mode: the same durability, without creating and
   * deleting the journal file at every commit (one per migration), which
   * costs a directory update each time. Releasing the lock restores the mode
   * (and so removes the empty journal file).
   *
   * @param _name Ignored: there is one lock per database file.
   * @param options Timeout and the wait callback.
   * @returns The function that releases the lock.
   * @throws {LockTimeoutError} When another process holds it for `timeoutMs`.
   */
  async lock(_name: string, options: LockOptions): Promise<() => Promise<void>> {
    // Everything that takes the lock writes: refuse before creating the lock file.
    if (this.readOnly) throw this.#readOnlyError(undefined, EXIT.USAGE);
    if (this.path === ":memory:") return () => Promise.resolve();
    const release = await lockFiles(sqliteLockPaths(this.path), options);
    this.#fastJournal();
    return async () => {
      this.#restoreJournalMode();
      await release();
    };
  }

  #fastJournal(): void {
    try {
      const mode = this.#db.prepare(JOURNAL_MODE_GET).get()?.journal_mode;
      if (mode !== "delete") return;
      this.#db.prepare(journalModeSql("TRUNCATE")).get();
      this.#restoreJournal = "DELETE";
    } catch { /* a speed-up only: keep the mode the database has */ }
  }

  #restoreJournalMode(): void {
    const mode = this.#restoreJournal;
    this.#restoreJournal = undefined;
    if (mode === undefined || !this.#db.isOpen || this.#db.isTransaction) return;
    try {
      this.#db.prepare(journalModeSql(mode)).get();
    } catch { /* an empty journal file left behind is harmless */ }
  }

  /** Closes the connection. */
  close(): Promise<void> {
    globalThis.removeEventListener("unload", this.#onUnload);
    this.#restoreJournalMode();
    this.#prepared.clear();
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  #run<T>(sql: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.#mapError(sql, e);
    }
  }

  /**
   * Who holds the lock a statement gave up on. `BEGIN IMMEDIATE` waits only
   * for a writer (another connection's write lock). Inside this connection's
   * own write transaction nobody else can be writing, so what blocks a
   * statement or the COMMIT is a reader: an open read transaction, which in
   * SQLite's rollback-journal modes keeps a writer from committing. Outside a
   * transaction a probe tells: `BEGIN IMMEDIATE` without waiting succeeds
   * next to readers and fails next to a writer.
   */
  #lockHolder(sql: string): { text: string; hint: string } {
    const writer = {
      text: "another connection is writing (it holds the write lock)",
      hint: "wait for the other writer to finish, or stop it",
    };
    const reader = {
      text: "another connection has a read transaction open",
      hint: "end the other connection's transaction (a long SELECT, or BEGIN without COMMIT)",
    };
    if (/^\s*BEGIN\b/i.test(sql)) return writer;
    if (this.#db.isTransaction) return reader;
    try {
      this.#db.exec(busyTimeoutSql(0));
      this.#db.exec(BEGIN_IMMEDIATE);
      this.#db.exec(ROLLBACK);
      return reader;
    } catch {
      return writer;
    } finally {
      try {
        this.#db.exec(busyTimeoutSql(this.#busyMs));
      } catch { /* the connection is closing */ }
    }
  }

  #mapError(sql: string, e: unknown): Error {
    if (!(e instanceof Error)) return new QueryError(sql, String(e), { cause: e });
    // Deno's message reads "DB MESSAGE in SQL at offset N"; keep the database's part.
    const m = /^([\s\S]*?) in [\s\S]* at offset (\d+)$/.exec(e.message);
    const message = m?.[1] ?? e.message;
    let position = m?.[2] === undefined ? undefined : Number(m[2]) + 1;
    // The offset is relative to the failing statement of a multi-statement
    // text, and prepare() reports none: then the "near" token is a fair guess.
    const near = /^near "([^"]+)": syntax error/.exec(message)?.[1];
    if (near !== undefined && (position === undefined || !sql.startsWith(near, position - 1))) {
      const escaped = near.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const at = new RegExp(`(?<![\\w])${escaped}(?![\\w])`).exec(sql)?.index;
      if (at !== undefined) position = at + 1;
    }
    if (this.readOnly && /readonly database|read-only/i.test(message)) {
      return this.#readOnlyError(e, EXIT.RUNTIME);
    }
    if (/readonly database|read-only/i.test(message)) {
      return new ConnectionError(`Cannot write to SQLite database "${this.path}": ${message}`, {
        hint: "the file or its directory is read-only; check permissions, or point --url " +
          "at a writable copy",
        cause: e,
      });
    }
    if (/file is not a database|unable to open database file|disk I\/O error/i.test(message)) {
      return new ConnectionError(`Cannot use SQLite database "${this.path}": ${message}`, {
        hint: "check that the URL points at a SQLite database file",
        cause: e,
      });
    }
    if (/database is locked|database table is locked/i.test(message)) {
      const holder = this.#lockHolder(sql);
      const waited = this.#busyMs >= FOREVER_MS ? "" : ` for ${formatSeconds(this.#busyMs)}`;
      return new QueryError(sql, `${message}: ${holder.text}${waited}`, {
        position,
        hint: `${holder.hint}, or raise --statement-lock-timeout SECONDS ` +
          "(STRATA_STATEMENT_LOCK_TIMEOUT; 0 waits for ever)",
        cause: e,
      });
    }
    return new QueryError(sql, message, { position, cause: e });
  }

  #readOnlyError(cause: unknown, exitCode: number): ConnectionError {
    return new ConnectionError(
      `Cannot write to SQLite database "${this.path}": it is opened read-only (mode=ro in the URL)`,
      {
        hint: "mode=ro opens it read-only: drop it from the URL to change the database",
        cause,
        exitCode,
      },
    );
  }
}

const FK_CHECK = FOREIGN_KEY_CHECK;
/** The savepoint around a batch, so a failed row undoes the batch alone. */
const BATCH = savepointSql("strata_batch");

/** Foreign-key violations of one table towards one parent. */
interface Violation {
  table: string;
  parent: string;
  count: number;
}

/** `3 rows of "orders" that reference missing "customers", 1 row of …`. */
function summarize(violations: Violation[]): string {
  const byPair = new Map<string, Violation>();
  for (const v of violations) {
    const key = `${v.table}\0${v.parent}`;
    const sum = byPair.get(key) ?? { ...v, count: 0 };
    sum.count += v.count;
    byPair.set(key, sum);
  }
  const sorted = [...byPair.values()].sort((a, b) =>
    a.table === b.table ? (a.parent < b.parent ? -1 : 1) : a.table < b.table ? -1 : 1
  );
  const parts = sorted.map((v) =>
    `${v.count} row${v.count === 1 ? "" : "s"} of "${v.table}" that reference${
      v.count === 1 ? "s" : ""
    } missing "${v.parent}"`
  );
  return parts.length > 3 ? `${parts.slice(0, 3).join(", ")}, …` : parts.join(", ");
}

/** `5 s`, `0.5 s`. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * Opens a SQLite database with foreign keys on and a busy timeout.
 *
 * @param path Absolute file path, or `":memory:"`.
 * @param options Read-only mode and busy timeout.
 * @returns The driver.
 * @throws {ConnectionError} When the directory is missing, the file is missing
 *   in read-only mode, or SQLite cannot open the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSqlite } from "./sqlite.ts";
 * const db = openSqlite(":memory:");
 * await db.execute({ sql: "CREATE TABLE t (a integer)" });
 * await db.execute({ sql: "INSERT INTO t VALUES (?)", batch: [[1], [2]] });
 * assert.deepEqual(await db.query("SELECT count(*) AS n FROM t"), [{ n: 2 }]);
 * await db.close();
 * ```
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteDriver {
  const readOnly = options.readOnly ?? false;
  const create = options.create ?? true;
  const requested = options.busyTimeoutMs ?? 5000;
  const busy = requested <= 0 ? FOREVER_MS : Math.min(Math.floor(requested), FOREVER_MS);
  if (path !== ":memory:") {
    const dir = dirname(path);
    if (statOrNull(dir)?.isDirectory !== true) {
      throw new ConnectionError(
        `Cannot open SQLite database "${path}": directory "${dir}" does not exist`,
        { hint: `create it (mkdir -p ${dir}) or fix the database URL` },
      );
    }
    if ((readOnly || !create) && statOrNull(path) === null) {
      throw new ConnectionError(`Cannot open SQLite database "${path}": the file does not exist`, {
        hint: `check the database URL (${
          readOnly ? "mode=ro" : "mode=rw"
        } opens an existing file only)`,
      });
    }
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, {
      readOnly,
      timeout: busy,
      enableForeignKeyConstraints: true,
    });
    db.exec(`${busyTimeoutSql(busy)}; ${FOREIGN_KEYS_ON}`);
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/: \/.*$/, "") : String(e);
    throw new ConnectionError(`Cannot open SQLite database "${path}": ${message}`, {
      hint: "check that the path is a SQLite file and that Strata may read and write it",
      cause: e,
    });
  }
  return new SqliteDriver(path, db, { readOnly, busyMs: busy });
}

/** `Deno.statSync` or `null` when missing (node:fs would cost ~18 ms of start-up, measured). */
function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}
