/**
 * Schema changes as plain data. Each `op.*` call in a migration records one
 * {@linkcode Change}; a dialect renders it to SQL, the runner executes it, the
 * offline writer prints it. Changes hold no methods, so they can be compared,
 * serialised and reversed.
 *
 * @module
 */

/** An SQL expression used where a literal value would otherwise go (`op.sql("now()")`). */
export interface SqlExpr {
  /** The expression text, written as is. */
  readonly $sql: string;
}

/** A literal value or an SQL expression, for defaults and inserted values. */
export type Value =
  | string
  | number
  | bigint
  | boolean
  | null
  | Date
  | Uint8Array
  | SqlExpr
  | { readonly [key: string]: unknown }
  | readonly unknown[];

/** Referential actions for foreign keys. */
export type RefAction = "cascade" | "restrict" | "set null" | "set default" | "no action";

/** A column's foreign-key reference, normalised. */
export interface ColumnRef {
  table: string;
  column: string;
  onDelete?: RefAction;
  onUpdate?: RefAction;
}

/** A fully normalised column definition (the recorder fills defaults). */
export interface ColumnDef {
  name: string;
  /** Portable type name (`integer`, `varchar(20)`, `enum:mood`) or a dialect type passed through. */
  type: string;
  /** Whether NULL is allowed (default `true`, `false` for primary keys). */
  nullable: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  unique?: boolean;
  /** The default: a literal, or an {@linkcode SqlExpr}. Absent means no default. */
  default?: Value;
  references?: ColumnRef;
  /** A CHECK expression on this column, as SQL. */
  check?: string;
  comment?: string;
}

/** A table-level foreign key. */
export interface ForeignKeyDef {
  name?: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete?: RefAction;
  onUpdate?: RefAction;
}

/** A named or unnamed table-level unique constraint. */
export interface UniqueDef {
  /** The constraint's name; without it the database picks one. */
  name?: string;
  /** The columns that are unique together, in order. */
  columns: string[];
}

/** A named or unnamed table-level check constraint. */
export interface CheckDef {
  /** The constraint's name; without it the database picks one. */
  name?: string;
  /** The SQL boolean expression. */
  expr: string;
}

/** What `alterColumn` changes; a key that is present is a change. */
export interface ColumnPatch {
  type?: string;
  nullable?: boolean;
  /** New default; `null` drops the default. */
  default?: Value | null;
  /** New column name. */
  rename?: string;
  /** New comment; `null` removes it. SQLite keeps no comments and ignores this. */
  comment?: string | null;
}

/** What `alterTable` changes; a key that is present is a change. */
export interface TablePatch {
  /** New table comment; `null` removes it. SQLite keeps no comments and ignores this. */
  comment?: string | null;
}

/** Common location fields. `schema` is PostgreSQL's schema; SQLite ignores it. */
interface OnTable {
  table: string;
  schema?: string;
}

/** One recorded schema change. Switch on `kind`; end with `assertNever`. */
export type Change =
  | {
    readonly kind: "createTable";
    table: string;
    schema?: string;
    columns: ColumnDef[];
    primaryKey?: string[];
    uniques: UniqueDef[];
    checks: CheckDef[];
    foreignKeys: ForeignKeyDef[];
    ifNotExists: boolean;
    comment?: string;
  }
  | { readonly kind: "dropTable"; table: string; schema?: string; ifExists: boolean }
  | { readonly kind: "renameTable"; table: string; schema?: string; newName: string }
  | { readonly kind: "alterTable"; table: string; schema?: string; patch: TablePatch }
  | ({ readonly kind: "addColumn"; column: ColumnDef } & OnTable)
  | ({
    readonly kind: "dropColumn";
    column: string;
    /** Drop the views, triggers, indexes and constraints that use the column too. */
    cascade?: boolean;
  } & OnTable)
  | ({
    readonly kind: "alterColumn";
    column: string;
    patch: ColumnPatch;
    /** Allow the change to drop what depends on the column (see `AlterColumnOptions.cascade`). */
    cascade?: boolean;
  } & OnTable)
  | ({
    readonly kind: "createIndex";
    name: string;
    columns: string[];
    unique: boolean;
    where?: string;
    concurrently: boolean;
  } & OnTable)
  | {
    readonly kind: "dropIndex";
    name: string;
    table?: string;
    schema?: string;
    concurrently?: boolean;
  }
  | ({ readonly kind: "createForeignKey"; name: string } & OnTable & Omit<ForeignKeyDef, "name">)
  | ({ readonly kind: "createUniqueConstraint"; name: string; columns: string[] } & OnTable)
  | ({ readonly kind: "createCheckConstraint"; name: string; expr: string } & OnTable)
  | ({ readonly kind: "dropConstraint"; name: string } & OnTable)
  | { readonly kind: "createEnum"; name: string; schema?: string; values: string[] }
  | { readonly kind: "dropEnum"; name: string; schema?: string }
  | {
    readonly kind: "addEnumValue";
    /** The enum type. */
    name: string;
    schema?: string;
    /** The new value. */
    value: string;
    /** Put it before this existing value (absent: see `after`). */
    before?: string;
    /** Put it after this existing value (neither: at the end). */
    after?: string;
    /** Do nothing when the value exists already. */
    ifNotExists: boolean;
  }
  | {
    readonly kind: "renameEnumValue";
    name: string;
    schema?: string;
    oldValue: string;
    newValue: string;
  }
  | { readonly kind: "dropEnumValue"; name: string; schema?: string; value: string }
  | {
    readonly kind: "alterEnum";
    name: string;
    schema?: string;
    /** The whole new list, in order: values left out are removed, new ones added. */
    values: string[];
  }
  | { readonly kind: "execute"; sql: string; params: unknown[] }
  | ({
    readonly kind: "bulkInsert";
    rows: Record<string, unknown>[];
    /** The columns, in order, when the caller fixed them (else the union of the rows' keys). */
    columns?: string[];
  } & OnTable);

/** The `kind` of every change. */
export type ChangeKind = Change["kind"];

/** The changes that edit an existing enum type's values. */
export type EnumValueChange = ChangeOf<
  "addEnumValue" | "renameEnumValue" | "dropEnumValue" | "alterEnum"
>;

/** Narrows {@linkcode Change} to one kind. */
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/**
 * Marks the end of an exhaustive switch: the compiler errors when a kind is missed.
 *
 * @param value The value that should be `never`.
 * @throws {Error} Always, if reached at run time.
 */
export function assertNever(value: never): never {
  throw new Error(`Unexpected change kind: ${JSON.stringify(value)}`);
}

/**
 * Tells whether a value is an {@linkcode SqlExpr}.
 *
 * @param value Any value.
 * @returns `true` for `{ $sql: string }`.
 */
export function isSqlExpr(value: unknown): value is SqlExpr {
  return typeof value === "object" && value !== null && "$sql" in value &&
    typeof (value as SqlExpr).$sql === "string";
}
