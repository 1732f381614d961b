/**
 * Resolving settings from their layers. Precedence, highest first:
 * command-line flags, the real environment, `.env` in the working directory,
 * a config file (`strata.json` in the working directory, or `--config PATH`),
 * and defaults. There is no default database (see `_database_url.ts` for how
 * a URL and an engine's URL parts, such as `POSTGRES_*`, combine).
 *
 * Relative paths in a config file (the directory, a SQLite path, the
 * template) are relative to the file's directory; elsewhere to `cwd`.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { DIALECT_NAMES, type DialectName } from "../dialects/names.ts";
import { enginesWithUrlParts } from "../dialects/registry.ts";
import { loadDotEnv } from "./env.ts";
import { resolveUrl } from "./_database_url.ts";
import {
  type ConfigFlags,
  envLayer,
  fileLayer,
  flagLayer,
  type Found,
  type Layer,
  type Setting,
  URL_ENV,
} from "./_layers.ts";
import type { DatabaseUrl } from "./url.ts";

export type { ConfigFlags } from "./_layers.ts";

/** The resolved configuration of one run. */
export interface Config {
  /** The database, or `undefined` when none is configured anywhere. */
  url: DatabaseUrl | undefined;
  /**
   * The engine the project targets: the URL's, else `dialect` in the config
   * file (which then also refuses a URL of another engine).
   */
  dialect: DialectName | undefined;
  /** Absolute path of the migrations directory. */
  dir: string;
  /** Name of the version table (may be schema-qualified). */
  versionTable: string;
  /** Name of the history table (may be schema-qualified). */
  historyTable: string;
  /** How long to wait for the migration lock, in milliseconds. */
  lockTimeoutMs: number;
  /**
   * How long a migration's statement waits for a table lock another session
   * holds (PostgreSQL `lock_timeout`, SQLite's busy timeout), in
   * milliseconds; `0` waits for ever.
   */
  statementLockTimeoutMs: number;
  /** Absolute path of the project's migration template, when one is configured. */
  template: string | undefined;
  /** Absolute path of the declared schema module (default `schema.ts` beside `dir`). */
  schema: string;
  /**
   * Where each setting came from, e.g. `{ url: "env POSTGRES_HOST, .env DATABASE_URL",
   * dir: "default" }` (`"none"` for a missing URL).
   */
  source: Record<string, string>;
  /** Where a database URL was looked for, for the message when there is none. */
  lookedIn: string;
}

const DEFAULT_LOCK_TIMEOUT_S = 300;
/**
 * A migration statement waits this long for a lock the application holds.
 * Long enough for ordinary short transactions to finish; short enough that
 * the application's own queries, queued behind the migration's waiting
 * ACCESS EXCLUSIVE request, stall for seconds rather than until a
 * forgotten transaction ends (README, "Lock timeouts").
 */
const DEFAULT_STATEMENT_LOCK_TIMEOUT_S = 5;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
/**
 * Resolves the configuration of a run.
 *
 * @param flags Settings given on the command line.
 * @param env The real environment (e.g. `Deno.env.toObject()`).
 * @param cwd The working directory (absolute).
 * @returns The configuration; `url` is `undefined` when no layer names a database.
 * @throws {ConfigError} For a malformed URL or port, a bad table name or
 *   timeout, an unreadable or invalid config file, an unknown key in it, or a
 *   URL whose engine differs from the file's `dialect`.
 *
 * @example Nothing configured: no database, default directory
 * ```ts
 * import { resolveConfig } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const cwd = await Deno.realPath(await Deno.makeTempDir());
 * const config = await resolveConfig({}, {}, cwd);
 * assert.equal(config.url, undefined);
 * assert.equal(config.dir, `${cwd}/migrations`);
 * assert.equal(config.lockTimeoutMs, 300_000);
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export async function resolveConfig(
  flags: ConfigFlags,
  env: Record<string, string>,
  cwd: string,
): Promise<Config> {
  const dotEnv = await loadDotEnv(cwd);
  const file = await fileLayer(flags.config, cwd);
  const layers: Layer[] = [
    flagLayer(flags, cwd),
    envLayer(env, "env", cwd),
    envLayer(dotEnv.vars, ".env", cwd),
    file,
  ];
  const pick = (key: Setting, fallback: string | undefined): Found | undefined => {
    for (const layer of layers) {
      const found = layer.value(key);
      if (found !== undefined) return found;
    }
    return fallback === undefined ? undefined : { value: fallback, source: "default", base: cwd };
  };

  const { url, sources } = resolveUrl(layers);
  const dir = pick("dir", "migrations")!;
  const versionTable = pick("versionTable", "strata_version")!;
  const historyTable = pick("historyTable", "strata_history")!;
  const lockTimeout = pick("lockTimeout", String(DEFAULT_LOCK_TIMEOUT_S))!;
  const statementLockTimeout = pick(
    "statementLockTimeout",
    String(DEFAULT_STATEMENT_LOCK_TIMEOUT_S),
  )!;
  const dialect = pick("dialect", undefined);
  const template = pick("template", undefined);
  // The declared schema lives beside the migrations directory unless told otherwise.
  const schema = pick("schema", join(dirname(absolute(dir)), "schema.ts"))!;
  const missing = (path: string, found: boolean) => found ? path : `${path} (not found)`;
  return {
    url,
    dialect: checkDialect(dialect, url, sources),
    dir: absolute(dir),
    versionTable: tableName(versionTable, "version table"),
    historyTable: tableName(historyTable, "history table"),
    lockTimeoutMs: seconds(lockTimeout) * 1000,
    template: template === undefined ? undefined : absolute(template),
    schema: absolute(schema),
    statementLockTimeoutMs: seconds(statementLockTimeout, "statement lock timeout") * 1000,
    source: {
      url: sources.length ? sources.join(", ") : "none",
      dir: dir.source,
      versionTable: versionTable.source,
      historyTable: historyTable.source,
      lockTimeoutMs: lockTimeout.source,
      ...(dialect ? { dialect: dialect.source } : {}),
      ...(template ? { template: template.source } : {}),
      schema: schema.source,
      statementLockTimeoutMs: statementLockTimeout.source,
    },
    lookedIn: `-u/--url; ${listed(envSources())} in the environment; ` +
      `${missing(dotEnv.path, dotEnv.found)}; ${missing(file.path, file.found)}`,
  };
}

/**
 * The error for a command that needs a database when none is configured:
 * exit 2, naming where Strata looked.
 *
 * @param config The configuration without a URL.
 * @returns The error to throw.
 *
 * @example
 * ```ts
 * import { noDatabaseError, resolveConfig } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const cwd = await Deno.makeTempDir();
 * const err = noDatabaseError(await resolveConfig({}, {}, cwd));
 * assert.equal(err.exitCode, 2);
 * assert.match(err.message, /DATABASE_URL/);
 * await Deno.remove(cwd, { recursive: true });
 * ```
 */
export function noDatabaseError(config: Pick<Config, "lookedIn">): ConfigError {
  return new ConfigError(`No database configured: looked in ${config.lookedIn}`, {
    hint: "pass -u URL (e.g. -u sqlite:app.db), set DATABASE_URL, or run " +
      "`strata init --url URL`; Strata never picks a database by itself",
  });
}

/**
 * Checks a table name: a plain identifier, optionally schema-qualified.
 *
 * @param found The value and its source.
 * @param what What it names, for the message.
 * @returns The name.
 * @throws {ConfigError} When it is not a plain identifier.
 */
export function tableName(found: Found, what: string): string {
  if (IDENT.test(found.value) && found.value.length <= 127) return found.value;
  throw new ConfigError(
    `Cannot use "${found.value}" as the ${what} (from ${found.source}): not a plain identifier`,
    { hint: "use letters, digits and underscores, optionally schema-qualified (schema.table)" },
  );
}

/** The variables that name a database: `STRATA_URL`, `DATABASE_URL`, `POSTGRES_*`. */
function envSources(): string[] {
  return [...URL_ENV, ...enginesWithUrlParts().map(({ parts }) => parts.label)];
}

/** `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

function absolute(found: Found): string {
  return isAbsolute(found.value) ? found.value : resolve(found.base, found.value);
}

function checkDialect(
  found: Found | undefined,
  url: DatabaseUrl | undefined,
  sources: string[],
): DialectName | undefined {
  if (found === undefined) return url?.dialect;
  const name = DIALECT_NAMES.find((d) => d === found.value);
  if (name === undefined) {
    throw new ConfigError(`Unknown dialect "${found.value}" (from ${found.source})`, {
      hint: `use one of: ${DIALECT_NAMES.join(", ")}`,
    });
  }
  if (url !== undefined && url.dialect !== name) {
    throw new ConfigError(
      `The database URL (from ${sources.join(", ")}) is ${url.dialect}, but ${found.source} ` +
        `says "${name}"`,
      { hint: "point the URL at the project's database, or correct the dialect" },
    );
  }
  return name;
}

function seconds(found: Found, what = "lock timeout"): number {
  const n = Number(found.value.trim());
  if (found.value.trim() !== "" && Number.isFinite(n) && n >= 0) return n;
  throw new ConfigError(
    `Cannot use ${what} "${found.value}" (from ${found.source}): not a number of seconds`,
    { hint: "use a whole or decimal number of seconds, e.g. 300" },
  );
}
