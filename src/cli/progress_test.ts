import assert from "node:assert/strict";
import { bulkProgress, progressText } from "./progress.ts";

function recorder() {
  const chunks: string[] = [];
  const writer = {
    writeSync(data: Uint8Array) {
      chunks.push(new TextDecoder().decode(data));
      return data.length;
    },
  };
  return { chunks, writer };
}

Deno.test("progressText() shows rows and rows per second with digit groups", () => {
  assert.equal(
    progressText({ table: "events", rows: 1_234_567, elapsedMs: 1_000, done: false }),
    'bulkInsert "events": 1,234,567 rows, 1,234,567 rows/s',
  );
  assert.equal(
    progressText({ table: "t", rows: 0, elapsedMs: 0, done: true }),
    'bulkInsert "t": 0 rows, 0 rows/s',
  );
});

Deno.test("bulkProgress() draws nothing off a terminal or for a load under a second", () => {
  const { writer } = recorder();
  assert.equal(bulkProgress(writer, false), undefined);
  const { chunks, writer: tty } = recorder();
  const draw = bulkProgress(tty, true)!;
  for (const ms of [10, 500, 900]) draw({ table: "t", rows: ms, elapsedMs: ms, done: false });
  draw({ table: "t", rows: 950, elapsedMs: 950, done: true });
  assert.deepEqual(chunks, []);
});

Deno.test("bulkProgress() redraws a long load in place, at most every 100 ms, and ends the line", () => {
  const { chunks, writer } = recorder();
  const draw = bulkProgress(writer, true)!;
  for (const ms of [500, 1_000, 1_050, 1_099, 1_100, 1_150, 1_300]) {
    draw({ table: "t", rows: ms * 1_000, elapsedMs: ms, done: false });
  }
  draw({ table: "t", rows: 1_310_000, elapsedMs: 1_310, done: true });
  assert.deepEqual(chunks.map((c) => c.match(/"t": ([\d,]+) rows/)?.[1]), [
    "1,000,000",
    "1,100,000",
    "1,300,000",
    "1,310,000",
  ]);
  assert(chunks.every((c) => c.startsWith("\r") && c.includes("\x1b[K")));
  assert(chunks.at(-1)?.endsWith("\n"));
  assert(chunks.slice(0, -1).every((c) => !c.endsWith("\n")));
});
