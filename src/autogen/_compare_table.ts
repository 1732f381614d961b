/**
 * Compares one table present on both sides: columns, primary key, indexes,
 * unique and check constraints, foreign keys and the comment. Private to
 * `src/autogen/` (see `compare.ts`).
 *
 * @module
 */
import type { Change, ColumnDef, ColumnPatch, RefAction } from "../changes/change.ts";
import type {
  CheckConstraint,
  Column,
  ForeignKey,
  Index,
  Table,
  UniqueConstraint,
} from "../schema/model.ts";
import { columnDefOf, createIndexChange } from "../schema/to_changes.ts";
import { typeChange } from "./_types.ts";
import {
  type Difference,
  type DifferenceKind,
  PHASE,
  type Phase,
  type Step,
} from "./difference.ts";

/** What {@linkcode compareTable} needs from the comparison as a whole. */
export interface TableContext {
  labels: { from: string; to: string };
  normalizeExpr: (sql: string) => string;
  implicitName: (
    kind: "unique" | "foreignKey",
    table: string,
    columns: readonly string[],
  ) => string | null;
  /** `table\0name` of named declared constraints; `undefined`: every name counts. */
  declaredNames: ReadonlySet<string> | undefined;
  /** A current table name → its declared name (table renames). */
  refTable: (current: string) => string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const list = (cols: readonly string[]) => `(${cols.join(", ")})`;
const sameList = (a: readonly string[], b: readonly string[]) => a.join("\0") === b.join("\0");
const noDefault = (d: string | null) => (d === null || /^null$/i.test(d.trim()) ? null : d.trim());
const sqlValue = (d: string | null) => (noDefault(d) === null ? null : { $sql: noDefault(d)! });

function step(
  phase: Phase,
  key: string,
  up: Change | undefined,
  down: Change[],
  notes: string[] = [],
  downNotes: string[] = [],
): Step {
  return up === undefined
    ? { phase, key, down, notes, downNotes }
    : { phase, key, up, down, notes, downNotes };
}

/**
 * Compares a table with its declared form.
 *
 * @param from The current table.
 * @param to The declared table (its name is the one to use; a rename comes first).
 * @param renames Column renames, current → declared.
 * @param ctx The comparison's options.
 * @returns The differences, columns first.
 */
export function compareTable(
  from: Table,
  to: Table,
  renames: ReadonlyMap<string, string>,
  ctx: TableContext,
): Difference[] {
  const { labels } = ctx;
  const table = to.name;
  const out: Difference[] = [];
  const rename = (c: string) => renames.get(c) ?? c;
  const renameAll = (cols: readonly string[]) => cols.map(rename);

  // Columns.
  const fromCols = new Map(from.columns.map((c) => [rename(c.name), c]));
  const toCols = new Map(to.columns.map((c) => [c.name, c]));
  const droppedCols = [...fromCols.keys()].filter((c) => !toCols.has(c)).sort(cmp);
  const addedCols = to.columns.filter((c) => !fromCols.has(c.name));
  const folded = new Set<object>();
  for (const [old, next] of renames) {
    out.push({
      kind: "column",
      table,
      name: next,
      messages: [`column "${table}.${next}": is "${old}" in ${labels.from}`],
      steps: [step(PHASE.rename, `1\0${table}\0${old}`, {
        kind: "alterColumn",
        table,
        column: old,
        patch: { rename: next },
      }, [{ kind: "alterColumn", table, column: next, patch: { rename: old } }])],
    });
  }
  for (const name of droppedCols) {
    const col = fromCols.get(name)!;
    const notes = [`data loss: drops column "${table}.${name}" and its values`];
    if (addedCols.length > 0) {
      notes.push(
        `review: if "${table}.${name}" was renamed, use --rename ${table}.${name}:${
          addedCols.length === 1 ? addedCols[0]!.name : "NEW"
        } instead of a drop and an add`,
      );
    }
    out.push({
      kind: "column",
      table,
      name,
      messages: [`column "${table}.${name}": in ${labels.from} but not in ${labels.to}`],
      steps: [step(
        PHASE.columnDrop,
        `${table}\0${name}`,
        { kind: "dropColumn", table, column: name },
        [{ kind: "addColumn", table, column: columnDefOf(col) }],
        notes,
        notNullWithoutDefault(col)
          ? [
            `review: re-adds NOT NULL column "${table}.${name}" without a default: fails when the table has rows`,
          ]
          : [],
      )],
    });
  }
  for (const col of addedCols) {
    const def = columnDefOf(col);
    fold(def, to, folded, ctx);
    out.push({
      kind: "column",
      table,
      name: col.name,
      messages: [`column "${table}.${col.name}": in ${labels.to} but not in ${labels.from}`],
      steps: [step(
        PHASE.columnAdd,
        `${table}\0${col.name}`,
        { kind: "addColumn", table, column: def },
        [{ kind: "dropColumn", table, column: col.name }],
        notNullWithoutDefault(col)
          ? [
            `review: adds NOT NULL column "${table}.${col.name}" without a default: fails when the table has rows`,
          ]
          : [],
        [`data loss: drops column "${table}.${col.name}" and its values`],
      )],
    });
  }
  for (const col of to.columns) {
    const f = fromCols.get(col.name);
    if (f) out.push(...compareColumn(table, f, col, labels));
  }

  // Primary key.
  const fromPk = renameAll(from.primaryKey);
  if (!sameList(fromPk, to.primaryKey)) {
    out.push({
      kind: "primaryKey",
      table,
      messages: [
        `primary key of "${table}": ${pkText(fromPk)} in ${labels.from}, ${
          pkText(to.primaryKey)
        } in ${labels.to}`,
      ],
      steps: [step(PHASE.columnAlter, `${table}\0`, undefined, [], [
        `review: the primary key of "${table}" is ${pkText(fromPk)}; ${labels.to} says ` +
        `${
          pkText(to.primaryKey)
        }. Strata has no operation that changes a primary key: write it by hand`,
      ])],
    });
  }

  // Indexes (by name).
  const fromIx = new Map(
    from.indexes.map((i) => [i.name, { ...i, columns: renameAll(i.columns) }]),
  );
  const toIx = new Map(to.indexes.map((i) => [i.name, i]));
  for (const name of [...new Set([...fromIx.keys(), ...toIx.keys()])].sort(cmp)) {
    const f = fromIx.get(name);
    const t = toIx.get(name);
    const key = `${table}\0${name}`;
    const drop = (ix: Index) =>
      step(PHASE.indexDrop, key, { kind: "dropIndex", name, table }, [
        createIndexChange(table, ix),
      ]);
    const create = (ix: Index) =>
      step(PHASE.indexCreate, key, createIndexChange(table, ix), [{
        kind: "dropIndex",
        name,
        table,
      }]);
    const what = `index "${name}" on "${table}"`;
    if (f && t) {
      if (indexText(f, ctx) === indexText(t, ctx)) continue;
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: ${indexText(f)} in ${labels.from}, ${indexText(t)} in ${labels.to}`],
        steps: [drop(f), create(t)],
      });
    } else if (f) {
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: in ${labels.from} but not in ${labels.to}`],
        steps: [drop(f)],
      });
    } else if (t) {
      out.push({
        kind: "index",
        table,
        name,
        messages: [`${what}: in ${labels.to} but not in ${labels.from}`],
        steps: [create(t)],
      });
    }
  }

  // Unique and check constraints, foreign keys.
  const dropped = new Set(droppedCols);
  out.push(
    ...compareConstraints(
      table,
      uniqueItems(from.uniques.map((u) => ({ ...u, columns: renameAll(u.columns) }))),
      uniqueItems(to.uniques).filter((i) => !folded.has(i.source)),
      dropped,
      ctx,
    ),
  );
  out.push(
    ...compareConstraints(
      table,
      checkItems(from.checks, ctx),
      checkItems(to.checks, ctx),
      dropped,
      ctx,
    ),
  );
  out.push(...compareConstraints(
    table,
    fkItems(
      from.foreignKeys.map((f) => ({
        ...f,
        columns: renameAll(f.columns),
        refTable: ctx.refTable(f.refTable),
      })),
    ),
    fkItems(to.foreignKeys).filter((i) => !folded.has(i.source)),
    dropped,
    ctx,
  ));

  // Table comment.
  if (from.comment !== to.comment) {
    out.push({
      kind: "table",
      table,
      messages: [
        `comment of table "${table}": ${commentText(from.comment)} in ${labels.from}, ${
          commentText(to.comment)
        } in ${labels.to}`,
      ],
      steps: [
        step(PHASE.columnAlter, `${table}\0`, {
          kind: "alterTable",
          table,
          patch: { comment: to.comment },
        }, [{ kind: "alterTable", table, patch: { comment: from.comment } }]),
      ],
    });
  }
  return out;
}

function notNullWithoutDefault(col: Column): boolean {
  return !col.nullable && noDefault(col.default) === null && !col.autoIncrement;
}

function pkText(cols: readonly string[]): string {
  return cols.length === 0 ? "none" : list(cols);
}

function commentText(c: string | null): string {
  return c === null ? "none" : JSON.stringify(c);
}

function indexText(ix: Index, ctx?: TableContext): string {
  const where = ix.where === null ? "" : ` WHERE ${ctx ? ctx.normalizeExpr(ix.where) : ix.where}`;
  return `${ix.unique ? "unique " : ""}${list(ix.columns)}${where}`;
}

/**
 * Writes a new column's single-column unique constraint or foreign key on
 * the column itself (`unique: true`, `references`) when the database would
 * give it the same name (or none), so `addColumn` makes it in one go.
 */
function fold(def: ColumnDef, to: Table, folded: Set<object>, ctx: TableContext): void {
  const only = (cols: readonly string[]) => cols.length === 1 && cols[0] === def.name;
  const implicit = (kind: "unique" | "foreignKey", name: string | null) =>
    name === null || name === ctx.implicitName(kind, to.name, [def.name]);
  const u = to.uniques.find((x) => only(x.columns) && implicit("unique", x.name));
  if (u) {
    def.unique = true;
    folded.add(u);
  }
  const fk = to.foreignKeys.find((x) => only(x.columns) && implicit("foreignKey", x.name));
  if (fk) {
    def.references = { table: fk.refTable, column: fk.refColumns[0]!, ...actions(fk) };
    folded.add(fk);
  }
}

function actions(
  fk: { onDelete: string; onUpdate: string },
): { onDelete?: RefAction; onUpdate?: RefAction } {
  return {
    ...(fk.onDelete !== "no action" ? { onDelete: fk.onDelete as RefAction } : {}),
    ...(fk.onUpdate !== "no action" ? { onUpdate: fk.onUpdate as RefAction } : {}),
  };
}

function compareColumn(
  table: string,
  f: Column,
  t: Column,
  labels: { from: string; to: string },
): Difference[] {
  const what = `column "${table}.${t.name}"`;
  const messages: string[] = [];
  const patch: ColumnPatch = {};
  const back: ColumnPatch = {};
  const notes: string[] = [];
  const downNotes: string[] = [];
  const steps: Step[] = [];
  const risk = (a: string, b: string, into: string[]) => {
    const kind = typeChange(a, b);
    if (kind === "narrow") {
      into.push(
        `data loss: narrows "${table}.${t.name}" from ${a} to ${b}: values that do not fit fail the upgrade or lose precision`,
      );
    } else if (kind === "convert") {
      into.push(
        `review: changes the type of "${table}.${t.name}" from ${a} to ${b}: rows whose values do not convert fail the upgrade`,
      );
    }
  };
  if (f.type !== t.type) {
    messages.push(`${what}: type is ${f.type} in ${labels.from}, ${t.type} in ${labels.to}`);
    patch.type = t.type;
    back.type = f.type;
    risk(f.type, t.type, notes);
    risk(t.type, f.type, downNotes);
    if (noDefault(f.default) !== null || noDefault(t.default) !== null) {
      // PostgreSQL cannot always cast the old default to the new type: set it again.
      patch.default = sqlValue(t.default);
      back.default = sqlValue(f.default);
    }
  }
  if (f.nullable !== t.nullable) {
    const text = (n: boolean) => (n ? "nullable" : "NOT NULL");
    messages.push(
      `${what}: ${text(f.nullable)} in ${labels.from}, ${text(t.nullable)} in ${labels.to}`,
    );
    patch.nullable = t.nullable;
    back.nullable = f.nullable;
    const warn = `review: makes "${table}.${t.name}" NOT NULL: fails when rows hold NULL`;
    (t.nullable ? downNotes : notes).push(warn);
  }
  if (noDefault(f.default) !== noDefault(t.default)) {
    const text = (d: string | null) => (noDefault(d) === null ? "none" : noDefault(d)!);
    messages.push(
      `${what}: default is ${text(f.default)} in ${labels.from}, ${
        text(t.default)
      } in ${labels.to}`,
    );
    patch.default = sqlValue(t.default);
    back.default = sqlValue(f.default);
  }
  if (f.comment !== t.comment) {
    messages.push(
      `${what}: comment is ${commentText(f.comment)} in ${labels.from}, ${
        commentText(t.comment)
      } in ${labels.to}`,
    );
    patch.comment = t.comment;
    back.comment = f.comment;
  }
  if (Object.keys(patch).length > 0) {
    steps.push(
      step(
        PHASE.columnAlter,
        `${table}\0${t.name}`,
        { kind: "alterColumn", table, column: t.name, patch },
        [{ kind: "alterColumn", table, column: t.name, patch: back }],
        notes,
        downNotes,
      ),
    );
  }
  if (f.autoIncrement !== t.autoIncrement) {
    const text = (a: boolean) => (a ? "auto-increments" : "does not auto-increment");
    messages.push(
      `${what}: ${text(f.autoIncrement)} in ${labels.from}, ${
        text(t.autoIncrement)
      } in ${labels.to}`,
    );
    steps.push(step(PHASE.columnAlter, `${table}\0${t.name}`, undefined, [], [
      `review: "${table}.${t.name}" ${text(f.autoIncrement)} in ${labels.from} but ${
        text(t.autoIncrement)
      } ` +
      `in ${labels.to}; Strata has no operation that changes identity or autoincrement: write it by hand`,
    ]));
  }
  return messages.length === 0 ? [] : [{ kind: "column", table, name: t.name, messages, steps }];
}

/** A constraint reduced to what matching needs. */
interface Item {
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

function uniqueItems(list: readonly UniqueConstraint[]): Item[] {
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

function checkItems(list: readonly CheckConstraint[], ctx: TableContext): Item[] {
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

function fkItems(list: readonly ForeignKey[]): Item[] {
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
      create: (table, name) => ({
        kind: "createForeignKey",
        name,
        table,
        columns: [...f.columns],
        refTable: f.refTable,
        refColumns: [...f.refColumns],
        ...actions(f),
      }),
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
function compareConstraints(
  table: string,
  from: Item[],
  to: Item[],
  droppedColumns: ReadonlySet<string>,
  ctx: TableContext,
): Difference[] {
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

  const taken = new Set([...from, ...to].flatMap((x) => (x.name === null ? [] : [x.name])));
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
      } else if (f.columns.some((c) => droppedColumns.has(c)) || mentionsAny(f, droppedColumns)) {
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
      const name = t.name ?? inventName(t);
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

function mentionsAny(item: Item, columns: ReadonlySet<string>): boolean {
  if (item.kind !== "check") return false;
  for (const c of columns) {
    const escaped = c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[^\\w$])["\`\\[]?${escaped}["\`\\]]?($|[^\\w$])`, "i").test(item.text)) {
      return true;
    }
  }
  return false;
}
