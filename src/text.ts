/**
 * Small helpers for text that users read: counted nouns, migration messages
 * on one line, and the first line of an error. Every place that prints a count or a migration's
 * `message` goes through here, so the rules live in one place.
 *
 * @module
 */

/**
 * A count with its noun, singular for exactly one: `1 revision`, `0 revisions`.
 *
 * @param count How many.
 * @param noun The singular noun.
 * @param pluralNoun The plural, when it is not `noun` + `s`.
 * @returns `count` and the noun.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plural } from "./text.ts";
 * assert.equal(plural(1, "revision"), "1 revision");
 * assert.equal(plural(0, "revision"), "0 revisions");
 * assert.equal(plural(2, "index", "indexes"), "2 indexes");
 * ```
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** What an empty message prints as. */
export const NO_MESSAGE = "(no message)";

/** Line breaks, tabs and other whitespace runs, and control characters. */
const BREAKS = /[\s\p{Cc}]+/gu;

/**
 * A migration message as one clean line: every run of whitespace, line
 * breaks (`\n`, `\r`, U+2028, …) and control characters becomes one space,
 * the ends are trimmed, and an empty message reads {@linkcode NO_MESSAGE}.
 * Progress lines, `history`, `heads`, `pending` and the comments of an offline
 * script use it, so a message can neither split a line nor end an SQL comment
 * early. (`--json` output keeps the message as written.)
 *
 * @param message The migration's `message` export.
 * @returns The message on one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageLine } from "./text.ts";
 * assert.equal(messageLine("add users\r\n\ttable "), "add users table");
 * assert.equal(messageLine(""), "(no message)");
 * ```
 */
export function messageLine(message: string | undefined): string {
  const line = (message ?? "").replace(BREAKS, " ").trim();
  return line === "" ? NO_MESSAGE : line;
}

/**
 * The first non-empty line of a message, trimmed.
 *
 * @param text A message, possibly several lines long.
 * @returns Its first non-empty line, or `""` when it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { firstLine } from "./text.ts";
 * assert.equal(firstLine("\n  syntax error at end of input\nLINE 1: SELEC"), "syntax error at end of input");
 * ```
 */
export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== "")?.trim() ?? "";
}
