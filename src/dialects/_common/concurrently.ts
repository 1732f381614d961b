/**
 * The one check both dialects make for `concurrently: true`.
 *
 * @module
 */
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";

/**
 * Refuses `concurrently: true` inside a transaction. PostgreSQL cannot run
 * `CREATE/DROP INDEX CONCURRENTLY` in a transaction block: say so before it
 * does. SQLite has no `CONCURRENTLY` and builds the index as usual, but a
 * migration asking for it must still say `transactional = false`, so the same
 * migration file fails on the developer's SQLite database too, not first in
 * production.
 *
 * @param call The op method (`createIndex`, `dropIndex`).
 * @param name The index name.
 * @param ctx The render context (whether the migration runs in a transaction).
 * @throws {StrataError} When the migration is transactional.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkConcurrently } from "./concurrently.ts";
 * const ctx = {
 *   query: () => Promise.resolve([]),
 *   transactional: true,
 * };
 * assert.throws(() => checkConcurrently("createIndex", "ix_a", ctx), /transactional = false/);
 * checkConcurrently("createIndex", "ix_a", { ...ctx, transactional: false });
 * ```
 */
export function checkConcurrently(call: string, name: string, ctx: RenderContext): void {
  if (!ctx.transactional) return;
  throw new StrataError(
    `op.${call}("${name}", …) with concurrently: true needs transactional = false`,
    { hint: "export const transactional = false" },
  );
}
