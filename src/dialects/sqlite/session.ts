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
 * Enum types live in `_strata_enums` (`enums.ts`). An enum-value change
 * (`_enum_alter.ts`) rebuilds every table with a column of the enum: when
 * that is one table, its rebuild is held like any other (joining the held
 * rebuild of that table, or held for the changes that follow), and the
 * session keeps the enum's new values until the held statements are written,
 * so the changes that join read them; with several tables it writes them all.
 *
 * @module
 */
import type { Change, EnumValueChange } from "../../changes/change.ts";
import type { Statement } from "../../drivers/driver.ts";
import type { RenderContext, RenderSession } from "../dialect.ts";
import type { EnumLookup } from "./_ddl.ts";
import { type Plan, planAddColumn, planAlterColumn, planConstraint } from "./_alter.ts";
import { planDropColumn } from "./_drop_column.ts";
import {
  checkHeldValues,
  type EnumPlan,
  heldValueGuard,
  planEnumChange,
  prepareEnumTable,
} from "./_enum_alter.ts";
import { enumValues, setEnumValuesStatement } from "./enums.ts";
import { readTable, rebuildStatements, type TableEdit } from "./rebuild.ts";
import {
  ENUM_VALUE_CHANGE_KINDS,
  renderPlain,
  TABLE_CHANGE_KINDS,
  type TableChange,
} from "./render.ts";

const TABLE_CHANGES = new Set<string>(TABLE_CHANGE_KINDS);

function isTableChange(change: Change): change is TableChange {
  return TABLE_CHANGES.has(change.kind);
}

const ENUM_CHANGES = new Set<string>(ENUM_VALUE_CHANGE_KINDS);

function isEnumChange(change: Change): change is EnumValueChange {
  return ENUM_CHANGES.has(change.kind);
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function plan(
  change: TableChange,
  ctx: RenderContext,
  t: TableEdit,
  enums: EnumLookup,
): Promise<Plan> {
  switch (change.kind) {
    case "addColumn":
      return await planAddColumn(change, ctx, t, enums);
    case "dropColumn":
      return await planDropColumn(change, ctx, t);
    case "alterColumn":
      return await planAlterColumn(change, ctx, t, enums);
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
  /** The same for an enum-value change. */
  #plannedEnum: { change: Change; plan: EnumPlan } | undefined;
  /** Statements of held enum-value changes that go before the held rebuild. */
  #before: Statement[] = [];
  /** Enum values those statements write (read by the changes that join). */
  #enums = new Map<string, string[]>();

  #lookup(ctx: RenderContext): EnumLookup {
    return (name) => {
      const values = this.#enums.get(name);
      return values ? Promise.resolve(values) : enumValues(ctx, name);
    };
  }

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
    this.#plannedEnum = undefined;
    if (!held) return [];
    if (isTableChange(change) && same(change.table, held.table) && !mustNotJoin(change, held)) {
      const p = await plan(change, ctx, held, this.#lookup(ctx));
      if (p.kind === "rebuild") {
        this.#planned = { change, plan: p };
        return [];
      }
    }
    if (isEnumChange(change)) {
      // It joins when the held table is the only one it rebuilds. A change
      // that fails to plan is rendered (and fails) on its own, after a flush.
      const p = await planEnumChange(change, ctx, this.#lookup(ctx), held).catch(() => undefined);
      const only = p?.list && p.tables.length === 1 ? p.tables[0] : undefined;
      if (p && only !== undefined && same(only, held.table)) {
        this.#plannedEnum = { change, plan: p };
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
    const plannedEnum = this.#plannedEnum?.change === change ? this.#plannedEnum.plan : undefined;
    this.#planned = undefined;
    this.#plannedEnum = undefined;
    const held = this.#held;
    if (held && !planned && !plannedEnum) {
      throw new Error("SqliteSession.render() of a change flushFor() did not let join");
    }
    if (isEnumChange(change)) return await this.#renderEnum(change, ctx, plannedEnum);
    if (!isTableChange(change)) return await renderPlain(change, ctx);
    let t: TableEdit;
    let p: Plan;
    if (planned && held) {
      t = held;
      p = planned;
    } else {
      t = await readTable(ctx, change.table);
      p = await plan(change, ctx, t, this.#lookup(ctx));
    }
    for (const w of p.warnings ?? []) ctx.warn?.(w);
    if (p.kind === "native") return p.statements;
    p.apply(t);
    this.#held = t;
    if (p.after?.length) return [...await this.flush(ctx), ...p.after];
    return null;
  }

  /**
   * An enum-value change: the `_strata_enums` row, the guards against rows
   * holding a removed value, and one rebuild per table of the enum (held
   * when there is one table; see the module doc).
   */
  async #renderEnum(
    change: EnumValueChange,
    ctx: RenderContext,
    planned: EnumPlan | undefined,
  ): Promise<Statement[] | null> {
    const held = this.#held;
    const p = planned ?? await planEnumChange(change, ctx, this.#lookup(ctx), undefined);
    const list = p.list;
    if (list === null) return [];
    const tables: TableEdit[] = [];
    for (const name of p.tables) {
      tables.push(held && same(name, held.table) ? held : await readTable(ctx, name));
    }
    const parts = tables.map((t) => prepareEnumTable(t, change.name, list));
    const checks = parts.flatMap((part) => part.checks);
    await checkHeldValues(ctx, change.name, checks, list.removed);
    const before = [
      ...heldValueGuard(change.name, checks, list.removed),
      setEnumValuesStatement(change.name, list.values),
    ];
    for (const part of parts) part.apply();
    const [only] = tables;
    if (only && tables.length === 1) {
      this.#held = only;
      this.#before.push(...before);
      this.#enums.set(change.name, list.values);
      return null;
    }
    const out = before;
    for (const t of tables) out.push(...await rebuildStatements(ctx, t));
    return out;
  }

  /**
   * Writes the held rebuild, if any, after the held enum statements.
   *
   * @param ctx Render context.
   * @returns Its statements (none when nothing is held).
   */
  async flush(ctx: RenderContext): Promise<Statement[]> {
    const held = this.#held;
    const before = this.#before;
    this.#held = undefined;
    this.#planned = undefined;
    this.#plannedEnum = undefined;
    this.#before = [];
    this.#enums.clear();
    return [...before, ...(held ? await rebuildStatements(ctx, held) : [])];
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
