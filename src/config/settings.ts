/**
 * The short form of a configuration, for library users who know their
 * settings: `new Migrator({ url, dir })`. It reads no environment and no
 * files, so what the code says is what runs.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import type { DialectName } from "../dialects/names.ts";
import { type Config, tableName } from "./resolve.ts";
import { type DatabaseUrl, parseDatabaseUrl } from "./url.ts";

/** Settings given directly (see {@linkcode configFromSettings}). */
export interface Settings {
  /**
   * The database URL (e.g. `sqlite:app.db`, `postgres://app@db/app`). Needed
   * by everything that touches the database; graph and `--sql` work without.
   */
  url?: string | DatabaseUrl | undefined;
  /** The migrations directory. @default {"migrations"} */
  dir?: string | undefined;
  /** The version table's name (may be schema-qualified). @default {"strata_version"} */
  versionTable?: string | undefined;
  /** The history table's name (may be schema-qualified). @default {"strata_history"} */
  historyTable?: string | undefined;
  /** How long to wait for the migration lock, in milliseconds. @default {300000} */
  lockTimeoutMs?: number | undefined;
  /**
   * How long a migration's statement waits for a table lock another session
   * holds, in milliseconds; `0` waits for ever. @default {5000}
   */
  statementLockTimeoutMs?: number | undefined;
  /** The declared schema module. @default {"schema.ts" beside the migrations directory} */
  schema?: string | undefined;
  /** What relative paths resolve against. @default {Deno.cwd()} */
  cwd?: string | undefined;
}

/**
 * Turns directly given settings into a {@linkcode Config}.
 *
 * @param settings URL, directory, table names, lock timeout.
 * @returns The configuration.
 * @throws {ConfigError} For a malformed URL, a bad table name or timeout.
 *
 * @example
 * ```ts
 * import { configFromSettings } from "./settings.ts";
 * import assert from "node:assert/strict";
 * const config = configFromSettings({ url: "sqlite::memory:", dir: "/srv/app/migrations" });
 * assert.equal(config.url?.dialect, "sqlite");
 * assert.equal(config.dir, "/srv/app/migrations");
 * ```
 */
export function configFromSettings(settings: Settings): Config {
  const cwd = settings.cwd ?? Deno.cwd();
  const given = (value: string) => ({ value, source: "option", base: cwd });
  const url = typeof settings.url === "string" ? parseDatabaseUrl(settings.url, cwd) : settings.url;
  const dir = settings.dir ?? "migrations";
  const lockTimeoutMs = settings.lockTimeoutMs ?? 300_000;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new ConfigError(`Cannot use lock timeout ${lockTimeoutMs} ms: not a duration`);
  }
  const dialect: DialectName | undefined = url?.dialect;
  return {
    url,
    dialect,
    dir: isAbsolute(dir) ? dir : resolve(cwd, dir),
    versionTable: tableName(given(settings.versionTable ?? "strata_version"), "version table"),
    historyTable: tableName(given(settings.historyTable ?? "strata_history"), "history table"),
    lockTimeoutMs,
    statementLockTimeoutMs: settings.statementLockTimeoutMs ?? 5_000,
    template: undefined,
    schema: settings.schema === undefined
      ? join(dirname(isAbsolute(dir) ? dir : resolve(cwd, dir)), "schema.ts")
      : isAbsolute(settings.schema)
      ? settings.schema
      : resolve(cwd, settings.schema),
    source: {
      url: url === undefined ? "none" : "option url",
      dir: settings.dir === undefined ? "default" : "option",
    },
    lookedIn: "the url option (the short form reads no environment; " +
      "use resolveConfig() for the CLI's layers)",
  };
}

/**
 * Whether a value is a resolved {@linkcode Config} rather than {@linkcode Settings}.
 *
 * @param value Either form.
 * @returns `true` for a `Config`.
 */
export function isConfig(value: Config | Settings): value is Config {
  return "source" in value && "lookedIn" in value;
}
