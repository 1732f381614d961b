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
import type { MigrationModule } from "../changes/op.ts";
import { type ChangeSink, createOp } from "../changes/recorder.ts";
import type { Dialect, RenderContext } from "../dialects/dialect.ts";
import type { Queryable, Row } from "../drivers/driver.ts";
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
   * Where the dialect reads the current shape while rendering (SQLite rebuilds).
   * Defaults to `q`; offline runs pass a replayed in-memory database.
   */
  inspector?: Queryable;
  /** Enum types seen in this run (see {@linkcode RenderContext.enums}); shared across steps. */
  enums?: Map<string, string[]>;
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
}

function renderContext(ctx: StepContext): RenderContext {
  const inspector = ctx.inspector ?? ctx.q;
  return {
    inspectTable: async (name, schema) => {
      const model = await ctx.dialect.introspect(inspector);
      return model.tables.find((t) => t.name === name && (!schema || t.schema === schema));
    },
    query: (sql, params) => inspector.query(sql, params),
    transactional: ctx.transactional,
    ...(ctx.enums ? { enums: ctx.enums } : {}),
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
  const sink: ChangeSink = {
    apply(change: Change, call: string) {
      return track(call, async () => {
        ctx.onChange?.(change);
        const statements = await ctx.dialect.render(change, render);
        for (const stmt of statements) await ctx.q.execute(stmt);
      });
    },
    query(sql: string, params: unknown[], call: string): Promise<Row[]> {
      return track(call, () => ctx.q.query(sql, params));
    },
  };
  const op = createOp(sink, { dialect: ctx.dialect.name, isOffline: ctx.isOffline });
  const outer = setRunningStep({
    revision: step.revision,
    message: module.message ?? "",
    direction: step.direction,
  });
  try {
    await fn.call(module, op);
    await op.settle();
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
