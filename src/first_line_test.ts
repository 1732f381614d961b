import assert from "node:assert/strict";
import { firstLine } from "./first_line.ts";

Deno.test("firstLine() keeps the first non-empty line of a message, trimmed", () => {
  const cases: [string, string][] = [
    ["one line", "one line"],
    [
      'relation "t" does not exist\nLINE 1: SELECT * FROM t\n        ^',
      'relation "t" does not exist',
    ],
    ["\n\n  after blank lines  \nmore", "after blank lines"],
    ["windows\r\nline ends", "windows"],
    ["", ""],
    [" \n\t\n", ""],
  ];
  for (const [text, line] of cases) assert.equal(firstLine(text), line, JSON.stringify(text));
});
