/**
 * The PostgreSQL driver, on postgres.js. Loaded only for a postgres URL (see
 * `./mod.ts`), so SQLite users never load the package.
 *
 * One session (`max: 1`, no lifetime recycling) carries the advisory lock,
 * the transactions and every query, so the lock really covers the run.
 *
 * Session settings (issue 9.4): `lock_timeout` bounds how long a statement
 * waits for a table lock another session holds (the statement fails, naming
 * the blocker; see `_pg_lock_wait.ts`), `application_name` says which Strata
 * command a session belongs to (`strata 0.1.0 upgrade`), and on PostgreSQL 14
 * and later `client_connection_check_interval` lets the server notice within
 * seconds that a killed Strata is gone, even while a statement of it runs or
 * waits, so an orphaned session never keeps its locks.
 *
 * Transactions are `BEGIN`/`COMMIT` on the one session rather than
 * postgres.js's `sql.begin`: `BEGIN` goes out together with the first
 * statement (one round trip less per migration), and after the server drops
 * the session nothing more is sent on it (postgres.js's own rollback would
 * write to the closed socket and crash the process with a `TypeError`).
 *
 * @module
 */
import postgres from "npm:postgres@3.4.9";
import type { DatabaseUrl } from "../config/url.ts";
import type { Driver, LockOptions, Queryable, Row, Statement } from "./driver.ts";
import { advisoryLock, lockKeys } from "./_pg_lock.ts";
import { displayPgUrl, mapPgError } from "./_pg_errors.ts";
import { LockWaitWatch } from "./_pg_lock_wait.ts";
import { PgSockets } from "./_pg_socket.ts";
import {
  BEGIN,
  COMMIT,
  ROLLBACK,
  savepointSql,
  sessionStartSql,
} from "../dialects/postgres/session_sql.ts";
import { ConnectionError, StrataError, VersionConflictError } from "../errors.ts";

/** A parsed PostgreSQL URL. */
export type PostgresUrl = Extract<DatabaseUrl, { dialect: "postgres" }>;

/** Options for {@linkcode openPostgres}. */
export interface PostgresOptions {
  /**
   * Start every transaction read-only (`default_transaction_read_only`).
   * @default {false}
   */
  readOnly?: boolean;
  /**
   * Seconds to wait for the connection and login to complete. The URL's
   * `connect_timeout` query parameter (as libpq reads it) applies when this
   * is not given.
   * @default {10}
   */
  connectTimeoutS?: number;
  /**
   * How long a statement waits for a lock another session holds
   * (`lock_timeout`), in milliseconds; `0` waits for ever.
   * @default {5000}
   */
  statementLockTimeoutMs?: number;
  /**
   * The session's `application_name`, as `pg_stat_activity` shows it.
   * @default {"strata"}
   */
  applicationName?: string;
}

/** How often the server checks that the client is still there (PostgreSQL 14+). */
const CLIENT_CHECK_MS = 2000;

type Sql = postgres.Sql<Record<string, unknown>>;

/** int8 as a number when it is safe, as a bigint when it is not (count(*) is int8). */
const INT8 = {
  to: 20,
  from: [20],
  serialize: (x: unknown) => String(x),
  parse: (x: string): number | bigint => {
    const n = Number(x);
    return Number.isSafeInteger(n) ? n : BigInt(x);
  },
};

/**
 * json/jsonb parameters: postgres.js would JSON-encode a string a second time
 * (storing `"{\"a\":1}"`). Strings are already JSON text (that is how the
 * dialect and the SQLite driver pass objects), so pass them through.
 */
const JSON_TYPE = {
  to: 3802,
  from: [114, 3802],
  serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
  parse: (x: string): unknown => JSON.parse(x),
};

/**
 * date/timestamp/timestamptz parameters: a string passes through as written.
 * postgres.js would round it through a JavaScript Date, losing microseconds
 * (and failing on `infinity`), so an INSERT would store less than the offline
 * script's literal or a COPY does. A Date (or a number of milliseconds) is
 * sent as its ISO text, as before; values read still come back as Date.
 */
const DATE_TYPE = {
  to: 1184,
  from: [1082, 1114, 1184],
  serialize: (x: unknown) =>
    x instanceof Date || typeof x === "number" ? new Date(x).toISOString() : String(x),
  parse: (x: string): Date => new Date(x),
};

function bindParams(params: readonly unknown[] | undefined): postgres.ParameterOrJSON<never>[] {
  // postgres.js rejects undefined; the driver contract says it means NULL.
  return (params ?? []).map((p) => (p === undefined ? null : p)) as postgres.ParameterOrJSON<
    never
  >[];
}

/** A plain object per row; bytea as a plain Uint8Array (not a Node Buffer), as on SQLite. */
function plainRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const key in row) {
    const v = row[key];
    out[key] = v instanceof Uint8Array && v.constructor !== Uint8Array ? new Uint8Array(v) : v;
  }
  return out;
}

/**
 * Runs `COPY … FROM STDIN` and sends `data` (in the COPY format), piece by piece.
 *
 * postgres.js 3.4.9 never settles the writable when the server rejects the
 * data after the end of input (porsager/postgres#1173: the error goes to the
 * query's `reject`, whose promise already resolved with the stream), so the
 * query's `reject` is wrapped to hear that error too.
 */
async function copyIn(
  conn: Sql | postgres.TransactionSql<Record<string, unknown>>,
  sql: string,
  data: Iterable<string>,
): Promise<void> {
  const query = conn.unsafe(sql) as unknown as {
    reject: (e: unknown) => void;
    writable(): Promise<NodeWritable>;
  };
  let rejected: (e: unknown) => void = () => {};
  const serverError = new Promise<never>((_, reject) => (rejected = reject));
  serverError.catch(() => {});
  const reject = query.reject;
  query.reject = (e) => {
    rejected(e);
    reject(e);
  };
  const stream = await Promise.race([query.writable(), serverError]);
  const done = new Promise<void>((resolve, reject) => {
    stream.once("finish", () => resolve());
    stream.once("error", reject);
  });
  // Each piece is written as soon as it is rendered, so the server loads
  // one while the next is made; a full socket buffer makes us wait.
  const encoder = new TextEncoder();
  for (const piece of data) {
    if (!stream.write(encoder.encode(piece))) {
      await Promise.race([new Promise((r) => stream.once("drain", r)), serverError, done]);
    }
  }
  stream.end();
  await Promise.race([done, serverError]);
}

/** The parts of a Node writable stream that {@linkcode copyIn} uses. */
interface NodeWritable {
  write(chunk: Uint8Array): boolean;
  end(): void;
  once(event: string, listener: (arg?: unknown) => void): void;
}

/**
 * A live PostgreSQL connection. Create one with {@linkcode openPostgres} (or
 * `openDriver` in `./mod.ts`).
 */
export class PostgresDriver implements Driver {
  /** Always `"postgres"`. */
  readonly dialect = "postgres" as const;
  /** The URL, password included: never print it (use `displayUrl` from `config/url.ts`). */
  readonly url: PostgresUrl;
  #sql: Sql;
  /** Open transactions and savepoints on the session (0: none). */
  #depth = 0;
  /** Set by postgres.js's `onclose`: the session (and any advisory lock) is gone. */
  #session: { lost: boolean };
  #locksHeld = 0;
  #watch: LockWaitWatch | undefined;
  #sockets: PgSockets | undefined;

  /**
   * @param url The parsed URL.
   * @param sql The postgres.js client (max 1 connection).
   * @param session Flag that `onclose` sets when the session ends.
   * @param extras Explains statements that time out waiting for a lock; the
   *   client's sockets (referenced only while a query runs).
   */
  constructor(
    url: PostgresUrl,
    sql: Sql,
    session: { lost: boolean } = { lost: false },
    extras: { watch?: LockWaitWatch; sockets?: PgSockets } = {},
  ) {
    this.url = url;
    this.#sql = sql;
    this.#session = session;
    this.#watch = extras.watch;
    this.#sockets = extras.sockets;
  }

  /** Runs `fn` with the connection referenced, so the process waits for it. */
  #busy<T>(fn: () => Promise<T>): Promise<T> {
    return this.#sockets === undefined ? fn() : this.#sockets.busy(fn);
  }

  /**
   * The connection to use. postgres.js reconnects silently after a dropped
   * session, which would quietly drop the advisory lock or run the rest of a
   * transaction outside it: while a lock is held or a transaction is open, a
   * lost session is an error instead.
   */
  #conn(): Sql {
    if (this.#session.lost && (this.#locksHeld > 0 || this.#depth > 0)) {
      const what = this.#locksHeld > 0 ? "the migration lock" : "the open transaction";
      throw new ConnectionError(
        `Lost the connection to ${displayPgUrl(this.url)}: ${what} went with it`,
        { hint: "the server closed the session; run the command again" },
      );
    }
    return this.#sql;
  }

  /** Runs `run` (one statement), explaining a lock timeout with what the watch saw. */
  async #statement<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const watching = this.#watch?.start();
    try {
      return await this.#busy(run);
    } catch (e) {
      const mapped = mapPgError(e, this.url, sql);
      throw (await this.#watch?.explain(mapped, watching)) ?? mapped;
    } finally {
      watching?.stop();
    }
  }

  /**
   * Runs a statement. Without params the text may hold several statements
   * (simple protocol); `batch` runs it once per parameter row; `copy` sends
   * its data to a `COPY … FROM STDIN`.
   *
   * @param stmt The statement, with `$1` placeholders.
   * @throws {QueryError} When the server rejects it.
   * @throws {ConnectionError} When the connection is lost.
   */
  async execute(stmt: Statement): Promise<void> {
    const { sql, params, batch, copy, expectChanges } = stmt;
    // `reuse` is not used here: the client runs with prepare: false (named
    // statements break behind transaction poolers), so Strata's own
    // bookkeeping comes as one simple query instead (see the dialect's recordStep).
    let count: number | null = null;
    try {
      await this.#statement(sql, async () => {
        const conn = this.#conn();
        if (copy !== undefined) {
          await copyIn(conn, sql, copy);
        } else if (batch !== undefined) {
          for (const row of batch) await conn.unsafe(sql, bindParams(row));
        } else if (params === undefined || params.length === 0) {
          count = (await conn.unsafe(sql).simple()).count;
        } else {
          count = (await conn.unsafe(sql, bindParams(params))).count;
        }
      });
    } catch (e) {
      const code = (e as { cause?: { code?: unknown } }).cause?.code;
      if (expectChanges !== undefined && code === "23505") {
        throw VersionConflictError.changed(sql, expectChanges, undefined, e);
      }
      throw e;
    }
    if (expectChanges !== undefined && count !== expectChanges) {
      throw VersionConflictError.changed(sql, expectChanges, count ?? 0);
    }
  }

  /**
   * Runs a query and returns its rows. int8 comes back as a number when it is
   * a safe integer, otherwise a bigint; numeric as text; timestamps as Date.
   *
   * @param sql The query, with `$1` placeholders.
   * @param params Bound parameters (`undefined` is NULL).
   * @returns The rows.
   * @throws {QueryError} When the server rejects it.
   */
  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    const rows = await this.#statement(sql, () => this.#conn().unsafe(sql, bindParams(params)));
    return rows.map(plainRow);
  }

  /**
   * Runs `fn` in a transaction; a nested call uses a savepoint. While it
   * runs, this driver's own `execute`/`query` also go through it (there is
   * one session). `BEGIN` is sent without waiting for its reply, so it
   * travels with the first statement.
   *
   * @param fn The work; its argument runs statements in the transaction.
   * @returns What `fn` returns, after COMMIT.
   * @throws What `fn` throws, after ROLLBACK (none is sent when the session
   *   is gone: the server rolled back already).
   */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const depth = this.#depth;
    const name = `strata_sp_${depth}`;
    const sp = savepointSql(name);
    const [open, commit, rollback] = depth === 0
      ? [BEGIN, COMMIT, ROLLBACK]
      : [sp.open, sp.release, sp.rollback];
    const opened = this.#conn().unsafe(open).simple();
    opened.catch(() => {}); // awaited below; fn's first statement fails the same way
    this.#depth++;
    try {
      let result: T;
      try {
        result = await fn(this);
        await this.#statement(open, () => opened);
        await this.#statement(commit, () => this.#conn().unsafe(commit).simple());
      } catch (e) {
        if (!this.#session.lost) {
          await this.#busy(() => this.#sql.unsafe(rollback).simple()).then(() => {}, () => {});
        }
        throw e instanceof StrataError ? e : mapPgError(e, this.url, open);
      }
      return result;
    } finally {
      this.#depth--;
    }
  }

  /**
   * Takes a session advisory lock keyed by a 64-bit hash of `name`, polling
   * `pg_try_advisory_lock` so the wait can time out and report the holder.
   *
   * @param name The lock's name.
   * @param options Timeout and the wait callback.
   * @returns The function that releases the lock.
   * @throws {LockTimeoutError} When another session holds it for `timeoutMs`.
   */
  async lock(name: string, options: LockOptions): Promise<() => Promise<void>> {
    if (this.#locksHeld === 0) this.#session.lost = false;
    const release = await advisoryLock(this, await lockKeys(this, name), options);
    this.#locksHeld++;
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.#locksHeld--;
      // A lost session took the lock with it: nothing to unlock.
      if (!this.#session.lost) await release();
    };
  }

  /** Closes the connection (waits up to 5 s for running queries). */
  async close(): Promise<void> {
    await this.#busy(async () => {
      await this.#watch?.close();
      await this.#sql.end({ timeout: 5 });
    });
  }
}

/**
 * Connects to PostgreSQL and checks the connection with a first query, so a
 * wrong password or missing database fails here with a clear message.
 *
 * @param url The parsed URL.
 * @param options Read-only mode and connect timeout.
 * @returns The connected driver.
 * @throws {ConnectionError} When the server cannot be reached, rejects the
 *   login, or has no such database (the message never contains the password).
 *
 * @example
 * ```ts ignore
 * import { openPostgres } from "./postgres.ts";
 * import { parseDatabaseUrl } from "../config/url.ts";
 * const url = parseDatabaseUrl("postgres://app:secret@localhost/app", Deno.cwd());
 * if (url.dialect === "postgres") {
 *   const db = await openPostgres(url);
 *   console.log(await db.query("SELECT 1 AS one"));
 *   await db.close();
 * }
 * ```
 */
export async function openPostgres(
  url: PostgresUrl,
  options: PostgresOptions = {},
): Promise<PostgresDriver> {
  const timeoutS = options.connectTimeoutS ?? urlConnectTimeout(url) ?? DEFAULT_CONNECT_TIMEOUT_S;
  const lockTimeoutMs = Math.max(0, Math.round(options.statementLockTimeoutMs ?? 5000));
  const applicationName = options.applicationName ?? "strata";
  const connection: Record<string, string> = {
    application_name: applicationName,
    lock_timeout: String(lockTimeoutMs),
  };
  if (options.readOnly) connection.default_transaction_read_only = "on";
  const session = { lost: false };
  const sockets = new PgSockets(timeoutS);
  const sql = postgres(url.url, {
    ...clientOptions(url, sockets, timeoutS),
    max_lifetime: null,
    onclose: () => {
      session.lost = true;
    },
    connection,
    types: { int8: INT8, json: JSON_TYPE, date: DATE_TYPE },
  }) as unknown as Sql;
  // postgres.js bounds only the wait for its first reply: when a server (or
  // a proxy in front of it) accepts the TCP connection and then closes it
  // during start-up, it reconnects for ever. So the first query has its own
  // deadline.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ConnectionError(
          `Cannot connect to ${displayPgUrl(url)}: no PostgreSQL login within ${timeoutS} s`,
          {
            hint: `check that ${url.host}:${url.port} is a reachable PostgreSQL server ` +
              "(not another service, or a proxy without a backend)",
          },
        ),
      );
    }, timeoutS * 1000);
  });
  // The first query checks the login and, on PostgreSQL 14 and later (the
  // setting is unknown before), has the server check every few seconds that
  // this client is still there.
  const first = sql.unsafe(sessionStartSql(CLIENT_CHECK_MS));
  // When the deadline wins, ending the client rejects the query later: not unhandled.
  first.catch(() => {});
  let pid: number;
  try {
    const [row] = await sockets.busy(() => Promise.race([first, deadline]));
    pid = Number(row?.pid);
  } catch (e) {
    await sql.end({ timeout: 0 }).catch(() => {});
    throw mapPgError(e, url, undefined);
  } finally {
    clearTimeout(timer);
  }
  const watch = lockTimeoutMs > 0
    ? new LockWaitWatch({ url, pid, lockTimeoutMs, applicationName, open: monitorClient })
    : undefined;
  return new PostgresDriver(
    url,
    sql,
    session,
    watch === undefined ? { sockets } : {
      watch,
      sockets,
    },
  );
}

/** A second, small client for the lock-wait watch (same server and login). */
function monitorClient(url: PostgresUrl, applicationName: string): Sql {
  // Its sockets are never referenced: it only talks while the main session's
  // statement (which is) runs.
  const sockets = new PgSockets(5);
  return postgres(url.url, {
    ...clientOptions(url, sockets, 5),
    connection: { application_name: applicationName.slice(0, 40) + " (lock watch)" },
    types: { int8: INT8 },
  }) as unknown as Sql;
}

/**
 * What both of Strata's clients share: one unprepared connection to the
 * URL's server and database, over sockets `sockets` makes, no notices.
 */
function clientOptions(url: PostgresUrl, sockets: PgSockets, connectTimeoutS: number) {
  return {
    // Undeclared in postgres.js's types, documented in its README.
    ...({ socket: sockets.factory(url.host, url.port) } as object),
    host: url.host,
    port: url.port,
    username: url.user,
    ...(url.password === undefined ? {} : { password: url.password }),
    database: url.database,
    max: 1,
    idle_timeout: 0,
    connect_timeout: connectTimeoutS,
    prepare: false,
    onnotice: () => {},
  };
}

const DEFAULT_CONNECT_TIMEOUT_S = 10;

/** `?connect_timeout=N` in the URL, as libpq reads it; `undefined` when absent or not positive. */
function urlConnectTimeout(url: PostgresUrl): number | undefined {
  const raw = new URL(url.url).searchParams.get("connect_timeout");
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
