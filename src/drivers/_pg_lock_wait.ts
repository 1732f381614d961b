/**
 * Names the blocker when a statement gives up waiting for a lock (issue 9.4).
 *
 * Strata's session runs with `lock_timeout`, so a migration's `ALTER TABLE`
 * behind an application's open transaction fails after a while instead of
 * waiting for ever (and holding up, in the lock queue behind it, every query
 * of the application on that table). The error PostgreSQL sends says only
 * "canceling statement due to lock timeout": not which table, nor who holds
 * it. By then the wait is over, so `pg_blocking_pids()` has nothing left to
 * tell. So while a statement runs longer than a fraction of the timeout, a
 * second small session (opened on first need, named `… (lock watch)`) looks
 * at what Strata's session waits for and who blocks it; when the statement
 * then fails with a lock timeout, the last look goes into the message.
 *
 * @module
 */
import type postgres from "npm:postgres@3.4.9";
import type { DatabaseUrl } from "../config/url.ts";
import { QueryError } from "../errors.ts";
import { LOCK_WAIT } from "../dialects/postgres/session_sql.ts";

type PostgresUrl = Extract<DatabaseUrl, { dialect: "postgres" }>;
type Sql = postgres.Sql<Record<string, unknown>>;

/** One look: the lock waited for and the sessions holding it. */
interface Sample {
  lock: string;
  blockers: { pid: number; text: string }[];
}

/** A statement being watched. */
export interface Watching {
  /** The last look that found the session waiting, if any. */
  readonly sample: Sample | undefined;
  /** Ends the watch (the statement finished). */
  stop(): void;
}

/** Options of {@linkcode LockWaitWatch}. */
export interface LockWaitWatchOptions {
  url: PostgresUrl;
  /** Strata's session (`pg_backend_pid()`). */
  pid: number;
  /** The session's `lock_timeout`. */
  lockTimeoutMs: number;
  applicationName: string;
  /** Opens the watching session's client. */
  open(url: PostgresUrl, applicationName: string): Sql;
}

/** Watches statements of one session for lock waits. */
export class LockWaitWatch {
  #options: LockWaitWatchOptions;
  #client: Sql | undefined;
  #everyMs: number;

  /** @param options The session, its lock timeout and how to open the watcher. */
  constructor(options: LockWaitWatchOptions) {
    this.#options = options;
    // A few looks within the timeout; the last one before it fires counts.
    this.#everyMs = Math.min(1000, Math.max(100, Math.floor(options.lockTimeoutMs / 4)));
  }

  /**
   * Starts watching one statement.
   *
   * @returns The watch; call `stop()` when the statement ends.
   */
  start(): Watching {
    let sample: Sample | undefined;
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      this.#look().then((s) => {
        if (s !== undefined) sample = s;
      }).finally(() => (busy = false));
    }, this.#everyMs);
    Deno.unrefTimer(timer);
    return {
      get sample() {
        return sample;
      },
      stop: () => clearInterval(timer),
    };
  }

  /**
   * Rewrites a lock-timeout error so it names the lock and the blocker.
   *
   * @param err The statement's (mapped) error.
   * @param watching The statement's watch.
   * @returns The better error, or `undefined` to keep `err`.
   */
  async explain(err: unknown, watching: Watching | undefined): Promise<Error | undefined> {
    if (!(err instanceof QueryError)) return undefined;
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    if (code !== "55P03" || !/lock timeout/i.test(err.message)) return undefined;
    // A statement cancelled between two looks: the timer's next look would be late.
    await Promise.resolve();
    const sample = watching?.sample;
    const seconds = `${Number((this.#options.lockTimeoutMs / 1000).toFixed(3))} s`;
    const what = sample === undefined ? "a lock" : sample.lock;
    const by = sample === undefined || sample.blockers.length === 0
      ? ""
      : `, held by ${sample.blockers.map((b) => b.text).join("; ")}`;
    const first = sample?.blockers[0]?.pid;
    const end = first === undefined
      ? "find the blocking session in pg_stat_activity (pg_blocking_pids)"
      : `end the blocking session (SELECT pg_terminate_backend(${first})) or wait for it`;
    return new QueryError(err.sql, `Waited more than ${seconds} for ${what}${by}`, {
      hint: `the statement was cancelled; ${end}, then run again; ` +
        "--statement-lock-timeout SECONDS (STRATA_STATEMENT_LOCK_TIMEOUT) sets the wait, 0 waits for ever",
      cause: err,
    });
  }

  /** Closes the watching session, if one was opened. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end({ timeout: 1 }).catch(() => {});
  }

  async #look(): Promise<Sample | undefined> {
    try {
      this.#client ??= this.#options.open(this.#options.url, this.#options.applicationName);
      const rows = await this.#client.unsafe(LOCK_WAIT, [this.#options.pid]);
      const first = rows[0];
      if (first === undefined) return undefined;
      const mode = String(first.mode);
      const lock = first.relation
        ? `a lock on "${first.relation}" (${mode})`
        : `a ${first.locktype} lock (${mode})`;
      return { lock, blockers: rows.map(describe) };
    } catch {
      return undefined; // pg_stat_activity may be restricted: the plain error stays
    }
  }
}

/** `pid 4242 ("psql", idle in transaction: UPDATE users SET …)`. */
function describe(row: Record<string, unknown>): { pid: number; text: string } {
  const pid = Number(row.pid);
  const app = row.application_name ? `"${row.application_name}", ` : "";
  const state = row.state ? String(row.state) : "unknown state";
  const query = String(row.query ?? "").replace(/\s+/g, " ").trim();
  const shown = query.length > 100 ? `${query.slice(0, 97)}…` : query;
  return { pid, text: `pid ${pid} (${app}${state}${shown ? `: ${shown}` : ""})` };
}
