/**
 * Opening a live database connection by URL. The engine in the registry
 * (`dialects/registry.ts`) that the URL's scheme names opens its own driver
 * by dynamic import, so only a PostgreSQL URL loads `./postgres.ts` (and so
 * the postgres.js package), as dbmate registers each driver from its own
 * package.
 *
 * @example Open an in-memory SQLite database
 * ```ts
 * import assert from "node:assert/strict";
 * import { openDriver } from "./mod.ts";
 * const db = await openDriver("sqlite::memory:");
 * assert.equal(db.dialect, "sqlite");
 * await db.close();
 * ```
 *
 * @module
 */
import { type DatabaseUrl, parseDatabaseUrl } from "../config/url.ts";
import { engineByName } from "../dialects/registry.ts";
import type { Driver } from "./driver.ts";

export type { Driver, LockOptions, Queryable, Row, Statement } from "./driver.ts";

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
  /**
   * How long a statement waits for a lock another connection holds, in
   * milliseconds; `0` waits for ever (PostgreSQL `lock_timeout`, SQLite's
   * busy timeout).
   * @default {5000}
   */
  statementLockTimeoutMs?: number;
  /**
   * Who is connecting, as the server lists sessions (PostgreSQL `application_name`).
   * @default {"strata"}
   */
  applicationName?: string;
}

/**
 * Opens a connection for a database URL, through the engine its scheme names.
 *
 * @param url A parsed URL, or URL text (relative SQLite paths resolve against
 *   the current directory).
 * @param options Read-only mode.
 * @returns The connected driver.
 * @throws {ConfigError} When URL text is malformed or its scheme unknown.
 * @throws {ConnectionError} When the database cannot be reached or opened
 *   (the message never contains the password).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openDriver } from "./mod.ts";
 * const db = await openDriver("sqlite::memory:");
 * await db.execute({ sql: "CREATE TABLE t (a integer); INSERT INTO t VALUES (1)" });
 * assert.equal((await db.query("SELECT a FROM t")).length, 1);
 * await db.close();
 * ```
 */
export async function openDriver(
  url: DatabaseUrl | string,
  options: OpenDriverOptions = {},
): Promise<Driver> {
  const parsed = typeof url === "string" ? parseDatabaseUrl(url, Deno.cwd()) : url;
  const engine = engineByName(parsed.dialect);
  return await engine.openDriver(parsed, {
    readOnly: options.readOnly ?? false,
    ...(options.connectTimeoutS ? { connectTimeoutS: options.connectTimeoutS } : {}),
    ...(options.statementLockTimeoutMs === undefined
      ? {}
      : { statementLockTimeoutMs: options.statementLockTimeoutMs }),
    ...(options.applicationName === undefined ? {} : { applicationName: options.applicationName }),
  });
}
