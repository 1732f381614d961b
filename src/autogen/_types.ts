/**
 * How risky a column type change is, for the comments autogenerate writes.
 * Private to `src/autogen/`.
 *
 * @module
 */

/** `widen`: every value fits; `narrow`: values may be cut or refused; `convert`: values are re-read. */
export type TypeChange = "widen" | "narrow" | "convert";

const INT_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };
const INT_DIGITS: Record<string, number> = { smallint: 5, integer: 10, bigint: 19 };
const TEXT = new Set(["text", "varchar", "char"]);

function parse(type: string): { base: string; args: number[] } {
  const m = /^([a-z_ ]+?)\s*(?:\(([\d\s,]+)\))?$/.exec(type.trim().toLowerCase());
  if (!m) return { base: type.trim().toLowerCase(), args: [] };
  return { base: m[1]!, args: (m[2] ?? "").split(",").filter((x) => x.trim()).map(Number) };
}

/**
 * Classifies a change of a column's type (both in the introspector's vocabulary).
 *
 * @param from The current type.
 * @param to The new type.
 * @returns `widen` (e.g. `integer` → `bigint`, `varchar(20)` → `text`),
 *   `narrow` (e.g. `bigint` → `integer`, `varchar(80)` → `varchar(20)`,
 *   `numeric(10,2)` → `numeric(8,2)`), or `convert` for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { typeChange } from "./_types.ts";
 * assert.equal(typeChange("varchar(80)", "varchar(20)"), "narrow");
 * assert.equal(typeChange("integer", "bigint"), "widen");
 * assert.equal(typeChange("text", "integer"), "convert");
 * ```
 */
export function typeChange(from: string, to: string): TypeChange {
  const a = parse(from);
  const b = parse(to);
  const ra = INT_RANK[a.base];
  const rb = INT_RANK[b.base];
  if (ra !== undefined && rb !== undefined) return rb >= ra ? "widen" : "narrow";
  if (TEXT.has(a.base) && TEXT.has(b.base)) {
    if (b.base === "text") return "widen";
    if (a.base === "text") return "narrow";
    const [n = 1] = a.args;
    const [m = 1] = b.args;
    if (m < n) return "narrow";
    return a.base === b.base || b.base === "varchar" ? "widen" : "convert";
  }
  if (a.base === "real" && b.base === "double") return "widen";
  if (a.base === "double" && b.base === "real") return "narrow";
  if (b.base === "numeric") {
    const [p2, s2 = 0] = b.args;
    if (p2 === undefined) return ra !== undefined || a.base === "numeric" ? "widen" : "convert";
    if (ra !== undefined) return p2 - s2 >= INT_DIGITS[a.base]! ? "widen" : "narrow";
    if (a.base !== "numeric") return "convert";
    const [p1, s1 = 0] = a.args;
    if (p1 === undefined) return "narrow";
    return s2 >= s1 && p2 - s2 >= p1 - s1 ? "widen" : "narrow";
  }
  if (ra !== undefined && (b.base === "double" || b.base === "real")) {
    return a.base === "bigint" || b.base === "real" && a.base === "integer" ? "narrow" : "widen";
  }
  if (a.base === "date" && (b.base === "timestamp" || b.base === "timestamptz")) return "widen";
  if ((a.base === "timestamp" || a.base === "timestamptz") && b.base === "date") return "narrow";
  return "convert";
}
