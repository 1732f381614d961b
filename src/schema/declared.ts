/**
 * The declared schema: a project's intended schema as plain data, written with
 * the vocabulary of `op.createTable` (`ColumnSpec` columns, primary key,
 * unique and check constraints, foreign keys, comments) plus named indexes and
 * enums. `strata revision --autogenerate` and `strata check` compare it with
 * the database.
 *
 * A project keeps it in `schema.ts` beside the migrations directory and
 * imports only types, so the file loads with no `deno.json` beside it (as a
 * migration does):
 *
 * ```ts ignore
 * import type { DeclaredSchema } from "@strata/strata/schema";
 *
 * export default {
 *   enums: { mood: ["happy", "sad"] },
 *   tables: {
 *     users: {
 *       columns: {
 *         id: { type: "integer", primaryKey: true, autoIncrement: true },
 *         email: { type: "varchar(255)", nullable: false, unique: true },
 *         mood: { type: "enum:mood" },
 *         created_at: { type: "timestamp", default: { $sql: "CURRENT_TIMESTAMP" } },
 *       },
 *       indexes: { ix_users_mood: { columns: ["mood"], where: "mood IS NOT NULL" } },
 *       comment: "people who can log in",
 *     },
 *   },
 * } satisfies DeclaredSchema;
 * ```
 *
 * @module
 */
import type { CheckDef, UniqueDef } from "../changes/change.ts";
import type { ColumnSpec, TableForeignKey } from "../changes/op.ts";

/** A declared index: its name is the key it is listed under. */
export interface DeclaredIndex {
  /** Indexed columns, in key order. */
  columns: string[];
  /**
   * Whether the index is unique.
   * @default {false}
   */
  unique?: boolean;
  /** Partial-index predicate, as SQL. */
  where?: string;
}

/** A declared table: `op.createTable`'s columns and options, plus its indexes. */
export interface DeclaredTable {
  /** Columns in order, as `op.createTable` takes them. A default that is SQL is `{ $sql: "now()" }`. */
  columns: Record<string, ColumnSpec>;
  /** A composite primary key (or mark one column `primaryKey: true`). */
  primaryKey?: string[];
  /** Unique constraints: column lists, or `{ name, columns }`. */
  unique?: (string[] | UniqueDef)[];
  /** CHECK constraints: SQL text, or `{ name, expr }`. */
  checks?: (string | CheckDef)[];
  /** Table-level foreign keys (single columns may use `references` instead). */
  foreignKeys?: TableForeignKey[];
  /** Indexes by name. */
  indexes?: Record<string, DeclaredIndex>;
  /** The table's comment (PostgreSQL; SQLite keeps none). */
  comment?: string;
}

/** A whole declared schema: tables by name, enums by name (values in order). */
export interface DeclaredSchema {
  /** Tables by name. */
  tables: Record<string, DeclaredTable>;
  /** Enum types by name, values in order; columns use them as `enum:NAME`. */
  enums?: Record<string, string[]>;
}
