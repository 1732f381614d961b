/**
 * Edits of a parsed `CREATE TABLE` text (`_table_text.ts`): each replaces,
 * adds or removes one part and returns the new text, leaving every other
 * character as it was. Callers parse the result again before the next edit.
 *
 * @module
 */
import type { ColumnText, ConstraintText, ItemText, TableText } from "./_table_text.ts";

/** One replacement of `[start, end)` by `text`. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

function apply(sql: string, splices: Splice[]): string {
  let out = sql;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  }
  return out;
}

/** The start of the whitespace run that ends at `at`. */
function spaceBefore(sql: string, at: number): number {
  let i = at;
  while (i > 0 && /\s/.test(sql[i - 1] as string)) i--;
  return i;
}

/**
 * Edits to a parsed table text; each returns the new SQL text. Callers parse
 * the result again before the next edit.
 */
export const edit = {
  /** Replaces (or adds) a column's declared type. */
  setType(text: TableText, col: ColumnText, type: string): string {
    if (col.type) return apply(text.sql, [{ ...col.type, text: type }]);
    return apply(text.sql, [{ start: col.nameEnd, end: col.nameEnd, text: ` ${type}` }]);
  },
  /** Replaces one constraint's text. */
  replaceConstraint(text: TableText, c: ConstraintText, replacement: string): string {
    return apply(text.sql, [{ start: c.start, end: c.end, text: replacement }]);
  },
  /** Removes one constraint (column or table level) with the space before it. */
  removeConstraint(text: TableText, c: ConstraintText): string {
    const item = text.items.find((i) =>
      i.constraints.includes(c) || i.column?.constraints.includes(c)
    );
    if (item && !item.column && item.constraints.length === 1) return edit.removeItem(text, item);
    return apply(text.sql, [{ start: spaceBefore(text.sql, c.start), end: c.end, text: "" }]);
  },
  /** Adds a column constraint right after the type (or name), or at the end of the column. */
  addColumnConstraint(
    text: TableText,
    col: ColumnText,
    constraint: string,
    where: "afterType" | "end",
  ): string {
    const at = where === "end" ? col.end : (col.type?.end ?? col.nameEnd);
    return apply(text.sql, [{ start: at, end: at, text: ` ${constraint}` }]);
  },
  /**
   * Removes a body item (a column, or a table-constraint item) with one
   * separating comma: the one after it, so a comment after the previous
   * item's comma stays with that item; the one before it for the last item.
   */
  removeItem(text: TableText, item: ItemText): string {
    const index = text.items.indexOf(item);
    const prev = text.items[index - 1];
    const next = text.items[index + 1];
    if (next) return apply(text.sql, [{ start: item.start, end: next.start, text: "" }]);
    if (prev) return apply(text.sql, [{ start: prev.end, end: item.end, text: "" }]);
    return apply(text.sql, [{ start: item.start, end: item.end, text: "" }]);
  },
  /** Adds a column definition after the last column (before table constraints, as `ADD COLUMN` does). */
  addColumn(text: TableText, definition: string): string {
    const lastColumn = [...text.items].reverse().find((i) => i.column);
    const at = lastColumn?.end ?? text.close;
    return apply(text.sql, [{ start: at, end: at, text: `${separator(text)}${definition}` }]);
  },
  /** Adds a table constraint after the last item. */
  addTableConstraint(text: TableText, definition: string): string {
    const last = text.items.at(-1);
    const at = last?.end ?? text.close;
    return apply(text.sql, [{ start: at, end: at, text: `${separator(text)}${definition}` }]);
  },
  /** Replaces the table name token (the rebuild's `_strata_new_<t>`). */
  rename(text: TableText, quotedName: string): string {
    return apply(text.sql, [{ start: text.nameStart, end: text.nameEnd, text: quotedName }]);
  },
};

/** The separator the text already uses between its last two items (", " when unclear). */
function separator(text: TableText): string {
  const [a, b] = text.items.slice(-2);
  if (!a || !b) return ", ";
  const between = text.sql.slice(a.end, b.start);
  return /^,\s*$/.test(between) ? between : ", ";
}
