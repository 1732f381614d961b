/**
 * `autoMigrate()`: upgrade at application start-up, under the same migration
 * lock as the CLI, with an environment switch to turn it off.
 *
 * @module
 */
import { resolveConfig } from "./config/resolve.ts";
import { StrataError } from "./errors.ts";
import { type AppliedStep, Migrator } from "./runner/migrator.ts";
import { messageLine } from "./text.ts";

/** Where `autoMigrate` logs. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of {@linkcode autoMigrate}. */
export interface AutoMigrateOptions {
  /** Database URL (default: configuration as the CLI resolves it). */
  url?: string;
  /** Migrations directory (default: `./migrations` or configuration). */
  dir?: string;
  /** @default {"head"} */
  target?: string;
  /** @default {console} */
  logger?: Logger;
  /**
   * Set `false` to skip. `STRATA_AUTO_MIGRATE=false` (or `0`, `no`, `off`) in
   * the environment also skips.
   * @default {true}
   */
  enabled?: boolean;
  /** Environment to read settings from. @default {Deno.env.toObject()} */
  env?: Record<string, string>;
  /** Working directory for relative paths. @default {Deno.cwd()} */
  cwd?: string;
}

/** The message logged when automatic migrations are switched off. */
export const AUTO_MIGRATE_DISABLED = "Automatic migrations are disabled. Skipping migrations...";

const OFF = new Set(["false", "0", "no", "off"]);

/**
 * Upgrades the database to `target` (default `head`) unless switched off.
 *
 * @param options URL, directory, target, logger, switch.
 * @returns The steps applied (empty when up to date or disabled).
 * @throws {StrataError} A typed error (e.g. `MigrationError`, `ConnectionError`,
 *   `GraphError`) when the upgrade fails; the database stays at the last
 *   committed migration.
 *
 * @example At app start-up
 * ```ts ignore
 * import { autoMigrate } from "./mod.ts";
 * await autoMigrate({ url: Deno.env.get("DATABASE_URL"), dir: "./migrations" });
 * ```
 */
export async function autoMigrate(options: AutoMigrateOptions = {}): Promise<AppliedStep[]> {
  const env = options.env ?? Deno.env.toObject();
  const logger = options.logger ?? console;
  const switchOff = OFF.has((env.STRATA_AUTO_MIGRATE ?? "").trim().toLowerCase());
  if (options.enabled === false || switchOff) {
    logger.info(AUTO_MIGRATE_DISABLED);
    return [];
  }
  const config = await resolveConfig(
    { url: options.url, dir: options.dir },
    env,
    options.cwd ?? Deno.cwd(),
  );
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
