/**
 * Identifier quoting shared by both dialects: quote only when needed, so SQL
 * stays readable, and always safely (a quote inside a name is doubled).
 *
 * @module
 */

/**
 * Words reserved in SQLite or PostgreSQL (or both). An identifier equal to one
 * of them (in any case) is quoted. Sources: sqlite.org/lang_keywords.html and
 * PostgreSQL's "SQL Key Words" appendix (reserved and non-reserved-but-restricted).
 */
const RESERVED = new Set(
  `abort action add after all alter always analyse analyze and any array as asc
  asymmetric attach authorization autoincrement before begin between binary both by cascade case cast
  check collate collation column commit concurrently conflict constraint create cross current
  current_catalog current_date current_role current_schema current_time current_timestamp current_user
  database default deferrable deferred delete desc detach distinct do drop each else end escape
  except exclude exclusive exists explain fail fetch filter first following for foreign freeze from
  full generated glob grant group groups having if ignore ilike immediate in index indexed initially
  inner insert instead intersect into is isnull join key last lateral leading left like limit
  localtime localtimestamp match materialized natural no not nothing notnull null nulls of offset
  on only or order others outer over overlaps partition placing plan pragma preceding primary query
  raise range recursive references regexp reindex release rename replace restrict returning right
  rollback row rows savepoint select session_user similar some symmetric system_user table temp
  temporary tablesample then ties to trailing transaction trigger true false unbounded union unique
  update user using vacuum values variadic verbose view virtual when where window with without`
    .split(/\s+/).filter(Boolean),
);

const BARE = /^[a-z_][a-z0-9_]*$/;

/**
 * Quotes an identifier when it is reserved, has upper case or odd characters.
 *
 * @param name The identifier.
 * @returns `name` bare when safe, else `"name"` with inner quotes doubled.
 *
 * @example Quoting
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteIdent } from "./quote.ts";
 * assert.equal(quoteIdent("users"), "users");
 * assert.equal(quoteIdent("order"), '"order"');
 * assert.equal(quoteIdent('we"ird'), '"we""ird"');
 * ```
 */
export function quoteIdent(name: string): string {
  if (BARE.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a possibly schema-qualified name.
 *
 * @param name The object name.
 * @param schema An optional schema.
 * @returns `schema.name`, each part quoted as needed.
 */
export function qualify(name: string, schema?: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

/**
 * Writes a string as an SQL string literal (single quotes doubled).
 *
 * @param value The text.
 * @returns `'text'`.
 */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
