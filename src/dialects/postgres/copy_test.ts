import assert from "node:assert/strict";
import { copyCell, escapeCopyText, renderCopy } from "./copy.ts";
import { renderBulkInsert } from "./render_data.ts";

Deno.test("escapeCopyText() escapes backslash, newline, carriage return and tab, and nothing else", () => {
  const cases: [string, string][] = [
    ["plain", "plain"],
    ["a\tb", "a\\tb"],
    ["a\nb", "a\\nb"],
    ["a\rb", "a\\rb"],
    ["a\r\nb", "a\\r\\nb"],
    ["back\\slash", "back\\\\slash"],
    ["\\N", "\\\\N"],
    ["\\.", "\\\\."],
    ["trailing\\", "trailing\\\\"],
    ["é 漢字 😀 \u2028 \0", "é 漢字 😀 \u2028 \0"],
    ["", ""],
    [" ", " "],
  ];
  for (const [input, want] of cases) {
    assert.equal(escapeCopyText(input), want, JSON.stringify(input));
  }
});

Deno.test("copyCell() writes values as a bound parameter would carry them", () => {
  assert.equal(copyCell(null), "\\N");
  assert.equal(copyCell(0), "0");
  assert.equal(copyCell(-1.5e-7), "-1.5e-7");
  assert.equal(copyCell(NaN), "NaN");
  assert.equal(copyCell(2n ** 70n), "1180591620717411303424");
  assert.equal(copyCell(true), "true");
  assert.equal(copyCell(false), "false");
  assert.equal(copyCell(new Uint8Array([0, 9, 92, 255])), "\\\\x00095cff");
  assert.equal(copyCell(new Uint8Array()), "\\\\x");
  assert.equal(copyCell({ a: "t\tb\\" }), '{"a":"t\\\\tb\\\\\\\\"}');
  assert.equal(copyCell([1, "x"]), '[1,"x"]');
  for (const v of [undefined, new Date(0), { $sql: "now()" }, () => 1, Symbol("s")]) {
    assert.equal(copyCell(v), undefined);
  }
});

Deno.test("renderCopy() writes one line per row and gives up when a value needs an INSERT", () => {
  const s = renderCopy('"T"', ["id", "select"], [{ id: 1, select: "a\tb" }, {
    id: 2,
    select: null,
  }]);
  assert.equal(s?.sql, 'COPY "T" (id, "select") FROM STDIN');
  assert.deepEqual([...s?.copy ?? []], ["1\ta\\tb\n2\t\\N\n"]);
  // Long data comes in pieces of whole lines.
  const many = Array.from({ length: 2_500 }, (_, i) => ({ i }));
  const pieces = [...renderCopy("t", ["i"], many)?.copy ?? []];
  assert.equal(pieces.length, 3);
  assert(pieces.every((p) => p.endsWith("\n")));
  assert.equal(pieces.join(""), many.map((r) => `${r.i}\n`).join(""));
  assert.equal(renderCopy("t", ["a", "b"], [{ a: 1, b: 2 }, { a: 1 }]), undefined);
  assert.equal(renderCopy("t", ["a"], [{ a: new Date(0) }]), undefined);
});

Deno.test("renderBulkInsert() uses COPY only when asked and every value can be copied", () => {
  const rows = [{ id: 1, name: "x" }, { id: 2, name: "y" }];
  const change = { kind: "bulkInsert" as const, table: "t", rows };
  const [copy, ...more] = renderBulkInsert(change, { copy: true });
  assert.equal(copy?.sql, "COPY t (id, name) FROM STDIN");
  assert.equal([...copy?.copy ?? []].join(""), "1\tx\n2\ty\n");
  assert.deepEqual(more, []);
  assert.match(renderBulkInsert(change)[0]?.sql ?? "", /^INSERT INTO t/);
  // A missing key means DEFAULT, which COPY cannot say: multi-row INSERTs instead.
  const partial = { ...change, rows: [{ id: 1, name: "x" }, { id: 2 }] };
  assert.match(renderBulkInsert(partial, { copy: true })[0]?.sql ?? "", /DEFAULT/);
  // Fixed columns: the COPY lists exactly those.
  const fixed = { ...change, columns: ["name", "id"] };
  assert.equal(renderBulkInsert(fixed, { copy: true })[0]?.sql, "COPY t (name, id) FROM STDIN");
  assert.deepEqual(renderBulkInsert({ ...change, rows: [] }, { copy: true }), []);
});
