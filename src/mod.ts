/**
 * Strata's public API: the types a migration uses (`Op`, `ColumnSpec`), the
 * change data model, and the migrator for use from application code.
 *
 * A migration imports only types from here (erased at load time):
 *
 * ```ts ignore
 * import type { Op } from "@strata/strata";
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
  BulkProgress,
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
export type { Change, ChangeKind, ColumnDef, SqlExpr, Value } from "./changes/change.ts";
export type { DialectName } from "./dialects/names.ts";
export type { Schema, Table } from "./schema/model.ts";
export * from "./errors.ts";
export { Migrator } from "./runner/migrator.ts";
export type {
  AppliedStep,
  HistoryOptions,
  MigratorOptions,
  PendingReport,
} from "./runner/migrator.ts";
export type { RevisionInfo } from "./runner/revision_info.ts";
export type { WaitOptions, WaitResult } from "./runner/wait.ts";
export { resolveConfig } from "./config/resolve.ts";
export type { Config, ConfigFlags } from "./config/resolve.ts";
export type { Settings } from "./config/settings.ts";
export type { DatabaseUrl, PostgresUrl, SqliteMode, SqliteUrl } from "./config/url.ts";
export { VERSION } from "./version.ts";
export { AUTO_MIGRATE_DISABLED, autoMigrate } from "./auto_migrate.ts";
export type { AutoMigrateOptions, Logger } from "./auto_migrate.ts";
