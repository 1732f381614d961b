/**
 * Database URLs: parsing the forms Strata accepts (its own and SQLAlchemy's)
 * into a {@linkcode DatabaseUrl}, and the display form that output uses.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { type DialectName, engineByScheme } from "../dialects/registry.ts";
import { hideUserinfo, MASK, maskPasswordParam } from "./redact.ts";

/**
 * How a SQLite file is opened, as SQLite's own `mode` URI parameter:
 * `ro` read-only (the file must exist; writes fail), `rw` read-write (the
 * file must exist), `rwc` read-write, created when missing (the default).
 */
export type SqliteMode = "ro" | "rw" | "rwc";

/** A parsed database URL. The password lives only here, never in messages. */
export type DatabaseUrl =
  | {
    /** The SQLite dialect. */
    dialect: "sqlite";
    /** Absolute file path, or `":memory:"`. */
    path: string;
    /** How the file is opened (`?mode=` in the URL). */
    mode: SqliteMode;
    /** The URL as given. */
    raw: string;
  }
  | {
    /** The PostgreSQL dialect. */
    dialect: "postgres";
    /** Normalized `postgres://` URL, password included: hand only to the driver. */
    url: string;
    /** Host name or address (IPv6 without brackets). */
    host: string;
    /** TCP port. */
    port: number;
    /** User name. */
    user: string;
    /** Password, if the URL has one. */
    password: string | undefined;
    /** Database name. */
    database: string;
    /** The URL as given. */
    raw: string;
  };

const FORMS_HINT = "use sqlite:PATH, sqlite::memory:, sqlite:///relative.db, " +
  "sqlite:////absolute.db or postgres://user:password@host:5432/dbname";

/** Default PostgreSQL port. */
const PG_PORT = 5432;

/**
 * Parses a database URL. Accepted forms: `sqlite:PATH` (relative to `cwd`, or
 * absolute), `sqlite::memory:`, SQLAlchemy's `sqlite:///relative.db` and
 * `sqlite:////absolute.db`, `postgres://`, `postgresql://` and SQLAlchemy's
 * `postgresql+DRIVER://` (the driver suffix is dropped). A PostgreSQL URL
 * without a user means `postgres`, without a database means the user's name,
 * without a host means `localhost`, as libpq does.
 *
 * @param text The URL.
 * @param cwd Directory that relative SQLite paths are resolved against.
 * @returns The parsed URL.
 * @throws {ConfigError} When the URL is malformed or its scheme unknown (the
 *   message shows the URL with its password redacted).
 *
 * @example Relative SQLite path
 * ```ts
 * import { parseDatabaseUrl } from "./url.ts";
 * const url = parseDatabaseUrl("sqlite:app.db", "/srv");
 * console.assert(url.dialect === "sqlite" && url.path === "/srv/app.db");
 * ```
 */
export function parseDatabaseUrl(text: string, cwd: string): DatabaseUrl {
  const raw = text;
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new ConfigError("Cannot parse database URL: it is empty", { hint: FORMS_HINT });
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new ConfigError(
      `Cannot parse database URL "${hideUserinfo(trimmed)}": it has no scheme`,
      {
        hint: looksLikeFile(trimmed) ? `did you mean "sqlite:${trimmed}"?` : FORMS_HINT,
      },
    );
  }
  const rest = trimmed.slice(scheme.length + 1);
  // The registry knows each engine's schemes; an unknown one is a ConfigError.
  return URL_PARSERS[engineByScheme(scheme).name](rest, raw, cwd);
}

/** How each engine's URLs are parsed, by engine name (a new engine adds a line). */
const URL_PARSERS: Record<DialectName, (rest: string, raw: string, cwd: string) => DatabaseUrl> = {
  sqlite: parseSqlite,
  postgres: (rest, raw) => parsePostgres(rest, raw),
};

function looksLikeFile(text: string): boolean {
  return /\.(db|sqlite3?)$/i.test(text);
}

const SQLITE_MODES: readonly SqliteMode[] = ["ro", "rw", "rwc"];

function parseSqlite(rest: string, raw: string, cwd: string): DatabaseUrl {
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

function parsePostgres(rest: string, raw: string): DatabaseUrl {
  const shown = hideUserinfo(raw.trim());
  if (!rest.startsWith("//")) {
    throw new ConfigError(
      `Cannot parse database URL "${shown}": expected "//" after the scheme`,
      { hint: FORMS_HINT },
    );
  }
  // An unencoded "@", "/", "?" or "#" in the password moves the URL's parts
  // ("postgres://app:pa@ss/SECRET@host/db" has host "ss" and database
  // "SECRET@host/db" to a URL parser), so any of them before the last "@"
  // is refused, and the message shows nothing before that "@".
  const authority = rest.slice(2);
  const at = authority.lastIndexOf("@");
  if (at >= 0 && /[@/?#]/.test(authority.slice(0, at))) {
    throw new ConfigError(
      `Cannot parse database URL "${shown}": the user name or password contains ` +
        `"@", "/", "?" or "#" that is not percent-encoded`,
      { hint: PERCENT_HINT },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(`postgres:${rest}`);
  } catch {
    // No cause: URL's TypeError repeats the input, password included.
    throw new ConfigError(`Cannot parse database URL "${shown}"`, {
      hint: `check the host and port; ${PERCENT_HINT}`,
    });
  }
  const decode = (s: string, what: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ConfigError(`Cannot parse database URL "${shown}": bad ${what} encoding`, {
        hint: PERCENT_HINT,
      });
    }
  };
  const bracketed = parsed.hostname;
  const host = bracketed.startsWith("[") ? bracketed.slice(1, -1) : bracketed;
  const port = parsed.port === "" ? PG_PORT : Number(parsed.port);
  const user = parsed.username === "" ? "postgres" : decode(parsed.username, "user name");
  const password = parsed.password === "" ? undefined : decode(parsed.password, "password");
  const path = parsed.pathname.replace(/^\//, "");
  if (path.includes("/")) {
    throw new ConfigError(
      `Cannot parse database URL "${shown}": the database name contains "/"`,
      { hint: FORMS_HINT },
    );
  }
  const database = path === "" ? user : decode(path, "database name");
  const parts = { host: host === "" ? "localhost" : host, port, user, password, database };
  return postgresUrl(parts, { search: parsed.search, raw });
}

const PERCENT_HINT = "percent-encode special characters in the user name and password " +
  "(@ as %40, / as %2F, ? as %3F, # as %23, : as %3A)";

/** The parts of a PostgreSQL URL (as `POSTGRES_*` variables carry them). */
export interface PostgresParts {
  /** Host name or address (IPv6 without brackets). */
  host: string;
  /** TCP port. */
  port: number;
  /** User name. */
  user: string;
  /** Password, if any. */
  password: string | undefined;
  /** Database name. */
  database: string;
}

/**
 * Builds a PostgreSQL URL from its parts, percent-encoding each.
 *
 * @param parts Host, port, user, password, database.
 * @param options `search`: a query string to keep (e.g. `?sslmode=require`);
 *   `raw`: what to record as the URL as given (default: the built URL with
 *   its password masked).
 * @returns The parsed URL.
 *
 * @example
 * ```ts
 * import { postgresUrl } from "./url.ts";
 * import assert from "node:assert";
 * const url = postgresUrl({ host: "db", port: 5432, user: "app", password: "p@ss", database: "app" });
 * assert.equal(url.dialect === "postgres" && url.url, "postgres://app:p%40ss@db:5432/app");
 * ```
 */
export function postgresUrl(
  parts: PostgresParts,
  options: { search?: string; raw?: string } = {},
): DatabaseUrl {
  const url = new URL("postgres://x");
  url.hostname = parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  url.port = String(parts.port);
  url.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) url.password = encodeURIComponent(parts.password);
  url.pathname = `/${encodeURIComponent(parts.database)}`;
  url.search = options.search ?? "";
  const parsed = { dialect: "postgres" as const, url: url.toString(), ...parts, raw: "" };
  return { ...parsed, raw: options.raw ?? displayUrl(parsed) };
}

/**
 * The URL as output shows it: a PostgreSQL URL rebuilt from its parts with
 * the password replaced by `***` (query kept, `password=` masked), a SQLite
 * URL as given.
 *
 * @param url The parsed URL.
 * @returns Text safe to print.
 *
 * @example
 * ```ts
 * import { displayUrl, parseDatabaseUrl } from "./url.ts";
 * import assert from "node:assert";
 * const url = parseDatabaseUrl("postgresql://app:postgres@db/app?sslmode=require", "/");
 * assert.equal(displayUrl(url), "postgres://app:***@db:5432/app?sslmode=require");
 * ```
 */
export function displayUrl(url: DatabaseUrl): string {
  if (url.dialect === "sqlite") return url.raw;
  const host = url.host.includes(":") ? `[${url.host}]` : url.host;
  const user = encodeURIComponent(url.user) + (url.password === undefined ? "" : `:${MASK}`);
  const search = maskPasswordParam(new URL(url.url).search);
  return `postgres://${user}@${host}:${url.port}/${encodeURIComponent(url.database)}${search}`;
}
