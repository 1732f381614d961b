/**
 * Resolving settings from their layers. Precedence, highest first:
 * command-line flags, the real environment, `.env` in the working directory,
 * a config file (`strata.json` in the working directory, or `--config PATH`),
 * and defaults.
 *
 * Each layer is read on its own. Within an environment layer the URL comes
 * from `STRATA_URL`, else `DATABASE_URL`, else `POSTGRES_*` parts (only when
 * that layer sets `POSTGRES_HOST`; port 5432, user `postgres` and database =
 * user by default). Relative paths in a config file (the directory, a SQLite
 * path) are relative to the file's directory; elsewhere to `cwd`.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { readDotEnv } from "./env.ts";
import { type DatabaseUrl, parseDatabaseUrl } from "./url.ts";

/** The resolved configuration of one run. */
export interface Config {
  /** The database. */
  url: DatabaseUrl;
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
  /** Which layer each setting came from (e.g. `"env DATABASE_URL"`), for `--debug`. */
  source: Record<string, string>;
}

/** Command-line flags that carry settings. */
export interface ConfigFlags {
  /** `-u/--url`. */
  url?: string | undefined;
  /** `-d/--dir`. */
  dir?: string | undefined;
  /** `--config PATH`: the config file to read instead of `strata.json`. */
  config?: string | undefined;
  /** `--lock-timeout SECONDS`. */
  lockTimeout?: string | undefined;
  /** `--statement-lock-timeout SECONDS`. */
  statementLockTimeout?: string | undefined;
}

/** Keys a config file may hold. */
const FILE_KEYS = [
  "url",
  "dir",
  "versionTable",
  "historyTable",
  "lockTimeout",
  "statementLockTimeout",
] as const;
/** Keys whose value is a number of seconds. */
const SECONDS_KEYS: readonly string[] = ["lockTimeout", "statementLockTimeout"];
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

/** One candidate value: where it came from and what to resolve paths against. */
interface Found {
  value: string;
  source: string;
  base: string;
}

type Setting =
  | "url"
  | "dir"
  | "versionTable"
  | "historyTable"
  | "lockTimeout"
  | "statementLockTimeout";
type Layer = (key: Setting) => Found | undefined;

/**
 * Resolves the configuration of a run.
 *
 * @param flags Settings given on the command line.
 * @param env The real environment (e.g. `Deno.env.toObject()`).
 * @param cwd The working directory (absolute).
 * @returns The configuration.
 * @throws {ConfigError} For a malformed URL, a bad table name or timeout, an
 *   unreadable or invalid config file, or an unknown key in it.
 *
 * @example Defaults
 * ```ts
 * import { resolveConfig } from "./resolve.ts";
 * const cwd = await Deno.makeTempDir();
 * const config = await resolveConfig({}, {}, cwd);
 * console.assert(config.url.dialect === "sqlite" && config.dir === `${cwd}/migrations`);
 * console.assert(config.lockTimeoutMs === 300_000 && config.source.url === "default");
 * ```
 */
export async function resolveConfig(
  flags: ConfigFlags,
  env: Record<string, string>,
  cwd: string,
): Promise<Config> {
  const layers: Layer[] = [
    flagLayer(flags, cwd),
    envLayer(env, "env", cwd),
    envLayer(await readDotEnv(cwd), ".env", cwd),
    await fileLayer(flags.config, cwd),
  ];
  const pick = (key: Setting, fallback: string): Found => {
    for (const layer of layers) {
      const found = layer(key);
      if (found !== undefined) return found;
    }
    return { value: fallback, source: "default", base: cwd };
  };

  const url = pick("url", "sqlite:strata.db");
  const dir = pick("dir", "migrations");
  const versionTable = pick("versionTable", "strata_version");
  const historyTable = pick("historyTable", "strata_history");
  const lockTimeout = pick("lockTimeout", String(DEFAULT_LOCK_TIMEOUT_S));
  const statementLockTimeout = pick(
    "statementLockTimeout",
    String(DEFAULT_STATEMENT_LOCK_TIMEOUT_S),
  );
  return {
    url: parseUrlFrom(url),
    dir: isAbsolute(dir.value) ? dir.value : resolve(dir.base, dir.value),
    versionTable: tableName(versionTable, "version table"),
    historyTable: tableName(historyTable, "history table"),
    lockTimeoutMs: seconds(lockTimeout) * 1000,
    statementLockTimeoutMs: seconds(statementLockTimeout, "statement lock timeout") * 1000,
    source: {
      url: url.source,
      dir: dir.source,
      versionTable: versionTable.source,
      historyTable: historyTable.source,
      lockTimeoutMs: lockTimeout.source,
      statementLockTimeoutMs: statementLockTimeout.source,
    },
  };
}

function flagLayer(flags: ConfigFlags, cwd: string): Layer {
  return (key) => {
    if (key === "url" && flags.url) return { value: flags.url, source: "flag --url", base: cwd };
    if (key === "dir" && flags.dir) return { value: flags.dir, source: "flag --dir", base: cwd };
    if (key === "lockTimeout" && flags.lockTimeout) {
      return { value: flags.lockTimeout, source: "flag --lock-timeout", base: cwd };
    }
    if (key === "statementLockTimeout" && flags.statementLockTimeout) {
      const source = "flag --statement-lock-timeout";
      return { value: flags.statementLockTimeout, source, base: cwd };
    }
    return undefined;
  };
}

/** Environment variable names for each setting other than the URL. */
const ENV_NAMES: Record<Exclude<Setting, "url">, string> = {
  dir: "STRATA_DIR",
  versionTable: "STRATA_VERSION_TABLE",
  historyTable: "STRATA_HISTORY_TABLE",
  lockTimeout: "STRATA_LOCK_TIMEOUT",
  statementLockTimeout: "STRATA_STATEMENT_LOCK_TIMEOUT",
};

function envLayer(vars: Record<string, string>, label: string, cwd: string): Layer {
  // Empty values count as unset: `FOO=` in compose files and CI is common.
  const get = (name: string) => (vars[name] ? vars[name] : undefined);
  return (key) => {
    if (key !== "url") {
      const name = ENV_NAMES[key];
      const value = get(name);
      return value === undefined ? undefined : { value, source: `${label} ${name}`, base: cwd };
    }
    for (const name of ["STRATA_URL", "DATABASE_URL"]) {
      const value = get(name);
      if (value !== undefined) return { value, source: `${label} ${name}`, base: cwd };
    }
    const host = get("POSTGRES_HOST");
    if (host === undefined) return undefined;
    const url = new URL("postgres://x");
    url.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
    url.port = get("POSTGRES_PORT") ?? "5432";
    const user = get("POSTGRES_USER") ?? "postgres";
    url.username = encodeURIComponent(user);
    const password = get("POSTGRES_PASSWORD");
    if (password !== undefined) url.password = encodeURIComponent(password);
    url.pathname = `/${encodeURIComponent(get("POSTGRES_DB") ?? user)}`;
    return { value: url.toString(), source: `${label} POSTGRES_*`, base: cwd };
  };
}

async function fileLayer(path: string | undefined, cwd: string): Promise<Layer> {
  const file = path === undefined ? join(cwd, "strata.json") : resolve(cwd, path);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (path === undefined && e instanceof Deno.errors.NotFound) return () => undefined;
    throw new ConfigError(`Cannot read config file "${file}": ${(e as Error).message}`, {
      hint: path === undefined ? "fix its permissions" : "check the --config path",
      cause: e,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`Cannot parse config file "${file}": ${(e as Error).message}`, {
      hint: "it must be a JSON object",
    });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(`Cannot use config file "${file}": it is not a JSON object`);
  }
  const values = data as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (key === "$schema") continue;
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`Cannot use config file "${file}": unknown key "${key}"`, {
        hint: `known keys: ${FILE_KEYS.join(", ")}`,
      });
    }
    const inSeconds = SECONDS_KEYS.includes(key);
    const ok = inSeconds
      ? typeof value === "number" || typeof value === "string"
      : typeof value === "string";
    if (!ok) {
      throw new ConfigError(
        `Cannot use config file "${file}": "${key}" must be a ${
          inSeconds ? "number of seconds" : "string"
        }`,
      );
    }
  }
  const base = dirname(file);
  return (key) => {
    const value = values[key];
    if (value === undefined || value === "") return undefined;
    return { value: String(value), source: `config ${file}`, base };
  };
}

function parseUrlFrom(found: Found): DatabaseUrl {
  try {
    return parseDatabaseUrl(found.value, found.base);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(`${e.message} (from ${found.source})`, { hint: e.hint });
  }
}

function tableName(found: Found, what: string): string {
  if (IDENT.test(found.value) && found.value.length <= 127) return found.value;
  throw new ConfigError(
    `Cannot use "${found.value}" as the ${what} (from ${found.source}): not a plain identifier`,
    { hint: "use letters, digits and underscores, optionally schema-qualified (schema.table)" },
  );
}

function seconds(found: Found, what = "lock timeout"): number {
  const n = Number(found.value.trim());
  if (found.value.trim() !== "" && Number.isFinite(n) && n >= 0) return n;
  throw new ConfigError(
    `Cannot use ${what} "${found.value}" (from ${found.source}): not a number of seconds`,
    { hint: "use a whole or decimal number of seconds, e.g. 300" },
  );
}
