/**
 * Reads what `pragma` cannot tell from a stored `CREATE TABLE` / `CREATE
 * INDEX` text: constraint names, CHECK expressions, AUTOINCREMENT, COLLATE,
 * table options and partial-index predicates. Grammar:
 * sqlite.org/lang_createtable.html and sqlite.org/lang_createindex.html.
 *
 * @module
 */
import { isWord, matchParen, significant, splitTopLevel, type Token, tokenize } from "./_lexer.ts";
import { type ConstraintText, parseTableText, type TableText } from "./_table_text.ts";

/** A CHECK constraint as written. */
export interface ParsedCheck {
  name: string | null;
  expr: string;
}

/** A named UNIQUE / FOREIGN KEY constraint and the columns it covers. */
export interface ParsedNamed {
  name: string;
  kind: "unique" | "foreignKey" | "primaryKey";
  columns: string[];
}

/** A foreign key as declared, in declaration order (named or not). */
export interface ParsedForeignKey {
  name: string | null;
  columns: string[];
  refTable: string;
}

/** What one column definition says beyond `pragma table_xinfo`. */
export interface ParsedColumn {
  name: string;
  autoIncrement: boolean;
  collate: string | null;
  checks: ParsedCheck[];
}

/** The parts of a `CREATE TABLE` the introspector and the rebuild need. */
export interface ParsedTable {
  columns: ParsedColumn[];
  /** Table-level and column-level checks together, in source order. */
  checks: ParsedCheck[];
  /** Named unique / foreign-key / primary-key constraints (table- or column-level). */
  named: ParsedNamed[];
  /** Every foreign key (table- or column-level) in declaration order. */
  foreignKeys: ParsedForeignKey[];
  /** Text after the closing parenthesis, e.g. `WITHOUT ROWID` or `STRICT`. */
  options: string;
}

function slice(sql: string, tokens: Token[], from: number, to: number): string {
  const first = tokens[from];
  const last = tokens[to - 1];
  return first && last && to > from ? sql.slice(first.start, last.end) : "";
}

/**
 * Parses a stored `CREATE TABLE` statement into what introspection needs,
 * from the same reading the rebuild edits (`_table_text.ts`).
 *
 * @param sql The `sql` column of `sqlite_master` for a table.
 * @returns Columns, checks, named constraints and table options.
 */
export function parseCreateTable(sql: string): ParsedTable {
  const result: ParsedTable = { columns: [], checks: [], named: [], foreignKeys: [], options: "" };
  let text: TableText;
  try {
    text = parseTableText(sql);
  } catch {
    return result; // not a CREATE TABLE with a column list
  }
  result.options = text.options;
  const exprOf = (k: ConstraintText) => (k.expr ? sql.slice(k.expr.start, k.expr.end) : "");
  const read = (k: ConstraintText, columns: string[], into: ParsedCheck[] | null) => {
    if (k.kind === "check") {
      const check = { name: k.name, expr: exprOf(k) };
      into?.push(check);
      result.checks.push(check);
    } else if (k.kind === "references" || k.kind === "foreignKey") {
      result.foreignKeys.push({ name: k.name, columns, refTable: k.refTable ?? "" });
      if (k.name !== null) result.named.push({ name: k.name, kind: "foreignKey", columns });
    } else if ((k.kind === "unique" || k.kind === "primaryKey") && k.name !== null) {
      result.named.push({ name: k.name, kind: k.kind, columns });
    }
  };
  for (const item of text.items) {
    const col = item.column;
    if (!col) {
      for (const k of item.constraints) read(k, k.columns, null);
      continue;
    }
    const checks: ParsedCheck[] = [];
    for (const k of col.constraints) read(k, [col.name], checks);
    result.columns.push({
      name: col.name,
      autoIncrement: col.constraints.some((k) => k.kind === "primaryKey" && k.autoIncrement),
      collate: col.constraints.find((k) => k.kind === "collate")?.collation ?? null,
      checks,
    });
  }
  return result;
}

/**
 * Reads the predicate of a partial index from its `CREATE INDEX` text.
 *
 * @param sql The `sql` column of `sqlite_master` for an index.
 * @returns The text after the top-level `WHERE`, or `null`.
 */
export function indexWhere(sql: string): string | null {
  const tokens = significant(tokenize(sql));
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (depth === 0 && isWord(t, "WHERE")) {
      const last = tokens[tokens.length - 1] as Token;
      const end = last.text === ";" ? last.start : last.end;
      return sql.slice(tokens[i + 1]?.start ?? end, end).trim() || null;
    }
  }
  return null;
}

/**
 * Reads the key items of a `CREATE INDEX` text (names or expressions).
 *
 * @param sql The index SQL.
 * @returns Each indexed item's text, `ASC`/`DESC`/`COLLATE` removed for plain names.
 */
export function indexItems(sql: string): string[] {
  const tokens = significant(tokenize(sql));
  const on = tokens.findIndex((t) => isWord(t, "ON"));
  const open = tokens.findIndex((t, i) => i > on && t.text === "(");
  if (on < 0 || open < 0) return [];
  return splitTopLevel(tokens, open + 1, matchParen(tokens, open)).map((item) => {
    const first = item[0];
    if (item.length === 1 || (first && first.kind !== "punct" && item[1]?.kind === "word")) {
      return first?.value ?? "";
    }
    return slice(sql, item, 0, item.length);
  });
}
