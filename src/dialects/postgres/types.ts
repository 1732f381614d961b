/**
 * PostgreSQL column types: portable names to SQL ({@linkcode columnType}) and
 * any spelling back to Strata's one vocabulary ({@linkcode normalizeType}).
 *
 * The vocabulary is the portable names of DESIGN.md wherever one fits
 * (`integer`, `varchar(80)`, `double`, `timestamptz`, `json`, `blob`,
 * `enum:mood`), so `normalizeType(p) === p` for every portable `p` and the
 * introspector reports a column declared as `p` as `p`. Other types come back
 * lower case with PostgreSQL's aliases folded (`int4` → `integer`,
 * `timestamp(3) with time zone` → `timestamptz(3)`, `float8` → `double`).
 *
 * @module
 */
import { StrataError } from "../../errors.ts";
import { qualify, quoteIdent } from "../_common/quote.ts";

/** Portable names whose PostgreSQL spelling differs, or that must not pass through as typed. */
const PORTABLE_SQL: Readonly<Record<string, string>> = {
  double: "double precision",
  json: "jsonb",
  blob: "bytea",
};

/** PostgreSQL spellings and aliases → the vocabulary (bare names, no modifiers). */
const ALIASES: Readonly<Record<string, string>> = {
  int: "integer",
  int4: "integer",
  serial: "integer",
  serial4: "integer",
  int8: "bigint",
  bigserial: "bigint",
  serial8: "bigint",
  int2: "smallint",
  smallserial: "smallint",
  serial2: "smallint",
  "double precision": "double",
  float8: "double",
  float4: "real",
  bool: "boolean",
  "character varying": "varchar",
  character: "char",
  decimal: "numeric",
  jsonb: "json",
  bytea: "blob",
  "bit varying": "varbit",
};

/** Types whose literals PostgreSQL stores as numbers (used for defaults). */
export const NUMERIC_TYPES: ReadonlySet<string> = new Set([
  "integer",
  "bigint",
  "smallint",
  "numeric",
  "real",
  "double",
]);

/**
 * Tells whether text could be a type name: letters, digits, `_`, spaces,
 * `,` `.` `-` `[]`, balanced parentheses and double quotes; nothing that could
 * end a statement or start a comment.
 *
 * @param type The type text.
 * @returns `true` when it is plausible.
 */
export function isPlausibleType(type: string): boolean {
  if (!/^[A-Za-z_"][A-Za-z0-9_ ,.()[\]"-]*$/.test(type) || type.includes("--")) return false;
  if ((type.match(/"/g)?.length ?? 0) % 2 !== 0) return false;
  let depth = 0;
  for (const ch of type) {
    if (ch === "(") depth++;
    if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * Writes a column type as PostgreSQL SQL.
 *
 * @param type A portable name (`double` → `double precision`, `json` → `jsonb`,
 *   `blob` → `bytea`, `enum:NAME` or `enum:SCHEMA.NAME` → the enum type, quoted
 *   as needed) or a PostgreSQL type, passed through unchanged.
 * @returns The SQL type.
 * @throws {StrataError} When the text is not a plausible type (`;`, unbalanced
 *   parentheses, quotes, comments).
 *
 * @example Mapping portable names
 * ```ts
 * import assert from "node:assert/strict";
 * import { columnType } from "./types.ts";
 * assert.equal(columnType("double"), "double precision");
 * assert.equal(columnType("enum:Mood"), '"Mood"');
 * assert.equal(columnType("varchar(80)"), "varchar(80)");
 * ```
 */
export function columnType(type: string): string {
  const trimmed = type.trim();
  const enumName = /^enum:(.+)$/i.exec(trimmed)?.[1]?.trim();
  if (enumName !== undefined) {
    const dot = enumName.indexOf(".");
    return dot > 0
      ? qualify(enumName.slice(dot + 1), enumName.slice(0, dot))
      : quoteIdent(enumName);
  }
  if (!isPlausibleType(trimmed)) {
    throw new StrataError(`Unknown column type "${type}" on postgres`, {
      hint: "use a portable type (integer, text, varchar(n), …) or a PostgreSQL type name",
    });
  }
  return PORTABLE_SQL[trimmed.toLowerCase()] ?? trimmed;
}

/**
 * Lower-cases text outside double-quoted parts and tidies white space.
 *
 * @param type Type text.
 * @returns Canonical spacing: none around `(`, `)` or `,`, single spaces elsewhere.
 */
function tidy(type: string): string {
  const lowered = type.split('"').map((part, i) => (i % 2 === 0 ? part.toLowerCase() : part))
    .join('"');
  return lowered.replace(/\s+/g, " ").replace(/\s*\(\s*/g, "(").replace(/\s*\)/g, ")")
    .replace(/\s*,\s*/g, ",").replace(/\s*\[\s*\]/g, "[]").trim();
}

/**
 * The type name the introspector reports for a column declared with `type`.
 *
 * @param type Any spelling: portable, PostgreSQL, or `format_type()` output.
 * @returns The vocabulary name (see the module docs).
 *
 * @example Aliases fold to portable names
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeType } from "./types.ts";
 * assert.equal(normalizeType("character varying(80)"), "varchar(80)");
 * assert.equal(normalizeType("timestamp with time zone"), "timestamptz");
 * assert.equal(normalizeType("jsonb"), "json");
 * assert.equal(normalizeType("varchar(80)"), "varchar(80)");
 * ```
 */
export function normalizeType(type: string): string {
  const trimmed = type.trim();
  const enumName = /^enum:(.+)$/i.exec(trimmed)?.[1];
  if (enumName !== undefined) return `enum:${enumName.trim()}`;
  let t = tidy(trimmed);
  let suffix = "";
  while (t.endsWith("[]")) {
    suffix += "[]";
    t = t.slice(0, -2).trimEnd();
  }
  const m = /^(.*?)(?:\(([^()]*)\))?( with time zone| without time zone)?$/.exec(t);
  if (m === null || m[1] === undefined || m[1] === "") return t + suffix;
  const [, rawName, args, zone] = m;
  let name = ALIASES[rawName] ?? rawName;
  let mods = args === undefined ? "" : `(${args})`;
  if (name === "timestamp" || name === "time") {
    if (zone === " with time zone") name = name === "time" ? "timetz" : "timestamptz";
  } else if (zone !== undefined) {
    return t + suffix; // "with time zone" after anything else: not ours to fold
  }
  if (name === "float") {
    name = args !== undefined && Number(args) <= 24 ? "real" : "double";
    mods = "";
  } else if (name === "char" && args === undefined) {
    mods = "(1)"; // PostgreSQL: char without a length is char(1)
  } else if (name === "numeric" && args !== undefined && /^\d+$/.test(args)) {
    mods = `(${args},0)`; // numeric(p) is reported as numeric(p,0)
  }
  return name + mods + suffix;
}
