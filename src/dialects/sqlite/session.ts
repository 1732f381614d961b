/**
 * The SQLite render session: the state one migration's rendering keeps.
 * It holds a table rebuild back while the next changes edit the same table,
 * so they make ONE rebuild (one copy of the rows), as Alembic's batch mode
 * does; anything else — a change that needs no rebuild, a change on another
 * table, `op.execute`, `op.query`, the end of the migration — writes the
 * held rebuild first, so statements keep their order. The result is the same
 * as carrying the changes out one by one; where it could differ (a column
 * the held rebuild adds, a second type change of one column) the held
 * rebuild is written first.
 *
 * Enum types are not session state: they live in `_strata_enums` (`enums.ts`).
 *
 * @module
 */
import type { Change } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import type { RenderContext, RenderSession } from "../dialect.ts";
import type { EnumLookup } from "./_ddl.ts";
import { type Plan, planAddColumn, planAlterColumn, planConstraint } from "./_alter.ts";
import { planDropColumn } from "./_drop_column.ts";
import { enumValues } from "./enums.ts";
import { readTable, rebuildStatements, type TableEdit } from "./rebuild.ts";
import { renderPlain } from "./render.ts";

/** The changes that may rebuild their table. */
type TableChange = Extract<
  Change,
  {
    kind:
      | "addColumn"
      | "dropColumn"
      | "alterColumn"
      | "createForeignKey"
      | "createUniqueConstraint"
      | "createCheckConstraint"
      | "dropConstraint";
  }
>;

const TABLE_CHANGES = new Set<string>([
  "addColumn",
  "dropColumn",
  "alterColumn",
  "createForeignKey",
  "createUniqueConstraint",
  "createCheckConstraint",
  "dropConstraint",
]);

function isTableChange(change: Change): change is TableChange {
  return TABLE_CHANGES.has(change.kind);
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function enumLookup(ctx: RenderContext): EnumLookup {
  return (name) => enumValues(ctx, name);
}

async function plan(change: TableChange, ctx: RenderContext, t: TableEdit): Promise<Plan> {
  switch (change.kind) {
    case "addColumn":
      return await planAddColumn(change, ctx, t, enumLookup(ctx));
    case "dropColumn":
      return await planDropColumn(change, ctx, t);
    case "alterColumn":
      return await planAlterColumn(change, ctx, t, enumLookup(ctx));
    default:
      return planConstraint(change, t);
  }
}

/** A change the held rebuild cannot take without changing the result (see the module doc). */
function mustNotJoin(change: TableChange, held: TableEdit): boolean {
  if (change.kind !== "alterColumn" && change.kind !== "dropColumn") return false;
  const column = change.column.toLowerCase();
  if (held.added.has(column)) return true;
  return change.kind === "alterColumn" && change.patch.type !== undefined &&
    held.retyped.has(column);
}

/** The {@linkcode RenderSession} of the SQLite dialect. */
export class SqliteSession implements RenderSession {
  #held: TableEdit | undefined;
  /** The plan {@linkcode flushFor} made for the change it let join, reused by render. */
  #planned: { change: Change; plan: Plan } | undefined;

  /**
   * The held rebuild when `change` cannot join it (see the module doc).
   *
   * @param change The next change.
   * @param ctx Render context.
   * @returns The held rebuild's statements, or none.
   */
  async flushFor(change: Change, ctx: RenderContext): Promise<Statement[]> {
    const held = this.#held;
    this.#planned = undefined;
    if (!held) return [];
    if (isTableChange(change) && same(change.table, held.table) && !mustNotJoin(change, held)) {
      const p = await plan(change, ctx, held);
      if (p.kind === "rebuild") {
        this.#planned = { change, plan: p };
        return [];
      }
    }
    return await this.flush(ctx);
  }

  /**
   * Renders one change; a change that rebuilds its table is held back.
   *
   * @param change The change.
   * @param ctx Render context.
   * @returns Its statements, or `null` when held back.
   */
  async render(change: Change, ctx: RenderContext): Promise<Statement[] | null> {
    const planned = this.#planned?.change === change ? this.#planned.plan : undefined;
    this.#planned = undefined;
    const held = this.#held;
    if (held && !planned) {
      throw new Error("SqliteSession.render() of a change flushFor() did not let join");
    }
    if (!isTableChange(change)) return await renderPlain(change, ctx);
    let t: TableEdit;
    let p: Plan;
    if (planned && held) {
      t = held;
      p = planned;
    } else {
      t = await readTable(ctx, change.table);
      p = await plan(change, ctx, t);
    }
    for (const w of p.warnings ?? []) ctx.warn?.(w);
    if (p.kind === "native") return p.statements;
    p.apply(t);
    this.#held = t;
    if (p.after?.length) return [...await this.flush(ctx), ...p.after];
    return null;
  }

  /**
   * Writes the held rebuild, if any.
   *
   * @param ctx Render context.
   * @returns Its statements (none when nothing is held).
   */
  async flush(ctx: RenderContext): Promise<Statement[]> {
    const held = this.#held;
    this.#held = undefined;
    this.#planned = undefined;
    return held ? await rebuildStatements(ctx, held) : [];
  }
}

/**
 * Renders one change on its own: a session of one change, flushed.
 *
 * @param change The change.
 * @param ctx Render context.
 * @returns The statements.
 */
export async function renderSqlite(change: Change, ctx: RenderContext): Promise<Statement[]> {
  const session = new SqliteSession();
  const own = await session.render(change, ctx);
  return own ?? await session.flush(ctx);
}
