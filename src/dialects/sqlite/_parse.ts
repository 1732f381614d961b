/**
 * Reads what `pragma` cannot tell from a stored `CREATE TABLE` / `CREATE
 * INDEX` text: constraint names, CHECK expressions, AUTOINCREMENT, COLLATE,
 * table options and partial-index predicates. Grammar:
 * sqlite.org/lang_createtable.html and sqlite.org/lang_createindex.html.
 *
 * @module
 */
import { isWord, matchParen, significant, splitTopLevel, type Token, tokenize } from "./_lexer.ts";

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

const COLUMN_CONSTRAINT = new Set([
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
const TABLE_CONSTRAINT = new Set(["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]);

function slice(sql: string, tokens: Token[], from: number, to: number): string {
  const first = tokens[from];
  const last = tokens[to - 1];
  return first && last && to > from ? sql.slice(first.start, last.end) : "";
}

function names(tokens: Token[], open: number): string[] {
  const close = matchParen(tokens, open);
  return splitTopLevel(tokens, open + 1, close).map((item) => item[0]?.value ?? "");
}

function parseConstraints(
  sql: string,
  tokens: Token[],
  column: string | null,
  out: { checks: ParsedCheck[]; named: ParsedNamed[]; foreignKeys: ParsedForeignKey[] },
): { autoIncrement: boolean; collate: string | null; checks: ParsedCheck[] } {
  let pending: string | null = null;
  let fkColumns: { name: string | null; columns: string[] } | null = null;
  let autoIncrement = false;
  let collate: string | null = null;
  const checks: ParsedCheck[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (isWord(t, "CONSTRAINT")) {
      pending = tokens[i + 1]?.value ?? null;
      i++;
      continue;
    }
    if (isWord(t, "CHECK") && tokens[i + 1]?.text === "(") {
      const close = matchParen(tokens, i + 1);
      const check = { name: pending, expr: slice(sql, tokens, i + 2, close) };
      checks.push(check);
      out.checks.push(check);
      i = close;
      pending = null;
    } else if (isWord(t, "AUTOINCREMENT")) {
      autoIncrement = true;
    } else if (isWord(t, "COLLATE")) {
      collate = tokens[i + 1]?.value ?? null;
      i++;
    } else if (isWord(t, "UNIQUE") || isWord(t, "PRIMARY") || isWord(t, "FOREIGN")) {
      const kind = isWord(t, "UNIQUE")
        ? "unique"
        : isWord(t, "PRIMARY")
        ? "primaryKey"
        : "foreignKey";
      let cols = column === null ? [] : [column];
      const open = kind === "unique" ? i + 1 : i + 2;
      if (column === null && tokens[open]?.text === "(") {
        cols = names(tokens, open);
        i = matchParen(tokens, open);
      }
      if (kind === "foreignKey") fkColumns = { name: pending, columns: cols };
      else if (pending !== null) out.named.push({ name: pending, kind, columns: cols });
      pending = null;
    } else if (isWord(t, "REFERENCES")) {
      const fk = fkColumns ?? { name: pending, columns: column === null ? [] : [column] };
      out.foreignKeys.push({ ...fk, refTable: tokens[i + 1]?.value ?? "" });
      if (fk.name !== null) {
        out.named.push({ name: fk.name, kind: "foreignKey", columns: fk.columns });
      }
      fkColumns = null;
      pending = null;
      i++;
    } else if (t.text === "(") {
      i = matchParen(tokens, i);
    }
  }
  return { autoIncrement, collate, checks };
}

/**
 * Parses a stored `CREATE TABLE` statement.
 *
 * @param sql The `sql` column of `sqlite_master` for a table.
 * @returns Columns, checks, named constraints and table options.
 */
export function parseCreateTable(sql: string): ParsedTable {
  const tokens = significant(tokenize(sql));
  const open = tokens.findIndex((t) => t.text === "(");
  const close = matchParen(tokens, open);
  const result: ParsedTable = {
    columns: [],
    checks: [],
    named: [],
    foreignKeys: [],
    options: "",
  };
  if (open < 0) return result;
  const closeToken = tokens[close];
  result.options = closeToken ? sql.slice(closeToken.end).trim().replace(/;$/, "").trim() : "";
  for (const item of splitTopLevel(tokens, open + 1, close)) {
    const head = item[0];
    if (!head) continue;
    if (head.kind === "word" && TABLE_CONSTRAINT.has(head.text.toUpperCase())) {
      parseConstraints(sql, item, null, result);
      continue;
    }
    let k = 1;
    while (k < item.length) {
      const t = item[k] as Token;
      if (t.kind === "word" && COLUMN_CONSTRAINT.has(t.text.toUpperCase())) break;
      if (t.text === "(") k = matchParen(item, k);
      k++;
    }
    const parsed = parseConstraints(sql, item.slice(k), head.value, result);
    result.columns.push({ name: head.value, ...parsed });
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
