/**
 * New migration files: revision ids, file-name slugs and the template.
 *
 * @module
 */
import { join } from "node:path";
import { ScriptError } from "../errors.ts";
import { MIGRATION_TEMPLATE } from "./_template.ts";

/** What goes into a new migration file. */
export interface MigrationFields {
  /** The new revision id. */
  revision: string;
  /** Parent(s): `null` for a base, an id, or several ids for a merge. */
  downRevision: string | string[] | null;
  /** One-line description; also names the file. */
  message: string;
  /** Labels for the branch this revision starts. */
  branchLabels?: string[];
  /** Revisions that must be applied first without being parents. */
  dependsOn?: string[];
  /** `false` writes `export const transactional = false;`. @default {true} */
  transactional?: boolean;
  /** Shown in the header comment. @default {new Date().toISOString()} */
  createDate?: string;
  /** Module specifier of the type-only `Op` import. @default {"@strata/strata/migration"} */
  opImport?: string;
  /** Code of `upgrade(op)`, unindented. @default {"// write the change here"} */
  upgradeBody?: string;
  /** Code of `downgrade(op)`, unindented. @default {"// write the change here"} */
  downgradeBody?: string;
  /**
   * Line width to lay out for, as `deno fmt`'s `lineWidth`: arrays that do
   * not fit go one item a line, a long message moves to its own line.
   *
   * @default {80}
   */
  lineWidth?: number;
  /**
   * The template text, with the placeholders of `_template.ts` (a project's
   * own `templates/migration.ts.tmpl`).
   * @default {the built-in template}
   */
  template?: string;
}

const PLACEHOLDER_BODY = "// write the change here";
const MAX_SLUG = 40;

/**
 * Makes a new random revision id.
 *
 * @returns 12 lower-case hex characters from `crypto.getRandomValues`.
 *
 * @example A new id
 * ```ts
 * import assert from "node:assert/strict";
 * import { newRevisionId } from "./template.ts";
 * assert(/^[0-9a-f]{12}$/.test(newRevisionId()));
 * ```
 */
export function newRevisionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Turns a message into a file-name slug: lower-case ASCII letters and digits
 * joined by `_`, accents dropped, at most 40 characters (cut at a word break
 * where one is near), never empty (`"revision"`).
 *
 * @param message The migration message.
 * @returns The slug.
 *
 * @example Slugs
 * ```ts
 * import assert from "node:assert/strict";
 * import { slugify } from "./template.ts";
 * assert.equal(slugify("Add user bio!"), "add_user_bio");
 * assert.equal(slugify("!!!"), "revision");
 * ```
 */
export function slugify(message: string): string {
  let slug = message.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (slug.length > MAX_SLUG) {
    const cut = slug.slice(0, MAX_SLUG + 1).lastIndexOf("_");
    slug = slug.slice(0, cut >= MAX_SLUG / 2 ? cut : MAX_SLUG).replace(/_+$/, "");
  }
  return slug || "revision";
}

/**
 * Renders a migration module from the template. The text passes
 * `deno fmt --check` (at `fields.lineWidth`) and `deno lint`; while a body is
 * the placeholder, a `deno-lint-ignore-file` line covers the unused `op`.
 *
 * @param fields What to put in the file.
 * @returns The module's source text.
 * @throws {ScriptError} When `revision` is empty or has surrounding spaces.
 *
 * @example A first migration
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderMigration } from "./template.ts";
 * const text = renderMigration({ revision: "1f2e3d4c5b6a", downRevision: null, message: "init" });
 * assert(text.includes('export const revision = "1f2e3d4c5b6a";'));
 * ```
 */
export function renderMigration(fields: MigrationFields): string {
  if (fields.revision === "" || fields.revision !== fields.revision.trim()) {
    throw new ScriptError("", `Cannot render migration: bad revision id "${fields.revision}"`);
  }
  const width = fields.lineWidth ?? 80;
  const parents = fields.downRevision === null
    ? []
    : typeof fields.downRevision === "string"
    ? [fields.downRevision]
    : fields.downRevision;
  const up = fields.upgradeBody ?? PLACEHOLDER_BODY;
  const down = fields.downgradeBody ?? PLACEHOLDER_BODY;
  const ignores = new Set<string>();
  for (const body of [up, down]) {
    if (!/\bop\b/.test(body)) ignores.add("no-unused-vars");
    const code = body.split("\n").some((l) => l.trim() !== "" && !l.trim().startsWith("//"));
    if (code && !/\bawait\b/.test(body)) ignores.add("require-await");
  }
  const optional = (name: string, list: string[] | undefined) =>
    list && list.length > 0 ? ([`export const ${name}: string[] = `, list, ";"] as const) : "";

  type Literal = readonly [prefix: string, value: string[] | string | null, suffix: string];
  const values: Record<string, string | Literal> = {
    message: fields.message,
    revision: fields.revision,
    revises: parents.length === 0 ? "(none: a base)" : parents.join(", "),
    createDate: fields.createDate ?? new Date().toISOString(),
    lintIgnore: ignores.size === 0
      ? ""
      : `// deno-lint-ignore-file ${[...ignores].join(" ")} -- until the bodies use \`op\``,
    opImport: fields.opImport ?? "@strata/strata/migration",
    downRevision: ["", fields.downRevision, ""],
    branchLabels: optional("branchLabels", fields.branchLabels),
    dependsOn: optional("dependsOn", fields.dependsOn),
    transactional: fields.transactional === false ? "export const transactional = false;" : "",
    upgradeBody: indent(up),
    downgradeBody: indent(down),
  };

  const text = (fields.template ?? MIGRATION_TEMPLATE).replace(
    /("?)\{\{(\w+)\}\}("?)/g,
    (match, open: string, name: string, close: string, offset: number, whole: string) => {
      const value = values[name];
      if (value === undefined) {
        throw new ScriptError(
          "",
          `Cannot render migration: unknown template placeholder "${match}"`,
          {
            hint: `placeholders: ${Object.keys(values).map((k) => `{{${k}}}`).join(", ")}`,
          },
        );
      }
      const lineStart = whole.lastIndexOf("\n", offset) + 1;
      const lineEnd = whole.indexOf("\n", offset);
      const before = whole.slice(lineStart, offset) + open;
      const after = close + whole.slice(offset + match.length, lineEnd < 0 ? undefined : lineEnd);
      if (typeof value !== "string") {
        // A literal: one line if it fits, else one array item a line.
        const [prefix, literal, suffix] = value;
        const start = before.length + prefix.length;
        return open + prefix + layout(literal, start, suffix.length + after.length, width) +
          suffix + close;
      }
      if (open === '"' && close === '"') {
        const quoted = jsString(value);
        const fits = before.length - 1 + quoted.length + after.length - 1 <= width;
        return fits ? quoted : `\n  ${quoted}`;
      }
      if (value === "" && before.trim() === "" && after.trim() === "") return "\uE000";
      return open + commentSafe(value, name) + close;
    },
  );
  return text.replace(/^\uE000\n/gm, "").replace(/[ \t]+$/gm, "");
}

/**
 * Renders a migration and writes it as `<dir>/<revision>_<slug>.ts`, creating
 * `dir` if needed. It never overwrites a file.
 *
 * @param dir The migrations directory.
 * @param fields What to put in the file (see {@linkcode renderMigration}).
 * @returns The path written (`dir` joined with the file name).
 * @throws {ScriptError} When the file exists, the revision id cannot be part
 *   of a file name, or the file cannot be written.
 *
 * @example Writing a new revision
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { writeMigration } from "./template.ts";
 * const root = await Deno.makeTempDir();
 * const dir = join(root, "migrations"); // created by the call
 * const fields = { revision: "1f2e3d4c5b6a", downRevision: null, message: "create users" };
 * const path = await writeMigration(dir, fields);
 * assert.equal(path, join(dir, "1f2e3d4c5b6a_create_users.ts"));
 * assert.match(await Deno.readTextFile(path), /export const revision = "1f2e3d4c5b6a";/);
 * await assert.rejects(writeMigration(dir, fields), /exists/); // never overwrites
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeMigration(dir: string, fields: MigrationFields): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(fields.revision)) {
    throw new ScriptError(
      dir,
      `Cannot write migration: revision id "${fields.revision}" cannot name a file`,
      {
        hint: 'use letters, digits, "_", "-" and "."',
      },
    );
  }
  const path = join(dir, `${fields.revision}_${slugify(fields.message)}.ts`);
  const text = renderMigration(fields);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(path, text, { createNew: true });
  } catch (cause) {
    if (cause instanceof Deno.errors.AlreadyExists) {
      throw new ScriptError(path, `Cannot write migration "${path}": the file already exists`, {
        cause,
        hint: "choose another revision id",
      });
    }
    throw new ScriptError(path, `Cannot write migration "${path}": ${String(cause)}`, { cause });
  }
  return path;
}

/** A string literal quoted as `deno fmt` prefers: double quotes unless single need fewer escapes. */
function jsString(value: string): string {
  const json = JSON.stringify(value);
  const doubles = value.split('"').length - 1;
  const singles = value.split("'").length - 1;
  if (doubles <= singles) return json;
  return `'${json.slice(1, -1).replace(/\\"|'/g, (m) => (m === "'" ? "\\'" : '"'))}'`;
}

/** A literal: `null`, a string, or an array laid out to fit `width`. */
function layout(value: string[] | null | string, before: number, after: number, width: number) {
  if (value === null) return "null";
  if (typeof value === "string") return jsString(value);
  const items = value.map(jsString);
  const oneLine = `[${items.join(", ")}]`;
  if (before + oneLine.length + after <= width || items.length === 0) return oneLine;
  return `[\n${items.map((i) => `  ${i},\n`).join("")}]`;
}

function indent(body: string): string {
  return body.replace(/\n+$/, "").split("\n").map((l) => (l.trim() ? `  ${l}` : "")).join("\n");
}

/** Text for a `/** … *\/` comment: one line, no comment terminator. */
function commentSafe(value: string, name: string): string {
  if (name === "lintIgnore" || name.endsWith("Body") || name === "opImport") return value;
  return value.replace(/\s+/g, " ").trim().replaceAll("*/", "*\\/");
}
