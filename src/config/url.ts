/**
 * Database URLs, engine by engine: find the scheme, ask the registry for the
 * engine, let it parse the rest; and show a URL the way its engine displays
 * it. What each engine's URLs look like lives in `dialects/<name>/url.ts`.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { DatabaseUrl } from "../dialects/database_url.ts";
import { engineByName, engineByScheme, ENGINES, urlFormsHint } from "../dialects/registry.ts";
import { hideUserinfo } from "./redact.ts";

export type { DatabaseUrl } from "../dialects/database_url.ts";
export type { SqliteMode, SqliteUrl } from "../dialects/sqlite/url.ts";
export type { PostgresUrl } from "../dialects/postgres/url.ts";

/**
 * Parses a database URL. The scheme picks the engine (any case; SQLAlchemy's
 * `+DRIVER` suffix is dropped), and the engine parses the rest. Accepted
 * forms: `sqlite:PATH` (relative to `cwd`, or absolute), `sqlite::memory:`,
 * SQLAlchemy's `sqlite:///relative.db` and `sqlite:////absolute.db`,
 * `postgres://`, `postgresql://` and `postgresql+DRIVER://`. A PostgreSQL URL
 * without a user means `postgres`, without a database the user's name,
 * without a host `localhost`, as libpq does.
 *
 * @param text The URL.
 * @param cwd Directory that relative file paths are resolved against.
 * @returns The parsed URL, its `dialect` naming the engine.
 * @throws {ConfigError} When the URL is empty, has no scheme, has a scheme
 *   no engine knows (the hint lists the known ones), or is malformed (the
 *   message shows the URL with its password hidden).
 *
 * @example Relative file path
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDatabaseUrl } from "./url.ts";
 * const url = parseDatabaseUrl("sqlite:app.db", "/srv");
 * assert.deepEqual([url.dialect, url.raw], ["sqlite", "sqlite:app.db"]);
 * assert.throws(() => parseDatabaseUrl("mysql://db/app", "/srv"), /unsupported scheme "mysql"/);
 * ```
 */
export function parseDatabaseUrl(text: string, cwd: string): DatabaseUrl {
  const raw = text;
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new ConfigError("Cannot parse database URL: it is empty", { hint: urlFormsHint() });
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    const guess = ENGINES.map((e) => e.guessUrl(trimmed)).find((g) => g !== undefined);
    throw new ConfigError(
      `Cannot parse database URL "${hideUserinfo(trimmed)}": it has no scheme`,
      { hint: guess === undefined ? urlFormsHint() : `did you mean "${guess}"?` },
    );
  }
  // The registry knows each engine's schemes; an unknown one is a ConfigError.
  return engineByScheme(scheme).parseUrl(trimmed.slice(scheme.length + 1), raw, cwd);
}

/**
 * The URL as output shows it, in its engine's display form: passwords
 * replaced by `***` (a PostgreSQL URL is rebuilt from its parts, query kept,
 * `password=` masked; a SQLite URL holds none and is shown as given).
 *
 * @param url The parsed URL.
 * @returns Text safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayUrl, parseDatabaseUrl } from "./url.ts";
 * const url = parseDatabaseUrl("postgresql://app:postgres@db/app?sslmode=require", "/");
 * assert.equal(displayUrl(url), "postgres://app:***@db:5432/app?sslmode=require");
 * ```
 */
export function displayUrl(url: DatabaseUrl): string {
  return engineByName(url.dialect).displayUrl(url);
}
