/**
 * Turns raw header export values (read statically or from an imported module)
 * into a {@linkcode ScriptHeader}, private to `src/script/`. Both paths go
 * through here so a header means the same whichever way it was read.
 *
 * @module
 */
import { basename } from "node:path";
import { ScriptError } from "../errors.ts";
import type { ScriptHeader } from "./script.ts";

/**
 * Validates and normalizes header values.
 *
 * @param file Path of the migration, for errors.
 * @param values The exports (a module namespace or statically read literals).
 * @returns The normalized header.
 * @throws {ScriptError} When an export is missing or has the wrong type.
 *
 * @example Normalizing a merge
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeHeader } from "./_header.ts";
 * const header = normalizeHeader("m.ts", { revision: "c", downRevision: ["a", "b"] });
 * assert.deepEqual(header.downRevisions, ["a", "b"]);
 * assert.equal(header.transactional, true);
 * assert.throws(() => normalizeHeader("m.ts", { revision: 1, downRevision: null }), /"revision"/);
 * ```
 */
export function normalizeHeader(file: string, values: Record<string, unknown>): ScriptHeader {
  const name = basename(file);
  const bad = (field: string, expected: string) =>
    new ScriptError(
      file,
      `Cannot read migration "${name}": "${field}" must be ${expected}, got ${
        describe(values[field])
      }`,
      { hint: `export it as a literal, e.g. ${EXAMPLES[field] ?? `export const ${field} = …`}` },
    );

  const revision = values.revision;
  if (revision === undefined) {
    throw new ScriptError(file, `Cannot read migration "${name}": it does not export "revision"`, {
      hint:
        `add \`${EXAMPLES.revision}\`, or rename the file to start with "_" if it is not a migration`,
    });
  }
  if (typeof revision !== "string" || revision.trim() === "" || revision !== revision.trim()) {
    throw bad("revision", "a non-empty string without surrounding spaces");
  }
  if (!("downRevision" in values) || values.downRevision === undefined) {
    throw new ScriptError(
      file,
      `Cannot read migration "${name}": it does not export "downRevision"`,
      { hint: `add \`${EXAMPLES.downRevision}\` (null for a first migration)` },
    );
  }
  const downRevisions = idList(values.downRevision);
  if (!downRevisions) throw bad("downRevision", "null, a revision id or an array of ids");
  const dependsOn = idList(values.dependsOn);
  if (!dependsOn) throw bad("dependsOn", "a revision id or an array of ids");
  const branchLabels = idList(values.branchLabels);
  if (!branchLabels) throw bad("branchLabels", "a label or an array of labels");
  const message = values.message ?? "";
  if (typeof message !== "string") throw bad("message", "a string");
  const transactional = values.transactional ?? true;
  if (typeof transactional !== "boolean") throw bad("transactional", "true or false");
  return { revision, downRevisions, dependsOn, branchLabels, message, transactional };
}

const EXAMPLES: Record<string, string> = {
  revision: 'export const revision = "1f2e3d4c5b6a";',
  downRevision: 'export const downRevision: string | string[] | null = "0a9b8c7d6e5f";',
  dependsOn: 'export const dependsOn = ["0a9b8c7d6e5f"];',
  branchLabels: 'export const branchLabels = ["feature"];',
  message: 'export const message = "add user bio";',
  transactional: "export const transactional = false;",
};

/** `null`/absent → `[]`, a string → `[it]`, an array of strings → a copy. */
function idList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value === "" ? undefined : [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")) {
    return [...value] as string[];
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "function") return "a function";
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    // fall through
  }
  return typeof value;
}
