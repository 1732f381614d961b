/**
 * What a migration file needs from Strata: the type of the `op` argument, the
 * column vocabulary and the shape of a migration module. Import these as
 * types only, so the file stays loadable with no `deno.json` beside it (the
 * compiled binary and the bundle import migrations straight from disk).
 *
 * @example A migration file, as `strata revision` writes it, with its functions filled in
 * ```ts
 * import type { Op } from "@strata/strata/migration";
 *
 * export const revision = "1f2e3d4c5b6a";
 * export const downRevision: string | string[] | null = "0a9b8c7d6e5f";
 * export const message = "add user bio";
 *
 * export async function upgrade(op: Op) {
 *   await op.addColumn("users", "bio", { type: "text" });
 * }
 * export async function downgrade(op: Op) {
 *   await op.dropColumn("users", "bio");
 * }
 * ```
 *
 * @module
 */
export type {
  AddEnumValueOptions,
  AlterColumnOptions,
  AlterTableOptions,
  BulkInsertOptions,
  BulkRows,
  ColumnReference,
  ColumnSpec,
  CreateIndexOptions,
  CreateTableOptions,
  DropColumnOptions,
  EnumOptions,
  ForeignKeyOptions,
  MigrationModule,
  Op,
  Row,
  TableForeignKey,
} from "./changes/op.ts";
export type { CheckDef, RefAction, SqlExpr, UniqueDef, Value } from "./changes/change.ts";
export { DIALECT_NAMES } from "./dialects/names.ts";
export type { DialectName } from "./dialects/names.ts";
