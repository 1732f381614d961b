/**
 * Opening a live database connection by URL. Only a PostgreSQL URL loads
 * `./postgres.ts` (and so the postgres.js package), by dynamic import, as
 * dbmate registers each driver from its own package.
 *
 * @example Open an in-memory SQLite database
 * ```ts
 * import { openDriver } from "./mod.ts";
 * const db = await openDriver("sqlite::memory:");
 * console.assert(db.dialect === "sqlite");
 * await db.close();
 * ```
 *
 * @module
 */
import { type DatabaseUrl, parseDatabaseUrl } from "../config/url.ts";
import type { Driver } from "./driver.ts";
import { openSqlite } from "./sqlite.ts";

export type { Driver, LockOptions, Queryable, Statement } from "./driver.ts";

/** Options for {@linkcode openDriver}. */
export interface OpenDriverOptions {
  /**
   * Open for reading only: SQLite opens the file read-only; PostgreSQL sets
   * `default_transaction_read_only`.
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * PostgreSQL: seconds to wait for the server's login (default: the URL's
   * `connect_timeout`, else 10).
   */
  connectTimeoutS?: number;
}

/**
 * Opens a connection for a database URL, choosing the driver by its scheme.
 *
 * @param url A parsed URL, or URL text (relative SQLite paths resolve against
 *   the current directory).
 * @param options Read-only mode.
 * @returns The connected driver.
 * @throws {ConfigError} When URL text is malformed.
 * @throws {ConnectionError} When the database cannot be reached or opened
 *   (the message never contains the password).
 *
 * @example
 * ```ts
 * import { openDriver } from "./mod.ts";
 * const db = await openDriver("sqlite::memory:");
 * await db.execute({ sql: "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)" });
 * console.assert((await db.query("SELECT a FROM t")).length === 1);
 * await db.close();
 * ```
 */
export async function openDriver(
  url: DatabaseUrl | string,
  options: OpenDriverOptions = {},
): Promise<Driver> {
  const parsed = typeof url === "string" ? parseDatabaseUrl(url, Deno.cwd()) : url;
  const readOnly = options.readOnly ?? false;
  if (parsed.dialect === "sqlite") {
    // The URL's mode=ro/rw: read-only, or an existing file only.
    return openSqlite(parsed.path, {
      readOnly: readOnly || parsed.mode === "ro",
      create: parsed.mode === "rwc",
    });
  }
  const { openPostgres } = await import("./postgres.ts");
  return await openPostgres(parsed, {
    readOnly,
    ...(options.connectTimeoutS ? { connectTimeoutS: options.connectTimeoutS } : {}),
  });
}
