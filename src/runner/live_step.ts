/**
 * One step of a live run: the migration's function, the version-row change
 * and the history row, against a real database.
 *
 * - A transactional step (the default) runs all three in one transaction.
 *   The bookkeeping statements are checked (`expectChanges`): when the
 *   version table is not what the run planned from, the transaction rolls
 *   back and {@linkcode VersionConflictError} reaches the caller, which
 *   re-plans; nothing is applied twice.
 * - A step outside a transaction (`transactional = false`, or an engine
 *   without transactional DDL) is recorded as started first (`up-start` /
 *   `dn-start`, after checking the version rows), then runs statement by
 *   statement, then records the version change and its `up`/`down` row. If
 *   it is interrupted, the start stays open and the next run stops there
 *   (`openSteps` in `history.ts`) until someone records where it stands.
 *
 * Every error names the migration, including one at `BEGIN` or `COMMIT`
 * (SQLite's "database is locked" comes there).
 *
 * @module
 */
import type { BulkProgress, MigrationModule } from "../changes/op.ts";
import type { Dialect, HistoryRecord, OwnTables } from "../dialects/dialect.ts";
import type { Driver, Queryable, Statement } from "../drivers/driver.ts";
import type { Step } from "../graph/plan.ts";
import { MigrationError, StrataError, VersionConflictError } from "../errors.ts";
import { describeRevision } from "../apply/describe.ts";
import { runStepBody } from "../apply/step.ts";
import { firstLine } from "../text.ts";
import { readVersionRows } from "./version_table.ts";

/** Everything a live step needs besides the module and the step. */
export interface LiveStepContext {
  driver: Driver;
  dialect: Dialect;
  tables: OwnTables;
  /** Whether the step runs in one transaction. */
  transactional: boolean;
  /** The migration file's checksum, for the history. */
  checksum: string | null;
  /** The version rows the step was planned from (sorted). */
  rowsBefore: readonly string[];
  /** Called with a warning line (e.g. what a `cascade: true` drop removes). */
  onWarning?: (message: string) => void;
  /** Told after each chunk of a long `op.bulkInsert`. */
  onBulkProgress?: (progress: BulkProgress) => void;
}

/**
 * Runs one step live.
 *
 * @param module The loaded migration.
 * @param step The planned step.
 * @param ctx The connection, tables and what the plan expects.
 * @returns How long it took, in milliseconds.
 * @throws {VersionConflictError} When the version table is not as planned
 *   (nothing of the step was kept, except what a non-transactional
 *   migration's own statements did — its start then stays open).
 * @throws {MigrationError} Naming the migration, for anything else.
 */
export async function runLiveStep(
  module: MigrationModule,
  step: Step,
  ctx: LiveStepContext,
): Promise<number> {
  const startedAt = performance.now();
  const body = (q: Queryable) =>
    runStepBody(module, step, {
      dialect: ctx.dialect,
      q,
      versionTable: ctx.tables.versionTable,
      isOffline: false,
      transactional: ctx.transactional,
      ...(ctx.onWarning ? { onWarning: ctx.onWarning } : {}),
      ...(ctx.onBulkProgress ? { onBulkProgress: ctx.onBulkProgress } : {}),
    });
  const finish = async (q: Queryable) => {
    const record: HistoryRecord = {
      revision: step.revision,
      direction: step.direction,
      durationMs: performance.now() - startedAt,
      checksum: ctx.checksum,
    };
    for (const s of await recordStatements(ctx, step, record)) await q.execute(s);
  };
  if (ctx.transactional) {
    await named(module, step, () =>
      ctx.driver.transaction(async (tx) => {
        await body(tx);
        await finish(tx);
      }));
    return performance.now() - startedAt;
  }
  await named(module, step, () =>
    ctx.driver.transaction(async (tx) => {
      const rows = await readVersionRows(tx, ctx.dialect, ctx.tables.versionTable);
      if ([...rows].sort().join() !== [...ctx.rowsBefore].sort().join()) {
        throw new VersionConflictError(
          `The version table changed under this run: it holds ${show(rows)}, planned ${
            show(ctx.rowsBefore)
          }`,
        );
      }
      const start: HistoryRecord = {
        revision: step.revision,
        direction: step.direction === "up" ? "up-start" : "dn-start",
        durationMs: null,
        checksum: ctx.checksum,
      };
      for (const s of await ctx.dialect.historySql.insert(ctx.tables.historyTable, start)) {
        await tx.execute(s);
      }
    }));
  try {
    await body(ctx.driver);
  } catch (err) {
    if (!(err instanceof StrataError)) throw err;
    const stamp = "record where it stands with `strata stamp` (README: Interrupted migrations)";
    err.hint = err.hint
      ? `${err.hint}; ${step.revision} runs outside a transaction, so then ${stamp}`
      : `${step.revision} runs outside a transaction (transactional = false), so part of it ` +
        `may have run: inspect the database, then ${stamp}`;
    throw err;
  }
  try {
    await named(module, step, () => ctx.driver.transaction(finish));
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    // The migration ran, but its bookkeeping cannot go in: its start stays open.
    const verb = step.direction === "up" ? "Upgrade" : "Downgrade";
    throw new MigrationError(
      step.revision,
      `${verb} ${describeRevision(step.revision, module.message)} ran, but ${
        err.message[0]!.toLowerCase()
      }${err.message.slice(1)}`,
      {
        hint: "another run migrated the same database at the same time without sharing this " +
          "run's lock; inspect the database, then record where it stands with `strata stamp` " +
          "(README: Interrupted migrations)",
        cause: err,
      },
    );
  }
  return performance.now() - startedAt;
}

/** The version-row change and the history row, as few statements as the dialect can. */
async function recordStatements(
  ctx: LiveStepContext,
  step: Step,
  record: HistoryRecord,
): Promise<Statement[]> {
  const combined = ctx.dialect.recordStep?.(ctx.tables, step.version, record);
  if (combined !== undefined) return combined;
  return [
    ...ctx.dialect.versionSql.apply(ctx.tables.versionTable, step.version),
    ...await ctx.dialect.historySql.insert(ctx.tables.historyTable, record),
  ];
}

/** Runs `fn`; an error that does not name the migration yet gets its name. */
async function named<T>(module: MigrationModule, step: Step, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof MigrationError || err instanceof VersionConflictError) throw err;
    const verb = step.direction === "up" ? "Upgrade" : "Downgrade";
    const label = describeRevision(step.revision, module.message);
    const text = err instanceof Error ? firstLine(err.message) : String(err);
    throw new MigrationError(step.revision, `${verb} ${label} failed: ${text}`, {
      hint: err instanceof StrataError ? err.hint : undefined,
      ...(err instanceof StrataError ? { exitCode: err.exitCode } : {}),
      cause: err,
    });
  }
}

function show(rows: readonly string[]): string {
  return rows.length ? rows.join(", ") : "no rows (base)";
}
