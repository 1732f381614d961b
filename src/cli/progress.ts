/**
 * The progress line of a long `op.bulkInsert` on a terminal: rows so far and
 * rows per second, redrawn in place on stderr at most ten times a second, for
 * loads that run longer than a second (shorter ones print nothing).
 *
 * @module
 */
import type { BulkProgress } from "../changes/op.ts";
import type { Writer } from "./output.ts";

/** Loads shorter than this print no progress. */
const QUIET_MS = 1_000;
/** The least time between two redraws. */
const REDRAW_MS = 100;

const encoder = new TextEncoder();
// Made on first use: creating an Intl formatter costs ~15 ms, too much for
// every start.
let group: Intl.NumberFormat | undefined;

/**
 * The text of one progress line.
 *
 * @param p Where the load is.
 * @returns e.g. `bulkInsert "events": 1,250,000 rows, 1,041,667 rows/s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressText } from "./progress.ts";
 * const text = progressText({ table: "t", rows: 2_000_000, elapsedMs: 2_000, done: false });
 * assert.equal(text, 'bulkInsert "t": 2,000,000 rows, 1,000,000 rows/s');
 * ```
 */
export function progressText(p: BulkProgress): string {
  const rate = p.elapsedMs > 0 ? Math.round(p.rows / (p.elapsedMs / 1000)) : 0;
  group ??= new Intl.NumberFormat("en-US");
  return `bulkInsert "${p.table}": ${group.format(p.rows)} rows, ${group.format(rate)} rows/s`;
}

/**
 * Makes the `onBulkProgress` callback for the CLI: a no-op unless `stderr` is
 * a terminal.
 *
 * @param stderr Where to draw.
 * @param isTerminal Whether `stderr` is a terminal.
 * @returns The callback, or `undefined` when nothing should be drawn.
 *
 * @example Drawn only on a terminal, and only for a load over a second
 * ```ts
 * import assert from "node:assert/strict";
 * import { bulkProgress } from "./progress.ts";
 * let text = "";
 * const stderr = { writeSync: (b: Uint8Array) => (text += new TextDecoder().decode(b), b.length) };
 * assert.equal(bulkProgress(stderr, false), undefined);
 * const draw = bulkProgress(stderr, true)!;
 * draw({ table: "t", rows: 500, elapsedMs: 500, done: false });
 * assert.equal(text, "");
 * draw({ table: "t", rows: 3_000, elapsedMs: 1_500, done: true });
 * assert.equal(text, '\rbulkInsert "t": 3,000 rows, 2,000 rows/s\x1b[K\n');
 * ```
 */
export function bulkProgress(
  stderr: Writer,
  isTerminal: boolean,
): ((p: BulkProgress) => void) | undefined {
  if (!isTerminal) return undefined;
  let drawnAt = -Infinity;
  let drawn = false;
  const write = (text: string) => {
    const bytes = encoder.encode(text);
    let off = 0;
    while (off < bytes.length) off += stderr.writeSync(bytes.subarray(off));
  };
  return (p) => {
    if (p.elapsedMs < QUIET_MS && !drawn) return;
    if (!p.done && p.elapsedMs - drawnAt < REDRAW_MS) return;
    drawnAt = p.elapsedMs;
    // \r and erase-to-end-of-line: redraw in place.
    write(`\r${progressText(p)}\x1b[K${p.done ? "\n" : ""}`);
    drawn = !p.done;
  };
}
