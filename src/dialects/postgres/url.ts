/**
 * PostgreSQL's URLs: `postgres://` and `postgresql://` with SQLAlchemy's
 * `postgresql+DRIVER://`, libpq's defaults for what a URL leaves out, the
 * display form with the password hidden, and URLs built from `POSTGRES_*`
 * parts (the variables the `postgres` Docker image uses, and the config
 * file's `postgres` object). The PostgreSQL engine (`./mod.ts`) hands these
 * to the registry; configuration finds the scheme or the parts and calls them.
 *
 * @example Parsing and showing
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayPostgresUrl, parsePostgresUrl } from "./url.ts";
 * const url = parsePostgresUrl("//app:s%40cret@db/shop", "postgresql+psycopg://app:s%40cret@db/shop");
 * assert.deepEqual([url.host, url.port, url.password], ["db", 5432, "s@cret"]);
 * assert.equal(displayPostgresUrl(url), "postgres://app:***@db:5432/shop");
 * ```
 *
 * @module
 */
import { ConfigError } from "../../errors.ts";
import { hideUserinfo, MASK, maskPasswordParam } from "../../config/redact.ts";
import type { DatabaseUrl } from "../database_url.ts";
import type { GivenPart, UrlParts } from "../engine.ts";

/** A parsed PostgreSQL URL. */
export interface PostgresUrl {
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
}

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

/** The form of a PostgreSQL URL, for hints and the registry's examples. */
export const POSTGRES_URL_EXAMPLES: readonly string[] = [
  "postgres://user:password@host:5432/dbname",
];

const FORMS_HINT = `use ${POSTGRES_URL_EXAMPLES.join(" or ")}`;

const PERCENT_HINT = "percent-encode special characters in the user name and password " +
  "(@ as %40, / as %2F, ? as %3F, # as %23, : as %3A)";

/**
 * What a URL or the parts leave out, as libpq and psql fill it in: host
 * `localhost`, port 5432, user `postgres`; the database defaults to the
 * user's name.
 */
const DEFAULTS = { host: "localhost", port: 5432, user: "postgres" } as const;

/**
 * Parses what follows `postgres:`, `postgresql:` or `postgresql+DRIVER:`. A
 * URL without a user means `postgres`, without a database the user's name,
 * without a host `localhost`, as libpq does.
 *
 * @param rest The URL after the scheme and its colon (`//user@host/db`).
 * @param raw The URL as given, kept in the result; messages show it with its
 *   user information masked.
 * @returns The parsed URL.
 * @throws {ConfigError} When `//` is missing, the user name or password holds
 *   an unencoded `@`, `/`, `?` or `#`, the host or port is malformed, an
 *   encoding is bad, or the database name contains `/`.
 *
 * @example libpq's defaults
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePostgresUrl } from "./url.ts";
 * const url = parsePostgresUrl("//localhost", "postgres://localhost");
 * assert.deepEqual([url.user, url.database, url.port], ["postgres", "postgres", 5432]);
 * ```
 */
export function parsePostgresUrl(rest: string, raw: string): PostgresUrl {
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
  const port = parsed.port === "" ? DEFAULTS.port : Number(parsed.port);
  const user = parsed.username === "" ? DEFAULTS.user : decode(parsed.username, "user name");
  const password = parsed.password === "" ? undefined : decode(parsed.password, "password");
  const path = parsed.pathname.replace(/^\//, "");
  if (path.includes("/")) {
    throw new ConfigError(
      `Cannot parse database URL "${shown}": the database name contains "/"`,
      { hint: FORMS_HINT },
    );
  }
  const database = path === "" ? user : decode(path, "database name");
  const parts = { host: host === "" ? DEFAULTS.host : host, port, user, password, database };
  return postgresUrl(parts, { search: parsed.search, raw });
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
 * import assert from "node:assert/strict";
 * import { postgresUrl } from "./url.ts";
 * const url = postgresUrl({ host: "db", port: 5432, user: "app", password: "p@ss", database: "app" });
 * assert.equal(url.url, "postgres://app:p%40ss@db:5432/app");
 * assert.equal(url.raw, "postgres://app:***@db:5432/app");
 * ```
 */
export function postgresUrl(
  parts: PostgresParts,
  options: { search?: string; raw?: string } = {},
): PostgresUrl {
  const url = new URL("postgres://x");
  url.hostname = parts.host.includes(":") ? `[${parts.host}]` : parts.host;
  url.port = String(parts.port);
  url.username = encodeURIComponent(parts.user);
  if (parts.password !== undefined) url.password = encodeURIComponent(parts.password);
  url.pathname = `/${encodeURIComponent(parts.database)}`;
  url.search = options.search ?? "";
  const parsed = { dialect: "postgres" as const, url: url.toString(), ...parts, raw: "" };
  return { ...parsed, raw: options.raw ?? displayPostgresUrl(parsed) };
}

/**
 * The PostgreSQL URL in `url`, or an error when it is another engine's: the
 * registry hands every engine the whole {@linkcode DatabaseUrl} union.
 *
 * @param url A parsed URL.
 * @returns The same URL, typed as PostgreSQL's.
 * @throws {Error} When `url` belongs to another engine (a bug in the caller).
 */
export function asPostgresUrl(url: DatabaseUrl): PostgresUrl {
  if (url.dialect !== "postgres") throw new Error(`Not a PostgreSQL URL: ${url.dialect}`);
  return url;
}

/**
 * The URL as output shows it: rebuilt from its parts with the password
 * replaced by `***`, the query kept with any `password=` masked.
 *
 * @param url A parsed PostgreSQL URL.
 * @returns Text safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayPostgresUrl, parsePostgresUrl } from "./url.ts";
 * const raw = "postgresql://app:postgres@db/app?sslmode=require";
 * const url = parsePostgresUrl(raw.slice("postgresql:".length), raw);
 * assert.equal(displayPostgresUrl(url), "postgres://app:***@db:5432/app?sslmode=require");
 * ```
 */
export function displayPostgresUrl(url: DatabaseUrl): string {
  const pg = asPostgresUrl(url);
  const host = pg.host.includes(":") ? `[${pg.host}]` : pg.host;
  const user = encodeURIComponent(pg.user) + (pg.password === undefined ? "" : `:${MASK}`);
  const search = maskPasswordParam(new URL(pg.url).search);
  return `postgres://${user}@${host}:${pg.port}/${encodeURIComponent(pg.database)}${search}`;
}

/**
 * Whether a PostgreSQL URL holds a password, in its user information or as a
 * `password=` query parameter.
 *
 * @param url A parsed PostgreSQL URL.
 * @returns `true` when it does.
 */
export function postgresHasPassword(url: DatabaseUrl): boolean {
  const pg = asPostgresUrl(url);
  return pg.password !== undefined || new URL(pg.url).searchParams.has("password");
}

/**
 * PostgreSQL's URL from parts: `POSTGRES_HOST`, `POSTGRES_PORT`,
 * `POSTGRES_USER`, `POSTGRES_PASSWORD` and `POSTGRES_DB` (the names of the
 * `postgres` Docker image), or the config file's `postgres` object with keys
 * `host`, `port`, `user`, `password`, `database`.
 *
 * @example Parts over defaults, and over a URL
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePostgresUrl, POSTGRES_URL_PARTS } from "./url.ts";
 * const user = { value: "app", source: "env POSTGRES_USER" };
 * const alone = POSTGRES_URL_PARTS.build({ user }, undefined);
 * assert.equal(alone.dialect === "postgres" && alone.url, "postgres://app@localhost:5432/app");
 * const base = parsePostgresUrl("//u:pw@db/shop?sslmode=require", "postgres://u:pw@db/shop?sslmode=require");
 * const over = POSTGRES_URL_PARTS.build({ host: { value: "127.0.0.1", source: "env POSTGRES_HOST" } }, base);
 * assert.equal(over.dialect === "postgres" && over.url, "postgres://u:pw@127.0.0.1:5432/shop?sslmode=require");
 * ```
 */
export const POSTGRES_URL_PARTS: UrlParts = {
  fileKey: "postgres",
  label: "POSTGRES_*",
  parts: [
    { name: "host", env: "POSTGRES_HOST", numeric: false, example: "db" },
    { name: "port", env: "POSTGRES_PORT", numeric: true, example: 5432 },
    { name: "user", env: "POSTGRES_USER", numeric: false, example: "app" },
    { name: "password", env: "POSTGRES_PASSWORD", numeric: false },
    { name: "database", env: "POSTGRES_DB", numeric: false, example: "app" },
  ],
  build(given, base) {
    const over = base === undefined ? undefined : asPostgresUrl(base);
    const user = given.user?.value ?? over?.user ?? DEFAULTS.user;
    const parts: PostgresParts = {
      host: given.host?.value ?? over?.host ?? DEFAULTS.host,
      port: given.port ? port(given.port) : over?.port ?? DEFAULTS.port,
      user,
      password: given.password ? given.password.value : over?.password,
      database: given.database?.value ?? over?.database ?? user,
    };
    return over === undefined
      ? postgresUrl(parts)
      : postgresUrl(parts, { search: new URL(over.url).search });
  },
};

function port(given: GivenPart): number {
  const n = Number(given.value.trim());
  if (/^\d+$/.test(given.value.trim()) && n >= 1 && n <= 65535) return n;
  throw new ConfigError(
    `Cannot use port "${given.value}" (from ${given.source}): not a TCP port number`,
    { hint: "use a whole number from 1 to 65535, e.g. 5432" },
  );
}
