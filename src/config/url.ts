/**
 * Database URLs: parsing the forms Strata accepts (its own and SQLAlchemy's)
 * into a {@linkcode DatabaseUrl}, and redacting passwords for output.
 *
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { type DialectName, engineByScheme } from "../dialects/registry.ts";

/** A parsed database URL. The password lives only here, never in messages. */
export type DatabaseUrl =
  | {
    /** The SQLite dialect. */
    dialect: "sqlite";
    /** Absolute file path, or `":memory:"`. */
    path: string;
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
    throw new ConfigError(`Cannot parse database URL "${redactUrl(trimmed)}": it has no scheme`, {
      hint: looksLikeFile(trimmed) ? `did you mean "sqlite:${trimmed}"?` : FORMS_HINT,
    });
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

function parseSqlite(rest: string, raw: string, cwd: string): DatabaseUrl {
  let path: string;
  if (rest === ":memory:" || rest === "" || rest === "//" || rest === "///:memory:") {
    return { dialect: "sqlite", path: ":memory:", raw };
  } else if (rest.startsWith("////")) {
    path = rest.slice(3); // SQLAlchemy absolute: sqlite:////abs.db
  } else if (rest.startsWith("///")) {
    path = rest.slice(3); // SQLAlchemy relative: sqlite:///rel.db
  } else if (rest.startsWith("//")) {
    throw new ConfigError(
      `Cannot parse database URL "${redactUrl(raw)}": a SQLite URL has no host`,
      { hint: `use "sqlite:PATH" or "sqlite:///PATH"` },
    );
  } else {
    path = rest;
  }
  if (path === "") {
    throw new ConfigError(`Cannot parse database URL "${redactUrl(raw)}": the path is empty`, {
      hint: FORMS_HINT,
    });
  }
  return { dialect: "sqlite", path: isAbsolute(path) ? path : resolve(cwd, path), raw };
}

function parsePostgres(rest: string, raw: string): DatabaseUrl {
  if (!rest.startsWith("//")) {
    throw new ConfigError(
      `Cannot parse database URL "${redactUrl(raw)}": expected "//" after the scheme`,
      { hint: FORMS_HINT },
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(`postgres:${rest}`);
  } catch {
    // No cause: URL's TypeError repeats the input, password included.
    throw new ConfigError(`Cannot parse database URL "${redactUrl(raw)}"`, {
      hint: "percent-encode special characters in the user name and password " +
        "(e.g. @ as %40, / as %2F)",
    });
  }
  const decode = (s: string, what: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new ConfigError(`Cannot parse database URL "${redactUrl(raw)}": bad ${what} encoding`);
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
      `Cannot parse database URL "${redactUrl(raw)}": database name "${
        redactUrl(path)
      }" contains "/"`,
      { hint: FORMS_HINT },
    );
  }
  const database = path === "" ? user : decode(path, "database name");
  const url = new URL("postgres://x");
  url.hostname = bracketed === "" ? "localhost" : bracketed;
  url.port = String(port);
  url.username = encodeURIComponent(user);
  if (password !== undefined) url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(database)}`;
  url.search = parsed.search;
  return {
    dialect: "postgres",
    url: url.toString(),
    host: host === "" ? "localhost" : host,
    port,
    user,
    password,
    database,
    raw,
  };
}

/**
 * Replaces the password in a URL with `***`. Works on malformed text too, and
 * errs towards hiding more: everything between the user name and the last `@`
 * is masked, as is a `password=` query parameter.
 *
 * @param url Any text that may be a URL.
 * @returns The text with its password masked.
 *
 * @example
 * ```ts
 * import { redactUrl } from "./url.ts";
 * console.assert(redactUrl("postgres://u:secret@h/db") === "postgres://u:***@h/db");
 * ```
 */
export function redactUrl(url: string): string {
  let out = url;
  const start = out.indexOf("://");
  if (start >= 0) {
    const authStart = start + 3;
    const at = out.lastIndexOf("@");
    if (at > authStart) {
      const userinfo = out.slice(authStart, at);
      const colon = userinfo.indexOf(":");
      if (colon >= 0) {
        out = `${out.slice(0, authStart)}${userinfo.slice(0, colon)}:***${out.slice(at)}`;
      }
    }
  } else if (!/^sqlite[:+]/i.test(out)) {
    // No "//": a typo ("postgres:u:pw@h/db", "postgres//u:pw@h/db") or no
    // scheme at all ("u:pw@h/db", where "u:" looks like a scheme). Mask from
    // the first ":" of what may be the user name to the last "@".
    const at = out.lastIndexOf("@");
    const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(out)?.[0] ?? "";
    let colon = out.indexOf(":", scheme.length);
    if (colon < 0 || colon > at) colon = scheme.length - 1;
    if (at > 0 && colon >= 0 && colon < at) out = `${out.slice(0, colon + 1)}***${out.slice(at)}`;
  }
  return out.replace(/([?&]password=)[^&#]*/gi, "$1***");
}
