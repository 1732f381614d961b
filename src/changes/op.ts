/**
 * The `op` object a migration's `upgrade(op)` / `downgrade(op)` receives. Names
 * and argument order follow DESIGN.md (Alembic's positional shapes) and are
 * stable; options may grow.
 *
 * @module
 */
import type { CheckDef, RefAction, SqlExpr, Value } from "./change.ts";

/** A column's reference: `"table.column"` or an object with actions. */
export type ColumnReference =
  | string
  | { table: string; column: string; onDelete?: RefAction; onUpdate?: RefAction };

/** How a migration describes a column. */
export interface ColumnSpec {
  /** Portable type (`integer`, `text`, `varchar(80)`, `timestamptz`, `enum:NAME`, …) or a dialect type. */
  type: string;
  /** @default {true} (false for primary-key columns) */
  nullable?: boolean;
  primaryKey?: boolean;
  /** Identity on PostgreSQL, rowid alias on SQLite. */
  autoIncrement?: boolean;
  unique?: boolean;
  /** A literal default, or `op.sql("now()")` for an expression. */
  default?: Value;
  references?: ColumnReference;
  /** A CHECK expression on the column, as SQL. */
  check?: string;
  comment?: string;
}

/** Table-level foreign key given to `createTable`. */
export interface TableForeignKey {
  name?: string;
  columns: string[];
  /** The referenced table. */
  references: string;
  refColumns: string[];
  onDelete?: RefAction;
  onUpdate?: RefAction;
}

/** Options of `op.createTable`. */
export interface CreateTableOptions {
  primaryKey?: string[];
  /** Each entry is one unique constraint over those columns. */
  unique?: string[][];
  /** CHECK constraints: SQL strings or `{ name, expr }`. */
  checks?: (string | CheckDef)[];
  foreignKeys?: TableForeignKey[];
  /** @default {false} */
  ifNotExists?: boolean;
  /** PostgreSQL schema; ignored on SQLite. */
  schema?: string;
  comment?: string;
}

/** Options of `op.createIndex`. */
export interface CreateIndexOptions {
  /** @default {false} */
  unique?: boolean;
  /** Partial-index predicate, as SQL. */
  where?: string;
  /** PostgreSQL `CONCURRENTLY`; needs `transactional = false`. @default {false} */
  concurrently?: boolean;
  schema?: string;
}

/** What `op.alterColumn` may change; keys that are present are changed. */
export interface AlterColumnOptions {
  type?: string;
  nullable?: boolean;
  /** New default, or `null` to drop it. */
  default?: Value | null;
  /** New name. */
  rename?: string;
  schema?: string;
}

/** Referential actions for `op.createForeignKey`. */
export interface ForeignKeyOptions {
  onDelete?: RefAction;
  onUpdate?: RefAction;
  schema?: string;
}

/** A row returned by `op.query`. */
export type Row = Record<string, unknown>;

/**
 * The rows `op.bulkInsert` takes: an array, or any iterable or async
 * iterable (a generator, a file reader), which is read a chunk at a time so
 * memory stays bounded however many rows it yields.
 */
export type BulkRows = Iterable<Row> | AsyncIterable<Row>;

/** Options of `op.bulkInsert`. */
export interface BulkInsertOptions {
  /** PostgreSQL schema; ignored on SQLite. */
  schema?: string;
  /**
   * The columns to fill, in order. Without it an array's columns are the
   * union of its rows' keys, and another iterable's are the keys of its first
   * row; a later row with a key outside the columns is an error naming the row.
   */
  columns?: string[];
  /**
   * Rows per chunk: each chunk is one COPY (PostgreSQL), one run of the
   * prepared statement (SQLite) or a few multi-row INSERTs (`--sql`).
   * @default {50000}
   */
  chunkSize?: number;
}

/** Where a long `bulkInsert` has got to (see the CLI's progress line). */
export interface BulkProgress {
  /** The table being loaded. */
  table: string;
  /** Rows inserted so far. */
  rows: number;
  /** Milliseconds since the call started. */
  elapsedMs: number;
  /** `true` once, after the last chunk. */
  done: boolean;
}

/**
 * The operations API handed to migrations. Every call records one change in
 * call order; calls keep their order whether or not they are awaited.
 *
 * @example A migration using op
 * ```ts ignore
 * export async function upgrade(op: Op) {
 *   await op.addColumn("users", "bio", { type: "text" });
 *   await op.createIndex("ix_users_email", "users", ["email"], { unique: true });
 * }
 * ```
 */
export interface Op {
  /** `true` under `--sql`: nothing can be read from the database. */
  readonly isOffline: boolean;
  /** The database the migration runs against. */
  readonly dialect: "sqlite" | "postgres";

  /** Creates a table; `columns` keeps its key order. */
  createTable(
    name: string,
    columns: Record<string, ColumnSpec>,
    options?: CreateTableOptions,
  ): Promise<void>;
  /** Drops a table. */
  dropTable(name: string, options?: { ifExists?: boolean; schema?: string }): Promise<void>;
  /** Renames a table. */
  renameTable(oldName: string, newName: string, options?: { schema?: string }): Promise<void>;
  /** Adds a column. */
  addColumn(
    table: string,
    name: string,
    spec: ColumnSpec,
    options?: { schema?: string },
  ): Promise<void>;
  /** Drops a column. */
  dropColumn(table: string, name: string, options?: { schema?: string }): Promise<void>;
  /** Changes a column's type, nullability, default or name. */
  alterColumn(table: string, name: string, changes: AlterColumnOptions): Promise<void>;
  /** Creates an index. */
  createIndex(
    name: string,
    table: string,
    columns: string[],
    options?: CreateIndexOptions,
  ): Promise<void>;
  /** Drops an index (`table` is needed by some callers for clarity; SQLite ignores it). */
  dropIndex(
    name: string,
    options?: { table?: string; schema?: string; concurrently?: boolean },
  ): Promise<void>;
  /** Adds a named foreign-key constraint. */
  createForeignKey(
    name: string,
    table: string,
    columns: string[],
    refTable: string,
    refColumns: string[],
    options?: ForeignKeyOptions,
  ): Promise<void>;
  /** Adds a named unique constraint. */
  createUniqueConstraint(
    name: string,
    table: string,
    columns: string[],
    options?: { schema?: string },
  ): Promise<void>;
  /** Adds a named check constraint. */
  createCheckConstraint(
    name: string,
    table: string,
    sqlExpr: string,
    options?: { schema?: string },
  ): Promise<void>;
  /** Drops a named constraint (unique, check or foreign key). */
  dropConstraint(name: string, table: string, options?: { schema?: string }): Promise<void>;
  /** Creates an enum type (PostgreSQL); on SQLite, columns of `enum:NAME` get a CHECK. */
  createEnum(name: string, values: string[], options?: { schema?: string }): Promise<void>;
  /** Drops an enum type. */
  dropEnum(name: string, options?: { schema?: string }): Promise<void>;
  /** Runs raw SQL, live or written offline. `params` are bound, never pasted. */
  execute(sql: string, params?: unknown[]): Promise<void>;
  /** Reads rows; live only (fails under `--sql` unless the migration checks `op.isOffline`). */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Inserts many rows fast: PostgreSQL through `COPY … FROM STDIN`, SQLite
   * through one prepared statement in the migration's transaction; written as
   * INSERTs offline. `rows` may be an array or an iterable or async iterable,
   * streamed a chunk at a time. A key missing from a row (or `undefined`)
   * leaves that column to its default.
   */
  bulkInsert(table: string, rows: BulkRows, options?: BulkInsertOptions): Promise<void>;
  /** Marks text as an SQL expression rather than a literal (`op.sql("now()")`). */
  sql(text: string): SqlExpr;
}

/** What a migration module exports. */
export interface MigrationModule {
  revision: string;
  downRevision: string | string[] | null;
  message?: string;
  branchLabels?: string[];
  dependsOn?: string[];
  transactional?: boolean;
  upgrade(op: Op): Promise<void> | void;
  downgrade?(op: Op): Promise<void> | void;
}
