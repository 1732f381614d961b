/**
 * The enums of a comparison: those added or dropped, and the steps that
 * change an existing enum's values. Private to `src/autogen/` (see
 * `compare.ts`).
 *
 * A change of values is split by what it needs around it:
 *
 * - renames (`--rename-enum-value`) come first, in the enum phase;
 * - values added come in the enum phase too, before the columns, defaults
 *   and tables that may use them: one `addEnumValue` per value, placed with
 *   `before`/`after`, or one `alterEnum` when the old values are not in the
 *   same order in the new list, or when the database cannot use a value
 *   `addEnumValue` added before the migration commits
 *   (`enumValueUsableBeforeCommit: false`) and a later step uses the enum;
 * - values removed go last, after the columns and defaults that held them
 *   are dropped or changed: one `alterEnum` with the new list. When nothing
 *   else in the migration touches the enum, additions and removals are that
 *   one `alterEnum`.
 *
 * Each step's undo restores the list it started from exactly (an `alterEnum`
 * with that list), so `downgrade` ends with the old values in the old order.
 *
 * @module
 */
import type { Change, ChangeOf } from "../changes/change.ts";
import type { EnumType } from "../schema/model.ts";
import { step } from "./_context.ts";
import { type Difference, PHASE, type Step } from "./difference.ts";

/** An enum whose values differ on the two sides. */
export interface EnumEdit {
  name: string;
  /** The values now. */
  from: string[];
  /** The declared values. */
  to: string[];
  /** Value renames from hints, old → new, in the order given. */
  renames: [string, string][];
}

const q = (text: string) => JSON.stringify(text);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const listText = (values: readonly string[]) => `[${values.map(q).join(", ")}]`;

/**
 * The old list with the values of `target` it lacks put in, each right after
 * the value before it in `target` (a first value: before the next old value
 * in `target`, or last when there is none). The old values keep their order,
 * so `addEnumValue` calls alone get there; when the old list is in the same
 * order in `target` and `target` drops none of it, the result is `target`.
 *
 * @param base The values now.
 * @param target The values wanted.
 * @returns `base` with `target`'s new values in place.
 */
export function withAdditions(base: readonly string[], target: readonly string[]): string[] {
  const list = [...base];
  const present = new Set(base);
  target.forEach((v, i) => {
    if (present.has(v)) return;
    const prev = target.slice(0, i).findLast((x) => present.has(x));
    if (prev !== undefined) list.splice(list.indexOf(prev) + 1, 0, v);
    else {
      const next = target.slice(i + 1).find((x) => present.has(x));
      list.splice(next === undefined ? list.length : list.indexOf(next), 0, v);
    }
    present.add(v);
  });
  return list;
}

/**
 * The `addEnumValue` calls that turn `base` into `list`, where `list` is
 * `base` with values put in (see {@linkcode withAdditions}). Each names its
 * neighbour: values before the first old one go in from the back with
 * `before`, the rest from the front with `after`.
 *
 * @param name The enum.
 * @param base The values now.
 * @param list The values wanted.
 * @returns The changes, in the order to make them.
 */
export function additions(
  name: string,
  base: readonly string[],
  list: readonly string[],
): ChangeOf<"addEnumValue">[] {
  const old = new Set(base);
  const first = Math.max(0, list.findIndex((v) => old.has(v)));
  const out: ChangeOf<"addEnumValue">[] = [];
  const add = (value: string, anchor: { before: string } | { after: string }) =>
    out.push({ kind: "addEnumValue", name, value, ...anchor, ifNotExists: false });
  for (let k = first - 1; k >= 0; k--) add(list[k]!, { before: list[k + 1]! });
  for (let k = first + 1; k < list.length; k++) {
    if (!old.has(list[k]!)) add(list[k]!, { after: list[k - 1]! });
  }
  return out;
}

/** Whether `sub` is `list` with some values left out (the rest in the same order). */
function isSubsequence(sub: readonly string[], list: readonly string[]): boolean {
  let i = 0;
  for (const v of list) if (v === sub[i]) i++;
  return i === sub.length;
}

/** What {@linkcode enumValueDifference} needs besides the edit. */
export interface EnumEditContext {
  labels: { from: string; to: string };
  /**
   * Whether a value `addEnumValue` adds can be used before the migration
   * commits (the engine's `enumValueUsableBeforeCommit`).
   */
  usableBeforeCommit: boolean;
  /** Whether another step of the migration touches a column of this enum, or spells out a value. */
  touched: boolean;
}

/**
 * The difference for an enum whose values changed, with its steps.
 *
 * @param edit The enum, its two lists and its value renames.
 * @param ctx Labels, the engine's capability, and whether other steps use the enum.
 * @returns The difference (one message, for `check`).
 */
export function enumValueDifference(edit: EnumEdit, ctx: EnumEditContext): Difference {
  const { name, from, to } = edit;
  const { labels } = ctx;
  const steps: Step[] = [];
  const alter = (values: readonly string[]): Change => ({
    kind: "alterEnum",
    name,
    values: [...values],
  });
  // 1. Renames, in the enum phase.
  let current = [...from];
  for (const [old, next] of edit.renames) {
    steps.push(step(PHASE.enumCreate, name, {
      kind: "renameEnumValue",
      name,
      oldValue: old,
      newValue: next,
    }, [{ kind: "renameEnumValue", name, oldValue: next, newValue: old }]));
    current = current.map((v) => (v === old ? next : v));
  }
  const added = to.filter((v) => !current.includes(v));
  const removed = current.filter((v) => !to.includes(v));
  const removalNotes = (values: readonly string[], when: string) =>
    values.length === 0 ? [] : [
      `data loss: removes ${values.length === 1 ? "value" : "values"} ${
        values.map(q).join(", ")
      } from enum ${q(name)}: ${when} fails, changing nothing, while a row holds ${
        values.length === 1 ? "it" : "one"
      } (update or delete those rows first, with op.execute)`,
    ];
  const renameNote = added.length > 0 && removed.length > 0
    ? [
      `review: if a value of enum ${q(name)} was renamed, use --rename-enum-value ${name}.${
        removed.length === 1 ? removed[0] : "OLD"
      }:${added.length === 1 ? added[0] : "NEW"} (op.renameEnumValue keeps the rows that hold it)` +
      " instead of removing one value and adding another",
    ]
    : [];
  const notUsableNote = [
    `review: later steps use enum ${q(name)}, and this database cannot use a value ` +
    "op.addEnumValue adds until the migration commits: alterEnum rebuilds the type instead " +
    "(rewriting the tables that use it), and its values can be used at once. Or split the " +
    "migration: add the values in the first, use them in the second",
  ];

  // 2. Values added (and a new order) in the enum phase; values removed last.
  let renameNoted = false;
  const firstNotes = () => {
    if (renameNoted) return [];
    renameNoted = true;
    return renameNote;
  };
  const addOnly = removed.length === 0;
  if (added.length > 0 && !addOnly && !ctx.touched) {
    // Nothing else in the migration uses the enum: one alterEnum, after the drops.
    steps.push(step(
      PHASE.enumDrop,
      name,
      alter(to),
      [alter(current)],
      [...firstNotes(), ...removalNotes(removed, "the upgrade")],
      removalNotes(added, "the downgrade"),
    ));
    current = [...to];
  } else if (added.length > 0 || addOnly && !sameList(current, to)) {
    const target = addOnly ? to : withAdditions(current, to);
    const inOrder = isSubsequence(current, target);
    const downNotes = removalNotes(added, "the downgrade");
    if (inOrder && (ctx.usableBeforeCommit || !ctx.touched)) {
      additions(name, current, target).forEach((c, i) => {
        const first = i === 0;
        steps.push(step(
          PHASE.enumCreate,
          name,
          c,
          first ? [alter(current)] : [],
          first ? firstNotes() : [],
          first ? downNotes : [],
        ));
      });
    } else {
      const notes = [...firstNotes(), ...(inOrder ? notUsableNote : [])];
      steps.push(step(PHASE.enumCreate, name, alter(target), [alter(current)], notes, downNotes));
    }
    current = target;
  }
  if (!sameList(current, to)) {
    const notes = [...firstNotes(), ...removalNotes(removed, "the upgrade")];
    steps.push(step(PHASE.enumDrop, name, alter(to), [alter(current)], notes));
  }
  return {
    kind: "enum",
    name,
    messages: [
      `enum ${q(name)}: values are ${listText(from)} in ${labels.from}, ${
        listText(to)
      } in ${labels.to}`,
    ],
    steps,
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Enums added or dropped (as differences), and enums whose values changed (as edits), by name. */
export function compareEnums(
  from: readonly EnumType[],
  to: readonly EnumType[],
  renames: ReadonlyMap<string, [string, string][]>,
  labels: { from: string; to: string },
): (Difference | EnumEdit)[] {
  const out: (Difference | EnumEdit)[] = [];
  const names = [...new Set([...from, ...to].map((e) => e.name))].sort(cmp);
  for (const name of names) {
    const f = from.find((e) => e.name === name);
    const t = to.find((e) => e.name === name);
    if (f && t) {
      if (f.values.join("\0") === t.values.join("\0")) continue;
      out.push({ name, from: [...f.values], to: [...t.values], renames: renames.get(name) ?? [] });
    } else if (t) {
      out.push({
        kind: "enum",
        name,
        messages: [`enum "${name}": in ${labels.to} but not in ${labels.from}`],
        steps: [{
          phase: PHASE.enumCreate,
          key: name,
          up: { kind: "createEnum", name, values: [...t.values] },
          down: [{ kind: "dropEnum", name }],
          notes: [],
          downNotes: [],
        }],
      });
    } else if (f) {
      out.push({
        kind: "enum",
        name,
        messages: [`enum "${name}": in ${labels.from} but not in ${labels.to}`],
        steps: [{
          phase: PHASE.enumDrop,
          key: name,
          up: { kind: "dropEnum", name },
          down: [{ kind: "createEnum", name, values: [...f.values] }],
          notes: [],
          downNotes: [],
        }],
      });
    }
  }
  return out;
}
