import assert from "node:assert/strict";
import { firstLine, messageLine, NO_MESSAGE, plural } from "./text.ts";

Deno.test("plural() uses the singular for exactly one", () => {
  assert.equal(plural(1, "revision"), "1 revision");
  assert.equal(plural(0, "revision"), "0 revisions");
  assert.equal(plural(3, "head"), "3 heads");
  assert.equal(plural(1, "index", "indexes"), "1 index");
  assert.equal(plural(2, "index", "indexes"), "2 indexes");
});

Deno.test("messageLine() puts a message on one clean line", () => {
  assert.equal(messageLine("add user bio"), "add user bio");
  assert.equal(messageLine("first line\nsecond line"), "first line second line");
  assert.equal(messageLine("a\r\nb\rc\u2028d\u2029e\u0085f"), "a b c d e f");
  assert.equal(messageLine("  tabs\tand\u000bvt \n"), "tabs and vt");
  assert.equal(messageLine("esc\u001b[31mred"), "esc [31mred");
  assert.equal(messageLine(""), NO_MESSAGE);
  assert.equal(messageLine(" \n\t"), NO_MESSAGE);
  assert.equal(messageLine(undefined), NO_MESSAGE);
  assert.equal(NO_MESSAGE, "(no message)");
});

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
