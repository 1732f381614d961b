/**
 * The result of comparing two schemas: {@linkcode Difference}s (what `check`
 * reports, one line each) made of {@linkcode Step}s (what a migration does,
 * one `op` call each, with the calls that undo it). Steps carry a
 * {@linkcode Phase}; sorting by phase gives an order that is correct by
 * construction (see {@linkcode PHASE}).
 *
 * @module
 */
import type { Change } from "../changes/change.ts";

/**
 * The phases of a generated migration, in execution order. Enums come
 * before the columns and tables that use them and are dropped after;
 * foreign keys, indexes and constraints that go are dropped before the
 * columns and tables they use; new columns and constraints on existing tables
 * exist before new tables reference them; foreign keys come last.
 */
export const PHASE = {
  enumCreate: 0,
  rename: 1,
  foreignKeyDrop: 2,
  indexDrop: 3,
  constraintDrop: 4,
  tableDrop: 5,
  columnDrop: 6,
  columnAlter: 7,
  columnAdd: 8,
  constraintCreate: 9,
  tableCreate: 10,
  indexCreate: 11,
  foreignKeyCreate: 12,
  enumDrop: 13,
} as const;

/** One of {@linkcode PHASE}'s values. */
export type Phase = (typeof PHASE)[keyof typeof PHASE];

/** One change a migration makes, and the changes that undo it. */
export interface Step {
  phase: Phase;
  /** Sorts steps within a phase (table, then object name). */
  key: string;
  /** The change; absent for a step that is only a note (no operation can make it). */
  up?: Change;
  /** What undoes `up`, in order (may be empty when `up` is absent). */
  down: Change[];
  /** `// review:` and data-loss comments written above `up`. */
  notes: string[];
  /** Comments written above `down`. */
  downNotes: string[];
}

/** What kind of object differs. */
export type DifferenceKind =
  | "enum"
  | "table"
  | "column"
  | "primaryKey"
  | "index"
  | "unique"
  | "check"
  | "foreignKey";

/** One difference between the current schema and the declared one. */
export interface Difference {
  kind: DifferenceKind;
  /** The table it is on (absent for enums). */
  table?: string;
  /** The object's name (column, index, constraint, enum), when it has one. */
  name?: string;
  /** One line each, for `check`. */
  messages: string[];
  /** The migration steps that remove it. */
  steps: Step[];
}

/**
 * All steps of some differences in execution order.
 *
 * @param differences The differences.
 * @returns The steps, sorted by phase, then key, then the order they were made in.
 */
export function orderedSteps(differences: readonly Difference[]): Step[] {
  const all = differences.flatMap((d) => d.steps).map((step, i) => ({ step, i }));
  all.sort((a, b) =>
    a.step.phase - b.step.phase ||
    (a.step.key < b.step.key ? -1 : a.step.key > b.step.key ? 1 : 0) || a.i - b.i
  );
  return all.map((x) => x.step);
}
