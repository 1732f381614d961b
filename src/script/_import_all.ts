/**
 * Imports several migration modules, private to `src/script/`: through
 * generated entry modules when there are several (`_entry.ts`), else, or when
 * those cannot be used, one by one. Loaded only when something must be
 * imported, so a command that reads headers alone never loads it.
 *
 * @module
 */
import { importThroughEntry } from "./_entry.ts";
import { importScript } from "./_import.ts";
import { mapBounded } from "./_pool.ts";

/**
 * Imports the modules at `paths`.
 *
 * @param paths Paths of the migration files.
 * @param concurrency Imports in flight when they go one by one.
 * @param tempDir Where the entry module is written (default: the system's temp directory).
 * @returns The module namespaces, in the order of `paths`.
 * @throws {ScriptError} Naming a file that fails to load, with line and column.
 *
 * @example A broken file is named
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { importScripts } from "./_import_all.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(join(dir, "a.ts"), 'export const revision = "a";\n');
 * await Deno.writeTextFile(join(dir, "b.ts"), "export const = ;\n");
 * const [a] = await importScripts([join(dir, "a.ts")], 16);
 * assert.equal(a?.revision, "a");
 * await assert.rejects(importScripts([join(dir, "a.ts"), join(dir, "b.ts")], 16), /"b\.ts"/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function importScripts(
  paths: readonly string[],
  concurrency: number,
  tempDir?: string,
): Promise<Record<string, unknown>[]> {
  return (paths.length > 1 ? await importThroughEntry(paths, tempDir) : undefined) ??
    await mapBounded(paths, concurrency, importScript);
}
