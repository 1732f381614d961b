/**
 * Runs one migration step against a {@linkcode Queryable}: the live runner
 * (`runner/`) passes a transaction, the offline writer (`offline/`) passes its
 * script sink. Both get the same statements in the same order (DESIGN.md:
 * "one sink for live and offline statements"). This folder sits below both,
 * so neither imports the other.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import type { BulkProgress, MigrationModule } from "../changes/op.ts";
import { type ChangeSink, createOp } from "../changes/recorder.ts";
import type { Dialect, RenderContext } from "../dialects/dialect.ts";
import type { Queryable, Row, Statement } from "../drivers/driver.ts";
import type { Step } from "../graph/plan.ts";
import { MigrationError, StrataError } from "../errors.ts";
import { firstLine } from "../text.ts";
import { describeRevision } from "./describe.ts";
import { setRunningStep } from "./running.ts";

/** Everything a step needs besides the module. */
export interface StepContext {
  dialect: Dialect;
  /** Where statements go: a live transaction or the offline script. */
  q: Queryable;
  versionTable: string;
  isOffline: boolean;
  transactional: boolean;
  /**
   * Where the dialect reads while rendering (a SQLite rebuild reads its table).
   * Defaults to `q`; offline runs pass a replayed in-memory database.
   */
  inspector?: Queryable;
  /** Called with a warning line (e.g. what a `cascade: true` drop removes). */
  onWarning?: (message: string) => void;
  /** Records the step in the history table, in the same transaction. */
  history?: {
    table: string;
    /** The migration file's checksum. */
    checksum: string | null;
    /** `performance.now()` when the step started; `undefined` offline (no duration). */
    startedAt?: number;
  };
  /** Called with each change before it is carried out (lint, tests, progress). */
  onChange?: (change: Change) => void;
  /** Told after each chunk of a long `op.bulkInsert` (see `createOp`). */
  onBulkProgress?: (progress: BulkProgress) => void;
}

/** What the dialect may read and report while rendering: nothing dialect-specific. */
function renderContext(ctx: StepContext): RenderContext {
  const inspector = ctx.inspector ?? ctx.q;
  return {
    query: (sql, params) => inspector.query(sql, params),
    transactional: ctx.transactional,
    ...(ctx.onWarning ? { warn: ctx.onWarning } : {}),
    offline: ctx.isOffline,
  };
}

/**
 * Runs `upgrade` or `downgrade` of one module and the step's version-row
 * update and history row (the offline writer; live runs call
 * {@linkcode runStepBody} and write their bookkeeping in fewer round trips).
 *
 * @param module The loaded migration module.
 * @param step The planned step.
 * @param ctx Dialect and sink.
 * @throws {MigrationError} Naming the revision and the op call that failed.
 */
export async function runStep(
  module: MigrationModule,
  step: Step,
  ctx: StepContext,
): Promise<void> {
  await runStepBody(module, step, ctx);
  for (const stmt of ctx.dialect.versionSql.apply(ctx.versionTable, step.version)) {
    await ctx.q.execute(stmt);
  }
  if (ctx.history) {
    const { table, checksum, startedAt } = ctx.history;
    const record = {
      revision: step.revision,
      direction: step.direction,
      durationMs: startedAt === undefined ? null : performance.now() - startedAt,
      checksum,
    };
    for (const stmt of await ctx.dialect.historySql.insert(table, record)) {
      await ctx.q.execute(stmt);
    }
  }
}

/**
 * Runs `upgrade` or `downgrade` of one module: its statements go to
 * `ctx.q`; the version rows and history are left to the caller.
 *
 * @param module The loaded migration module.
 * @param step The planned step.
 * @param ctx Dialect and sink.
 * @throws {MigrationError} Naming the revision and the op call that failed.
 */
export async function runStepBody(
  module: MigrationModule,
  step: Step,
  ctx: StepContext,
): Promise<void> {
  const label = describeRevision(step.revision, module.message);
  const fn = stepFunction(module, step);
  const render = renderContext(ctx);
  // The last op call, and whether it is the one that failed: an error the
  // migration's own code throws is reported "after" the last call, not "at" it.
  let current = "";
  let failed = false;
  const track = async <T>(call: string, run: () => Promise<T>): Promise<T> => {
    current = call;
    failed = false;
    try {
      return await run();
    } catch (e) {
      failed = current === call;
      throw e;
    }
  };
  // The dialect's state for this migration: SQLite holds a table rebuild back
  // while the next changes edit the same table, and writes it when anything
  // else comes (RenderSession in dialects/dialect.ts).
  const session = ctx.dialect.session();
  const execute = async (statements: readonly Statement[]) => {
    for (const stmt of statements) await ctx.q.execute(stmt);
  };
  // The calls whose changes the session holds back: a failure of the
  // statements it writes later is reported at them, not at the call that
  // happened to come next.
  let held: string[] = [];
  const heldLabel = (calls: string[]) =>
    calls.length > 1
      ? `${calls[0]} (and ${calls.length - 1} more changes in one rebuild of its table)`
      : calls[0] ?? "";
  const writeHeld = async (get: () => Promise<Statement[]>) => {
    if (held.length === 0) return;
    const label = heldLabel(held);
    await track(label, async () => {
      const statements = await get();
      if (statements.length) held = [];
      await execute(statements);
    });
  };
  const sink: ChangeSink = {
    async apply(change: Change, call: string) {
      await writeHeld(() => session.flushFor(change, render));
      const joined = held.length > 0;
      const statements = await track(call, () => {
        ctx.onChange?.(change);
        return session.render(change, render);
      });
      if (statements === null) {
        held.push(call);
        return;
      }
      // A change that completes the held rebuild (a rename after it) carries it.
      const label = joined ? heldLabel([...held, call]) : call;
      held = [];
      await track(label, () => execute(statements));
    },
    async query(sql: string, params: unknown[], call: string): Promise<Row[]> {
      await writeHeld(() => session.flush(render));
      return await track(call, () => ctx.q.query(sql, params));
    },
  };
  const op = createOp(sink, {
    dialect: ctx.dialect.name,
    isOffline: ctx.isOffline,
    ...(ctx.onBulkProgress ? { onBulkProgress: ctx.onBulkProgress } : {}),
  });
  const outer = setRunningStep({
    revision: step.revision,
    message: module.message ?? "",
    direction: step.direction,
  });
  try {
    await fn.call(module, op);
    await op.settle();
    await writeHeld(() => session.flush(render));
  } catch (err) {
    const where = current === "" ? "" : ` ${failed ? "at" : "after"} ${current}`;
    throw wrapStepError(err, step, label, where);
  } finally {
    setRunningStep(outer);
  }
}

/**
 * The function a step runs. Live runs check every step of a plan with this
 * before running the first, so a downgrade that would stop at a migration
 * without `downgrade()` changes nothing rather than stopping half-way.
 *
 * @param module The loaded migration module.
 * @param step The planned step.
 * @returns `upgrade` or `downgrade`.
 * @throws {MigrationError} (exit 2) When the module has no such function.
 */
export function stepFunction(
  module: MigrationModule,
  step: Step,
): MigrationModule["upgrade"] {
  const fn = step.direction === "up" ? module.upgrade : module.downgrade;
  if (typeof fn !== "function") {
    const label = describeRevision(step.revision, module.message);
    throw new MigrationError(step.revision, `Cannot downgrade ${label}: it has no downgrade()`, {
      exitCode: 2,
      hint: "add a downgrade function, or `stamp` past it if the change is irreversible",
    });
  }
  return fn;
}

/**
 * Names the migration in an error its transaction raised outside the step
 * (SQLite's foreign-key check before COMMIT, a failed COMMIT); errors the
 * step already wrapped pass through.
 *
 * @param err What the transaction threw.
 * @param step The planned step.
 * @param module The migration module (for its message).
 * @returns The error to throw.
 */
export function commitError(err: unknown, step: Step, module: MigrationModule): unknown {
  if (err instanceof MigrationError) return err;
  return wrapStepError(err, step, describeRevision(step.revision, module.message), "");
}

function wrapStepError(err: unknown, step: Step, label: string, where: string): StrataError {
  const verb = step.direction === "up" ? "Upgrade" : "Downgrade";
  if (err instanceof StrataError) {
    const message = `${verb} ${label} failed${where}: ${err.message}`;
    return new MigrationError(step.revision, message, {
      hint: err.hint,
      cause: err,
      exitCode: err.exitCode,
    });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new MigrationError(step.revision, `${verb} ${label} failed${where}: ${firstLine(text)}`, {
    cause: err,
  });
}
