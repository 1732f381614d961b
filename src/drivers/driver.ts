/**
 * The small driver interface: the only code that talks to a database.
 * Modelled on dbmate's `pkg/dbmate/driver.go`.
 *
 * @module
 */
import type { DialectName } from "../dialects/names.ts";

/** A row a query returns: column name → value. */
export type Row = Record<string, unknown>;

/** One SQL statement, with bound parameters or a batch of parameter rows. */
export interface Statement {
  /** The SQL text, one statement. */
  sql: string;
  /** Bound parameters (`?` on SQLite, `$1` on PostgreSQL). */
  params?: readonly unknown[];
  /**
   * Run the same statement once per parameter row (prepared once). Used by
   * `bulkInsert` on SQLite; the offline writer expands it to one INSERT per row.
   */
  batch?: readonly (readonly unknown[])[];
  /**
   * Data for a `COPY … FROM STDIN` in `sql`, in the COPY format the statement
   * names, as pieces to send in order (PostgreSQL only; see
   * `dialects/postgres/copy.ts`). It may be lazy, and is read once.
   */
  copy?: Iterable<string>;
  /**
   * Live runs only: the statement must change exactly this many rows
   * (inserted, updated or deleted). Any other count, or a unique-key
   * violation, throws `VersionConflictError` (errors.ts) instead of going on, so
   * a version-row change that finds the table other than planned never
   * passes silently. Offline scripts ignore it.
   */
  expectChanges?: number;
  /**
   * Strata runs this same text again and again (its own bookkeeping, once per
   * step): the driver may prepare it once per connection and reuse it
   * (SQLite does; PostgreSQL's client runs unprepared).
   */
  reuse?: boolean;
  /**
   * It writes only Strata's own version or history table, which no foreign
   * key leaves or references: it cannot break a foreign key (the SQLite
   * driver then need not check them again for it).
   */
  ownTable?: boolean;
}

/** Something that runs statements: a connection or a transaction. */
export interface Queryable {
  /**
   * Runs a statement that returns no rows.
   *
   * @param stmt The statement and its parameters.
   * @throws {QueryError} When the database rejects it.
   */
  execute(stmt: Statement): Promise<void>;
  /**
   * Runs a query and returns its rows.
   *
   * @param sql The query.
   * @param params Bound parameters (`?` on SQLite, `$1` on PostgreSQL).
   * @returns The rows, column name to value.
   * @throws {QueryError} When the database rejects it.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Options for {@linkcode Driver.lock}. */
export interface LockOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Called once when the lock is busy and the caller starts waiting. */
  onWait?: (holder: string | undefined) => void;
}

/** A live database connection. */
export interface Driver extends Queryable {
  /** Which engine's dialect renders for this driver. */
  readonly dialect: DialectName;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Takes the exclusive migration lock named `name` (held across transactions).
   * @returns The function that releases it.
   * @throws {LockTimeoutError} When `timeoutMs` passes.
   */
  lock(name: string, options: LockOptions): Promise<() => Promise<void>>;
  /** Closes the connection. */
  close(): Promise<void>;
  /**
   * Where the driver reports a warning, if it has one to give (SQLite:
   * foreign-key violations that were there before a migration).
   */
  onWarning?: ((message: string) => void) | undefined;
}
