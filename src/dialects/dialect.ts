/**
 * The dialect interface: the only code that knows SQL syntax. Each dialect
 * renders {@linkcode Change}s to {@linkcode Statement}s, writes every
 * statement Strata makes about itself (version and history tables, offline
 * script framing), and introspects a live schema. An engine descriptor
 * (`engine.ts`) carries one.
 *
 * @module
 */
import type { Change, Value } from "../changes/change.ts";
import type { Queryable, Statement } from "../drivers/driver.ts";
import type { Schema } from "../schema/model.ts";
import type { VersionChange } from "../graph/version_rows.ts";
import type { DialectName } from "./names.ts";
import type { AutogenSupport } from "./autogen.ts";

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
  /**
   * `false` when the statements are executed by a live driver, which may then
   * receive driver-side forms such as PostgreSQL's `COPY … FROM STDIN`;
   * `true` or absent when they may be written to a script (`--sql`), which
   * gets portable statements only.
   */
  offline?: boolean;
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

/**
 * What a history row records (the `direction` column, at most 8 characters,
 * so tables created by earlier versions hold every value):
 *
 * - `up`, `down`: the step ran and committed.
 * - `up-start`, `dn-start`: a step that runs outside a transaction
 *   (`transactional = false`) started; its `up`/`down` row follows when it
 *   finishes. A start with nothing after it was interrupted.
 * - `stamp`, `unstamp`: `strata stamp` marked the revision applied, or no
 *   longer applied, without running it.
 * - `accept`: `strata validate --accept` recorded the file's current checksum
 *   for an applied revision whose file was edited on purpose.
 */
export type HistoryDirection =
  | "up"
  | "down"
  | "up-start"
  | "dn-start"
  | "stamp"
  | "unstamp"
  | "accept";

/** One history row as Strata writes it. */
export interface HistoryRecord {
  revision: string;
  direction: HistoryDirection;
  /** How long the step took; `null` offline. */
  durationMs: number | null;
  /** The migration file's checksum. */
  checksum: string | null;
}

/** History-table SQL for one dialect: one row per applied step. */
export interface HistorySql {
  /** `CREATE TABLE IF NOT EXISTS <table> (id …, revision, direction, applied_at, …)`. */
  create(table: string): Promise<Statement[]>;
  /** The statements that record one step (or several rows at once, e.g. a stamp). */
  insert(table: string, record: HistoryRecord | readonly HistoryRecord[]): Promise<Statement[]>;
  /**
   * `SELECT id, revision, direction, checksum, applied_at FROM <table> ORDER BY id`
   * (oldest first).
   */
  select(table: string): Statement;
}

/** Strata's own tables, by their configured names. */
export interface OwnTables {
  versionTable: string;
  historyTable: string;
}

/** How offline scripts are framed. */
export interface ScriptSql {
  /**
   * Statements that open every offline script (and prepare the offline replay
   * database), e.g. SQLite's `PRAGMA foreign_keys = OFF`, which live runs set
   * around each migration transaction. They go before any `BEGIN`.
   */
  readonly preamble: readonly string[];
  /** Opens a transaction in a script, e.g. `BEGIN` (the writer adds the `;`). */
  readonly begin: string;
  /** Commits it, e.g. `COMMIT`. */
  readonly commit: string;
}

/** A database dialect. */
export interface Dialect {
  /** The engine's name (`op.dialect`). */
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
  /** History-table statements. */
  readonly historySql: HistorySql;
  /**
   * Live runs: the statements that move the version rows and record the
   * step in the history, in fewer round trips than `versionSql.apply` plus
   * `historySql.insert` (PostgreSQL: one statement). Each carries
   * `expectChanges`, so a version table other than planned fails the step.
   * Absent: the runner uses those two.
   */
  recordStep?(tables: OwnTables, change: VersionChange, record: HistoryRecord): Statement[];
  /**
   * A query listing indexes a failed concurrent build left INVALID, one row
   * each with `name` and `fix` (the statement that drops it); absent when the
   * engine has no such state. `strata validate` reports them.
   */
  readonly invalidIndexes?: Statement;
  /** Offline script framing: preamble, `BEGIN`, `COMMIT`. */
  readonly script: ScriptSql;
  /**
   * Reads the whole user schema (Strata's own tables excluded). `schema`
   * names a PostgreSQL schema other than `public` (SQLite ignores it).
   */
  introspect(q: Queryable, options?: { exclude?: string[]; schema?: string }): Promise<Schema>;
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
  /** Scratch databases, constraint names, expression forms and DDL for autogenerate. */
  readonly autogen: AutogenSupport;
}
