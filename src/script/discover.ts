/**
 * Finds the migration files in a directory and reads their headers.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { ScriptError } from "../errors.ts";
import { normalizeHeader } from "./_header.ts";
import { defaultCacheDir, HeaderCache, stampOf } from "./_cache.ts";
import { sourceChecksums } from "./checksum.ts";
import { parseHeader } from "./parse_header.ts";
import type { Script } from "./script.ts";

/** Files imported at once when they cannot go through one entry module. */
const IMPORT_CONCURRENCY = 16;
/**
 * Directories with fewer migrations are read without the header cache: they
 * parse in a few milliseconds, and the cache directory is not filled with
 * entries for every small project (or test) on the machine.
 */
const CACHE_FROM = 100;

/** Options of {@linkcode discoverScripts}. */
export interface DiscoverOptions {
  /**
   * Where the header cache lives (`_cache.ts`); `null` for none.
   * @default {the user's cache directory: $STRATA_CACHE_DIR, $XDG_CACHE_HOME/strata or ~/.cache/strata}
   */
  cacheDir?: string | null;
}

/**
 * Whether a directory entry is a migration file: `*.ts`, not `_*`, `.*`,
 * `*_test.ts` or `*.d.ts`.
 *
 * @param name A file name (no directory part).
 * @returns `true` for a migration file name.
 *
 * @example Names
 * ```ts
 * import assert from "node:assert/strict";
 * import { isMigrationFileName } from "./discover.ts";
 * assert(isMigrationFileName("1f2e3d4c5b6a_add_bio.ts"));
 * assert(!isMigrationFileName("_helpers.ts"));
 * assert(!isMigrationFileName("add_bio_test.ts"));
 * ```
 */
export function isMigrationFileName(name: string): boolean {
  return name.endsWith(".ts") && !name.startsWith("_") && !name.startsWith(".") &&
    !name.endsWith("_test.ts") && !name.endsWith(".d.ts");
}

/**
 * Discovers the migrations directly in `dir` and reads each header from the
 * source text (see `parse_header.ts`), or, for a file unchanged since an
 * earlier run, from the header cache (`_cache.ts`; directories of at least
 * 100 migrations). A file whose header exports are not
 * plain literals is imported instead, alone, and gets `staticHeader: false`.
 * A file that does not mention `revision` at all is an error, not imported.
 *
 * @param dir The migrations directory.
 * @param options Where the header cache lives.
 * @returns The scripts, sorted by file name (code-unit order).
 * @throws {ScriptError} When `dir` is missing or not a directory, a file
 *   cannot be read, a header export is missing or malformed, or a fallback
 *   import fails. The error's `file` names the file.
 *
 * @example Listing revisions
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { discoverScripts } from "./discover.ts";
 * const dir = await Deno.makeTempDir();
 * const header = (rev: string, down: string) =>
 *   `export const revision = "${rev}";\nexport const downRevision = ${down};\n`;
 * await Deno.writeTextFile(join(dir, "b2_add_bio.ts"), header("b2", '"a1"'));
 * await Deno.writeTextFile(join(dir, "a1_create_users.ts"), header("a1", "null"));
 * await Deno.writeTextFile(join(dir, "_helpers.ts"), "export {};\n"); // not a migration
 * const scripts = await discoverScripts(dir);
 * assert.deepEqual(scripts.map((s) => s.revision), ["a1", "b2"]);
 * assert.deepEqual(scripts.map((s) => s.downRevisions), [[], ["a1"]]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function discoverScripts(
  dir: string,
  options: DiscoverOptions = {},
): Promise<Script[]> {
  const root = resolve(dir);
  const names: string[] = [];
  try {
    // One synchronous listing: measured 2 ms for 1,000 entries against 5–8 ms
    // for the async iterator, which pays one promise per entry.
    for (const entry of Deno.readDirSync(root)) {
      if ((entry.isFile || entry.isSymlink) && isMigrationFileName(entry.name)) {
        names.push(entry.name);
      }
    }
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound || cause instanceof Deno.errors.NotADirectory) {
      const what = cause instanceof Deno.errors.NotFound ? "it does not exist" : "not a directory";
      throw new ScriptError(root, `Cannot read migrations directory "${dir}": ${what}`, {
        cause,
        hint: "create the directory, or point Strata at yours with --dir",
      });
    }
    throw new ScriptError(root, `Cannot read migrations directory "${dir}": ${String(cause)}`, {
      cause,
    });
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cache = cacheDir !== null && cacheDir !== undefined && names.length >= CACHE_FROM
    ? HeaderCache.open(cacheDir, root)
    : undefined;
  const scripts: (Script | undefined)[] = [];
  const dynamic: { index: number; path: string; text: string }[] = [];
  for (const name of names) {
    const path = join(root, name);
    const stamp = cache ? stampOf(path) : undefined;
    const cached = stamp ? cache!.get(name, path, stamp) : undefined;
    if (cached) {
      scripts.push(cached);
      continue;
    }
    const text = readText(path);
    const script = scriptFromSource(path, text);
    if (script === undefined) dynamic.push({ index: scripts.length, path, text });
    else if (stamp) cache!.set(name, stamp, script);
    scripts.push(script);
  }
  cache?.save();
  if (dynamic.length > 0) {
    // Files whose header is not literal are imported, all through one entry module.
    const paths = dynamic.map((d) => d.path);
    const { importScripts } = await import("./_import_all.ts");
    const namespaces = await importScripts(paths, IMPORT_CONCURRENCY);
    dynamic.forEach((d, i) => {
      scripts[d.index] = fromModule(d.path, d.text, namespaces[i] as Record<string, unknown>);
    });
  }
  return scripts as Script[];
}

/**
 * Reads one migration file's header, statically if possible, else by import.
 *
 * @param path Absolute path of the file.
 * @returns The script.
 * @throws {ScriptError} As {@linkcode discoverScripts}.
 *
 * @example Reading one file
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { readScript } from "./discover.ts";
 * const dir = await Deno.makeTempDir();
 * const path = join(dir, "1f2e3d4c5b6a_add_user_bio.ts");
 * await Deno.writeTextFile(
 *   path,
 *   'export const revision = "1f2e3d4c5b6a";\nexport const downRevision = "0a9b";\n' +
 *     'export const message = "add user bio";\n',
 * );
 * const script = await readScript(path);
 * assert.equal(script.revision, "1f2e3d4c5b6a");
 * assert.equal(script.message, "add user bio");
 * assert.equal(script.path, path);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readScript(path: string): Promise<Script> {
  const text = readText(path);
  const script = scriptFromSource(path, text);
  if (script) return script;
  const { importScript } = await import("./_import.ts");
  return fromModule(path, text, await importScript(path));
}

function readText(path: string): string {
  try {
    // Synchronous on purpose: on a 2-core machine async reads do not overlap
    // with parsing, and measured 147 ms vs 200 ms for 10,000 files.
    return Deno.readTextFileSync(path);
  } catch (cause) {
    throw new ScriptError(path, `Cannot read migration "${path}": ${String(cause)}`, { cause });
  }
}

/**
 * Builds a script from source text alone.
 *
 * @param path Absolute path of the file.
 * @param text Its contents.
 * @returns The script, or `undefined` when the file must be imported.
 * @throws {ScriptError} When a header export is missing or malformed.
 *
 * @example From text
 * ```ts
 * import assert from "node:assert/strict";
 * import { scriptFromSource } from "./discover.ts";
 * const s = scriptFromSource("/m/a.ts", 'export const revision = "a";\nexport const downRevision = null;');
 * assert.equal(s?.revision, "a");
 * assert(s.staticHeader);
 * ```
 */
export function scriptFromSource(path: string, text: string): Script | undefined {
  const parsed = parseHeader(text);
  if (parsed.dynamic.length > 0) return undefined;
  return {
    ...normalizeHeader(path, parsed.values),
    path,
    staticHeader: true,
    ...sourceChecksums(text),
  };
}

function fromModule(path: string, text: string, mod: Record<string, unknown>): Script {
  return { ...normalizeHeader(path, mod), path, staticHeader: false, ...sourceChecksums(text) };
}
