/**
 * `--sql -o FILE`: writes the offline script to a file (issue 9.8).
 *
 * A regular file (or a new one) is written beside itself under
 * `FILE.strata-tmp` and renamed over it, so a failure never leaves half a
 * script where a DBA expects a whole one, and the temporary file is removed
 * whatever fails. A symbolic link is followed and its target replaced the same
 * way, so the link stays a link. Anything else that is not a directory (a
 * FIFO, `/dev/stdout`, a terminal, `/dev/full`) is written straight through:
 * replacing it would break the pipe or the device.
 *
 * Every failure is one plain `error:` line with exit 1: a missing or
 * read-only directory, a directory named as the file, a full disk.
 *
 * @module
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { StrataError } from "../errors.ts";

/**
 * Writes `text` to `path`.
 *
 * @param path The file, absolute.
 * @param text The script.
 * @param shown How to name the file in messages (as the user gave it).
 * @throws {StrataError} (exit 1) When the file cannot be written; nothing is
 *   left behind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeScriptFile } from "./write_output.ts";
 * const dir = await Deno.makeTempDir();
 * await writeScriptFile(`${dir}/out.sql`, "SELECT 1;\n", "out.sql");
 * assert.equal(await Deno.readTextFile(`${dir}/out.sql`), "SELECT 1;\n");
 * await assert.rejects(() => writeScriptFile(`${dir}/no/out.sql`, "", "no/out.sql"), /does not exist/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeScriptFile(path: string, text: string, shown: string): Promise<void> {
  const fail = (e: unknown, where = path) => failure(shown, where, e);
  const info = await statOrNull(path);
  if (info?.isDirectory) {
    throw new StrataError(`Cannot write the script to "${shown}": it is a directory`, {
      hint: `name a file in it, e.g. -o ${join(shown, "migrations.sql")}`,
    });
  }
  const bytes = new TextEncoder().encode(text);
  if (info !== null && !info.isFile) {
    try {
      await Deno.writeFile(path, bytes);
    } catch (e) {
      throw fail(e);
    }
    return;
  }
  const target = await linkTarget(path);
  const tmp = `${target}.strata-tmp`;
  try {
    await Deno.writeFile(tmp, bytes, info === null ? {} : { mode: info.mode ?? 0o644 });
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw fail(e, e instanceof Deno.errors.NotFound ? dirname(target) : target);
  }
}

/** `stat` (following links), or `null` when nothing is there. */
async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** Where a symbolic link points (even when its target does not exist yet); `path` otherwise. */
async function linkTarget(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!(await Deno.lstat(current)).isSymlink) return current;
      link = await Deno.readLink(current);
    } catch {
      return current;
    }
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
  }
  return current;
}

function failure(shown: string, where: string, e: unknown): StrataError {
  const os = e instanceof Error ? e.message.replace(/ \(os error \d+\).*$/s, "") : String(e);
  let detail = os.replace(/:\s.*$/s, "");
  let hint: string | undefined;
  if (e instanceof Deno.errors.NotFound) {
    detail = `directory "${where}" does not exist`;
    hint = `create it first (mkdir -p ${where}), or write elsewhere`;
  } else if (e instanceof Deno.errors.PermissionDenied || /not permitted|read-only/i.test(os)) {
    detail = `no permission to write there (${detail.toLowerCase()})`;
    hint = "choose a directory Strata may write to";
  } else if (e instanceof Deno.errors.IsADirectory) {
    detail = "it is a directory";
  } else if (/no space left/i.test(os)) {
    detail = "no space left on the device";
    hint = "free some space, or write elsewhere (the script was not written)";
  }
  return new StrataError(`Cannot write the script to "${shown}": ${detail}`, { hint, cause: e });
}
