/**
 * What a live run does when the version rows moved under it (issue 9.1):
 * plan again towards the rows its first plan ended at, or stop with an error
 * that says what happened. And the refusal to run at all while a step that
 * started outside a transaction never finished.
 *
 * @module
 */
import { describeRevision } from "../apply/describe.ts";
import { MigrationError } from "../errors.ts";
import { planUpgrade, type Step } from "../graph/plan.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import { applyVersionChange } from "../graph/version_rows.ts";
import { type HistoryEntry, openSteps } from "./history.ts";
import { describeOpenStep } from "./history_checks.ts";

/**
 * Stops a run while a step that started outside a transaction never
 * finished: what it did is unknown, so going on could build on half a
 * migration. The hint says how to record where it stands.
 *
 * @param map The graph.
 * @param history The history, oldest first.
 * @throws {MigrationError} (exit 1) Naming the interrupted step.
 */
export function refuseOpenSteps(map: RevisionMap, history: readonly HistoryEntry[]): void {
  const [open] = openSteps(history);
  if (open === undefined) return;
  const { message, hint } = describeOpenStep(map, open);
  throw new MigrationError(open.revision, `Cannot migrate: ${message}`, { hint });
}

/**
 * The steps from `rows` to `goal` (the rows a plan ended at), one goal row at a time.
 *
 * @param map The graph.
 * @param rows The version rows now.
 * @param goal The rows to reach.
 * @returns The steps, in order.
 */
export function planToward(
  map: RevisionMap,
  rows: readonly string[],
  goal: readonly string[],
): Step[] {
  let current = [...rows];
  const out: Step[] = [];
  for (const target of goal) {
    for (const step of planUpgrade(map, current, target)) {
      current = applyVersionChange(current, step.version);
      out.push(step);
    }
  }
  return out;
}

/**
 * The error when the version rows changed under a run that cannot re-plan.
 *
 * @param step The step that found them changed.
 * @param message The migration's message.
 * @param planned The rows the run planned from.
 * @param now The rows it found.
 * @param cause The conflict.
 * @returns The error (exit 1).
 */
export function conflictError(
  step: Step,
  message: string,
  planned: readonly string[],
  now: readonly string[],
  cause: unknown,
): MigrationError {
  const verb = step.direction === "up" ? "upgrade" : "downgrade";
  const show = (rows: readonly string[]) => rows.length ? rows.join(", ") : "<base>";
  return new MigrationError(
    step.revision,
    `Cannot ${verb} ${describeRevision(step.revision, message)}: the version table changed ` +
      `under this run (it is at ${show(now)}; this run planned from ${show(planned)})`,
    {
      hint: "another run migrated the same database at the same time without sharing this " +
        "run's lock; nothing of this step was kept; run the command again",
      cause,
    },
  );
}
