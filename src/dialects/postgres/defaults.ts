/**
 * Column defaults: the SQL written in DDL ({@linkcode renderDefault}) and the
 * text the introspector reports for it ({@linkcode defaultSql}).
 *
 * The reported form is `pg_get_expr()`'s text with the cast stripped from a
 * lone literal ({@linkcode normalizeDefault}): `'abc'` (not `'abc'::text`),
 * `42`, `-1` (not `'-1'::integer`), `true`, `'\x0102'`, `'{"a": 1}'` (jsonb's
 * canonical text), and expressions as PostgreSQL prints them (`now()`,
 * `CURRENT_TIMESTAMP`, `(2 + 3)`).
 *
 * @module
 */
import { isSqlExpr, type Value } from "../../changes/change.ts";
import { quoteString } from "../_common/quote.ts";
import { byteaHex, jsonbText, numberLiteral, pgString } from "./literal.ts";
import { normalizeType, NUMERIC_TYPES } from "./types.ts";

/** SQL value functions PostgreSQL prints in upper case whatever case they were written in. */
const SQL_VALUE_FUNCTIONS = new Set([
  "current_timestamp",
  "current_date",
  "current_time",
  "localtime",
  "localtimestamp",
  "current_user",
  "session_user",
  "current_role",
  "current_catalog",
  "current_schema",
  "user",
]);

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/** The vocabulary name of a type without its modifiers: `varchar(8)` → `varchar`. */
function baseType(type: string): string {
  return normalizeType(type).replace(/\(.*$/, "");
}

/** Re-writes JSON text in jsonb's canonical form; text that is not JSON is kept. */
function canonicalJson(text: string): string {
  try {
    return jsonbText(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A Date as PostgreSQL prints it for a `date` or `timestamp` column (UTC). */
function dateText(value: Date, base: string): string {
  const iso = value.toISOString(); // 2024-01-02T03:04:05.600Z
  if (base === "date") return iso.slice(0, 10);
  if (base !== "timestamp") return iso;
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac === "" ? "" : `.${frac}`}`;
}

/**
 * Writes a default value as SQL for `DEFAULT …` in DDL.
 *
 * @param value A literal or `op.sql()` expression. Strings on a `json` column
 *   are JSON text; objects and arrays are written as canonical JSON text.
 * @param type The column's type (portable or PostgreSQL).
 * @returns The SQL.
 * @throws {StrataError} For a string with a NUL character.
 *
 * @example Defaults
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderDefault } from "./defaults.ts";
 * assert.equal(renderDefault("it's", "text"), "'it''s'");
 * assert.equal(renderDefault({ b: 1, a: 2 }, "json"), `'{"a": 2, "b": 1}'`);
 * ```
 */
export function renderDefault(value: Value, type: string): string {
  if (isSqlExpr(value)) return value.$sql;
  if (value === null) return "NULL";
  const base = baseType(type);
  switch (typeof value) {
    case "string":
      return pgString(base === "json" ? canonicalJson(value) : value);
    case "number":
      return numberLiteral(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
  }
  if (value instanceof Date) return pgString(dateText(value, base));
  if (value instanceof Uint8Array) return `'${byteaHex(value)}'::bytea`;
  return pgString(jsonbText(value));
}

/**
 * The default text the introspector reports for a column default given as
 * `value` (see the module docs for the forms).
 *
 * Limits: a Date default on a `timestamptz` column is printed by PostgreSQL in
 * the session's time zone, so it matches only when that is UTC; an array on a
 * PostgreSQL array column (not `json`) is written as JSON text; `null` gives
 * `NULL` although PostgreSQL stores no default at all for `DEFAULT NULL` (the
 * introspector reports `null`).
 *
 * @param value A literal or `op.sql()` expression.
 * @param type The column's type.
 * @returns The default as the introspector reports it.
 *
 * @example Reported forms
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultSql } from "./defaults.ts";
 * assert.equal(defaultSql("abc", "varchar(20)"), "'abc'");
 * assert.equal(defaultSql(-1, "integer"), "-1");
 * assert.equal(defaultSql({ $sql: "'{}'::jsonb" }, "json"), "'{}'");
 * ```
 */
export function defaultSql(value: Value, type: string): string {
  if (isSqlExpr(value)) return normalizeDefault(value.$sql);
  if (value === null) return "NULL";
  const base = baseType(type);
  switch (typeof value) {
    case "string":
      if (base === "json") return quoteString(canonicalJson(value));
      if (NUMERIC_TYPES.has(base) && NUMBER_TEXT.test(value)) return value;
      return quoteString(value);
    case "number":
      return numberLiteral(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
  }
  if (value instanceof Date) return quoteString(dateText(value, base));
  if (value instanceof Uint8Array) return `'${byteaHex(value)}'`;
  return quoteString(jsonbText(value));
}

/**
 * Normalises default text as `pg_get_expr()` prints it: a lone string literal
 * loses its casts (`'abc'::character varying` → `'abc'`), and becomes a bare
 * number when it is one cast to a numeric type (`'-1'::integer` → `-1`); SQL
 * value functions are upper-cased (`current_timestamp` → `CURRENT_TIMESTAMP`).
 * Anything else is kept as is (trimmed).
 *
 * @param text Default expression text.
 * @returns The normalised text.
 *
 * @example Stripping casts
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeDefault } from "./defaults.ts";
 * assert.equal(normalizeDefault("'a''b'::text"), "'a''b'");
 * assert.equal(normalizeDefault("'-1.5'::numeric"), "-1.5");
 * assert.equal(normalizeDefault("nextval('s'::regclass)"), "nextval('s'::regclass)");
 * ```
 */
export function normalizeDefault(text: string): string {
  const t = text.trim();
  if (SQL_VALUE_FUNCTIONS.has(t.toLowerCase())) return t.toUpperCase();
  const m = /^'((?:[^']|'')*)'((?:::[^:']+)+)$/s.exec(t);
  if (m === null) return t;
  const body = m[1] ?? "";
  const lastCast = (m[2] ?? "").split("::").pop() ?? "";
  if (NUMBER_TEXT.test(body) && NUMERIC_TYPES.has(baseType(lastCast))) return body;
  return `'${body}'`;
}
