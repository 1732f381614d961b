/**
 * A stored `CREATE TABLE` text as editable parts. The table rebuild writes the
 * new table from the ORIGINAL text (`sqlite_master.sql`), changing only the
 * column definitions or constraints a change touches, so everything else —
 * `ON CONFLICT` clauses, `DEFERRABLE`, `COLLATE`, generated columns, comments,
 * `STRICT`, `WITHOUT ROWID` — comes out exactly as it went in. Grammar:
 * sqlite.org/lang_createtable.html (column-constraint, table-constraint,
 * foreign-key-clause, conflict-clause).
 *
 * Every part carries its offsets in the text, so an edit (`_table_edit.ts`)
 * is a splice, and the edited text is parsed again for the next edit.
 *
 * @module
 */
import { isWord, matchParen, significant, type Token, tokenize } from "./_lexer.ts";

/** The kinds of column and table constraint. */
export type ConstraintKind =
  | "primaryKey"
  | "notNull"
  | "null"
  | "unique"
  | "check"
  | "default"
  | "collate"
  | "references"
  | "generated"
  | "foreignKey";

/** One constraint as written, with its offsets (`CONSTRAINT name` included). */
export interface ConstraintText {
  kind: ConstraintKind;
  /** The `CONSTRAINT name`, or `null`. */
  name: string | null;
  start: number;
  end: number;
  /** PRIMARY KEY / UNIQUE / FOREIGN KEY at table level: the listed columns. */
  columns: string[];
  /** CHECK / GENERATED / DEFAULT: the expression's offsets (inside parentheses for CHECK). */
  expr?: { start: number; end: number };
  /** REFERENCES / FOREIGN KEY: the parent table. */
  refTable?: string;
  /** REFERENCES / FOREIGN KEY: the parent columns (empty: the parent's primary key). */
  refColumns?: string[];
  /** PRIMARY KEY: whether AUTOINCREMENT follows. */
  autoIncrement?: boolean;
  /** COLLATE: the collation name. */
  collation?: string;
}

/** One column definition. */
export interface ColumnText {
  name: string;
  start: number;
  end: number;
  /** End offset of the name token (where a missing type would go). */
  nameEnd: number;
  /** The declared type's offsets, or `null` when the column has none. */
  type: { start: number; end: number } | null;
  /** The declared type text ("" when none). */
  typeText: string;
  constraints: ConstraintText[];
}

/** A comma-separated item of the table body: a column, or one or more table constraints. */
export interface ItemText {
  start: number;
  end: number;
  column?: ColumnText;
  /** Table constraints of this item (SQLite allows several without commas). */
  constraints: ConstraintText[];
}

/** A parsed `CREATE TABLE` text. */
export interface TableText {
  sql: string;
  /** The table name, unquoted. */
  name: string;
  /** Offsets of the name token (schema prefix excluded). */
  nameStart: number;
  nameEnd: number;
  /** Offset of the body's closing parenthesis. */
  close: number;
  items: ItemText[];
  columns: ColumnText[];
  /** Table-level constraints, in order. */
  constraints: ConstraintText[];
  /** Text after the closing parenthesis, e.g. `STRICT` or `WITHOUT ROWID`. */
  options: string;
  strict: boolean;
  withoutRowid: boolean;
}

const COLUMN_CONSTRAINT_START = new Set([
  "CONSTRAINT",
  "PRIMARY",
  "NOT",
  "NULL",
  "UNIQUE",
  "CHECK",
  "DEFAULT",
  "COLLATE",
  "REFERENCES",
  "GENERATED",
  "AS",
]);
const TABLE_CONSTRAINT_START = new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]);

/** Reads `( name, name … )` at `open`; each item's first token names a column. */
function nameList(tokens: Token[], open: number): { names: string[]; close: number } {
  const close = matchParen(tokens, open);
  const names: string[] = [];
  let first = true;
  let depth = 0;
  for (let i = open + 1; i < close; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (t.text === "," && depth === 0) first = true;
    else if (first) {
      names.push(t.value);
      first = false;
    }
  }
  return { names, close };
}

/** Skips an optional `ON CONFLICT resolution` at `i`; returns the next index. */
function skipConflict(tokens: Token[], i: number): number {
  return isWord(tokens[i], "ON") && isWord(tokens[i + 1], "CONFLICT") ? i + 3 : i;
}

/** Parses a foreign-key clause starting at `REFERENCES` (index `i`); returns the next index. */
function foreignKeyClause(tokens: Token[], i: number, c: ConstraintText): number {
  let k = i + 1;
  c.refTable = tokens[k]?.value ?? "";
  k++;
  if (tokens[k]?.text === ".") {
    c.refTable = tokens[k + 1]?.value ?? "";
    k += 2;
  }
  c.refColumns = [];
  if (tokens[k]?.text === "(") {
    const list = nameList(tokens, k);
    c.refColumns = list.names;
    k = list.close + 1;
  }
  for (;;) {
    const t = tokens[k];
    if (isWord(t, "ON")) {
      // ON DELETE|UPDATE SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION
      const action = tokens[k + 2];
      k += isWord(action, "SET") || isWord(action, "NO") ? 4 : 3;
    } else if (isWord(t, "MATCH")) {
      k += 2;
    } else if (isWord(t, "NOT") && isWord(tokens[k + 1], "DEFERRABLE")) {
      k += 1;
    } else if (isWord(t, "DEFERRABLE")) {
      k++;
      if (isWord(tokens[k], "INITIALLY")) k += 2;
    } else return k;
  }
}

/**
 * Parses consecutive constraints in `tokens[from, to)`.
 *
 * @param tokens Significant tokens of one body item.
 * @param from First index.
 * @param to End index.
 * @param table Whether these are table constraints.
 * @returns The constraints, in order.
 */
function parseConstraints(
  tokens: Token[],
  from: number,
  to: number,
  table: boolean,
): ConstraintText[] {
  const out: ConstraintText[] = [];
  let i = from;
  while (i < to) {
    const startToken = tokens[i] as Token;
    let name: string | null = null;
    if (isWord(startToken, "CONSTRAINT")) {
      name = tokens[i + 1]?.value ?? null;
      i += 2;
    }
    const t = tokens[i];
    if (!t) break;
    const c: ConstraintText = {
      kind: "check",
      name,
      start: startToken.start,
      end: t.end,
      columns: [],
    };
    let next = i + 1;
    if (isWord(t, "PRIMARY")) {
      c.kind = "primaryKey";
      next = i + 2; // KEY
      if (table && tokens[next]?.text === "(") {
        const list = nameList(tokens, next);
        c.columns = list.names;
        next = list.close + 1;
      }
      if (isWord(tokens[next], "ASC") || isWord(tokens[next], "DESC")) next++;
      next = skipConflict(tokens, next);
      if (isWord(tokens[next], "AUTOINCREMENT")) {
        c.autoIncrement = true;
        next++;
      }
    } else if (isWord(t, "NOT") && isWord(tokens[i + 1], "NULL")) {
      c.kind = "notNull";
      next = skipConflict(tokens, i + 2);
    } else if (isWord(t, "NULL")) {
      c.kind = "null";
      next = skipConflict(tokens, i + 1);
    } else if (isWord(t, "UNIQUE")) {
      c.kind = "unique";
      if (table && tokens[next]?.text === "(") {
        const list = nameList(tokens, next);
        c.columns = list.names;
        next = list.close + 1;
      }
      next = skipConflict(tokens, next);
    } else if (isWord(t, "CHECK") && tokens[i + 1]?.text === "(") {
      c.kind = "check";
      const close = matchParen(tokens, i + 1);
      c.expr = exprSpan(tokens, i + 2, close);
      next = close + 1;
    } else if (isWord(t, "DEFAULT")) {
      c.kind = "default";
      const v = tokens[i + 1];
      if (v?.text === "(") {
        const close = matchParen(tokens, i + 1);
        c.expr = exprSpan(tokens, i + 2, close);
        next = close + 1;
      } else {
        const signed = v?.text === "-" || v?.text === "+";
        next = i + (signed ? 3 : 2);
        c.expr = exprSpan(tokens, i + 1, next);
      }
    } else if (isWord(t, "COLLATE")) {
      c.kind = "collate";
      c.collation = tokens[i + 1]?.value ?? "";
      next = i + 2;
    } else if (isWord(t, "REFERENCES")) {
      c.kind = "references";
      next = foreignKeyClause(tokens, i, c);
    } else if (isWord(t, "FOREIGN")) {
      c.kind = "foreignKey";
      const list = nameList(tokens, i + 2); // FOREIGN KEY (
      c.columns = list.names;
      next = isWord(tokens[list.close + 1], "REFERENCES")
        ? foreignKeyClause(tokens, list.close + 1, c)
        : list.close + 1;
    } else if (isWord(t, "GENERATED") || isWord(t, "AS")) {
      c.kind = "generated";
      let k = isWord(t, "GENERATED") ? i + 2 : i; // GENERATED ALWAYS
      if (isWord(tokens[k], "AS")) k++;
      if (tokens[k]?.text === "(") {
        const close = matchParen(tokens, k);
        c.expr = exprSpan(tokens, k + 1, close);
        k = close + 1;
      }
      if (isWord(tokens[k], "STORED") || isWord(tokens[k], "VIRTUAL")) k++;
      next = k;
    } else {
      // Not a constraint SQLite knows: keep the rest as one opaque part.
      next = to;
    }
    next = Math.min(Math.max(next, i + 1), to);
    c.end = (tokens[next - 1] as Token).end;
    out.push(c);
    i = next;
  }
  return out;
}

function exprSpan(tokens: Token[], from: number, to: number): { start: number; end: number } {
  const first = tokens[from];
  const last = tokens[to - 1];
  if (!first || !last || to <= from) {
    const at = tokens[from]?.start ?? 0;
    return { start: at, end: at };
  }
  return { start: first.start, end: last.end };
}

/**
 * Parses a stored `CREATE TABLE` text.
 *
 * @param sql The `sql` column of `sqlite_master` for a table.
 * @returns Its parts with offsets.
 * @throws {Error} When the text has no column list (not a `CREATE TABLE … (…)`).
 */
export function parseTableText(sql: string): TableText {
  const tokens = significant(tokenize(sql));
  const open = tokens.findIndex((t) => t.text === "(");
  if (open < 1) throw new Error(`not a CREATE TABLE with a column list: ${sql.slice(0, 60)}`);
  const close = matchParen(tokens, open);
  const nameToken = tokens[open - 1] as Token;
  const closeToken = tokens[close];
  const options = closeToken ? sql.slice(closeToken.end).trim().replace(/;$/, "").trim() : "";
  const words = options.toUpperCase().split(/[\s,]+/);
  const text: TableText = {
    sql,
    name: nameToken.value,
    nameStart: nameToken.start,
    nameEnd: nameToken.end,
    close: closeToken?.start ?? sql.length,
    items: [],
    columns: [],
    constraints: [],
    options,
    strict: words.includes("STRICT"),
    withoutRowid: words.includes("ROWID"),
  };
  let depth = 0;
  let itemStart = open + 1;
  for (let i = open + 1; i <= close; i++) {
    const t = tokens[i];
    if (t?.text === "(") depth++;
    else if (t?.text === ")" && i < close) depth--;
    if (i === close || (t?.text === "," && depth === 0)) {
      if (i > itemStart) text.items.push(parseItem(tokens, itemStart, i));
      itemStart = i + 1;
    }
  }
  for (const item of text.items) {
    if (item.column) {
      const col = item.column;
      col.typeText = col.type ? sql.slice(col.type.start, col.type.end) : "";
      text.columns.push(col);
    }
    text.constraints.push(...item.constraints);
  }
  return text;
}

function parseItem(tokens: Token[], from: number, to: number): ItemText {
  const head = tokens[from] as Token;
  const last = tokens[to - 1] as Token;
  const item: ItemText = { start: head.start, end: last.end, constraints: [] };
  if (head.kind === "word" && TABLE_CONSTRAINT_START.has(head.text.toUpperCase())) {
    item.constraints = parseConstraints(tokens, from, to, true);
    return item;
  }
  let k = from + 1;
  while (k < to) {
    const t = tokens[k] as Token;
    if (t.kind === "word" && COLUMN_CONSTRAINT_START.has(t.text.toUpperCase())) break;
    if (t.text === "(") k = matchParen(tokens, k);
    k++;
  }
  const typeFirst = tokens[from + 1];
  const typeLast = tokens[k - 1];
  const type = k > from + 1 && typeFirst && typeLast
    ? { start: typeFirst.start, end: typeLast.end }
    : null;
  item.column = {
    name: head.value,
    start: head.start,
    end: last.end,
    nameEnd: head.end,
    type,
    typeText: "",
    constraints: parseConstraints(tokens, k, to, false),
  };
  return item;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Finds a column by name (any case).
 *
 * @param text The parsed table.
 * @param name Column name.
 * @returns The column, or `undefined`.
 */
export function findColumn(text: TableText, name: string): ColumnText | undefined {
  return text.columns.find((c) => same(c.name, name));
}

/**
 * The table's primary-key columns (column-level or table-level).
 *
 * @param text The parsed table.
 * @returns Column names, empty when the table has no declared primary key.
 */
export function primaryKeyColumns(text: TableText): string[] {
  for (const c of text.columns) {
    if (c.constraints.some((k) => k.kind === "primaryKey")) return [c.name];
  }
  return text.constraints.find((k) => k.kind === "primaryKey")?.columns ?? [];
}

/**
 * The rowid alias: the single INTEGER PRIMARY KEY column of a rowid table
 * (sqlite.org/lang_createtable.html#rowid).
 *
 * @param text The parsed table.
 * @returns The column name, or `undefined`.
 */
export function rowidAlias(text: TableText): string | undefined {
  if (text.withoutRowid) return undefined;
  const pk = primaryKeyColumns(text);
  const col = pk.length === 1 ? findColumn(text, pk[0] as string) : undefined;
  return col && /^integer$/i.test(col.typeText.trim()) ? col.name : undefined;
}
