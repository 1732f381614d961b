/**
 * The SQLite driver, on `node:sqlite` (built into Deno: no FFI, works in a
 * compiled binary).
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import { ConnectionError, QueryError, VersionConflictError } from "../errors.ts";
import type { Driver, LockOptions, Queryable, Row, Statement } from "./driver.ts";
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
  #db: DatabaseSync;
  #depth = 0;
  #busyMs: number;
  #prepared = new Map<string, StatementSync>();
  /** The journal mode to restore when the migration lock is released. */
  #restoreJournal: string | undefined;

  /**
   * @param path Absolute file path, or `":memory:"`.
   * @param db The open connection.
   * @param busyMs Its busy timeout, for messages.
   */
  constructor(path: string, db: DatabaseSync, busyMs = 5000) {
    this.path = path;
    this.#db = db;
    this.#busyMs = busyMs;
    globalThis.addEventListener("unload", this.#onUnload);
  }

  /**
   * The process is ending (`Deno.exit`, e.g. after a migration that can
   * never finish) with the connection open: roll back and close, so no
   * journal is left beside the database.
   */
  #onUnload = (): void => {
    try {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec("ROLLBACK");
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
    this.#run(sql, () => {
      if (expectChanges !== undefined) {
        this.#checked(stmt, expectChanges);
      } else if (batch !== undefined) {
        const prepared = this.#db.prepare(sql);
        this.#db.exec("SAVEPOINT strata_batch");
        try {
          for (const row of batch) prepared.run(...bind(row));
        } catch (e) {
          this.#db.exec("ROLLBACK TO strata_batch; RELEASE strata_batch");
          throw e;
        }
        this.#db.exec("RELEASE strata_batch");
      } else if (params === undefined || params.length === 0) {
        this.#db.exec(sql);
      } else {
        this.#statement(sql, stmt.reuse === true).run(...bind(params));
      }
    });
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
   * Foreign-key enforcement is switched off for the transaction and the whole
   * database is checked with `PRAGMA foreign_key_check` before COMMIT, as
   * sqlite.org's table-rebuild procedure requires (the pragma cannot change
   * inside a transaction, and a rebuild's DROP TABLE would otherwise fire ON
   * DELETE actions in referencing tables). So, during a migration on SQLite,
   * ON DELETE/UPDATE actions do not fire; a violation fails the migration.
   *
   * @param fn The work; its argument runs statements in the transaction.
   * @returns What `fn` returns, after COMMIT.
   * @throws What `fn` throws, after ROLLBACK; {@linkcode QueryError} for a
   *   foreign-key violation.
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const depth = this.#depth;
    if (depth > 0) return await this.#savepoint(depth, fn);
    const enforced = this.#db.prepare("PRAGMA foreign_keys").get()?.foreign_keys === 1;
    if (enforced) this.#db.exec("PRAGMA foreign_keys = OFF");
    try {
      this.#run("BEGIN IMMEDIATE", () => this.#db.exec("BEGIN IMMEDIATE"));
      this.#depth++;
      let result: T;
      try {
        result = await fn(this);
        if (enforced) this.#checkForeignKeys();
        this.#run("COMMIT", () => this.#db.exec("COMMIT"));
      } catch (e) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        throw e;
      } finally {
        this.#depth--;
      }
      return result;
    } finally {
      if (enforced && this.#db.isOpen) this.#db.exec("PRAGMA foreign_keys = ON");
    }
  }

  async #savepoint<T>(depth: number, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const name = `strata_sp_${depth}`;
    this.#run(`SAVEPOINT ${name}`, () => this.#db.exec(`SAVEPOINT ${name}`));
    this.#depth++;
    try {
      const result = await fn(this);
      this.#run(`RELEASE ${name}`, () => this.#db.exec(`RELEASE ${name}`));
      return result;
    } catch (e) {
      if (this.#db.isTransaction) this.#db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw e;
    } finally {
      this.#depth--;
    }
  }

  #checkForeignKeys(): void {
    const sql = "PRAGMA foreign_key_check";
    const rows = this.#db.prepare(sql).all() as Record<string, unknown>[];
    if (rows.length === 0) return;
    const first = rows[0]!;
    throw new QueryError(
      sql,
      `Foreign key violation: ${rows.length} row(s), e.g. table "${first.table}" rowid ${first.rowid} references missing "${first.parent}"`,
      {
        hint:
          "on SQLite, ON DELETE actions do not fire during a migration: delete child rows first",
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
      const mode = this.#db.prepare("PRAGMA journal_mode").get()?.journal_mode;
      if (mode !== "delete") return;
      this.#db.prepare("PRAGMA journal_mode = TRUNCATE").get();
      this.#restoreJournal = "DELETE";
    } catch { /* a speed-up only: keep the mode the database has */ }
  }

  #restoreJournalMode(): void {
    const mode = this.#restoreJournal;
    this.#restoreJournal = undefined;
    if (mode === undefined || !this.#db.isOpen || this.#db.isTransaction) return;
    try {
      this.#db.prepare(`PRAGMA journal_mode = ${mode}`).get();
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
      this.#db.exec("PRAGMA busy_timeout = 0");
      this.#db.exec("BEGIN IMMEDIATE");
      this.#db.exec("ROLLBACK");
      return reader;
    } catch {
      return writer;
    } finally {
      try {
        this.#db.exec(`PRAGMA busy_timeout = ${this.#busyMs}`);
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
 * import { openSqlite } from "./sqlite.ts";
 * const db = openSqlite(":memory:");
 * await db.execute({ sql: "CREATE TABLE t (a integer)" });
 * await db.execute({ sql: "INSERT INTO t VALUES (?)", batch: [[1], [2]] });
 * console.assert((await db.query("SELECT count(*) AS n FROM t"))[0]?.n === 2);
 * await db.close();
 * ```
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteDriver {
  const readOnly = options.readOnly ?? false;
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
    if (readOnly && statOrNull(path) === null) {
      throw new ConnectionError(`Cannot open SQLite database "${path}": the file does not exist`, {
        hint: "check the database URL; run `strata upgrade` to create the database",
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
    db.exec(`PRAGMA busy_timeout = ${Math.floor(busy)}; PRAGMA foreign_keys = ON`);
  } catch (e) {
    const message = e instanceof Error ? e.message.replace(/: \/.*$/, "") : String(e);
    throw new ConnectionError(`Cannot open SQLite database "${path}": ${message}`, {
      hint: "check that the path is a SQLite file and that Strata may read and write it",
      cause: e,
    });
  }
  return new SqliteDriver(path, db, busy);
}

/** `Deno.statSync` or `null` when missing (node:fs would cost ~18 ms of start-up, measured). */
function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}
