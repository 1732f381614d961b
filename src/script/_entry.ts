/**
 * Imports many migration modules through one generated entry module, private
 * to `src/script/`.
 *
 * Why: Deno's dynamic `import()` of modules one by one costs more for each
 * module already loaded, so a run that loads N migrations that way grows with
 * N². Measured on a 2-core machine (warm caches, 16 imports in flight):
 * 1,000 files 2.6 s, 2,000 files 7.3 s, 4,000 files 55 s; the same files
 * imported statically by one generated module: 0.54 s, 1.0 s, 2.4 s.
 *
 * One entry module takes at most {@linkcode ENTRY_SIZE} imports: a module
 * with very many imports links slower than linearly (10,000 files: 4.6 s
 * through one entry module, 1.9 s through twenty of 500 imported one after
 * the other, each of those taking about as long as the first).
 *
 * The entry module is a temporary `.mjs` file in the system temp directory
 * (the migrations directory may be read-only, as in a container image) that
 * imports each migration by absolute `file:` URL, so it resolves the same from
 * source, from the bundle and from the compiled binary. It is removed as soon
 * as the import settles, failure included.
 *
 * Its name is a hash of its text (`strata-entry-<sha256>.mjs`), the same on
 * every run of the same migrations: Deno keeps a code-cache and a
 * dependency-cache entry per module path, so a new random name per run added
 * some 150 KB per 500 migrations to `DENO_DIR` on every run, for ever. The
 * file is written under a unique name and renamed into place (atomic; two
 * runs write the same text). Should another run remove it before this one
 * imports it, it is written again and imported once more.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { exists } from "../_fs.ts";
import { pathToFileURL } from "node:url";
import { importScript } from "./_import.ts";

/**
 * Imports the modules at `paths` through generated entry modules (one per
 * {@linkcode ENTRY_SIZE} files).
 *
 * When the import fails and the error names one of the files (a syntax error,
 * or an exception thrown while a module loads), that file alone is imported
 * again so the error is reported as {@linkcode importScript} reports it: by
 * file name, with line and column.
 *
 * @param paths Paths of the migration files.
 * @returns The module namespaces in the order of `paths`, or `undefined` when
 *   the entry module cannot be used (no writable temp directory, no permission
 *   to read it, or a failure that names none of the files): the caller then
 *   imports the files one by one, which reports any broken file itself.
 * @throws {ScriptError} For a file the failed import names.
 *
 * @example Importing two files through one entry module
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { importThroughEntry } from "./_entry.ts";
 * const dir = await Deno.makeTempDir();
 * const paths = [join(dir, "a.ts"), join(dir, "b.ts")];
 * await Deno.writeTextFile(paths[0]!, 'export const revision = "a";\n');
 * await Deno.writeTextFile(paths[1]!, 'export const revision = "b";\n');
 * const namespaces = await importThroughEntry(paths, dir);
 * assert.deepEqual(namespaces?.map((m) => m.revision), ["a", "b"]);
 * assert.deepEqual([...Deno.readDirSync(dir)].length, 2); // the entry module is gone
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function importThroughEntry(
  paths: readonly string[],
  tempDir?: string,
): Promise<Record<string, unknown>[] | undefined> {
  const out: Record<string, unknown>[] = [];
  for (let start = 0; start < paths.length; start += ENTRY_SIZE) {
    const part = await importPart(paths.slice(start, start + ENTRY_SIZE), tempDir);
    if (part === undefined) return undefined;
    out.push(...part);
  }
  return out;
}

/** Imports per entry module (see the module documentation). */
export const ENTRY_SIZE = 500;

async function importPart(
  paths: readonly string[],
  tempDir: string | undefined,
): Promise<Record<string, unknown>[] | undefined> {
  const urls = paths.map((p) => pathToFileURL(resolve(p)).href);
  const source = entrySource(urls);
  for (let attempt = 0; attempt < 2; attempt++) {
    const entry = await writeEntry(source, tempDir);
    if (entry === undefined) return undefined;
    try {
      const mod = await import(pathToFileURL(entry).href);
      return mod.default as Record<string, unknown>[];
    } catch (cause) {
      // Another run removed the shared file between our rename and import.
      if (attempt === 0 && !(await exists(entry))) continue;
      const culprit = culpritOf(cause, urls);
      // Throws the located ScriptError; should it load alone after all, the
      // caller's one-by-one import decides.
      if (culprit !== undefined) await importScript(paths[culprit] as string);
      return undefined;
    } finally {
      await Deno.remove(entry).catch(() => {});
    }
  }
  return undefined;
}

/**
 * Writes the entry module at its content-named path (see the module
 * documentation).
 *
 * @returns Its path, or `undefined` when the temp directory is not writable.
 */
async function writeEntry(
  source: string,
  tempDir: string | undefined,
): Promise<string | undefined> {
  const name = await entryFileName(source);
  let partial: string | undefined;
  try {
    partial = await Deno.makeTempFile({
      prefix: "strata-entry-",
      suffix: ".partial",
      ...(tempDir === undefined ? {} : { dir: tempDir }),
    });
    await Deno.writeTextFile(partial, source);
    const entry = join(dirname(partial), name);
    await Deno.rename(partial, entry);
    return entry;
  } catch {
    if (partial !== undefined) await Deno.remove(partial).catch(() => {});
    return undefined;
  }
}

/**
 * The entry module's file name for its text: the same text, the same name.
 *
 * @param source The entry module's text ({@linkcode entrySource}).
 * @returns `strata-entry-<first 24 hex digits of its SHA-256>.mjs`.
 */
export async function entryFileName(source: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(source)),
  );
  const hash = Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
  return `strata-entry-${hash}.mjs`;
}

/**
 * The entry module's text: one namespace import per URL, exported as an
 * array in the same order.
 *
 * @param urls Absolute `file:` URLs.
 * @returns JavaScript source.
 */
export function entrySource(urls: readonly string[]): string {
  const lines = urls.map((url, i) => `import * as m${i} from ${JSON.stringify(url)};`);
  lines.push(`export default [${urls.map((_, i) => `m${i}`).join(", ")}];`, "");
  return lines.join("\n");
}

/** The index of the first of `urls` that the error's stack points into (`URL:line:column`). */
function culpritOf(error: unknown, urls: readonly string[]): number | undefined {
  const text = error instanceof Error ? `${error.stack ?? ""}\n${error.message}` : String(error);
  const index = new Map(urls.map((url, i) => [url, i]));
  for (const m of text.matchAll(/(file:\/\/[^\s()]+?):\d+:\d+/g)) {
    const i = index.get(m[1] as string);
    if (i !== undefined) return i;
  }
  return undefined;
}
