/**
 * Rendering data changes: `execute` and `bulkInsert`.
 *
 * @module
 */
import { type ChangeOf, isSqlExpr } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { qualify, quoteIdent } from "../_common/quote.ts";
import { isJsonValue } from "./literal.ts";
import { renderCopy } from "./copy.ts";

/** PostgreSQL's limit on bound parameters in one statement (a 16-bit count). */
export const MAX_PARAMS = 65_535;
/** Rows per INSERT, so one statement stays a reasonable size. */
export const MAX_ROWS_PER_INSERT = 1_000;

/**
 * Renders `execute`: the SQL and parameters as given (`$1` placeholders).
 *
 * @param c The change.
 * @returns One statement.
 */
export function renderExecute(c: ChangeOf<"execute">): Statement[] {
  return [c.params.length > 0 ? { sql: c.sql, params: c.params } : { sql: c.sql }];
}

/**
 * The value bound for one cell: objects and arrays become JSON text. No
 * `::jsonb` cast is written: an untyped parameter (or an offline string
 * literal) takes its type from the target column, so the same text fills a
 * `jsonb`, `json` or `text` column.
 */
function bindValue(value: unknown): unknown {
  return isJsonValue(value) ? JSON.stringify(value) : value;
}

/** Options of {@linkcode renderBulkInsert}. */
export interface BulkInsertRenderOptions {
  /**
   * Render one `COPY … FROM STDIN` when every value can be copied (live runs);
   * otherwise, and offline, multi-row INSERTs.
   * @default {false}
   */
  copy?: boolean;
}

/**
 * Renders `bulkInsert`: with `options.copy`, as one `COPY … FROM STDIN` with
 * its data when every row has every column and no value needs SQL (see
 * `copy.ts`); otherwise as multi-row `INSERT … VALUES ($1, $2), ($3, $4)…`.
 *
 * Columns are the change's `columns`, else the union of the rows' keys in
 * first-seen order. A row without
 * a key (or with `undefined` there) gets the keyword `DEFAULT` in that place,
 * which multi-row VALUES allows, so it behaves as a single-row INSERT that
 * leaves the column out. `op.sql()` values are written as SQL; objects and
 * arrays are bound as JSON text. Each statement holds at most
 * {@linkcode MAX_ROWS_PER_INSERT} rows and stays under {@linkcode MAX_PARAMS}.
 *
 * @param c The change.
 * @param options Whether COPY may be used.
 * @returns The statements (none for no rows).
 *
 * @example Missing keys become DEFAULT
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBulkInsert } from "./render_data.ts";
 * const [s] = renderBulkInsert({ kind: "bulkInsert", table: "t", rows: [{ a: 1 }, { b: 2 }] });
 * assert.equal(s?.sql, "INSERT INTO t (a, b) VALUES\n  ($1, DEFAULT),\n  (DEFAULT, $2)");
 * ```
 */
export function renderBulkInsert(
  c: ChangeOf<"bulkInsert">,
  options: BulkInsertRenderOptions = {},
): Statement[] {
  const table = qualify(c.table, c.schema);
  if (c.rows.length === 0) return [];
  const columns = c.columns ?? unionOfKeys(c.rows);
  if (options.copy && columns.length > 0) {
    const copy = renderCopy(table, columns, c.rows);
    if (copy) return [copy];
  }
  if (columns.length === 0) {
    return c.rows.map(() => ({ sql: `INSERT INTO ${table} DEFAULT VALUES` }));
  }
  const perStatement = Math.max(
    1,
    Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / columns.length)),
  );
  const head = `INSERT INTO ${table} (${columns.map(quoteIdent).join(", ")}) VALUES\n  `;
  const out: Statement[] = [];
  for (let start = 0; start < c.rows.length; start += perStatement) {
    const params: unknown[] = [];
    const tuples = c.rows.slice(start, start + perStatement).map((row) => {
      const cells = columns.map((col) => {
        const v = Object.hasOwn(row, col) ? row[col] : undefined;
        if (v === undefined) return "DEFAULT";
        if (isSqlExpr(v)) return v.$sql;
        params.push(bindValue(v));
        return `$${params.length}`;
      });
      return `(${cells.join(", ")})`;
    });
    const sql = head + tuples.join(",\n  ");
    out.push(params.length > 0 ? { sql, params } : { sql });
  }
  return out;
}

/** The keys that hold a value in any row, in first-seen order. */
function unionOfKeys(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const k in row) if (row[k] !== undefined) seen.add(k);
  }
  return [...seen];
}
