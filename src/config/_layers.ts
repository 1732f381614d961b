/**
 * The layers settings come from: flags, an environment (the real one or
 * `.env`), and the config file. Each layer answers for itself; ranking them
 * is `resolve.ts`'s job.
 *
 * @module
 */
import { dirname, relative, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { enginesWithUrlParts, type UrlParts } from "../dialects/registry.ts";

/** A setting other than the database URL. */
export type Setting =
  | "dir"
  | "versionTable"
  | "historyTable"
  | "lockTimeout"
  | "statementLockTimeout"
  | "dialect"
  | "template"
  | "schema";

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
  /**
   * The parts of an engine's URL this layer gives (e.g. `POSTGRES_*`
   * variables), by part name.
   *
   * @param spec The engine's URL parts.
   */
  parts(spec: UrlParts): Record<string, Found>;
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
        : key === "statementLockTimeout"
        ? found(flags.statementLockTimeout, "--statement-lock-timeout")
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
  statementLockTimeout: "STRATA_STATEMENT_LOCK_TIMEOUT",
  schema: "STRATA_SCHEMA",
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
    parts: (spec) => {
      const out: Record<string, Found> = {};
      for (const part of spec.parts) {
        const found = get(part.env);
        if (found) out[part.name] = found;
      }
      return out;
    },
  };
}

/**
 * Keys a config file may hold: `url`, each engine's object of URL parts
 * (`postgres`), then the settings.
 */
export const FILE_KEYS: readonly string[] = [
  "url",
  ...enginesWithUrlParts().map(({ parts }) => parts.fileKey),
  "dialect",
  "dir",
  "versionTable",
  "historyTable",
  "lockTimeout",
  "statementLockTimeout",
  "template",
  "schema",
];

/** Config file keys whose value is a number of seconds. */
const SECONDS_KEYS: readonly string[] = ["lockTimeout", "statementLockTimeout"];

/** The engines' URL parts by their config file key (`postgres`). */
const FILE_PARTS = new Map(enginesWithUrlParts().map(({ parts }) => [parts.fileKey, parts]));

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
  return {
    path: file,
    label,
    found: true,
    value: (key) => at(values[key], key),
    url: () => at(values.url, "url"),
    parts: (spec) => {
      const object = (values[spec.fileKey] ?? {}) as Record<string, unknown>;
      const out: Record<string, Found> = {};
      for (const { name } of spec.parts) {
        const found = at(object[name], `${spec.fileKey}.${name}`);
        if (found) out[name] = found;
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
    if (!FILE_KEYS.includes(key)) {
      throw new ConfigError(`Cannot use config file "${file}": unknown key "${key}"`, {
        hint: `known keys: ${FILE_KEYS.join(", ")}`,
      });
    }
    const parts = FILE_PARTS.get(key);
    if (parts !== undefined) {
      checkPartsObject(value, parts, file);
      continue;
    }
    const inSeconds = SECONDS_KEYS.includes(key);
    const ok = inSeconds
      ? typeof value === "number" || typeof value === "string"
      : typeof value === "string";
    if (!ok) {
      const want = inSeconds ? "a number of seconds" : "a string";
      throw new ConfigError(`Cannot use config file "${file}": "${key}" must be ${want}`);
    }
  }
  return data;
}

/** Checks an engine's object of URL parts (`"postgres": {"host": "db"}`). */
function checkPartsObject(value: unknown, spec: UrlParts, file: string): void {
  const key = spec.fileKey;
  if (!isObject(value)) {
    const example = spec.parts.flatMap((p) =>
      p.example === undefined ? [] : [`"${p.name}": ${JSON.stringify(p.example)}`]
    );
    throw new ConfigError(`Cannot use config file "${file}": "${key}" must be an object`, {
      hint: `e.g. "${key}": {${example.join(", ")}}`,
    });
  }
  for (const [name, v] of Object.entries(value)) {
    const part = spec.parts.find((p) => p.name === name);
    if (part === undefined) {
      throw new ConfigError(`Cannot use config file "${file}": unknown key "${key}.${name}"`, {
        hint: `known keys: ${spec.parts.map((p) => p.name).join(", ")}`,
      });
    }
    const ok = typeof v === "string" || (part.numeric && typeof v === "number");
    if (!ok) {
      throw new ConfigError(
        `Cannot use config file "${file}": "${key}.${name}" must be a ${
          part.numeric ? "number" : "string"
        }`,
      );
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
