/**
 * How a step is named in messages, progress lines and offline comments, the
 * same way everywhere.
 *
 * @module
 */

/**
 * Describes a revision for messages: `1f2e3d4c5b6a ("add user bio")`.
 *
 * @param revision The revision id.
 * @param message Its message, if any.
 * @returns The description.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeRevision } from "./describe.ts";
 * assert.equal(describeRevision("1f2e", "add user bio"), '1f2e ("add user bio")');
 * ```
 */
export function describeRevision(revision: string, message?: string): string {
  return message ? `${revision} ("${message}")` : revision;
}

/** What {@linkcode stepArrow} needs to know about a step. */
export interface ArrowStep {
  direction: "up" | "down";
  revision: string;
  /** The revision's parents (`downRevision`); empty for a base. */
  parents: readonly string[];
}

/**
 * The arrow text of a step, as Alembic prints it: `upgrade A -> B` or
 * `downgrade B -> A`, with `<base>` for no parent and `A1, A2` for a merge.
 * The CLI's progress line and the offline script's comment both start with it.
 *
 * @param step Direction, revision and parents.
 * @returns The text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepArrow } from "./describe.ts";
 * assert.equal(stepArrow({ direction: "up", revision: "b2", parents: [] }), "upgrade <base> -> b2");
 * assert.equal(
 *   stepArrow({ direction: "down", revision: "m3", parents: ["a1", "b2"] }),
 *   "downgrade m3 -> a1, b2",
 * );
 * ```
 */
export function stepArrow(step: ArrowStep): string {
  const parents = step.parents.length ? step.parents.join(", ") : "<base>";
  return step.direction === "up"
    ? `upgrade ${parents} -> ${step.revision}`
    : `downgrade ${step.revision} -> ${parents}`;
}
