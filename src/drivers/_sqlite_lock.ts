/**
 * The SQLite migration lock: an OS file lock on a sidecar file next to the
 * database (`<db>.strata-lock`).
 *
 * Why this design:
 * - It must work across processes and containers that share the database's
 *   directory, so it lives beside the database, not in a temp dir (Atlas's
 *   SQLite lock is in the temp dir, which replicas in separate containers do
 *   not share).
 * - It must vanish when the holder dies, even by SIGKILL: the kernel drops a
 *   `flock` lock when the last descriptor closes, so no stale-lock cleanup is
 *   ever needed. A "create the file exclusively" lock would outlive a crash.
 * - It must not block the event loop or leave a thread stuck in the kernel:
 *   `Deno.FsFile.tryLockSync` is non-blocking, so we poll with an async sleep
 *   and can give up cleanly at the timeout.
 * - It is separate from the database's own locks, so it can be held across
 *   the many transactions of a run while other connections still read.
 * - The lock file is never deleted: deleting it would let a waiter that
 *   already opened the old file and a newcomer that creates a new one both
 *   "hold" the lock.
 *
 * The holder writes `pid N on HOST since TIME` into the file after taking the
 * lock (`flock` is advisory, so waiters can still read it for their message).
 *
 * @module
 */
import { ConnectionError } from "../errors.ts";
import type { LockOptions } from "./driver.ts";
import { pollLock } from "./_poll_lock.ts";

/** How often a waiter retries. */
const POLL_MS = 100;

/**
 * Takes the exclusive lock on `lockPath`, creating the file if needed.
 *
 * @param lockPath The sidecar file.
 * @param options Timeout and the wait callback.
 * @returns The function that releases the lock.
 * @throws {LockTimeoutError} When the lock stays busy for `timeoutMs`.
 * @throws {ConnectionError} When the lock file cannot be created or opened.
 */
export async function lockFile(
  lockPath: string,
  options: LockOptions,
): Promise<() => Promise<void>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(lockPath, { read: true, write: true, create: true });
  } catch (e) {
    throw new ConnectionError(
      `Cannot open the migration lock file "${lockPath}": ${(e as Error).message}`,
      { hint: "Strata needs write access to the database's directory", cause: e },
    );
  }
  try {
    await pollLock({
      tryLock: () => file.tryLockSync(true),
      holder: () => readHolder(lockPath),
      label: lockPath,
      someone: "another process",
      pollMs: POLL_MS,
    }, options);
  } catch (e) {
    file.close();
    throw e;
  }
  await writeHolder(file);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    try {
      await file.truncate(0);
    } finally {
      file.close(); // closing drops the flock
    }
  };
}

function describeSelf(): string {
  let host = "unknown host";
  try {
    host = Deno.hostname();
  } catch { /* --allow-sys missing */ }
  return `pid ${Deno.pid} on ${host} since ${new Date().toISOString()}`;
}

async function writeHolder(file: Deno.FsFile): Promise<void> {
  try {
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    await file.write(new TextEncoder().encode(`${describeSelf()}\n`));
  } catch { /* the holder note is a courtesy; the flock is the lock */ }
}

async function readHolder(lockPath: string): Promise<string | undefined> {
  try {
    const text = (await Deno.readTextFile(lockPath)).trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}
