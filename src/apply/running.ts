/**
 * Which migration's `upgrade()` or `downgrade()` runs right now. The step
 * module sets it; the CLI reads it when the process is about to end with
 * the command unfinished (see `cli/process.ts`), to name the migration whose
 * promise can never settle. A module of its own so the CLI reads it without
 * loading the step runner at start-up.
 *
 * @module
 */

/** The migration running now. */
export interface RunningStep {
  revision: string;
  message: string;
  direction: "up" | "down";
}

let current: RunningStep | undefined;

/**
 * The migration whose function is running now, if any.
 *
 * @returns Revision, message and direction, or `undefined`.
 */
export function runningStep(): RunningStep | undefined {
  return current;
}

/**
 * Sets the running migration (the step module calls it around the migration's function).
 *
 * @param step The migration, or `undefined` when none runs.
 * @returns The one it replaces (to restore afterwards).
 */
export function setRunningStep(step: RunningStep | undefined): RunningStep | undefined {
  const before = current;
  current = step;
  return before;
}
