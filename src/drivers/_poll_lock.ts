/**
 * The wait loop both migration locks share: try, report the holder once,
 * sleep, give up at the timeout.
 *
 * @module
 */
import { LockTimeoutError } from "../errors.ts";
import type { LockOptions } from "./driver.ts";
import { sleep } from "./_sleep.ts";

/** What differs between the PostgreSQL and SQLite locks. */
export interface PollLockSpec {
  /** Tries once without blocking; `true` when the lock is now held. */
  tryLock(): Promise<boolean> | boolean;
  /** Describes the current holder, if it can be known. */
  holder(): Promise<string | undefined>;
  /** Names the lock in the timeout message. */
  label: string;
  /** Who the holder is when unknown: "another session" / "another process". */
  someone: string;
  /** How often to retry, in milliseconds. */
  pollMs: number;
  /** Extra advice after the common hint. */
  extraHint?: string;
  /** The timeout to name in the message, when `timeoutMs` is what is left of a longer one. */
  reportMs?: number;
}

/**
 * Polls until the lock is taken.
 *
 * @param spec How to try and describe the lock.
 * @param options Timeout and the wait callback.
 * @throws {LockTimeoutError} When `timeoutMs` passes.
 */
export async function pollLock(spec: PollLockSpec, options: LockOptions): Promise<void> {
  const started = Date.now();
  let waited = false;
  let holder: string | undefined;
  while (!(await spec.tryLock())) {
    holder = await spec.holder() ?? holder;
    if (!waited) {
      waited = true;
      options.onWait?.(holder);
    }
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      throw new LockTimeoutError(
        `Cannot take the migration lock "${spec.label}": held by ${holder ?? spec.someone}` +
          ` for more than ${Math.round((spec.reportMs ?? options.timeoutMs) / 1000)} s`,
        {
          hint:
            "wait for the other run to finish, or raise --lock-timeout SECONDS (STRATA_LOCK_TIMEOUT)" +
            (spec.extraHint ? `; ${spec.extraHint}` : ""),
        },
      );
    }
    await sleep(Math.min(spec.pollMs, options.timeoutMs - elapsed));
  }
}
