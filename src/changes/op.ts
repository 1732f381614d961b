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
  /** Whether NULL is allowed. @default {true} (`false` for primary-key columns) */
  nullable?: boolean;
  /**
   * Part of the table's primary key (several such columns make one composite key).
   * @default {false}
   */
  primaryKey?: boolean;
  /** Identity on PostgreSQL, rowid alias on SQLite. @default {false} */
  autoIncrement?: boolean;
  /** An unnamed unique constraint on the column alone. @default {false} */
  unique?: boolean;
  /** A literal default, or `op.sql("now()")` for an expression. Absent: no default. */
  default?: Value;
  /** A foreign key on this column: `"table.column"`, or an object with actions. */
  references?: ColumnReference;
  /** A CHECK expression on the column, as SQL. */
  check?: string;
  /** The column's comment (PostgreSQL; SQLite keeps no comments). */
  comment?: string;
}

/** Table-level foreign key given to `createTable`. */
export interface TableForeignKey {
  /** The constraint's name; without it the database picks one. */
  name?: string;
  /** The referencing columns of this table, in order. */
  columns: string[];
  /** The referenced table. */
  references: string;
  /** The referenced columns, in the order of `columns`. */
  refColumns: string[];
  /** What a delete of the referenced row does. @default {"no action"} */
  onDelete?: RefAction;
  /** What an update of the referenced key does. @default {"no action"} */
  onUpdate?: RefAction;
}

/** Options of `op.createTable`. */
export interface CreateTableOptions {
  /** A primary key over several columns (one column: `primaryKey: true` in its spec). */
  primaryKey?: string[];
  /**
   * Each entry is one unique constraint: its columns, or `{ name, columns }`
   * to name it.
   */
  unique?: (string[] | UniqueDef)[];
  /** CHECK constraints: SQL strings or `{ name, expr }`. */
  checks?: (string | CheckDef)[];
  /** Foreign keys over one or more columns. */
  foreignKeys?: TableForeignKey[];
  /** Do nothing when the table exists (`CREATE TABLE IF NOT EXISTS`). @default {false} */
  ifNotExists?: boolean;
  /** PostgreSQL schema; ignored on SQLite. */
  schema?: string;
  /** The table's comment (PostgreSQL; SQLite keeps no comments). */
  comment?: string;
}

/** Options of `op.createIndex`. */
export interface CreateIndexOptions {
  /** A unique index. @default {false} */
  unique?: boolean;
  /** Partial-index predicate, as SQL. */
  where?: string;
  /** PostgreSQL `CONCURRENTLY`; needs `transactional = false`. @default {false} */
  concurrently?: boolean;
  /** PostgreSQL schema of the table; ignored on SQLite. */
  schema?: string;
}

/** What `op.alterColumn` may change; keys that are present are changed. */
export interface AlterColumnOptions {
  /** New type (portable or the dialect's). */
  type?: string;
  /** `false` adds NOT NULL, `true` drops it. */
  nullable?: boolean;
  /** New default, or `null` to drop it. */
  default?: Value | null;
  /** New name. */
  rename?: string;
  /** New comment, or `null` to remove it (PostgreSQL; SQLite keeps no comments). */
  comment?: string | null;
  /** PostgreSQL schema of the table; ignored on SQLite. */
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
  /** What a delete of the referenced row does. @default {"no action"} */
  onDelete?: RefAction;
  /** What an update of the referenced key does. @default {"no action"} */
  onUpdate?: RefAction;
  /** PostgreSQL schema of the table; ignored on SQLite. */
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

  /**
   * Creates a table.
   *
   * @param name The table.
   * @param columns Its columns by name, in the order they are created.
   * @param options Composite primary key, unique and check constraints,
   *   foreign keys, `ifNotExists`, schema, comment.
   */
  createTable(
    name: string,
    columns: Record<string, ColumnSpec>,
    options?: CreateTableOptions,
  ): Promise<void>;
  /**
   * Drops a table.
   *
   * @param name The table.
   * @param options `ifExists`: no error when it is missing; PostgreSQL schema.
   */
  dropTable(name: string, options?: { ifExists?: boolean; schema?: string }): Promise<void>;
  /**
   * Renames a table.
   *
   * @param oldName Its name now.
   * @param newName Its new name.
   * @param options PostgreSQL schema.
   */
  renameTable(oldName: string, newName: string, options?: { schema?: string }): Promise<void>;
  /**
   * Changes a table's comment.
   *
   * @param name The table.
   * @param changes What to change; keys that are present are changed.
   */
  alterTable(name: string, changes: AlterTableOptions): Promise<void>;
  /**
   * Adds a column.
   *
   * @param table The table.
   * @param name The new column.
   * @param spec Its type, nullability, default and constraints.
   * @param options PostgreSQL schema.
   */
  addColumn(
    table: string,
    name: string,
    spec: ColumnSpec,
    options?: { schema?: string },
  ): Promise<void>;
  /**
   * Drops a column; refused while something uses it, unless `cascade: true`.
   *
   * @param table The table.
   * @param name The column.
   * @param options `cascade`, PostgreSQL schema.
   */
  dropColumn(table: string, name: string, options?: DropColumnOptions): Promise<void>;
  /**
   * Changes a column's type, nullability, default, comment or name (on
   * SQLite, by a table rebuild where `ALTER TABLE` cannot).
   *
   * @param table The table.
   * @param name The column.
   * @param changes What to change; keys that are present are changed.
   */
  alterColumn(table: string, name: string, changes: AlterColumnOptions): Promise<void>;
  /**
   * Creates an index.
   *
   * @param name The index.
   * @param table The table.
   * @param columns The indexed columns, in order.
   * @param options `unique`, a partial-index `where`, `concurrently`, schema.
   */
  createIndex(
    name: string,
    table: string,
    columns: string[],
    options?: CreateIndexOptions,
  ): Promise<void>;
  /**
   * Drops an index.
   *
   * @param name The index.
   * @param options `table` (for readers and for `downgrade`; neither database
   *   needs it), PostgreSQL schema and `concurrently`.
   */
  dropIndex(
    name: string,
    options?: { table?: string; schema?: string; concurrently?: boolean },
  ): Promise<void>;
  /**
   * Adds a named foreign-key constraint.
   *
   * @param name The constraint.
   * @param table The referencing table.
   * @param columns Its referencing columns.
   * @param refTable The referenced table.
   * @param refColumns The referenced columns, in the order of `columns`.
   * @param options `onDelete`, `onUpdate`, PostgreSQL schema.
   */
  createForeignKey(
    name: string,
    table: string,
    columns: string[],
    refTable: string,
    refColumns: string[],
    options?: ForeignKeyOptions,
  ): Promise<void>;
  /**
   * Adds a named unique constraint.
   *
   * @param name The constraint.
   * @param table The table.
   * @param columns The columns that are unique together.
   * @param options PostgreSQL schema.
   */
  createUniqueConstraint(
    name: string,
    table: string,
    columns: string[],
    options?: { schema?: string },
  ): Promise<void>;
  /**
   * Adds a named check constraint.
   *
   * @param name The constraint.
   * @param table The table.
   * @param sqlExpr The boolean expression, as SQL.
   * @param options PostgreSQL schema.
   */
  createCheckConstraint(
    name: string,
    table: string,
    sqlExpr: string,
    options?: { schema?: string },
  ): Promise<void>;
  /**
   * Drops a named constraint (unique, check or foreign key).
   *
   * @param name The constraint.
   * @param table Its table.
   * @param options PostgreSQL schema.
   */
  dropConstraint(name: string, table: string, options?: { schema?: string }): Promise<void>;
  /**
   * Creates an enum type (PostgreSQL); on SQLite, columns of `enum:NAME` get
   * a CHECK of the values.
   *
   * @param name The enum, used in column types as `enum:NAME`.
   * @param values Its values, in order.
   * @param options PostgreSQL schema.
   */
  createEnum(name: string, values: string[], options?: { schema?: string }): Promise<void>;
  /**
   * Drops an enum type (after the columns that use it are gone).
   *
   * @param name The enum.
   * @param options PostgreSQL schema.
   */
  dropEnum(name: string, options?: { schema?: string }): Promise<void>;
  /**
   * Adds a value to an enum, last or `before`/`after` an existing value.
   * PostgreSQL: `ALTER TYPE … ADD VALUE`, which is cheap, but the new value
   * cannot be used before the migration's transaction commits: use it in a
   * later migration, or mark this one `transactional = false`. SQLite: the
   * CHECK of every `enum:NAME` column is rewritten (a table rebuild).
   *
   * @param name The enum.
   * @param value The new value.
   * @param options `before` or `after` an existing value, `ifNotExists`, schema.
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
   * @param name The enum.
   * @param oldValue The value to rename.
   * @param newValue Its new name.
   * @param options PostgreSQL schema.
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
   * @param name The enum.
   * @param value The value to remove.
   * @param options PostgreSQL schema.
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
   * @param name The enum.
   * @param values The whole new list, in order.
   * @param options PostgreSQL schema.
   *
   * @example Reordering and removing
   * ```ts ignore
   * await op.alterEnum("mood", ["happy", "ok", "sad"]); // was sad, meh, ok, happy
   * ```
   */
  alterEnum(name: string, values: string[], options?: EnumOptions): Promise<void>;
  /**
   * Runs raw SQL, live or written offline.
   *
   * @param sql One statement; placeholders are `?` on SQLite and `$1` on
   *   PostgreSQL (`op.dialect` says which).
   * @param params Values bound to the placeholders, never pasted into the text.
   */
  execute(sql: string, params?: unknown[]): Promise<void>;
  /**
   * Reads rows; live only.
   *
   * @param sql A query; placeholders as in {@linkcode Op.execute}.
   * @param params Values bound to the placeholders.
   * @returns The rows, column name to value.
   * @throws {OfflineError} Under `--sql`: check `op.isOffline` first.
   */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Inserts many rows fast: PostgreSQL through `COPY … FROM STDIN`, SQLite
   * through one prepared statement in the migration's transaction; written as
   * INSERTs offline. `rows` may be an array or an iterable or async iterable,
   * streamed a chunk at a time. A key missing from a row (or `undefined`)
   * leaves that column to its default.
   *
   * @param table The table.
   * @param rows The rows, column name to value.
   * @param options The columns, the chunk size, PostgreSQL schema.
   */
  bulkInsert(table: string, rows: BulkRows, options?: BulkInsertOptions): Promise<void>;
  /**
   * Marks text as an SQL expression rather than a literal, for a default or
   * an inserted value.
   *
   * @param text The expression, e.g. `now()` or `CURRENT_TIMESTAMP`.
   * @returns The marked expression.
   */
  sql(text: string): SqlExpr;
}

/**
 * What a migration module exports. Keep the header (`revision` to
 * `dependsOn`) plain literals: Strata reads it from the source text without
 * importing the file.
 */
export interface MigrationModule {
  /** The revision id (12 hex digits from `strata revision`), unique in the directory. */
  revision: string;
  /** The parent: `null` for a base, an id, or an array of ids for a merge. */
  downRevision: string | string[] | null;
  /** One line saying what the migration does. */
  message?: string;
  /** Labels for the branch this revision starts (targets such as `billing@head`). */
  branchLabels?: string[];
  /** Revisions that must be applied first without being parents. */
  dependsOn?: string[];
  /**
   * `false` runs the migration outside a transaction, statement by statement
   * (for `CREATE INDEX CONCURRENTLY`); a failure can then leave it half done.
   * @default {true}
   */
  transactional?: boolean;
  /**
   * Applies the migration.
   *
   * @param op Records what the migration does, for the live run or `--sql`.
   */
  upgrade(op: Op): Promise<void> | void;
  /**
   * Reverts what `upgrade` did; without it the revision cannot be downgraded.
   *
   * @param op As for `upgrade`.
   */
  downgrade?(op: Op): Promise<void> | void;
}
