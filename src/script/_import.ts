/**
 * Imports one migration module from disk, private to `src/script/`.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ScriptError } from "../errors.ts";
import { firstLine } from "../text.ts";

/**
 * Imports the module at `path` by absolute `file:` URL. Never relative to
 * `import.meta.url`: the compiled binary and the bundle must load the user's
 * files from disk, wherever Strata itself lives.
 *
 * @param path Path of the migration file (made absolute here).
 * @returns The module namespace.
 * @throws {ScriptError} Naming the file, with the first line of the cause
 *   (a syntax error, or an exception thrown while the module loads).
 *
 * @example Importing a migration
 * ```ts
 * import assert from "node:assert/strict";
 * import { importScript } from "./_import.ts";
 * const path = await Deno.makeTempFile({ suffix: ".ts" });
 * await Deno.writeTextFile(path, 'export const revision = "1f2e3d4c5b6a";\n');
 * assert.equal((await importScript(path)).revision, "1f2e3d4c5b6a");
 * await Deno.remove(path);
 * ```
 */
export async function importScript(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(path)).href;
  try {
    return await import(url);
  } catch (cause) {
    const where = locate(cause, url);
    const what = errorLine(cause).replace(/^TypeError: (SyntaxError: )/, "$1");
    throw new ScriptError(path, `Cannot load migration "${basename(path)}"${where}: ${what}`, {
      cause,
      hint: "fix the file; --debug shows the full error",
    });
  }
}

/** The first line of an error's message, after its name unless that is plain `Error`. */
function errorLine(error: unknown): string {
  const line = firstLine(error instanceof Error ? error.message : String(error));
  const prefix = error instanceof Error && error.name !== "Error" && !line.startsWith(error.name)
    ? `${error.name}: `
    : "";
  return (prefix + line) || "unknown error";
}

/**
 * ` at line L, column C` when the error's stack points into the file (Deno
 * reports syntax errors as a TypeError whose stack starts at the offending spot).
 */
function locate(error: unknown, url: string): string {
  const stack = error instanceof Error ? error.stack ?? "" : "";
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = stack.match(new RegExp(`${escaped}:(\\d+):(\\d+)`));
  return m ? ` at line ${m[1]}, column ${m[2]}` : "";
}
