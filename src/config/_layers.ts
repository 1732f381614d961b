/**
 * The layers settings come from: flags, an environment (the real one or
 * `.env`), and the config file. Each layer answers for itself; ranking them
 * is `resolve.ts`'s job.
 *
 * @module
 */
import { dirname, relative, resolve } from "node:path";
import { ConfigError } from "../errors.ts";

/** A setting other than the database URL. */
export type Setting =
  | "dir"
  | "versionTable"
  | "historyTable"
  | "lockTimeout"
  | "dialect"
  | "template";

/** A part of a PostgreSQL URL that `POSTGRES_*` variables can give. */
export type PgPart = "host" | "port" | "user" | "password" | "database";

/** One value: where it came from and what to resolve relative paths against. */
export interface Found {
  value: string;
  /** E.g. `env DATABASE_URL`, `.env POSTGRES_PORT`, `strata.json dir`, `flag --url`. */
  source: string;
  base: string;
}

/** One layer of settings. */
export interface Layer {
  /** A setting, if this layer has it. */
  value(key: Setting): Found | undefined;
  /** A full database URL, if this layer has one. */
  url(): Found | undefined;
  /** The `POSTGRES_*` parts this layer has. */
  parts(): Partial<Record<PgPart, Found>>;
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
}

/** The flags layer. */
export function flagLayer(flags: ConfigFlags, cwd: string): Layer {
  const found = (value: string | undefined, flag: string): Found | undefined =>
    value ? { value, source: `flag ${flag}`, base: cwd } : undefined;
  return {
    value: (key) =>
      key === "dir"
        ? found(flags.dir, "--dir")
        : key === "lockTimeout"
        ? found(flags.lockTimeout, "--lock-timeout")
        : undefined,
    url: () => found(flags.url, "--url"),
    parts: () => ({}),
  };
}

/** Environment variable names for settings. */
const ENV_NAMES: Partial<Record<Setting, string>> = {
  dir: "STRATA_DIR",
  versionTable: "STRATA_VERSION_TABLE",
  historyTable: "STRATA_HISTORY_TABLE",
  lockTimeout: "STRATA_LOCK_TIMEOUT",
};

/** The variables that carry PostgreSQL URL parts, as the `postgres` image names them. */
export const PG_ENV: Record<PgPart, string> = {
  host: "POSTGRES_HOST",
  port: "POSTGRES_PORT",
  user: "POSTGRES_USER",
  password: "POSTGRES_PASSWORD",
  database: "POSTGRES_DB",
};

/** Variables that carry a full URL, highest first. */
export const URL_ENV = ["STRATA_URL", "DATABASE_URL"] as const;

/**
 * An environment layer.
 *
 * @param vars The variables.
 * @param label `env` or `.env`.
 * @param cwd What relative paths resolve against.
 */
export function envLayer(vars: Record<string, string>, label: string, cwd: string): Layer {
  // Empty values count as unset: `FOO=` in compose files and CI is common.
  const get = (name: string | undefined): Found | undefined => {
    const value = name === undefined ? undefined : vars[name];
    return value ? { value, source: `${label} ${name}`, base: cwd } : undefined;
  };
  return {
    value: (key) => get(ENV_NAMES[key]),
    url: () => get(URL_ENV[0]) ?? get(URL_ENV[1]),
    parts: () => {
      const out: Partial<Record<PgPart, Found>> = {};
      for (const [part, name] of Object.entries(PG_ENV) as [PgPart, string][]) {
        const found = get(name);
        if (found) out[part] = found;
      }
      return out;
    },
  };
}

/** Keys a config file may hold. */
export const FILE_KEYS = [
  "url",
  "postgres",
  "dialect",
  "dir",
  "versionTable",
  "historyTable",
  "lockTimeout",
  "template",
] as const;

/** Keys of the config file's `postgres` object. */
const FILE_PG_KEYS: readonly PgPart[] = ["host", "port", "user", "password", "database"];

/** The config file layer and where the file is. */
export interface FileLayer extends Layer {
  /** Absolute path of the file looked for. */
  path: string;
  /** How sources name it: the path relative to the working directory. */
  label: string;
  /** Whether it exists. */
  found: boolean;
}

/**
 * Reads the config file: `strata.json` in `cwd`, or `path` (which must exist).
 *
 * @param path `--config PATH`, or `undefined` for `./strata.json` if present.
 * @param cwd The working directory.
 * @returns The layer.
 * @throws {ConfigError} For an unreadable or invalid file, or an unknown key.
 */
export async function fileLayer(path: string | undefined, cwd: string): Promise<FileLayer> {
  const file = resolve(cwd, path ?? "strata.json");
  const label = relative(cwd, file) || file;
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (path === undefined && e instanceof Deno.errors.NotFound) {
      return { path: file, label, found: false, ...emptyLayer() };
    }
    throw new ConfigError(`Cannot read config file "${file}": ${(e as Error).message}`, {
      hint: path === undefined ? "fix its permissions" : "check the --config path",
      cause: e,
    });
  }
  const values = parseFile(text, file);
  const base = dirname(file);
  const at = (value: unknown, key: string): Found | undefined =>
    value === undefined || value === ""
      ? undefined
      : { value: String(value), source: `${label} ${key}`, base };
  const pg = (values.postgres ?? {}) as Record<string, unknown>;
  return {
    path: file,
    label,
    found: true,
    value: (key) => at(values[key], key),
    url: () => at(values.url, "url"),
    parts: () => {
      const out: Partial<Record<PgPart, Found>> = {};
      for (const part of FILE_PG_KEYS) {
        const found = at(pg[part], `postgres.${part}`);
        if (found) out[part] = found;
      }
      return out;
    },
  };
}

function emptyLayer(): Layer {
  return { value: () => undefined, url: () => undefined, parts: () => ({}) };
}

function parseFile(text: string, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`Cannot parse config file "${file}": ${(e as Error).message}`, {
      hint: "it must be a JSON object",
    });
  }
  if (!isObject(data)) {
    throw new ConfigError(`Cannot use config file "${file}": it is not a JSON object`);
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === "$schema") continue;
    if (!(FILE_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`Cannot use config file "${file}": unknown key "${key}"`, {
        hint: `known keys: ${FILE_KEYS.join(", ")}`,
      });
    }
    if (key === "postgres") {
      checkPgObject(value, file);
      continue;
    }
    const ok = key === "lockTimeout"
      ? typeof value === "number" || typeof value === "string"
      : typeof value === "string";
    if (!ok) {
      const want = key === "lockTimeout" ? "a number of seconds" : "a string";
      throw new ConfigError(`Cannot use config file "${file}": "${key}" must be ${want}`);
    }
  }
  return data;
}

function checkPgObject(value: unknown, file: string): void {
  const example = '{"host": "db", "port": 5432, "user": "app", "database": "app"}';
  if (!isObject(value)) {
    throw new ConfigError(`Cannot use config file "${file}": "postgres" must be an object`, {
      hint: `e.g. "postgres": ${example}`,
    });
  }
  for (const [key, v] of Object.entries(value)) {
    if (!(FILE_PG_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`Cannot use config file "${file}": unknown key "postgres.${key}"`, {
        hint: `known keys: ${FILE_PG_KEYS.join(", ")}`,
      });
    }
    const ok = typeof v === "string" || (key === "port" && typeof v === "number");
    if (!ok) {
      throw new ConfigError(
        `Cannot use config file "${file}": "postgres.${key}" must be a ${
          key === "port" ? "number" : "string"
        }`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
