/**
 * The shape of a database engine in the registry: one descriptor per
 * `dialects/<name>/mod.ts` with its name, its URLs (schemes, parser, display
 * form, URL-from-parts variables), a lazy driver opener, the
 * {@linkcode Dialect} that writes its SQL, and the {@linkcode Capabilities}
 * the rest of Strata asks about instead of comparing engine names.
 * `docs/adding-an-engine.md` walks through every field.
 *
 * @module
 */
import type { DatabaseUrl, UrlOf } from "./database_url.ts";
import type { Driver, Statement } from "../drivers/driver.ts";
import type { Dialect } from "./dialect.ts";

/** Options for {@linkcode Engine.openDriver}. */
export interface OpenDriverOptions {
  /** Open for reading only (SQLite opens the file read-only; PostgreSQL sets `default_transaction_read_only`). */
  readOnly: boolean;
  /** PostgreSQL: seconds to wait for the login (default: the URL's `connect_timeout`, else 10). */
  connectTimeoutS?: number;
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
  /**
   * Whether an enum value added inside a transaction (`op.addEnumValue`)
   * can be used before that transaction commits. PostgreSQL: no (SQLSTATE
   * 55P04), so offline `--transaction-per run` scripts refuse a run in which
   * a migration that adds one is followed by others. SQLite: yes.
   */
  readonly enumValueUsableBeforeCommit: boolean;
}

/** One value of a URL part, and where it was given (for messages). */
export interface GivenPart {
  /** The value as text (a config file's JSON number arrives as its text). */
  readonly value: string;
  /** Where it came from, e.g. `env POSTGRES_PORT` or `strata.json postgres.port`. */
  readonly source: string;
}

/** One part of a URL that an environment variable or the config file can give. */
export interface UrlPart {
  /** Its name, also its key in the config file's object: `host`. */
  readonly name: string;
  /** The environment variable that gives it: `POSTGRES_HOST`. */
  readonly env: string;
  /** Whether the config file may give it as a JSON number (`port`), not only a string. */
  readonly numeric: boolean;
  /**
   * A value for the config file example in hints; none for a secret, which
   * belongs in the environment rather than a committed file.
   */
  readonly example?: string | number;
}

/**
 * URLs from parts: the engine's URL split into variables (as the `postgres`
 * Docker image's `POSTGRES_HOST`, `POSTGRES_USER`, …) and an object of the
 * config file (`"postgres": { "host": "db" }`). Configuration merges the
 * parts key by key across its layers, a higher layer winning per part, then
 * asks {@linkcode build} for the URL.
 */
export interface UrlParts {
  /** The config file's key for the object of parts: `postgres`. */
  readonly fileKey: string;
  /** How messages name the variables together: `POSTGRES_*`. */
  readonly label: string;
  /** The parts, in the order of the URL (the order sources are listed in). */
  readonly parts: readonly UrlPart[];
  /**
   * Builds the URL from the parts given, over `base` (a full URL of this
   * engine from a lower layer, whose other components and query it keeps)
   * or, without one, over the engine's defaults (PostgreSQL: host
   * `localhost`, port 5432, user `postgres`, database the user's name, as
   * psql does).
   *
   * @param given The parts given, by {@linkcode UrlPart.name}; at least one.
   * @param base A URL of this engine to apply them over.
   * @returns The URL.
   * @throws {ConfigError} For a malformed value (naming its source).
   */
  build(given: Readonly<Record<string, GivenPart>>, base: DatabaseUrl | undefined): DatabaseUrl;
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
   * Parses a URL of one of {@linkcode schemes}, including SQLAlchemy's
   * forms. Messages show the URL without its password.
   *
   * @param rest The URL after the scheme and its colon (`//app@db/app`).
   * @param raw The URL as given, kept in the result.
   * @param cwd What relative file paths are resolved against.
   * @returns The parsed URL, tagged with this engine's name.
   * @throws {ConfigError} When the URL is malformed.
   */
  parseUrl(rest: string, raw: string, cwd: string): UrlOf<N>;
  /**
   * The URL as output shows it, with any password replaced by `***`.
   *
   * @param url A URL this engine parsed.
   * @returns Text safe to print.
   */
  displayUrl(url: DatabaseUrl): string;
  /**
   * Whether a URL holds a password (in its user information or its query),
   * so `init` refuses to write it into a committed `strata.json`.
   *
   * @param url A URL this engine parsed.
   */
  hasPassword(url: DatabaseUrl): boolean;
  /**
   * The URL a text without a scheme probably meant (SQLite: `app.db` is
   * `sqlite:app.db`), for the hint of that error; `undefined` when it does
   * not look like one of this engine's.
   *
   * @param text The text given as a URL.
   */
  guessUrl(text: string): string | undefined;
  /**
   * What `init --dialect NAME` suggests for `DATABASE_URL`, with a note if
   * one helps: `sqlite:app.db`.
   */
  readonly initExample: string;
  /**
   * The URL-from-parts variables and config file object (PostgreSQL's
   * `POSTGRES_*` and `"postgres": {…}`), or `undefined` for none (SQLite).
   */
  readonly urlParts: UrlParts | undefined;
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
