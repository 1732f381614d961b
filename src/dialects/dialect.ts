/**
 * The dialect interface: the only code that knows SQL syntax. Each dialect
 * renders {@linkcode Change}s to {@linkcode Statement}s, writes the
 * version-table statements, and introspects a live schema.
 *
 * @module
 */
import type { Change, Value } from "../changes/change.ts";
import type { Queryable, Statement } from "../drivers/driver.ts";
import type { Schema } from "../schema/model.ts";

/** The two supported dialect names. */
export type DialectName = "sqlite" | "postgres";

/** What a dialect may need while rendering. */
export interface RenderContext {
  /**
   * Reads rows where the statements go: live, inside the migration's
   * transaction; offline, a replayed in-memory shadow database (SQLite reads
   * the one table it rebuilds from `sqlite_master`).
   */
  query: Queryable["query"];
  /** Whether the migration runs inside a transaction. */
  transactional: boolean;
  /** Reports a warning line, e.g. the objects a `cascade: true` drop removes. */
  warn?: (message: string) => void;
}

/**
 * A dialect's state for one migration, created by {@linkcode Dialect.session}
 * and owned by the dialect. SQLite holds a table rebuild back so that the
 * next changes of the same table join it (one copy of the rows); other
 * dialects hold nothing.
 *
 * The runner calls, for each change, {@linkcode RenderSession.flushFor} (and
 * executes what it returns), then {@linkcode RenderSession.render}; before a
 * read (`op.query`) and at the end of the migration, {@linkcode RenderSession.flush}.
 */
export interface RenderSession {
  /**
   * The statements held back that must run before `change` because it
   * cannot join them (empty when nothing is held or it joins).
   */
  flushFor(change: Change, ctx: RenderContext): Promise<Statement[]>;
  /**
   * Renders one change.
   * @returns Its statements, or `null` when the change is held back to run
   *   with a later flush.
   * @throws {StrataError} For misuse (unknown type, `concurrently` in a transaction, …).
   */
  render(change: Change, ctx: RenderContext): Promise<Statement[] | null>;
  /** Every statement held back, in order; nothing stays held. */
  flush(ctx: RenderContext): Promise<Statement[]>;
}

/** Rows to remove from and add to the version table for one step. */
export interface VersionChange {
  remove: string[];
  add: string[];
}

/** Version-table SQL for one dialect. */
export interface VersionSql {
  /** `CREATE TABLE IF NOT EXISTS <table> (version_num varchar(64) primary key)`. */
  create(table: string): Statement[];
  /** The statements for a step: UPDATE when one row becomes one row, else DELETE/INSERT. */
  apply(table: string, change: VersionChange): Statement[];
  /**
   * A query returning one row when `table` (possibly `schema.table`) exists and
   * none otherwise, so read-only commands never create the table.
   */
  exists(table: string): Statement;
  /** `SELECT version_num FROM <table> ORDER BY version_num`. */
  select(table: string): string;
}

/** A database dialect. */
export interface Dialect {
  readonly name: DialectName;
  /**
   * Renders one change to statements, on its own (a session of one change).
   * @throws {StrataError} For misuse (unknown type, `concurrently` in a transaction, …).
   */
  render(change: Change, ctx: RenderContext): Promise<Statement[]>;
  /** Starts the render state of one migration (see {@linkcode RenderSession}). */
  session(): RenderSession;
  /** Version-table statements. */
  readonly versionSql: VersionSql;
  /**
   * Statements that open every offline script (and prepare the offline replay
   * database), e.g. SQLite's `PRAGMA foreign_keys = OFF`, which live runs set
   * around each migration transaction.
   */
  readonly scriptPreamble: readonly string[];
  /** Reads the whole user schema (Strata's own tables excluded). */
  introspect(q: Queryable, options?: { exclude?: string[] }): Promise<Schema>;
  /** Quotes an identifier only when it needs quoting. */
  quoteIdent(name: string): string;
  /**
   * The type name the introspector reports for a column declared with `type`
   * (e.g. PostgreSQL reports `json` declared columns as `jsonb` if that is how
   * they are stored). Tests and autogenerate compare through this.
   */
  normalizeType(type: string): string;
  /** The default text the introspector reports for a column default given as `value`. */
  defaultSql(value: Value, type: string): string;
  /** Writes a value as an SQL literal (offline scripts). */
  literal(value: unknown): string;
  /** Rewrites a statement with its params inlined as literals (offline scripts). */
  inline(stmt: Statement): string[];
}
