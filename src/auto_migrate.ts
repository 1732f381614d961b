/**
 * `autoMigrate()`: upgrade at application start-up, under the same migration
 * lock as the CLI, with an environment switch to turn it off.
 *
 * @module
 */
import { readDotEnv } from "./config/env.ts";
import { resolveConfig } from "./config/resolve.ts";
import { ConfigError, StrataError } from "./errors.ts";
import { type AppliedStep, Migrator } from "./runner/migrator.ts";
import { messageLine } from "./text.ts";

/** Where `autoMigrate` logs. */
export interface Logger {
  /**
   * Logs progress: steps applied, waiting for the lock, skipped.
   *
   * @param message One line, starting `strata: ` (except the skip message).
   */
  info(message: string): void;
  /**
   * Logs something to look at, e.g. an applied migration was edited.
   *
   * @param message One line, starting `strata: `.
   */
  warn(message: string): void;
}

/** Options of {@linkcode autoMigrate}. */
export interface AutoMigrateOptions {
  /**
   * Database URL (default: configuration as the CLI resolves it: environment,
   * `.env`, strata.json). With none anywhere, `autoMigrate` throws a
   * `ConfigError`: there is no default database.
   */
  url?: string | undefined;
  /** Migrations directory (default: `./migrations` or configuration). */
  dir?: string | undefined;
  /** The target to upgrade to. @default {"head"} */
  target?: string;
  /** Where to log. @default {console} */
  logger?: Logger;
  /**
   * Set `false` to skip. `STRATA_AUTO_MIGRATE=false` (or `0`, `no`, `off`) in
   * the environment or in `.env` also skips, as does the variable named by
   * `enabledEnv`.
   * @default {true}
   */
  enabled?: boolean;
  /**
   * The name of the app's own switch variable (e.g. `"AUTO_MIGRATE"`), read
   * from the environment and `.env` as well as `STRATA_AUTO_MIGRATE`: either
   * one saying `false`/`0`/`no`/`off` skips. A value that is neither on
   * (`true`/`1`/`yes`/`on`) nor off is an error, not a guess.
   */
  enabledEnv?: string;
  /** Environment to read settings from. @default {Deno.env.toObject()} */
  env?: Record<string, string>;
  /** Working directory for relative paths. @default {Deno.cwd()} */
  cwd?: string;
}

/** The message logged when automatic migrations are switched off. */
export const AUTO_MIGRATE_DISABLED = "Automatic migrations are disabled. Skipping migrations...";

const OFF = new Set(["false", "0", "no", "off"]);
const ON = new Set(["true", "1", "yes", "on"]);
const SWITCH = "STRATA_AUTO_MIGRATE";

/**
 * Upgrades the database to `target` (default `head`) unless switched off.
 *
 * @param options URL, directory, target, logger, switch.
 * @returns The steps applied (empty when up to date or disabled).
 * @throws {StrataError} A typed error (e.g. `MigrationError`, `ConnectionError`,
 *   `GraphError`) when the upgrade fails; the database stays at the last
 *   committed migration.
 *
 * @example At app start-up, behind the app's own switch
 * ```ts ignore
 * import { autoMigrate } from "./mod.ts";
 * // Skipped when AUTO_MIGRATE or STRATA_AUTO_MIGRATE is false (environment or .env).
 * await autoMigrate({ url: Deno.env.get("DATABASE_URL"), enabledEnv: "AUTO_MIGRATE" });
 * ```
 *
 * @example On an in-memory database
 * ```ts
 * import { autoMigrate } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * const quiet = { info: () => {}, warn: () => {} };
 * const applied = await autoMigrate({ url: "sqlite::memory:", dir, cwd: dir, logger: quiet });
 * assert.deepEqual(applied, []);
 * await Deno.remove(dir);
 * ```
 */
export async function autoMigrate(options: AutoMigrateOptions = {}): Promise<AppliedStep[]> {
  const env = options.env ?? Deno.env.toObject();
  const cwd = options.cwd ?? Deno.cwd();
  const logger = options.logger ?? console;
  const dotEnv = await readDotEnv(cwd);
  const names = [SWITCH, ...(options.enabledEnv ? [options.enabledEnv] : [])];
  const switchedOff = names.some((name) => isOff(name, env, dotEnv));
  if (options.enabled === false || switchedOff) {
    logger.info(AUTO_MIGRATE_DISABLED);
    return [];
  }
  const config = await resolveConfig({ url: options.url, dir: options.dir }, env, cwd);
  const migrator = new Migrator(config, {
    onStep: (s) =>
      logger.info(
        `strata: ${s.direction === "up" ? "upgrade" : "downgrade"} ${s.revision}, ${
          messageLine(s.message)
        }`,
      ),
    onWarning: (m) => logger.warn(`strata: ${m}`),
    onLockWait: (holder) =>
      logger.info(`strata: waiting for the migration lock${holder ? ` held by ${holder}` : ""}`),
  });
  try {
    const applied = await migrator.upgrade(options.target ?? "head");
    if (applied.length === 0) logger.info("strata: database is up to date");
    return applied;
  } catch (err) {
    if (err instanceof StrataError) throw err;
    throw new StrataError(
      `Automatic migration failed: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  } finally {
    await migrator.close();
  }
}

/** Reads a switch from the environment, else `.env`; an unreadable value is an error. */
function isOff(
  name: string,
  env: Record<string, string>,
  dotEnv: Record<string, string>,
): boolean {
  const [raw, source] = env[name] ? [env[name], "env"] : [dotEnv[name] ?? "", ".env"];
  const value = raw.trim().toLowerCase();
  if (value === "" || ON.has(value)) return false;
  if (OFF.has(value)) return true;
  throw new ConfigError(`Cannot read ${name}="${raw}" (from ${source}): not on or off`, {
    hint: "use true/false (or 1/0, yes/no, on/off)",
  });
}
