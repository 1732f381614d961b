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
 * - One database, one lock, whatever name it is opened by (issue 9.1): a
 *   symbolic link to the file (`link.db` → `app.db`) or to its directory
 *   takes the lock of the real file, `app.db.strata-lock`. The name as given
 *   is locked first when it differs, so a Strata that knew only that name
 *   still excludes this one. A file with several hard links (no name is more
 *   real than another) also takes `.strata-inode-<inode>.strata-lock` in its
 *   directory, which covers links in one directory; links across directories
 *   are left to the version-row checks (a stale plan rolls back, never
 *   applies twice). The locks are always taken in that order (name as given,
 *   real file, inode), so two runs never wait for each other in a circle.
 *
 * The holder writes `pid N on HOST since TIME` into the file after taking the
 * lock (`flock` is advisory, so waiters can still read it for their message).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { ConnectionError } from "../errors.ts";
import type { LockOptions } from "./driver.ts";
import { pollLock } from "./_poll_lock.ts";

/** `path` with its directory's symbolic links resolved (the file's own name kept). */
function realDir(path: string): string {
  try {
    return join(Deno.realPathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/**
 * The lock files for a database file, in the order they must be taken: the
 * name as given (when it is a symbolic link), the real file, and the inode's
 * lock when the file has several hard links.
 *
 * @param dbPath The database file's absolute path, as configured.
 * @returns Distinct lock-file paths (one for an ordinary file).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqliteLockPaths } from "./_sqlite_lock.ts";
 * const dir = Deno.realPathSync(Deno.makeTempDirSync());
 * Deno.writeTextFileSync(`${dir}/app.db`, "");
 * Deno.symlinkSync(`${dir}/app.db`, `${dir}/link.db`);
 * assert.deepEqual(sqliteLockPaths(`${dir}/app.db`), [`${dir}/app.db.strata-lock`]);
 * assert.deepEqual(sqliteLockPaths(`${dir}/link.db`), [
 *   `${dir}/link.db.strata-lock`,
 *   `${dir}/app.db.strata-lock`,
 * ]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function sqliteLockPaths(dbPath: string): string[] {
  const given = `${realDir(dbPath)}.strata-lock`;
  let real = dbPath;
  try {
    real = Deno.realPathSync(dbPath);
  } catch { /* not created yet: the name is all there is */ }
  const paths = [given, `${realDir(real)}.strata-lock`];
  try {
    const info = Deno.statSync(real);
    if ((info.nlink ?? 1) > 1 && info.ino !== null) {
      paths.push(join(dirname(realDir(real)), `.strata-inode-${info.ino}.strata-lock`));
    }
  } catch { /* no file, no links */ }
  return [...new Set(paths)];
}

/**
 * Takes every lock in `lockPaths`, in order, within one timeout.
 *
 * @param lockPaths From {@linkcode sqliteLockPaths}.
 * @param options Timeout (for all of them together) and the wait callback (called once).
 * @returns The function that releases them all.
 * @throws {LockTimeoutError} When the locks stay busy for `timeoutMs`.
 * @throws {ConnectionError} When a lock file cannot be created or opened.
 */
export async function lockFiles(
  lockPaths: readonly string[],
  options: LockOptions,
): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.timeoutMs;
  let waited = false;
  const onWait = (holder: string | undefined) => {
    if (waited) return;
    waited = true;
    options.onWait?.(holder);
  };
  const releases: (() => Promise<void>)[] = [];
  const releaseAll = async () => {
    for (const release of releases.splice(0).reverse()) await release();
  };
  try {
    for (const path of lockPaths) {
      const timeoutMs = Math.max(0, deadline - Date.now());
      releases.push(await lockFile(path, { timeoutMs, onWait }, options.timeoutMs));
    }
  } catch (e) {
    await releaseAll();
    throw e;
  }
  return releaseAll;
}

/** How often a waiter retries. */
const POLL_MS = 100;

/**
 * Takes the exclusive lock on `lockPath`, creating the file if needed.
 *
 * @param lockPath The sidecar file.
 * @param options Timeout and the wait callback.
 * @param reportMs The timeout to name in the message (default `options.timeoutMs`).
 * @returns The function that releases the lock.
 * @throws {LockTimeoutError} When the lock stays busy for `timeoutMs`.
 * @throws {ConnectionError} When the lock file cannot be created or opened.
 */
export async function lockFile(
  lockPath: string,
  options: LockOptions,
  reportMs?: number,
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
      ...(reportMs === undefined ? {} : { reportMs }),
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
