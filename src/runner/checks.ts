/**
 * The checks behind `strata validate` and `strata pending` (issues 9.3, 9.5,
 * 9.6): library functions the CLI calls, so the commands stay thin.
 *
 * - **Never applied.** A revision below the current version rows that no
 *   history row records running: typically a migration whose `downRevision`
 *   was edited to sit below one that had already run (the usual fix for a
 *   branch conflict), so `upgrade` will never run it. The history can only
 *   vouch for what happened since it began: revisions below the first
 *   revision it mentions are not checked (databases migrated before Strata
 *   kept a history, or stamped before stamps wrote rows). With no history at
 *   all nothing can be compared, and the report says so.
 * - **Interrupted.** A step that started outside a transaction and never
 *   finished (see `openSteps`).
 * - **INVALID indexes.** What a failed `CREATE INDEX CONCURRENTLY` left
 *   behind, where the engine has such a state.
 * - **Several heads.** `upgrade head` refuses until they are merged.
 * - **Edited.** An applied migration whose file changed since it ran.
 *
 * @module
 */
import { planUpgrade, type Step } from "../graph/plan.ts";
import type { RevisionMap } from "../graph/revision_map.ts";
import { GraphError, ScriptError } from "../errors.ts";
import { describeRevision } from "../apply/describe.ts";
import { plural } from "../text.ts";
import { type HistoryEntry, openSteps } from "./history.ts";
import { describeOpenStep, neverApplied } from "./history_checks.ts";
import type { Migrator } from "./migrator.ts";

/** One thing a check found. */
export interface Finding {
  /** What kind: `graph`, `heads`, `missing-file`, `edited`, `interrupted`, `never-applied`, `invalid-index`. */
  kind: string;
  /** What is wrong, on one line. */
  message: string;
  /** The way out, when there is one. */
  hint?: string;
}

/** What `validate` found. */
export interface ValidateReport {
  findings: Finding[];
  /**
   * Whether applied migrations could be compared with the history (edited
   * files, never-applied revisions); `false` when the database is at some
   * revision but its history has no rows.
   */
  compared: boolean;
  /** Things worth saying that are not problems (e.g. why nothing was compared). */
  notes: string[];
}

/** What `pending` found. */
export interface PendingReport {
  /** The version rows. */
  current: string[];
  /** What `upgrade` would apply, in order. */
  pending: Step[];
  /** Problems `upgrade` would not fix (never-applied revisions, several heads, …). */
  findings: Finding[];
}

/** The finding for a never-applied revision, with the two ways out. */
function neverAppliedFinding(map: RevisionMap, id: string): Finding {
  const node = map.get(id);
  const parents = node.downRevisions.join(" ") || "base";
  return {
    kind: "never-applied",
    message: `revision ${describeRevision(id, node.message)} was never applied: it is below ` +
      "the current revision, but no history row records it running (was its downRevision " +
      "changed after a later migration ran?)",
    hint: `to run it: \`strata downgrade ${id}\`, \`strata stamp ${parents}\`, ` +
      `\`strata upgrade\`; if its changes are in the database already: ` +
      `\`strata validate --accept ${id}\``,
  };
}

function headsFinding(map: RevisionMap): Finding {
  return {
    kind: "heads",
    message: `the graph has ${plural(map.heads.length, "head")} (${
      map.heads.join(", ")
    }): \`strata upgrade head\` refuses until they are merged`,
    hint: "merge them with `strata merge heads -m MESSAGE`, or name a target (`heads`, a revision)",
  };
}

function interruptedFindings(map: RevisionMap, history: readonly HistoryEntry[]): Finding[] {
  return openSteps(history).map((open) => {
    const { message, hint } = describeOpenStep(map, open);
    return { kind: "interrupted", message, hint };
  });
}

/**
 * Runs every check `strata validate` makes.
 *
 * @param migrator The project and database.
 * @returns The findings, whether history could be compared, and notes.
 * @throws {StrataError} When the database cannot be read.
 */
export async function validateProject(migrator: Migrator): Promise<ValidateReport> {
  const findings: Finding[] = [];
  const notes: string[] = [];
  let map: RevisionMap | undefined;
  try {
    map = await migrator.graph();
  } catch (err) {
    if (!(err instanceof GraphError || err instanceof ScriptError)) throw err;
    findings.push({ kind: "graph", message: `graph: ${err.message}` });
  }
  const rows = await migrator.current();
  if (map === undefined) return { findings, compared: false, notes };
  if (map.heads.length > 1) findings.push(headsFinding(map));
  for (const r of rows) {
    if (!map.has(r)) {
      findings.push({
        kind: "missing-file",
        message: `revision ${r} is in the database but has no migration file`,
      });
    }
  }
  const history = await migrator.historyEntries();
  findings.push(...interruptedFindings(map, history));
  const known = rows.filter((r) => map.has(r));
  const never = neverApplied(map, known, history);
  const compared = never !== undefined;
  if (!compared) {
    notes.push(
      "could not compare applied migrations with the history: it has no rows (a database " +
        "migrated before Strata kept a history, or stamped by an older Strata); " +
        "`strata stamp heads` records the current state",
    );
  }
  for (const id of never ?? []) findings.push(neverAppliedFinding(map, id));
  for (const e of await migrator.editedMigrations(history)) {
    findings.push({
      kind: "edited",
      message: `revision ${e.revision} was edited after it was applied (${e.path})`,
      hint: `revert the edit (a change belongs in a new migration), or accept it: ` +
        `\`strata validate --accept ${e.revision}\``,
    });
  }
  const dialect = migrator.dialect;
  if (dialect.invalidIndexes !== undefined) {
    const q = await migrator.driver();
    const probe = dialect.invalidIndexes;
    for (const row of await q.query(probe.sql, probe.params ?? [])) {
      findings.push({
        kind: "invalid-index",
        message: `index ${row.name} is INVALID (left by an interrupted or failed CREATE INDEX ` +
          "CONCURRENTLY): it slows writes and is never used",
        hint: `drop it (${row.fix}), then run the migration that builds it again`,
      });
    }
  }
  return { findings, compared, notes };
}

/**
 * What `upgrade` would apply, and what it would not fix.
 *
 * @param migrator The project and database.
 * @param target The upgrade target; without one, `head` (or `heads`, with a
 *   finding, when the graph has several).
 * @returns Current rows, pending steps, findings.
 * @throws {GraphError} For a broken graph or an unresolvable target.
 */
export async function pendingReport(migrator: Migrator, target?: string): Promise<PendingReport> {
  const map = await migrator.graph();
  const current = await migrator.current();
  const findings: Finding[] = [];
  let goal = target;
  if (goal === undefined) {
    goal = "head";
    if (map.heads.length > 1) {
      findings.push(headsFinding(map));
      goal = "heads";
    }
  }
  const pending = planUpgrade(map, current, goal);
  const history = await migrator.historyEntries();
  findings.push(...interruptedFindings(map, history));
  for (const id of neverApplied(map, current, history) ?? []) {
    findings.push(neverAppliedFinding(map, id));
  }
  return { current, pending, findings };
}
