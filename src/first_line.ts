/**
 * One-line error messages: a stack trace or the SQL context a database adds
 * after the first line stays out of `error: …`.
 *
 * @module
 */

/**
 * The first non-empty line of a message, trimmed.
 *
 * @param text A message, possibly several lines long.
 * @returns Its first non-empty line, or `""` when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstLine } from "./first_line.ts";
 * assert.equal(firstLine("\n  syntax error at end of input\nLINE 1: SELEC"), "syntax error at end of input");
 * ```
 */
export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? "";
}
