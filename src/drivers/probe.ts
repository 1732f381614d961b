/**
 * One check of whether a database accepts connections now, for `strata wait`.
 * It never creates anything: no SQLite file, no lock file.
 *
 * What "accepts connections" means:
 * - PostgreSQL: a login succeeds and answers a query (`openPostgres` does
 *   both), so a server still starting up ("the database system is starting
 *   up") is not ready yet.
 * - SQLite: the database's directory exists (a volume that is mounted late
 *   is the usual wait) and the file is a SQLite database, or is absent and
 *   the URL lets `upgrade` create it (`mode=rwc`, the default). With
 *   `mode=ro` or `mode=rw` the file must exist. `:memory:` is always ready.
 *   The file is not opened: its first 16 bytes say whether it is SQLite.
 *
 * @module
 */
import { dirname } from "node:path";
import type { DatabaseUrl } from "../config/url.ts";
import { ConnectionError } from "../errors.ts";

/** Options of {@linkcode probeDatabase}. */
export interface ProbeOptions {
  /** PostgreSQL: seconds to wait for the login. */
  connectTimeoutS?: number;
}

const SQLITE_HEADER = "SQLite format 3\u0000";

/**
 * Checks once whether the database accepts connections.
 *
 * @param url The database.
 * @param options The login timeout.
 * @throws {ConnectionError} When it does not (yet); the message says why.
 *
 * @example
 * ```ts
 * import { probeDatabase } from "./probe.ts";
 * import { parseDatabaseUrl } from "../config/url.ts";
 * import assert from "node:assert/strict";
 * await probeDatabase(parseDatabaseUrl("sqlite::memory:", "/"));
 * await assert.rejects(probeDatabase(parseDatabaseUrl("sqlite:/no/such/dir/app.db", "/")));
 * ```
 */
export async function probeDatabase(url: DatabaseUrl, options: ProbeOptions = {}): Promise<void> {
  if (url.dialect === "sqlite") return await probeSqlite(url.path, url.mode !== "rwc");
  const { openPostgres } = await import("./postgres.ts");
  const driver = await openPostgres(url, {
    ...(options.connectTimeoutS ? { connectTimeoutS: options.connectTimeoutS } : {}),
  });
  await driver.close();
}

async function probeSqlite(path: string, mustExist: boolean): Promise<void> {
  if (path === ":memory:") return;
  const dir = dirname(path);
  const dirInfo = await Deno.stat(dir).catch(() => null);
  if (dirInfo?.isDirectory !== true) {
    throw new ConnectionError(
      `Cannot open SQLite database "${path}": directory "${dir}" does not exist`,
    );
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && !mustExist) return;
    const why = e instanceof Deno.errors.NotFound ? "the file does not exist" : String(e);
    throw new ConnectionError(`Cannot open SQLite database "${path}": ${why}`, { cause: e });
  }
  try {
    const head = new Uint8Array(16);
    let n = 0;
    while (n < head.length) {
      const read = await file.read(head.subarray(n));
      if (read === null) break;
      n += read;
    }
    // An empty file is an empty database to SQLite.
    if (n > 0 && new TextDecoder().decode(head.subarray(0, n)) !== SQLITE_HEADER) {
      throw new ConnectionError(`Cannot open SQLite database "${path}": file is not a database`);
    }
  } finally {
    file.close();
  }
}
