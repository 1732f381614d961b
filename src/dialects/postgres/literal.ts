/**
 * PostgreSQL literals for offline scripts and DDL defaults.
 *
 * Strings use `E'…'` when they contain a backslash (backslashes doubled), so a
 * script means the same whatever the server's `standard_conforming_strings`
 * is; other strings use plain `'…'` with quotes doubled.
 *
 * @module
 */
import { isSqlExpr } from "../../changes/change.ts";
import { StrataError } from "../../errors.ts";
import { quoteString } from "../_common/quote.ts";

/**
 * Writes text as a PostgreSQL string literal.
 *
 * @param value The text.
 * @returns `'text'`, or `E'te\\xt'` when it contains a backslash.
 * @throws {StrataError} When the text contains a NUL character (PostgreSQL text cannot hold one).
 *
 * @example Quoting
 * ```ts
 * import assert from "node:assert/strict";
 * import { pgString } from "./literal.ts";
 * assert.equal(pgString("it's"), "'it''s'");
 * assert.equal(pgString("a\\b"), "E'a\\\\b'");
 * ```
 */
export function pgString(value: string): string {
  if (value.includes("\0")) {
    throw new StrataError("Cannot write a string with a NUL character as a PostgreSQL literal");
  }
  if (!value.includes("\\")) return quoteString(value);
  return `E'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

/**
 * Writes bytes as bytea hex text (`\x0102`), without quotes.
 *
 * @param bytes The bytes.
 * @returns `\x` followed by two lower-case hex digits per byte.
 */
export function byteaHex(bytes: Uint8Array): string {
  return `\\x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Writes a number as SQL: finite numbers bare, `NaN`/`Infinity` as strings.
 *
 * @param n The number.
 * @returns `42`, `-1.5`, `'NaN'`, `'Infinity'` or `'-Infinity'`.
 */
export function numberLiteral(n: number): string {
  if (Number.isFinite(n)) return String(n);
  return `'${Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity"}'`;
}

/**
 * JSON text as `jsonb` prints it: `", "` and `": "` separators, object keys
 * ordered by byte length, then bytes. Writing defaults in this form means the
 * introspector reads back exactly what {@linkcode defaultSql} predicts.
 *
 * @param value A JSON-compatible value.
 * @returns The canonical text.
 *
 * @example Canonical form
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonbText } from "./literal.ts";
 * assert.equal(jsonbText({ bb: 1, a: [1, 2] }), '{"a": [1, 2], "bb": 1}');
 * ```
 */
export function jsonbText(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function") {
    return jsonbText(value.toJSON());
  }
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(", ")}]`;
  if (typeof value === "object") {
    const enc = new TextEncoder();
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({ k, v, b: enc.encode(k) }))
      .sort((x, y) => x.b.length - y.b.length || compareBytes(x.b, y.b));
    return `{${entries.map((e) => `${JSON.stringify(e.k)}: ${jsonbText(e.v)}`).join(", ")}}`;
  }
  if (typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? "null";
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Tells whether a value is sent as JSON text: a plain object or an array
 * (not a Date, bytes or an SQL expression).
 *
 * @param value Any value.
 * @returns `true` for JSON documents.
 */
export function isJsonValue(value: unknown): value is object {
  return typeof value === "object" && value !== null && !(value instanceof Date) &&
    !(value instanceof Uint8Array) && !isSqlExpr(value);
}

/**
 * Writes a value as a PostgreSQL literal for an offline script.
 *
 * @param value `null`/`undefined` → `NULL`; strings quoted ({@linkcode pgString});
 *   numbers and bigints bare; booleans `TRUE`/`FALSE`; a Date → its ISO text
 *   as `'…'::timestamptz` (as a live run binds it); bytes → `E'\\x…'::bytea`;
 *   `op.sql()` → its text as is; objects and arrays → their JSON text quoted.
 * @returns The literal.
 * @throws {StrataError} For an invalid Date, a NUL in a string, or a value with
 *   no SQL form (a function, a symbol).
 *
 * @example Literals
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./literal.ts";
 * assert.equal(literal("O'Hara"), "'O''Hara'");
 * assert.equal(literal(true), "TRUE");
 * assert.equal(literal(new Uint8Array([1, 255])), "E'\\\\x01ff'::bytea");
 * assert.equal(literal({ a: 1 }), `'{"a":1}'`);
 * ```
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  switch (typeof value) {
    case "string":
      return pgString(value);
    case "number":
      return numberLiteral(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "TRUE" : "FALSE";
  }
  if (isSqlExpr(value)) return value.$sql;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new StrataError("Cannot write an invalid Date as an SQL literal");
    }
    // A live run binds a Date as timestamptz (postgres.js); the cast keeps the
    // same meaning offline: a timestamp column gets the session time zone's
    // local time, not the UTC digits of the text.
    return `${pgString(value.toISOString())}::timestamptz`;
  }
  // Through pgString (E'\\x…'), so the backslash means the same whatever
  // standard_conforming_strings is (with it off, '\x00…' would be an escape).
  if (value instanceof Uint8Array) return `${pgString(byteaHex(value))}::bytea`;
  if (typeof value === "object") return pgString(JSON.stringify(value));
  throw new StrataError(`Cannot write a ${typeof value} as an SQL literal`);
}
