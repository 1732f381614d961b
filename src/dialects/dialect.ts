/**
 * The dialect interface: the only code that knows SQL syntax. Each dialect
 * renders {@linkcode Change}s to {@linkcode Statement}s, writes the
 * version-table statements, and introspects a live schema.
 *
 * @module
 */
import type { Change, Value } from "../changes/change.ts";
import type { Queryable, Statement } from "../drivers/driver.ts";
import type { Schema, Table } from "../schema/model.ts";

/** The two supported dialect names. */
export type DialectName = "sqlite" | "postgres";

/** What a dialect may need while rendering. */
export interface RenderContext {
  /**
   * The current shape of a table (SQLite's rebuild needs it). Live runs
   * introspect inside the migration's transaction; offline runs read a replayed
   * in-memory database.
   */
  inspectTable(name: string, schema?: string): Promise<Table | undefined>;
  /** Reads rows (SQLite rebuild reads triggers / index SQL from `sqlite_master`). */
  query: Queryable["query"];
  /** Whether the migration runs inside a transaction. */
  transactional: boolean;
  /**
   * `false` when the statements are executed by a live driver, which may then
   * receive driver-side forms such as PostgreSQL's `COPY … FROM STDIN`;
   * `true` or absent when they may be written to a script (`--sql`), which
   * gets portable statements only.
   */
  offline?: boolean;
  /**
   * Enum types created so far in this run (name → values). SQLite has no enum
   * types: it renders `enum:NAME` columns as TEXT with a CHECK of the values.
   */
  enums?: Map<string, string[]>;
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
   * Renders one change to statements.
   * @throws {StrataError} For misuse (unknown type, `concurrently` in a transaction, …).
   */
  render(change: Change, ctx: RenderContext): Promise<Statement[]>;
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
