/**
 * The one place that creates Strata's own tables (version and history), for
 * live runs and offline scripts alike.
 *
 * @module
 */
import type { Dialect } from "../dialects/dialect.ts";
import type { Queryable, Statement } from "../drivers/driver.ts";
import { createHistoryTable } from "./history.ts";

/**
 * The statements that create the version and history tables if they do not exist.
 *
 * @param dialect The dialect.
 * @param tables The configured table names.
 * @param q Where the dialect may read while rendering.
 * @returns The statements, version table first.
 */
export async function createOwnTables(
  dialect: Dialect,
  tables: { versionTable: string; historyTable: string },
  q: Queryable,
): Promise<Statement[]> {
  const history = await dialect.render(createHistoryTable(tables.historyTable), {
    query: q.query.bind(q),
    transactional: true,
  });
  return [...dialect.versionSql.create(tables.versionTable), ...history];
}
