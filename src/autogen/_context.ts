/**
 * What the table comparison's parts share: the options of the whole
 * comparison, and how a step is made. Private to `src/autogen/`.
 *
 * @module
 */
import type { Change, RefAction } from "../changes/change.ts";
import type { Phase, Step } from "./difference.ts";

/** What {@linkcode compareTable} needs from the comparison as a whole. */
export interface TableContext {
  labels: { from: string; to: string };
  normalizeExpr: (sql: string) => string;
  implicitName: (
    kind: "unique" | "foreignKey",
    table: string,
    columns: readonly string[],
  ) => string | null;
  /** `table\0name` of named declared constraints; `undefined`: every name counts. */
  declaredNames: ReadonlySet<string> | undefined;
  /** A current table name → its declared name (table renames). */
  refTable: (current: string) => string;
}

/**
 * A default as the introspector reports it, with `NULL` counted as none.
 *
 * @param d Default text, or `null`.
 * @returns The trimmed text, or `null`.
 */
export const noDefault = (d: string | null): string | null =>
  d === null || /^null$/i.test(d.trim()) ? null : d.trim();

/** A comment for messages: quoted, or `none`. */
export function commentText(c: string | null): string {
  return c === null ? "none" : JSON.stringify(c);
}

/** A step; `up` absent for a note that no operation can act on. */
export function step(
  phase: Phase,
  key: string,
  up: Change | undefined,
  down: Change[],
  notes: string[] = [],
  downNotes: string[] = [],
): Step {
  return up === undefined
    ? { phase, key, down, notes, downNotes }
    : { phase, key, up, down, notes, downNotes };
}

/** Referential actions as a change writes them (`no action` left out). */
export function actions(
  fk: { onDelete: string; onUpdate: string },
): { onDelete?: RefAction; onUpdate?: RefAction } {
  return {
    ...(fk.onDelete !== "no action" ? { onDelete: fk.onDelete as RefAction } : {}),
    ...(fk.onUpdate !== "no action" ? { onUpdate: fk.onUpdate as RefAction } : {}),
  };
}
