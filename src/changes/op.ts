/**
 * The `op` object a migration's `upgrade(op)` / `downgrade(op)` receives. Names
 * and argument order follow DESIGN.md (Alembic's positional shapes) and are
 * stable; options may grow.
 *
 * @module
 */
import type { DialectName } from "../dialects/names.ts";
import type { Row } from "../drivers/driver.ts";
import type { CheckDef, RefAction, SqlExpr, UniqueDef, Value } from "./change.ts";

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
  /**
   * Each entry is one unique constraint: its columns, or `{ name, columns }`
   * to name it.
   */
  unique?: (string[] | UniqueDef)[];
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
  /** New comment, or `null` to remove it (PostgreSQL; SQLite keeps no comments). */
  comment?: string | null;
  schema?: string;
  /**
   * Let the change drop what depends on the column, as `dropColumn`'s
   * `cascade`. Neither database needs it for the changes `alterColumn` makes
   * today: a rename rewrites the views, triggers, indexes and constraints that
   * use the column (SQLite's `RENAME COLUMN`, PostgreSQL by reference), and a
   * SQLite rebuild keeps them. PostgreSQL refuses a type change of a column a
   * view uses, with or without it.
   * @default {false}
   */
  cascade?: boolean;
}

/** What `op.alterTable` may change; keys that are present are changed. */
export interface AlterTableOptions {
  /** New table comment, or `null` to remove it (PostgreSQL; SQLite keeps no comments). */
  comment?: string | null;
  /** PostgreSQL schema of the table; ignored on SQLite. */
  schema?: string;
}

/** Options of `op.dropColumn`. */
export interface DropColumnOptions {
  /** PostgreSQL schema; ignored on SQLite. */
  schema?: string;
  /**
   * Also drop what uses the column: views, triggers, indexes, and the table's
   * CHECK / PRIMARY KEY / UNIQUE / FOREIGN KEY constraints that involve it with
   * other columns. Without it a column in use is refused, naming the
   * dependents. PostgreSQL gets `DROP COLUMN … CASCADE` (it drops indexes and
   * the table's own constraints on the column even without it, and also drops
   * foreign keys of other tables that reference the column); SQLite drops the
   * dependents it found with a warning line naming each, and refuses (even
   * with cascade) when another table's foreign key references the column or
   * a generated column is computed from it.
   * @default {false}
   */
  cascade?: boolean;
}

/** Referential actions for `op.createForeignKey`. */
export interface ForeignKeyOptions {
  onDelete?: RefAction;
  onUpdate?: RefAction;
  schema?: string;
}

/** Options of `op.addEnumValue`. Give `before` or `after`, not both. */
export interface AddEnumValueOptions {
  /** Put the new value before this existing one. */
  before?: string;
  /** Put the new value after this existing one. Without either, it goes last. */
  after?: string;
  /**
   * Do nothing when the enum has the value already (PostgreSQL's
   * `ADD VALUE IF NOT EXISTS`); without it, an existing value is an error.
   * @default {false}
   */
  ifNotExists?: boolean;
  /** PostgreSQL schema of the enum type; ignored on SQLite. */
  schema?: string;
}

/** Options of `op.renameEnumValue`, `op.dropEnumValue` and `op.alterEnum`. */
export interface EnumOptions {
  /** PostgreSQL schema of the enum type; ignored on SQLite. */
  schema?: string;
}

/** A row returned by `op.query` (the driver's row type). */
export type { Row };

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
  /** The database the migration runs against: `"sqlite"` or `"postgres"`. */
  readonly dialect: DialectName;

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
  /** Changes a table's comment. */
  alterTable(name: string, changes: AlterTableOptions): Promise<void>;
  /** Adds a column. */
  addColumn(
    table: string,
    name: string,
    spec: ColumnSpec,
    options?: { schema?: string },
  ): Promise<void>;
  /** Drops a column; refused while something uses it, unless `cascade: true`. */
  dropColumn(table: string, name: string, options?: DropColumnOptions): Promise<void>;
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
  /**
   * Adds a value to an enum, last or `before`/`after` an existing value.
   * PostgreSQL: `ALTER TYPE … ADD VALUE`, which is cheap, but the new value
   * cannot be used before the migration's transaction commits: use it in a
   * later migration, or mark this one `transactional = false`. SQLite: the
   * CHECK of every `enum:NAME` column is rewritten (a table rebuild).
   *
   * @example Adding values
   * ```ts ignore
   * await op.addEnumValue("mood", "ok", { before: "happy" });
   * await op.addEnumValue("mood", "ecstatic", { ifNotExists: true });
   * ```
   */
  addEnumValue(name: string, value: string, options?: AddEnumValueOptions): Promise<void>;
  /**
   * Renames an enum value; rows holding it hold the new name afterwards, and
   * so do column defaults (PostgreSQL renames the label in place; SQLite
   * rewrites the CHECKs and the rows).
   *
   * @example Renaming a value
   * ```ts ignore
   * await op.renameEnumValue("mood", "sad", "blue");
   * ```
   */
  renameEnumValue(
    name: string,
    oldValue: string,
    newValue: string,
    options?: EnumOptions,
  ): Promise<void>;
  /**
   * Removes an enum value. Fails, changing nothing, while a row or a column
   * default holds it. PostgreSQL has no `DROP VALUE`: the type is rebuilt
   * (create the new type, move every column over, drop the old one, rename),
   * which rewrites the tables that use it.
   *
   * @example Removing a value no row holds
   * ```ts ignore
   * await op.execute("UPDATE users SET mood = 'ok' WHERE mood = 'meh'");
   * await op.dropEnumValue("mood", "meh");
   * ```
   */
  dropEnumValue(name: string, value: string, options?: EnumOptions): Promise<void>;
  /**
   * Sets an enum's whole list of values, in order: values left out are
   * removed (as `dropEnumValue`), new ones added, the rest reordered. On
   * PostgreSQL this always rebuilds the type (see `dropEnumValue`); unlike
   * `addEnumValue`, values it adds can be used in the same migration.
   *
   * @example Reordering and removing
   * ```ts ignore
   * await op.alterEnum("mood", ["happy", "ok", "sad"]); // was sad, meh, ok, happy
   * ```
   */
  alterEnum(name: string, values: string[], options?: EnumOptions): Promise<void>;
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
