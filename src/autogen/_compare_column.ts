/**
 * Compares one column present on both sides: type (with a note when values
 * may not fit or convert), nullability, default, comment, identity. Private
 * to `src/autogen/`.
 *
 * @module
 */
import type { ColumnPatch } from "../changes/change.ts";
import type { Column } from "../schema/model.ts";
import { typeChange } from "./_types.ts";
import { commentText, noDefault, step } from "./_context.ts";
import { type Difference, PHASE, type Step } from "./difference.ts";

const sqlValue = (d: string | null) => (noDefault(d) === null ? null : { $sql: noDefault(d)! });

/**
 * Compares a column with its declared form.
 *
 * @param table The table (its declared name).
 * @param f The current column.
 * @param t The declared column.
 * @param labels How messages name the two sides.
 * @returns One difference with a message per changed attribute, or none.
 */
export function compareColumn(
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
