/**
 * Inlining bound parameters for offline scripts: `$1` … `$n` become literals,
 * except inside string literals, quoted identifiers, dollar-quoted bodies and
 * comments, which a small tokenizer (after PostgreSQL's `scan.l`) skips.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import { plural } from "../../text.ts";
import { literal } from "./literal.ts";

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Index just past a quoted run starting at `start` (the opening quote). */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === "\\") {
      i += 2;
    } else if (ch === quote) {
      if (sql[i + 1] === quote) i += 2; // doubled quote
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length; // unterminated: the rest is quoted
}

/** Index just past a (nestable) block comment starting at `start`. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/**
 * Replaces `$n` placeholders in one SQL text with literals.
 *
 * @param sql The SQL text.
 * @param params The values for `$1` … `$n`.
 * @returns The SQL with literals.
 * @throws {StrataError} When a placeholder has no parameter.
 *
 * @example Strings are left alone
 * ```ts
 * import assert from "node:assert/strict";
 * import { inlineParams } from "./inline.ts";
 * const out = inlineParams("SELECT '$1', $1, $$ $1 $$", ["x"]);
 * assert.equal(out, "SELECT '$1', 'x', $$ $1 $$");
 * ```
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? "";
    const prev = i > 0 ? sql[i - 1] ?? "" : "";
    const afterIdent = IDENT_CHAR.test(prev);
    let end = i + 1;
    if (ch === "'") {
      const escaped = (prev === "E" || prev === "e") && !IDENT_CHAR.test(sql[i - 2] ?? "");
      end = skipQuoted(sql, i, "'", escaped);
    } else if (ch === '"') {
      end = skipQuoted(sql, i, '"', false);
    } else if (sql.startsWith("--", i)) {
      const nl = sql.indexOf("\n", i);
      end = nl === -1 ? sql.length : nl;
    } else if (sql.startsWith("/*", i)) {
      end = skipBlockComment(sql, i);
    } else if (ch === "$" && !afterIdent) {
      const digits = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      const tag = digits === null ? DOLLAR_TAG.exec(sql.slice(i, i + 64)) : null;
      if (digits !== null) {
        const n = Number(digits[1]);
        if (n < 1 || n > params.length) {
          throw new StrataError(
            `Cannot inline parameter "$${n}": the statement has ${
              plural(params.length, "parameter")
            }`,
          );
        }
        const lit = literal(params[n - 1]);
        // "x -$1" must not become the comment "x --1"
        out += (out.endsWith("-") && lit.startsWith("-") ? " " : "") + lit;
        i += (digits[0] ?? "").length;
        continue;
      }
      if (tag !== null) {
        const delim = tag[0];
        const close = sql.indexOf(delim, i + delim.length);
        end = close === -1 ? sql.length : close + delim.length;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}

/**
 * Rewrites a statement with its parameters inlined as literals: one SQL text,
 * or one per parameter row for a `batch`. A statement without parameters is
 * returned unchanged.
 *
 * @param stmt The statement.
 * @returns The SQL texts.
 * @throws {StrataError} When a placeholder has no parameter or a value has no literal form.
 *
 * @example A batch becomes one statement per row
 * ```ts
 * import assert from "node:assert/strict";
 * import { inline } from "./inline.ts";
 * const out = inline({ sql: "INSERT INTO t (a) VALUES ($1)", batch: [[1], ["x"]] });
 * assert.equal(out[1], "INSERT INTO t (a) VALUES ('x')");
 * ```
 */
export function inline(stmt: Statement): string[] {
  // Renderers give COPY only to live drivers (RenderContext.offline === false).
  if (stmt.copy !== undefined) throw new Error("Cannot write COPY data to an SQL script");
  if (stmt.batch !== undefined) return stmt.batch.map((row) => inlineParams(stmt.sql, row));
  // Without parameters the text is raw SQL, written as given (as the live driver sends it).
  if (stmt.params === undefined || stmt.params.length === 0) return [stmt.sql];
  return [inlineParams(stmt.sql, stmt.params)];
}
