/**
 * SQLite literals for offline scripts: values written into SQL text, and
 * statements with their `?` parameters inlined.
 *
 * @module
 */
import { isSqlExpr } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import { plural } from "../../text.ts";
import { quoteString } from "../_common/quote.ts";
import { tokenize } from "./_lexer.ts";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes a value as a SQLite literal.
 *
 * Strings are quoted with `'` doubled; numbers as written (`Infinity` as
 * `9e999`, SQLite's spelling); booleans as 1/0 (SQLite stores them so);
 * `null`/`undefined` as NULL; dates as ISO-8601 text; bytes as `X'hex'`;
 * `{ $sql }` as its raw text; other objects and arrays as JSON text.
 *
 * @param value Any value.
 * @returns The literal.
 * @throws {StrataError} For NaN, functions and symbols, which have no literal.
 *
 * @example Literals
 * ```ts
 * import assert from "node:assert/strict";
 * import { literal } from "./literal.ts";
 * assert.equal(literal("it's"), "'it''s'");
 * assert.equal(literal(true), "1");
 * assert.equal(literal(new Uint8Array([0, 255])), "X'00ff'");
 * assert.equal(literal({ a: 1 }), `'{"a":1}'`);
 * ```
 */
export function literal(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quoteString(value);
    case "number":
      if (Number.isNaN(value)) throw new StrataError("Cannot write NaN as an SQLite literal");
      if (!Number.isFinite(value)) return value > 0 ? "9e999" : "-9e999";
      return Object.is(value, -0) ? "0" : String(value);
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "1" : "0";
    case "undefined":
      return "NULL";
    case "object":
      if (value === null) return "NULL";
      if (value instanceof Date) return quoteString(value.toISOString());
      if (value instanceof Uint8Array) return `X'${hex(value)}'`;
      if (isSqlExpr(value)) return value.$sql;
      return quoteString(JSON.stringify(value));
    default:
      throw new StrataError(`Cannot write a ${typeof value} as an SQLite literal`);
  }
}

/**
 * Characters the `sqlite3` shell does not read back from a script as written:
 * it drops a CR before a line feed (it reads CRLF scripts line by line) and a
 * NUL ends its input line.
 */
const SHELL_UNSAFE = /([\r\0])/;

/**
 * Writes a parameter value as a literal for a script run by the `sqlite3`
 * shell: as {@linkcode literal}, except that a string holding a CR or NUL is
 * written as a concatenation with `char(13)` / `char(0)`, so the shell reads
 * back exactly the string a live run binds.
 *
 * @param value Any value.
 * @returns The literal (or a parenthesised expression).
 * @throws {StrataError} As {@linkcode literal}.
 *
 * @example A CRLF line break survives the shell
 * ```ts
 * import assert from "node:assert/strict";
 * import { scriptLiteral } from "./literal.ts";
 * assert.equal(scriptLiteral("a\r\nb"), "('a' || char(13) || '\nb')");
 * assert.equal(scriptLiteral("plain"), "'plain'");
 * ```
 */
export function scriptLiteral(value: unknown): string {
  if (typeof value !== "string" || !SHELL_UNSAFE.test(value)) return literal(value);
  const parts = value.split(SHELL_UNSAFE).filter((p) => p !== "")
    .map((p) => (p === "\r" ? "char(13)" : p === "\0" ? "char(0)" : quoteString(p)));
  return `(${parts.join(" || ")})`;
}

function inlineOne(sql: string, params: readonly unknown[]): string {
  let next = 0;
  const used = new Set<number>();
  const out = tokenize(sql).map((t) => {
    if (t.kind !== "param") return t.text;
    if (!t.text.startsWith("?")) {
      throw new StrataError(`Cannot inline parameter "${t.text}": only ? and ?NNN are supported`);
    }
    const index = t.text.length > 1 ? Number(t.text.slice(1)) - 1 : next;
    next = index + 1;
    if (index < 0 || index >= params.length) {
      throw new StrataError(
        `Cannot inline statement: parameter ${index + 1} is missing (${params.length} given)`,
        { hint: `in: ${sql.length > 80 ? sql.slice(0, 77) + "..." : sql}` },
      );
    }
    used.add(index);
    return scriptLiteral(params[index]);
  }).join("");
  if (used.size < params.length) {
    throw new StrataError(
      `Cannot inline statement: ${plural(params.length, "parameter")} given, ${used.size} used`,
      { hint: `in: ${sql.length > 80 ? sql.slice(0, 77) + "..." : sql}` },
    );
  }
  return out;
}

/**
 * Rewrites a statement with its parameters written as literals. A `?` inside
 * a string literal, a quoted identifier or a comment is left alone; `?NNN`
 * picks parameter NNN. A `batch` statement becomes one statement per row.
 *
 * @param stmt The statement.
 * @returns The SQL texts, without trailing semicolons.
 * @throws {StrataError} When the parameter count does not match the placeholders.
 *
 * @example Inlining
 * ```ts
 * import assert from "node:assert/strict";
 * import { inline } from "./literal.ts";
 * const sql = inline({ sql: "INSERT INTO t (a, b) VALUES (?, '?')", params: ["x"] });
 * assert.equal(sql[0], "INSERT INTO t (a, b) VALUES ('x', '?')");
 * ```
 */
export function inline(stmt: Statement): string[] {
  if (stmt.batch !== undefined) return stmt.batch.map((row) => inlineOne(stmt.sql, row));
  return [inlineOne(stmt.sql, stmt.params ?? [])];
}
