/**
 * Matches unique constraints, checks and foreign keys of one table. Private
 * to `src/autogen/`.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import type { CheckConstraint, ForeignKey, UniqueConstraint } from "../schema/model.ts";
import { createForeignKeyChange } from "../schema/to_changes.ts";
import { step, type TableContext } from "./_context.ts";
import { type Difference, type DifferenceKind, PHASE, type Step } from "./difference.ts";

/** A constraint reduced to what matching needs. */
export interface Item {
  kind: Extract<DifferenceKind, "unique" | "check" | "foreignKey">;
  name: string | null;
  /** What it constrains, comparable. */
  sig: string;
  /** Shown in messages. */
  text: string;
  columns: readonly string[];
  /** The model object (to tell folded ones apart). */
  source: object;
  create(table: string, name: string): Change;
}

export function uniqueItems(list: readonly UniqueConstraint[]): Item[] {
  return list.map((u) => ({
    kind: "unique",
    name: u.name,
    sig: u.columns.join("\0"),
    text: `unique ${listOf(u.columns)}`,
    columns: u.columns,
    source: u,
    create: (table, name) => ({
      kind: "createUniqueConstraint",
      name,
      table,
      columns: [...u.columns],
    }),
  }));
}

function listOf(cols: readonly string[]): string {
  return `(${cols.join(", ")})`;
}

export function checkItems(list: readonly CheckConstraint[], ctx: TableContext): Item[] {
  return list.map((c) => ({
    kind: "check",
    name: c.name,
    sig: ctx.normalizeExpr(c.expr),
    text: `check (${c.expr})`,
    columns: [],
    source: c,
    create: (table, name) => ({ kind: "createCheckConstraint", name, table, expr: c.expr }),
  }));
}

export function fkItems(list: readonly ForeignKey[]): Item[] {
  return list.map((f) => {
    const acts = `${f.onDelete === "no action" ? "" : ` ON DELETE ${f.onDelete.toUpperCase()}`}${
      f.onUpdate === "no action" ? "" : ` ON UPDATE ${f.onUpdate.toUpperCase()}`
    }`;
    return {
      kind: "foreignKey",
      name: f.name,
      sig: `${f.columns.join("\0")}\0->${f.refTable}\0${
        f.refColumns.join("\0")
      }\0${f.onDelete}\0${f.onUpdate}`,
      text: `foreign key ${listOf(f.columns)} -> ${f.refTable}${listOf(f.refColumns)}${acts}`,
      columns: f.columns,
      source: f,
      create: (table, name) => createForeignKeyChange(table, f, name),
    };
  });
}

const PREFIX = { unique: "uq", check: "ck", foreignKey: "fk" } as const;
const PHASES = {
  unique: [PHASE.constraintDrop, PHASE.constraintCreate],
  check: [PHASE.constraintDrop, PHASE.constraintCreate],
  foreignKey: [PHASE.foreignKeyDrop, PHASE.foreignKeyCreate],
} as const;

/**
 * Matches constraints of one kind: a declared-side constraint the declared
 * schema names matches the current one of that name; one it does not name
 * matches any current one with the same content (Alembic's rule for unnamed
 * constraints). The rest are created or dropped; an unnamed current one
 * cannot be dropped by name (SQLite), which becomes a review note unless a
 * dropped column takes it along.
 */
export function compareConstraints(
  table: string,
  items: {
    from: Item[];
    to: Item[];
    /** Columns the migration drops (their constraints go with them). */
    droppedColumns: ReadonlySet<string>;
    /** Every constraint and index name the table has now, of any kind. */
    fromNames: ReadonlySet<string>;
  },
  ctx: TableContext,
): Difference[] {
  const { from, to, droppedColumns, fromNames } = items;
  const { labels } = ctx;
  const rest = [...from];
  const take = (pred: (f: Item) => boolean) => {
    const i = rest.findIndex(pred);
    return i < 0 ? undefined : rest.splice(i, 1)[0];
  };
  const declared = (t: Item) =>
    t.name !== null &&
    (ctx.declaredNames === undefined || ctx.declaredNames.has(`${table}\0${t.name}`));
  const pairs: [Item | undefined, Item | undefined][] = [];
  const unmatched: Item[] = [];
  for (const t of to) {
    if (!declared(t)) continue;
    const f = take((x) => x.name === t.name);
    if (f) pairs.push([f, t]);
    else unmatched.push(t);
  }
  for (const t of to) {
    if (declared(t)) continue;
    const f = take((x) => x.sig === t.sig);
    if (f) pairs.push([f, t]);
    else unmatched.push(t);
  }
  for (const t of unmatched) pairs.push([undefined, t]);
  for (const f of rest) pairs.push([f, undefined]);

  const taken = new Set([
    ...fromNames,
    ...[...from, ...to].flatMap((x) => (x.name === null ? [] : [x.name])),
  ]);
  const inventName = (item: Item) => {
    const base = `${PREFIX[item.kind]}_${table}${
      item.columns.length ? `_${item.columns.join("_")}` : ""
    }`;
    let name = base;
    for (let n = 1; taken.has(name) || (item.kind === "check" && name === base); n++) {
      name = `${base}_${n}`;
    }
    taken.add(name);
    return name;
  };
  const out: Difference[] = [];
  for (const [f, t] of pairs) {
    if (f && t && f.sig === t.sig) continue;
    const item = (t ?? f)!;
    const [dropPhase, createPhase] = PHASES[item.kind];
    const label = (
      x: Item,
    ) => (x.name === null
      ? x.text
      : `${x.text.replace(/^(unique|check|foreign key)/, `$1 "${x.name}"`)}`);
    const steps: Step[] = [];
    if (f) {
      const key = `${table}\0${f.name ?? f.sig}`;
      if (f.name !== null) {
        steps.push(
          step(dropPhase, key, { kind: "dropConstraint", name: f.name, table }, [
            f.create(table, f.name),
          ]),
        );
      } else if (mentionsAny(f, droppedColumns)) {
        // Dropping the column drops the constraint with it; undoing needs a name for it.
        steps.push(step(dropPhase, key, undefined, [f.create(table, inventName(f))]));
      } else {
        steps.push(step(dropPhase, key, undefined, [], [
          `review: ${labels.from} has an unnamed ${f.text} on "${table}" that ${labels.to} does not ` +
          "declare; an unnamed constraint cannot be dropped by name (SQLite): rebuild the table by hand",
        ]));
      }
    }
    if (t) {
      // A name the database chose may be one a kept constraint already has
      // (PostgreSQL numbers them by creation order): then choose another.
      const clash = t.name !== null && !declared(t) && fromNames.has(t.name) && f?.name !== t.name;
      const name = t.name === null || clash ? inventName(t) : t.name;
      steps.push(
        step(createPhase, `${table}\0${name}`, t.create(table, name), [{
          kind: "dropConstraint",
          name,
          table,
        }]),
      );
    }
    const message = f && t
      ? `${label(t)} on "${table}": is ${label(f)} in ${labels.from}`
      : f
      ? `${label(f)} on "${table}": in ${labels.from} but not in ${labels.to}`
      : `${label(t!)} on "${table}": in ${labels.to} but not in ${labels.from}`;
    out.push({
      kind: item.kind,
      table,
      ...(item.name === null ? {} : { name: item.name }),
      messages: [message],
      steps,
    });
  }
  return out;
}

/**
 * Whether a constraint uses one of `columns`: constrains it, or (a check)
 * mentions it in its expression.
 */
export function mentionsAny(item: Item, columns: ReadonlySet<string>): boolean {
  if (item.columns.some((c) => columns.has(c))) return true;
  if (item.kind !== "check") return false;
  for (const c of columns) {
    const escaped = c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[^\\w$])["\`\\[]?${escaped}["\`\\]]?($|[^\\w$])`, "i").test(item.text)) {
      return true;
    }
  }
  return false;
}
