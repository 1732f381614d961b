/**
 * The types a declared schema (`schema.ts`) uses. Import them as types only,
 * so the file loads with no `deno.json` beside it (the compiled binary
 * imports it straight from disk, as it does migrations):
 *
 * ```ts ignore
 * import type { DeclaredSchema } from "@strata/strata/schema";
 *
 * export default {
 *   tables: {
 *     users: {
 *       columns: {
 *         id: { type: "integer", primaryKey: true, autoIncrement: true },
 *         email: { type: "varchar(255)", nullable: false, unique: true },
 *       },
 *     },
 *   },
 * } satisfies DeclaredSchema;
 * ```
 *
 * @module
 */
export type { DeclaredIndex, DeclaredSchema, DeclaredTable } from "./declared.ts";
export type { CheckDef, RefAction, SqlExpr, UniqueDef, Value } from "../changes/change.ts";
export type { ColumnReference, ColumnSpec, TableForeignKey } from "../changes/op.ts";
