/**
 * `COPY … FROM STDIN` in PostgreSQL's text format, the fast path of a live
 * `bulkInsert` (https://www.postgresql.org/docs/15/sql-copy.html, "Text
 * Format"): one line per row, cells separated by a tab, `\N` for NULL, and a
 * backslash escaping a backslash, newline, carriage return or tab inside a
 * value.
 *
 * Each value becomes the text a bound parameter would carry, so a row stores
 * the same whether it is copied live or written as an INSERT by `--sql`:
 * strings as they are; numbers and bigints in decimal; booleans `true` /
 * `false`; bytes as bytea hex (`\x…`); objects and arrays as their JSON text.
 * Three things a COPY cannot say send their chunk through multi-row INSERTs
 * instead: a missing (`undefined`) value, which means DEFAULT; an `op.sql()`
 * expression; and a `Date`, which a bound parameter converts in the session's
 * time zone according to the column's type.
 *
 * @module
 */
import { isSqlExpr } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { quoteIdent } from "../_common/quote.ts";

// Characters that need a backslash escape in the text format.
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Escapes a string for one cell of the text format.
 *
 * @param text The value.
 * @returns The escaped text (`text` itself when nothing needs escaping).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeCopyText } from "./copy.ts";
 * assert.equal(escapeCopyText("a\tb\\c\n"), "a\\tb\\\\c\\n");
 * ```
 */
export function escapeCopyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c]!) : text;
}

/**
 * The text-format cell for one value.
 *
 * @param value A row's value.
 * @returns The cell, or `undefined` for a value a COPY cannot carry
 *   (`undefined`, `op.sql()`, a `Date`, a function or symbol).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyCell } from "./copy.ts";
 * assert.equal(copyCell(null), "\\N");
 * assert.equal(copyCell(new Uint8Array([1, 255])), "\\\\x01ff");
 * assert.equal(copyCell({ a: "x\ty" }), '{"a":"x\\\\ty"}');
 * ```
 */
export function copyCell(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return escapeCopyText(value);
    case "number":
    case "bigint":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "\\N";
      if (value instanceof Uint8Array) {
        let hex = "\\\\x";
        for (let i = 0; i < value.length; i++) hex += HEX[value[i]!];
        return hex;
      }
      if (value instanceof Date || isSqlExpr(value)) return undefined;
      return escapeCopyText(JSON.stringify(value));
    }
    default:
      return undefined;
  }
}

/** Rows per piece of COPY data: about 32 KB for short rows. */
const ROWS_PER_PIECE = 1_000;

/**
 * Renders rows as one `COPY table (columns) FROM STDIN` statement with its
 * data, when every value can be copied. The data is rendered lazily, a
 * piece at a time, so the server loads one piece while the next is written.
 *
 * @param table The table, quoted and qualified.
 * @param columns The columns, in order (at least one).
 * @param rows The rows.
 * @returns The statement, or `undefined` when a row lacks a column or holds a
 *   value that needs an INSERT (see the module documentation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderCopy } from "./copy.ts";
 * const s = renderCopy("t", ["id", "name"], [{ id: 1, name: "a\tb" }, { id: 2, name: null }]);
 * assert.equal(s?.sql, "COPY t (id, name) FROM STDIN");
 * assert.equal([...s!.copy!].join(""), "1\ta\\tb\n2\t\\N\n");
 * ```
 */
export function renderCopy(
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Statement | undefined {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) {
      if (!copyable(row[columns[c]!])) return undefined;
    }
  }
  return {
    sql: `COPY ${table} (${columns.map(quoteIdent).join(", ")}) FROM STDIN`,
    copy: pieces(columns, rows),
  };
}

/** Whether {@linkcode copyCell} can write the value (without writing it). */
function copyable(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "number":
    case "bigint":
    case "boolean":
      return true;
    case "object":
      return value === null || !(value instanceof Date || isSqlExpr(value));
    default:
      return false;
  }
}

/** The COPY data for `rows`, {@linkcode ROWS_PER_PIECE} lines at a time. */
function* pieces(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Generator<string> {
  const width = columns.length;
  for (let start = 0; start < rows.length; start += ROWS_PER_PIECE) {
    const end = Math.min(rows.length, start + ROWS_PER_PIECE);
    let out = "";
    for (let r = start; r < end; r++) {
      const row = rows[r]!;
      for (let c = 0; c < width; c++) {
        out += copyCell(row[columns[c]!])! + (c === width - 1 ? "\n" : "\t");
      }
    }
    yield out;
  }
}
