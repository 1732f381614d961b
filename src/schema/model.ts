/**
 * One schema model for both databases: what an introspector returns, what
 * tests compare, and what autogenerate diffs against a declared schema.
 * Modelled on Atlas's `sql/schema/schema.go`.
 *
 * @module
 */

/** A column as found in the database. */
export interface Column {
  name: string;
  /**
   * Portable type name where one fits (`integer`, `bigint`, `text`, `varchar(80)`,
   * `boolean`, `timestamptz`, `enum:mood`, …), otherwise the database's own name, lower case.
   */
  type: string;
  nullable: boolean;
  /** The default as SQL text, or `null` when there is none. */
  default: string | null;
  /** Identity (PostgreSQL) or rowid alias with AUTOINCREMENT/INTEGER PRIMARY KEY (SQLite). */
  autoIncrement: boolean;
  comment: string | null;
}

/** An index that is not a constraint's backing index. */
export interface Index {
  name: string;
  columns: string[];
  unique: boolean;
  /** Partial-index predicate as SQL, or `null`. */
  where: string | null;
}

/** A foreign key. */
export interface ForeignKey {
  /** Constraint name; SQLite may have none (`null`). */
  name: string | null;
  columns: string[];
  refTable: string;
  refColumns: string[];
  /** Lower case, e.g. `cascade`; `no action` when unspecified. */
  onDelete: string;
  onUpdate: string;
}

/** A unique constraint (or, on SQLite, an inline UNIQUE). */
export interface UniqueConstraint {
  name: string | null;
  columns: string[];
}

/** A check constraint. */
export interface CheckConstraint {
  name: string | null;
  expr: string;
}

/** A table. Lists are sorted by name (then columns) so models compare stably; columns keep their order. */
export interface Table {
  name: string;
  /** PostgreSQL schema (`public` by default); `main` on SQLite. */
  schema: string;
  columns: Column[];
  /** Primary-key columns in key order; empty when there is none. */
  primaryKey: string[];
  indexes: Index[];
  uniques: UniqueConstraint[];
  checks: CheckConstraint[];
  foreignKeys: ForeignKey[];
  comment: string | null;
}

/** An enum type (PostgreSQL). */
export interface EnumType {
  name: string;
  schema: string;
  values: string[];
}

/** A whole schema, tables and enums sorted by name. */
export interface Schema {
  tables: Table[];
  enums: EnumType[];
}

/**
 * Finds a table by name.
 *
 * @param schema The schema model.
 * @param name Table name.
 * @returns The table or `undefined`.
 */
export function findTable(schema: Schema, name: string): Table | undefined {
  return schema.tables.find((t) => t.name === name);
}
