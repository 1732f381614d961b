/**
 * The PostgreSQL dialect: renders changes, writes version-table statements,
 * introspects a schema, and writes literals for offline scripts.
 *
 * Type vocabulary: portable names where one fits (`./types.ts`); defaults as
 * `pg_get_expr()` prints them with casts stripped from literals
 * (`./defaults.ts`).
 *
 * @example Rendering a change
 * ```ts
 * import { postgresDialect } from "./mod.ts";
 * const ctx = {
 *   transactional: true,
 *   inspectTable: () => Promise.resolve(undefined),
 *   query: () => Promise.resolve([]),
 * };
 * const [stmt] = await postgresDialect.render({ kind: "dropTable", table: "order", ifExists: true }, ctx);
 * console.assert(stmt?.sql === 'DROP TABLE IF EXISTS "order"');
 * ```
 *
 * @module
 */
import { quoteIdent } from "../_common/quote.ts";
import type { Dialect } from "../dialect.ts";
import { postgresAutogen } from "./autogen.ts";
import { defaultSql } from "./defaults.ts";
import { inline } from "./inline.ts";
import { introspect } from "./introspect.ts";
import { literal } from "./literal.ts";
import { render } from "./render.ts";
import { normalizeType } from "./types.ts";
import { postgresVersionSql } from "./version.ts";

export { columnType, normalizeType } from "./types.ts";
export { defaultSql, normalizeDefault, renderDefault } from "./defaults.ts";
export { inline, inlineParams } from "./inline.ts";
export { introspect, type IntrospectOptions } from "./introspect.ts";
export { literal } from "./literal.ts";
export { render } from "./render.ts";
export { postgresVersionSql } from "./version.ts";

/**
 * The PostgreSQL {@linkcode Dialect}. `introspect` also accepts
 * `{ schema }` (default `public`).
 */
export const postgresDialect: Dialect = {
  name: "postgres",
  render,
  scriptPreamble: [],
  versionSql: postgresVersionSql,
  introspect,
  quoteIdent,
  normalizeType,
  defaultSql,
  literal,
  inline,
  autogen: postgresAutogen,
};
