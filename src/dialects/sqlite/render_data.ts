/**
 * Rendering `bulkInsert` for SQLite.
 *
 * @module
 */
import { type ChangeOf, isSqlExpr } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import { quoteIdent } from "../_common/quote.ts";

/**
 * Renders `bulkInsert` as prepared-once batches: each statement carries a
 * `batch` of parameter rows that the driver runs through one prepared
 * statement (kept across the chunks of one call).
 *
 * A row's columns are its keys whose value is not `undefined` (in the order
 * of the change's `columns` when it has them); a key that is missing is left
 * out of the INSERT, so the column gets its DEFAULT (as on PostgreSQL, where
 * it is written `DEFAULT`), not NULL. SQLite's VALUES has no `DEFAULT`
 * keyword, so consecutive rows with the same columns share one statement (row
 * order is kept), and a row with none is `DEFAULT VALUES`.
 *
 * @param change The change.
 * @returns The statements (none for no rows).
 * @throws {StrataError} For an `op.sql()` value (a bound value cannot be SQL).
 *
 * @example Rows with the same keys share one statement
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderBulkInsert } from "./render_data.ts";
 * const [s] = renderBulkInsert({ kind: "bulkInsert", table: "t", rows: [{ a: 1 }, { a: 2 }] });
 * assert.equal(s?.sql, "INSERT INTO t (a) VALUES (?)");
 * assert.equal(s.batch?.length, 2);
 * ```
 */
export function renderBulkInsert(change: ChangeOf<"bulkInsert">): Statement[] {
  const table = quoteIdent(change.table);
  const out: Statement[] = [];
  const fixed = change.columns;
  let columns: string[] | undefined;
  let batch: unknown[][] = [];
  const rows = change.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    // Most rows have the previous row's columns: check without allocating.
    if (columns === undefined || !sameColumns(row, columns, fixed)) {
      columns = fixed
        ? fixed.filter((c) => row[c] !== undefined)
        : Object.keys(row).filter((c) => row[c] !== undefined);
      batch = [];
      out.push({ sql: insertSql(table, columns), batch });
    }
    const values = new Array<unknown>(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const v = row[columns[c]!];
      if (typeof v === "object" && v !== null && isSqlExpr(v)) {
        throw new StrataError(
          `Cannot bulk insert into "${change.table}": row ${i + 1}, column "${
            columns[c]
          }" is an SQL expression`,
          { hint: "bulkInsert binds values; use op.execute for SQL expressions" },
        );
      }
      values[c] = v;
    }
    batch.push(values);
  }
  return out;
}

function insertSql(table: string, columns: readonly string[]): string {
  return columns.length === 0
    ? `INSERT INTO ${table} DEFAULT VALUES`
    : `INSERT INTO ${table} (${columns.map(quoteIdent).join(", ")}) VALUES (${
      columns.map(() => "?").join(", ")
    })`;
}

/** Whether the keys of `row` holding a value are exactly `columns`, in order. */
function sameColumns(
  row: Record<string, unknown>,
  columns: readonly string[],
  fixed: readonly string[] | undefined,
): boolean {
  let n = 0;
  if (fixed) {
    for (let i = 0; i < fixed.length; i++) {
      const c = fixed[i]!;
      if (row[c] === undefined) continue;
      if (columns[n] !== c) return false;
      n++;
    }
  } else {
    for (const c in row) {
      if (row[c] === undefined) continue;
      if (columns[n] !== c) return false;
      n++;
    }
  }
  return n === columns.length;
}
