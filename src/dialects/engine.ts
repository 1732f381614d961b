/**
 * The shape of a database engine in the registry: one descriptor per
 * `dialects/<name>/mod.ts` with its name, URL schemes, a lazy driver opener,
 * the {@linkcode Dialect} that writes its SQL, and the
 * {@linkcode Capabilities} the rest of Strata asks about instead of comparing
 * engine names. `docs/adding-an-engine.md` walks through every field.
 *
 * @module
 */
import type { DatabaseUrl } from "../config/url.ts";
import type { Driver, Statement } from "../drivers/driver.ts";
import type { Dialect } from "./dialect.ts";

/** Options for {@linkcode Engine.openDriver}. */
export interface OpenDriverOptions {
  /** Open for reading only (SQLite opens the file read-only; PostgreSQL sets `default_transaction_read_only`). */
  readOnly: boolean;
  /**
   * How long a statement waits for a lock another connection holds, in
   * milliseconds; `0` waits for ever (PostgreSQL `lock_timeout`, SQLite's
   * busy timeout). The driver's default when absent.
   */
  statementLockTimeoutMs?: number;
  /** Who is connecting, for the server's session list (`strata 0.1.0 upgrade`). */
  applicationName?: string;
}

/**
 * What the migration lock is made of. The driver implements the lock
 * (`Driver.lock`); this names the mechanism, so a reader, a test and the next
 * engine's author know what the driver must provide.
 *
 * - `advisory`: a server-side session lock (PostgreSQL `pg_try_advisory_lock`),
 *   dropped by the server when the session ends.
 * - `file`: an OS lock on a file beside the database (SQLite's
 *   `<db>.strata-lock`), dropped by the kernel when the process dies.
 * - `table`: a row in a lock table, for engines whose advisory locks do
 *   nothing (CockroachDB); it needs an expiry, since a crash leaves the row.
 */
export type LockKind = "advisory" | "file" | "table";

/** Whether and how `upgrade --backup` copies the database first. */
export type BackupCapability =
  | {
    /** No backup from Strata: `--backup` is refused with {@linkcode hint}. */
    readonly kind: "none";
    /** What to use instead, e.g. `use pg_dump for PostgreSQL`. */
    readonly hint: string;
  }
  | {
    /** A consistent copy of the database file, written by one statement. */
    readonly kind: "copyFile";
    /**
     * The database file a URL names, or `undefined` when it names none (an
     * in-memory database), which has nothing to copy.
     */
    file(url: DatabaseUrl): string | undefined;
    /** The statement that writes a consistent copy to `dest` (SQLite: `VACUUM INTO`). */
    statement(dest: string): Statement;
  };

/**
 * How an offline run (`--sql`) gets a database to inspect while rendering.
 * SQLite's table rebuild reads the table's current shape; offline there is no
 * live database, so the writer replays every statement into a throwaway one.
 */
export type ShadowCapability =
  | {
    /** The dialect never inspects while rendering: nothing to replay into. */
    readonly kind: "none";
  }
  | {
    /** Replay every written statement into a fresh database from {@linkcode open}. */
    readonly kind: "replay";
    /** Opens an empty scratch database of this engine (SQLite: in memory). */
    open(): Promise<Driver>;
  };

/** What an engine can do; the runner, the offline writer and the CLI ask these. */
export interface Capabilities {
  /**
   * Whether DDL runs inside a transaction and rolls back with it. When
   * `true`, each migration runs in one transaction with its version-row
   * update (a crash leaves the previous or the next revision). When `false`,
   * every migration runs as `transactional = false` ones do, statement by
   * statement, and offline scripts get no `BEGIN`/`COMMIT` around it.
   */
  readonly transactionalDdl: boolean;
  /** The mechanism behind `Driver.lock`. */
  readonly lock: LockKind;
  /** `upgrade --backup`. */
  readonly backup: BackupCapability;
  /** The offline writer's scratch database for rendering. */
  readonly shadow: ShadowCapability;
}

/**
 * One database engine. `N` is its name as a literal type, from which the
 * registry derives `DialectName`.
 *
 * @typeParam N The engine's name.
 */
export interface Engine<N extends string = string> {
  /** The name: `op.dialect`, `--dialect NAME`, the offline script header. */
  readonly name: N;
  /** The name for people, in messages: `SQLite`, `PostgreSQL`. */
  readonly title: string;
  /**
   * URL schemes that select this engine, lower case, without SQLAlchemy's
   * `+driver` suffix (`postgresql+psycopg://` looks up `postgresql`).
   */
  readonly schemes: readonly string[];
  /** Example URLs, shown in the hint when a URL's scheme is unknown. */
  readonly urlExamples: readonly string[];
  /**
   * Opens a live connection. Imports the driver module on first use, so an
   * engine's client library (postgres.js) loads only for its own URLs.
   *
   * @throws {ConnectionError} When the database cannot be reached or opened.
   */
  openDriver(url: DatabaseUrl, options: OpenDriverOptions): Promise<Driver>;
  /** Renders, introspects, normalizes, quotes, writes literals and Strata's own statements. */
  readonly dialect: Dialect;
  /** What the rest of Strata asks instead of comparing names. */
  readonly capabilities: Capabilities;
}
