/**
 * SQLite's URLs: the forms Strata accepts (its own `sqlite:PATH` and
 * SQLAlchemy's `sqlite:///relative.db`, `sqlite:////absolute.db`), SQLite's
 * `mode` parameter, and how output shows them. The SQLite engine
 * (`./mod.ts`) hands these to the registry; `config/url.ts` finds the scheme
 * and calls them.
 *
 * @example Parsing and showing
 * ```ts
 * import assert from "node:assert/strict";
 * import { displaySqliteUrl, parseSqliteUrl } from "./url.ts";
 * const url = parseSqliteUrl("app.db?mode=ro", "sqlite:app.db?mode=ro", "/srv");
 * assert.deepEqual([url.path, url.mode], ["/srv/app.db", "ro"]);
 * assert.equal(displaySqliteUrl(url), "sqlite:app.db?mode=ro");
 * ```
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../../errors.ts";
import type { DatabaseUrl } from "../database_url.ts";

/**
 * How a SQLite file is opened, as SQLite's own `mode` URI parameter:
 * `ro` read-only (the file must exist; writes fail), `rw` read-write (the
 * file must exist), `rwc` read-write, created when missing (the default).
 */
export type SqliteMode = "ro" | "rw" | "rwc";

/** A parsed SQLite URL. */
export interface SqliteUrl {
  /** The SQLite dialect. */
  dialect: "sqlite";
  /** Absolute file path, or `":memory:"`. */
  path: string;
  /** How the file is opened (`?mode=` in the URL). */
  mode: SqliteMode;
  /** The URL as given. */
  raw: string;
}

/** The forms a SQLite URL takes, for hints and the registry's examples. */
export const SQLITE_URL_EXAMPLES: readonly string[] = [
  "sqlite:PATH",
  "sqlite::memory:",
  "sqlite:///relative.db",
  "sqlite:////absolute.db",
];

const FORMS_HINT = `use ${SQLITE_URL_EXAMPLES.slice(0, -1).join(", ")} or ` +
  `${SQLITE_URL_EXAMPLES.at(-1)}`;

const SQLITE_MODES: readonly SqliteMode[] = ["ro", "rw", "rwc"];

/**
 * Parses what follows `sqlite:` (or `sqlite+DRIVER:`): `PATH` relative to
 * `cwd` or absolute, `:memory:`, SQLAlchemy's `///relative.db` and
 * `////absolute.db` (and `//`, its in-memory form), then `?mode=ro|rw|rwc`.
 *
 * @param rest The URL after the scheme and its colon.
 * @param raw The URL as given, kept in the result and shown in messages (it
 *   holds no credentials).
 * @param cwd Directory that relative paths are resolved against.
 * @returns The parsed URL.
 * @throws {ConfigError} For a host (`sqlite://host/app.db`), an empty path,
 *   a parameter other than `mode`, an unknown or repeated mode, or a mode
 *   other than `rwc` for an in-memory database.
 *
 * @example SQLAlchemy's absolute form
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseSqliteUrl } from "./url.ts";
 * assert.equal(parseSqliteUrl("////var/app.db", "sqlite:////var/app.db", "/srv").path, "/var/app.db");
 * assert.throws(() => parseSqliteUrl("//host/app.db", "sqlite://host/app.db", "/srv"), /no host/);
 * ```
 */
export function parseSqliteUrl(rest: string, raw: string, cwd: string): SqliteUrl {
  const q = rest.indexOf("?");
  const mode = sqliteMode(q < 0 ? "" : rest.slice(q + 1), raw);
  const target = q < 0 ? rest : rest.slice(0, q);
  let path: string;
  if (target === ":memory:" || target === "" || target === "//" || target === "///:memory:") {
    if (mode !== "rwc") {
      throw new ConfigError(
        `Cannot use database URL "${raw}": mode=${mode} needs a database file, not memory`,
        { hint: "name a file, e.g. sqlite:app.db?mode=ro" },
      );
    }
    return { dialect: "sqlite", path: ":memory:", mode, raw };
  } else if (target.startsWith("////")) {
    path = target.slice(3); // SQLAlchemy absolute: sqlite:////abs.db
  } else if (target.startsWith("///")) {
    path = target.slice(3); // SQLAlchemy relative: sqlite:///rel.db
  } else if (target.startsWith("//")) {
    throw new ConfigError(
      `Cannot parse database URL "${raw}": a SQLite URL has no host`,
      { hint: `use "sqlite:PATH" or "sqlite:///PATH"` },
    );
  } else {
    path = target;
  }
  if (path === "") {
    throw new ConfigError(`Cannot parse database URL "${raw}": the path is empty`, {
      hint: FORMS_HINT,
    });
  }
  return { dialect: "sqlite", path: isAbsolute(path) ? path : resolve(cwd, path), mode, raw };
}

/**
 * Reads the query of a SQLite URL. Only `mode` has a meaning for a migrator;
 * anything else is refused rather than ignored (or, as before, made part of
 * the file name).
 */
function sqliteMode(query: string, raw: string): SqliteMode {
  let mode: SqliteMode = "rwc";
  const seen = new Set<string>();
  for (const [key, value] of new URLSearchParams(query)) {
    if (key !== "mode") {
      throw new ConfigError(`Cannot use database URL "${raw}": unknown parameter "${key}"`, {
        hint: "a SQLite URL takes only mode=ro, mode=rw or mode=rwc ",
      });
    }
    if (seen.has(key)) {
      throw new ConfigError(`Cannot use database URL "${raw}": "${key}" is given twice`);
    }
    seen.add(key);
    if (!(SQLITE_MODES as readonly string[]).includes(value)) {
      throw new ConfigError(`Cannot use database URL "${raw}": unknown mode "${value}"`, {
        hint: "use mode=ro (read-only), mode=rw (existing file) or mode=rwc (the default)",
      });
    }
    mode = value as SqliteMode;
  }
  return mode;
}

/**
 * The SQLite URL in `url`, or an error when it is another engine's: the
 * registry hands every engine the whole {@linkcode DatabaseUrl} union.
 *
 * @param url A parsed URL.
 * @returns The same URL, typed as SQLite's.
 * @throws {Error} When `url` belongs to another engine (a bug in the caller).
 */
export function asSqliteUrl(url: DatabaseUrl): SqliteUrl {
  if (url.dialect !== "sqlite") throw new Error(`Not a SQLite URL: ${url.dialect}`);
  return url;
}

/**
 * The URL as output shows it: as given (a SQLite URL holds no credentials).
 *
 * @param url A parsed SQLite URL.
 * @returns Text safe to print.
 */
export function displaySqliteUrl(url: DatabaseUrl): string {
  return asSqliteUrl(url).raw;
}

/**
 * The URL a scheme-less text probably meant: a file name ending in `.db`,
 * `.sqlite` or `.sqlite3` was most likely meant as `sqlite:NAME`.
 *
 * @param text The text given as a URL, without a scheme.
 * @returns `sqlite:TEXT`, or `undefined` when the text does not look like a
 *   database file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { guessSqliteUrl } from "./url.ts";
 * assert.equal(guessSqliteUrl("app.db"), "sqlite:app.db");
 * assert.equal(guessSqliteUrl("db.example.com"), undefined);
 * ```
 */
export function guessSqliteUrl(text: string): string | undefined {
  return /\.(db|sqlite3?)$/i.test(text) ? `sqlite:${text}` : undefined;
}
