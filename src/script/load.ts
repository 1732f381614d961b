/**
 * Imports migration modules, once their headers are known and a command
 * actually needs to run them.
 *
 * @module
 */
import { basename } from "node:path";
import { ScriptError } from "../errors.ts";
import type { MigrationModule } from "../changes/op.ts";
import { normalizeHeader } from "./_header.ts";
import { importScripts } from "./_import_all.ts";
import type { Script, ScriptHeader } from "./script.ts";

/** Options of {@linkcode loadModules}. */
export interface LoadOptions {
  /**
   * How many modules are imported at once when they are imported one by one
   * (a single script, or no usable entry module).
   *
   * @default {16}
   */
  concurrency?: number;
  /**
   * Where the generated entry module is written and removed again.
   *
   * @default {the system's temp directory}
   */
  tempDir?: string;
}

/** Header fields an imported module must agree on with its statically read header. */
const CHECKED: readonly (keyof ScriptHeader)[] = [
  "revision",
  "downRevisions",
  "dependsOn",
  "branchLabels",
  "transactional",
];

/** The export name a user writes for each normalized field. */
const EXPORT_NAME: Partial<Record<keyof ScriptHeader, string>> = { downRevisions: "downRevision" };

/**
 * Imports the scripts' modules by absolute `file:` URL through generated entry
 * modules of up to 500 static imports each (linear in the number of files,
 * where one `import()` each grows with its square: see `_entry.ts`), and
 * checks each against its header: the
 * exported `revision`, `downRevision`, `dependsOn`, `branchLabels` and
 * `transactional` must equal what discovery read from the text, `upgrade`
 * must be a function, and `downgrade`, if exported, too.
 *
 * Without a usable entry module (no writable temp directory) the files are
 * imported one by one, at most `options.concurrency` at once.
 *
 * @param scripts The scripts to load (typically the steps of a plan).
 * @param options Concurrency of the one-by-one fallback.
 * @returns The modules keyed by revision id.
 * @throws {ScriptError} Naming the file: an import failure (with the first
 *   line of its cause), a header that disagrees (naming the field), a
 *   missing `upgrade`, or two scripts with the same revision.
 *
 * @example Loading what discovery found
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { discoverScripts } from "./discover.ts";
 * import { loadModules } from "./load.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   join(dir, "a1_create_users.ts"),
 *   'export const revision = "a1";\nexport const downRevision = null;\n' +
 *     "export function upgrade() {}\n",
 * );
 * const modules = await loadModules(await discoverScripts(dir));
 * assert.equal(typeof modules.get("a1")?.upgrade, "function");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadModules(
  scripts: readonly Script[],
  options: LoadOptions = {},
): Promise<Map<string, MigrationModule>> {
  const seen = new Set<string>();
  for (const script of scripts) {
    if (seen.has(script.revision)) {
      throw new ScriptError(
        script.path,
        `Cannot load migration "${
          basename(script.path)
        }": revision "${script.revision}" is given twice`,
      );
    }
    seen.add(script.revision);
  }
  const namespaces = await importScripts(
    scripts.map((s) => s.path),
    options.concurrency ?? 16,
    options.tempDir,
  );
  const byRevision = new Map<string, MigrationModule>();
  scripts.forEach((script, i) => {
    const mod = namespaces[i] as Record<string, unknown>;
    checkModule(script, mod);
    byRevision.set(script.revision, mod as unknown as MigrationModule);
  });
  return byRevision;
}

function checkModule(script: Script, mod: Record<string, unknown>): void {
  const name = basename(script.path);
  const header = normalizeHeader(script.path, mod);
  for (const field of CHECKED) {
    const loaded = JSON.stringify(header[field]);
    const parsed = JSON.stringify(script[field]);
    if (loaded !== parsed) {
      const exported = EXPORT_NAME[field] ?? field;
      throw new ScriptError(
        script.path,
        `Cannot load migration "${name}": its "${exported}" is ${loaded} when imported but ${parsed} in the source text`,
        { hint: `write "${exported}" as a plain literal (export const ${exported} = …)` },
      );
    }
  }
  if (typeof mod.upgrade !== "function") {
    throw new ScriptError(
      script.path,
      `Cannot load migration "${name}": it does not export an "upgrade" function`,
      { hint: "add `export async function upgrade(op: Op) { … }`" },
    );
  }
  if (mod.downgrade !== undefined && typeof mod.downgrade !== "function") {
    throw new ScriptError(
      script.path,
      `Cannot load migration "${name}": its "downgrade" export is not a function`,
    );
  }
}
