/**
 * Strata's library: run migrations from application code. {@linkcode Migrator}
 * has one method per command (`upgrade`, `downgrade`, `current`, `pending`,
 * `history`, `stamp`, `wait`); {@linkcode autoMigrate} upgrades at start-up
 * behind an on/off switch; every failure is a {@linkcode StrataError} with an
 * exit code and often a hint.
 *
 * Migration files import their types from `@strata/strata/migration`, and a
 * declared schema (`schema.ts`) from `@strata/strata/schema`; the `strata`
 * command is `@strata/strata/cli`.
 *
 * @example Upgrade an in-memory database and read its version rows
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { Migrator } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   join(dir, "1f2e3d4c5b6a_create_users.ts"),
 *   `export const revision = "1f2e3d4c5b6a";
 * export const downRevision = null;
 * export const message = "create users";
 * export async function upgrade(op) {
 *   await op.createTable("users", { id: { type: "integer", primaryKey: true } });
 * }
 * export async function downgrade(op) {
 *   await op.dropTable("users");
 * }
 * `,
 * );
 * const migrator = new Migrator({ url: "sqlite::memory:", dir });
 * try {
 *   const applied = await migrator.upgrade("head");
 *   assert.deepEqual(applied.map((s) => s.revision), ["1f2e3d4c5b6a"]);
 *   assert.deepEqual(await migrator.current(), ["1f2e3d4c5b6a"]);
 *   assert.deepEqual((await migrator.pending()).pending, []);
 * } finally {
 *   await migrator.close();
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
export { Migrator } from "./runner/migrator.ts";
export type {
  AppliedStep,
  Finding,
  HistoryOptions,
  MigratorOptions,
  PendingReport,
} from "./runner/migrator.ts";
export type { RevisionInfo } from "./runner/revision_info.ts";
export type { HistoryEntry } from "./runner/history.ts";
export type { WaitOptions, WaitResult } from "./runner/wait.ts";
export { AUTO_MIGRATE_DISABLED, autoMigrate } from "./auto_migrate.ts";
export type { AutoMigrateOptions, Logger } from "./auto_migrate.ts";
export * from "./errors.ts";
export { resolveConfig } from "./config/resolve.ts";
export type { Config, ConfigFlags } from "./config/resolve.ts";
export type { Settings } from "./config/settings.ts";
export type { DatabaseUrl, PostgresUrl, SqliteMode, SqliteUrl } from "./config/url.ts";
export { DIALECT_NAMES } from "./dialects/names.ts";
export type { DialectName } from "./dialects/names.ts";
export type { BulkProgress } from "./changes/op.ts";
export type { Queryable, Row, Statement } from "./drivers/driver.ts";
export { VERSION } from "./version.ts";
