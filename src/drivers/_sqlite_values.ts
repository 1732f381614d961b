/**
 * Converting values between JavaScript and node:sqlite.
 *
 * @module
 */
import type { SQLInputValue } from "node:sqlite";
import type { Row } from "./driver.ts";

/**
 * Converts one parameter to a value SQLite can bind: booleans become 1/0,
 * dates ISO-8601 text, plain objects and arrays JSON text, `undefined` NULL,
 * and whole numbers bind as INTEGER rather than REAL.
 *
 * @param value A JavaScript value.
 * @returns The bindable value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toSqliteParam } from "./_sqlite_values.ts";
 * assert.equal(toSqliteParam(true), 1n);
 * assert.equal(toSqliteParam({ a: 1 }), '{"a":1}');
 * ```
 */
export function toSqliteParam(value: unknown): SQLInputValue {
  switch (typeof value) {
    case "string":
    case "bigint":
      return value;
    case "number":
      // node:sqlite binds every number as REAL, so 1 would land in a text
      // column as "1.0"; bind whole numbers as INTEGER, as sqlite3 would.
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case "boolean":
      return value ? 1n : 0n;
    case "undefined":
      return null;
    case "object":
      if (value === null || value instanceof Uint8Array) return value;
      if (value instanceof Date) return value.toISOString();
      if (value instanceof ArrayBuffer) return new Uint8Array(value);
      if (ArrayBuffer.isView(value)) {
        return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      }
      return JSON.stringify(value);
    default:
      throw new TypeError(`Cannot bind a ${typeof value} as an SQLite parameter`);
  }
}

/**
 * Converts a parameter list with {@linkcode toSqliteParam}.
 *
 * @param params The parameters, if any.
 * @returns The bindable values.
 */
export function bind(params: readonly unknown[] | undefined): SQLInputValue[] {
  return params === undefined ? [] : params.map(toSqliteParam);
}

/**
 * Copies a row into a plain object (node:sqlite's have a null prototype).
 * Integers are read as bigint so large ones survive; safe ones become numbers.
 *
 * @param row A row from node:sqlite.
 * @returns The plain row.
 */
export function convertRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const key in row) {
    const v = row[key];
    const safe = typeof v === "bigint" && v <= Number.MAX_SAFE_INTEGER &&
      v >= Number.MIN_SAFE_INTEGER;
    out[key] = safe ? Number(v) : v;
  }
  return out;
}
