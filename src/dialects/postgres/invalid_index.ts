/**
 * INVALID indexes: what a `CREATE INDEX CONCURRENTLY` leaves behind when it
 * fails or its session dies half-way (issue 9.3). PostgreSQL keeps the index
 * in the catalog, marked invalid: it is maintained on every write but never
 * used, and `CREATE INDEX CONCURRENTLY IF NOT EXISTS` would skip it as if it
 * were fine. So a concurrent build first checks for an invalid index of its
 * name and stops with the way out, and `strata validate` lists every one.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { qualify } from "../_common/quote.ts";
import { pgString } from "./literal.ts";

/**
 * A statement that fails, naming the fix, when an index called `name` (in
 * `schema`, or found through the search path) exists and is INVALID. It is a
 * `DO` block, so an offline script stops there under `psql -v ON_ERROR_STOP=1`
 * just as a live run does.
 *
 * @param name The index.
 * @param schema Its schema, when the migration names one.
 * @returns One statement.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { invalidIndexGuard } from "./invalid_index.ts";
 * assert.match(invalidIndexGuard("ix_big_v").sql, /^DO \$strata\$ BEGIN IF EXISTS/);
 * ```
 */
export function invalidIndexGuard(name: string, schema?: string): Statement {
  const index = qualify(name, schema);
  const message = `index ${index} exists but is INVALID ` +
    "(left by an interrupted CREATE INDEX CONCURRENTLY)";
  const hint = `drop it with DROP INDEX CONCURRENTLY ${index}; then run the migration again`;
  return {
    sql: "DO $strata$ BEGIN IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = " +
      `to_regclass(${pgString(index)}) AND NOT indisvalid) THEN RAISE EXCEPTION ` +
      `${pgString(message.replaceAll("%", "%%"))} USING HINT = ${
        pgString(hint)
      }; END IF; END $strata$`,
  };
}

/**
 * Lists every INVALID index outside the system schemas: `name` (as
 * `regclass` prints it) and `fix`, the statement that drops it.
 */
export const INVALID_INDEXES: Statement = {
  sql: "SELECT c.oid::regclass::text AS name, " +
    "'DROP INDEX CONCURRENTLY ' || c.oid::regclass::text AS fix " +
    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " +
    "JOIN pg_namespace n ON n.oid = c.relnamespace " +
    "WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') " +
    "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1",
};
