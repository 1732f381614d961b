/**
 * Loads the declared schema module (`schema.ts`) from disk by absolute
 * `file:` URL, as migrations are loaded, so the compiled binary can read it
 * wherever it lives; then validates it.
 *
 * @module
 */
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, ScriptError } from "../errors.ts";
import type { DeclaredSchema } from "../schema/declared.ts";
import { validateDeclared } from "../schema/validate_declared.ts";

/**
 * Imports and validates a declared schema module. It must default-export the
 * schema (`export default { tables: { … } } satisfies DeclaredSchema`).
 *
 * @param path The module's path (made absolute here).
 * @returns The validated schema.
 * @throws {ConfigError} (exit 2) When the file does not exist.
 * @throws {ScriptError} (exit 2) When it does not load (naming the line of a
 *   syntax error), exports no schema, or the schema is invalid.
 *
 * @example A schema module and a broken one
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { loadDeclaredSchema } from "./load_declared.ts";
 * const dir = await Deno.makeTempDir();
 * const write = (name: string, text: string) => Deno.writeTextFile(join(dir, name), text);
 * const good = '{ tables: { users: { columns: { id: { type: "integer" } } } } }';
 * await write("schema.ts", `export default ${good};\n`);
 * const declared = await loadDeclaredSchema(join(dir, "schema.ts"));
 * assert.deepEqual(Object.keys(declared.tables ?? {}), ["users"]);
 * const columns = '{ a: { type: "text" } }';
 * const bad = `{ tables: { t: { columns: ${columns}, indexes: { ix: { columns: ["b"] } } } } }`;
 * await write("bad.ts", `export default ${bad};\n`);
 * await assert.rejects(loadDeclaredSchema(join(dir, "bad.ts")), /unknown column "b"/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadDeclaredSchema(path: string): Promise<DeclaredSchema> {
  const file = resolve(path);
  const name = basename(file);
  try {
    const info = await Deno.stat(file);
    if (!info.isFile) throw new Deno.errors.NotFound();
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new ConfigError(`Cannot find the declared schema "${file}"`, {
      hint: 'write it (see "Autogenerate" in the README), or point "schema" in strata.json ' +
        "or STRATA_SCHEMA at it",
    });
  }
  const url = pathToFileURL(file).href;
  let mod: Record<string, unknown>;
  try {
    mod = await import(url);
  } catch (cause) {
    const stack = cause instanceof Error ? cause.stack ?? "" : "";
    const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const at = stack.match(new RegExp(`${escaped}:(\\d+):(\\d+)`));
    const text = cause instanceof Error ? cause.message : String(cause);
    const line = text.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "unknown error";
    throw new ScriptError(
      file,
      `Cannot load the declared schema "${name}"${
        at ? ` at line ${at[1]}, column ${at[2]}` : ""
      }: ${line}`,
      { cause, hint: "fix the file; --debug shows the full error" },
    );
  }
  if (mod.default === undefined) {
    throw new ScriptError(
      file,
      `Cannot use the declared schema "${name}": it has no default export`,
      {
        hint: "export default { tables: { … } } satisfies DeclaredSchema;",
      },
    );
  }
  return validateDeclared(mod.default, file);
}
