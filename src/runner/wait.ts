/**
 * Waiting until a database accepts connections (`strata wait`,
 * `upgrade --wait`), for containers that start before their database, as
 * dbmate's `wait`. What "accepts connections" means per engine is in
 * `drivers/probe.ts`.
 *
 * @module
 */
import type { DatabaseUrl } from "../config/url.ts";
import { probeDatabase } from "../drivers/probe.ts";
import { ConnectionError, type StrataError } from "../errors.ts";

/** Options of {@linkcode waitForDatabase}. */
export interface WaitOptions {
  /** Give up after this many milliseconds. @default {60000} */
  timeoutMs?: number;
  /** Called once, with the first failure, when the database is not ready at once. */
  onWaiting?: (reason: StrataError) => void;
}

/** What a successful wait took. */
export interface WaitResult {
  /** How many checks were made (1: ready at once). */
  attempts: number;
  /** Milliseconds from the first check to the successful one. */
  waitedMs: number;
}

/** First pause between checks; doubles up to {@linkcode MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;
/** PostgreSQL error codes that no amount of waiting fixes: a wrong password or role. */
const FATAL_CODES = /^(28P01|28000|SASL)/;

/**
 * Checks the database until it accepts connections, pausing between checks
 * (100 ms doubling to 2 s). A rejected login fails at once: waiting does not
 * fix a wrong password.
 *
 * @param url The database.
 * @param options Timeout and the progress callback.
 * @returns The number of checks and the time waited.
 * @throws {ConnectionError} When the timeout passes (exit 1), naming the last
 *   reason; or at once for a rejected login.
 *
 * @example An in-memory SQLite database is ready at once
 * ```ts
 * import { waitForDatabase } from "./wait.ts";
 * import { parseDatabaseUrl } from "../config/url.ts";
 * import assert from "node:assert/strict";
 * const result = await waitForDatabase(parseDatabaseUrl("sqlite::memory:", "/"));
 * assert.equal(result.attempts, 1);
 * ```
 */
export async function waitForDatabase(
  url: DatabaseUrl,
  options: WaitOptions = {},
): Promise<WaitResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const deadline = started + timeoutMs;
  let pause = FIRST_PAUSE_MS;
  for (let attempts = 1;; attempts++) {
    const remainingS = Math.max(1, Math.ceil((deadline - performance.now()) / 1000));
    let reason: StrataError;
    try {
      await probeDatabase(url, { connectTimeoutS: Math.min(10, remainingS) });
      return { attempts, waitedMs: performance.now() - started };
    } catch (e) {
      if (!(e instanceof ConnectionError)) throw e;
      if (isFatal(e)) throw e;
      reason = e;
    }
    if (attempts === 1) options.onWaiting?.(reason);
    const left = deadline - performance.now();
    if (left <= 0) {
      const seconds = Math.round(timeoutMs / 100) / 10;
      throw new ConnectionError(
        `Gave up waiting for the database after ${seconds} s: ${reason.message}`,
        { hint: reason.hint ?? "raise --timeout, or check that the database is starting" },
      );
    }
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

function isFatal(e: ConnectionError): boolean {
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && FATAL_CODES.test(code);
}
