/**
 * `op.bulkInsert` for many rows, private to `src/changes/`: cuts the rows
 * into chunks, each one `bulkInsert` change, so an iterable of ten million
 * rows streams through with one chunk in memory at a time.
 *
 * @module
 */
import type { Change } from "./change.ts";
import type { BulkInsertOptions, BulkProgress, BulkRows, Row } from "./op.ts";
import { StrataError } from "../errors.ts";

/** Rows per chunk unless the call says otherwise. */
export const DEFAULT_CHUNK_SIZE = 50_000;

type BulkChange = Extract<Change, { kind: "bulkInsert" }>;

/**
 * Whether a call can be recorded as one change, as before streaming existed:
 * an array no longer than a chunk, without a `columns` list to check.
 *
 * @param rows The rows given.
 * @param options The call's options.
 * @returns `true` for a small array.
 */
export function isSmallArray(rows: BulkRows, options: BulkInsertOptions): rows is Row[] {
  return Array.isArray(rows) && rows.length <= chunkSizeOf(options) &&
    options.columns === undefined;
}

function chunkSizeOf(options: BulkInsertOptions): number {
  const size = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new StrataError(`bulkInsert chunkSize must be a positive integer, got ${size}`);
  }
  return size;
}

/**
 * Reads `rows` a chunk at a time and hands each chunk to `apply` as one
 * `bulkInsert` change, waiting for it before reading on.
 *
 * Columns: `options.columns`, else for an array the union of its rows' keys
 * (each chunk then carries no column list, as a small array does), else the
 * keys of the first row. With a fixed column list, a row with another key is
 * an error naming the row; a missing key leaves the column to its default.
 *
 * @param table The table.
 * @param rows An array, iterable or async iterable of rows.
 * @param options Schema, columns and chunk size.
 * @param apply Carries out one chunk's change.
 * @param onProgress Told after each chunk, and once more at the end.
 * @returns The number of rows inserted.
 * @throws {StrataError} For a row that is not an object or has a key outside
 *   the columns; whatever `apply` throws.
 */
export async function streamBulkInsert(
  table: string,
  rows: BulkRows,
  options: BulkInsertOptions,
  apply: (change: BulkChange) => Promise<void>,
  onProgress?: (progress: BulkProgress) => void,
): Promise<number> {
  const size = chunkSizeOf(options);
  const started = performance.now();
  let columns = options.columns ? [...options.columns] : undefined;
  let allowed = columns ? new Set(columns) : undefined;
  const fixed = columns !== undefined || !Array.isArray(rows);
  let chunk: Row[] = [];
  let count = 0;
  const flush = async () => {
    const change: BulkChange = { kind: "bulkInsert", table, rows: chunk };
    if (columns) change.columns = columns;
    if (options.schema !== undefined) change.schema = options.schema;
    await apply(change);
    count += chunk.length;
    chunk = [];
    onProgress?.({ table, rows: count, elapsedMs: performance.now() - started, done: false });
  };
  const take = (row: Row): boolean => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new StrataError(
        `Cannot bulk insert into "${table}": row ${count + chunk.length + 1} is not an object`,
        { hint: "each row is an object keyed by column name" },
      );
    }
    if (fixed) {
      if (!columns) {
        columns = Object.keys(row);
        allowed = new Set(columns);
      } else {
        for (const key in row) {
          if (!allowed!.has(key) && row[key] !== undefined) {
            throw new StrataError(
              `Cannot bulk insert into "${table}": row ${
                count + chunk.length + 1
              } has column "${key}", which ${
                options.columns ? "is not in `columns`" : "the first row does not have"
              }`,
              { hint: "pass { columns: [...] } naming every column the rows fill" },
            );
          }
        }
      }
    }
    chunk.push(row);
    return chunk.length >= size;
  };
  // A plain loop for a synchronous iterable: `for await` would cost a
  // promise per row.
  if (Symbol.iterator in rows) {
    for (const row of rows) if (take(row)) await flush();
  } else {
    for await (const row of rows) if (take(row)) await flush();
  }
  if (chunk.length > 0) await flush();
  onProgress?.({ table, rows: count, elapsedMs: performance.now() - started, done: true });
  return count;
}
