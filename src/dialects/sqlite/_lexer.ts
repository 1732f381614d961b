/**
 * A small SQLite tokenizer: enough to find constraint clauses in a stored
 * `CREATE TABLE`, the predicate of a partial index, and the `?` placeholders
 * of a statement outside strings, quoted identifiers and comments.
 * Token rules follow sqlite.org/lang_keywords.html (four identifier quotes)
 * and sqlite.org/lang_expr.html (literals, parameters).
 *
 * @module
 */

/** The kinds of token the lexer tells apart. */
export type TokenKind =
  | "word"
  | "quoted"
  | "string"
  | "blob"
  | "number"
  | "param"
  | "punct"
  | "space"
  | "comment";

/** One token: its kind, its source slice and offsets. */
export interface Token {
  kind: TokenKind;
  /** The exact source text. */
  text: string;
  /** For words and quoted identifiers: the identifier, unquoted. */
  value: string;
  start: number;
  end: number;
}

const CLOSE: Record<string, string> = { '"': '"', "`": "`", "[": "]" };

function scanQuoted(sql: string, start: number, close: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      // A doubled closing quote is an escaped quote (not for [brackets]).
      if (close !== "]" && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

/**
 * Splits SQL text into tokens, keeping whitespace and comments.
 *
 * @param sql The SQL text.
 * @returns The tokens in order; their texts concatenate to `sql`.
 */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string) => {
    const text = sql.slice(i, end);
    out.push({ kind, text, value: value ?? text, start: i, end });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j] as string)) j++;
      push("space", j);
    } else if (c === "-" && next === "-") {
      const nl = sql.indexOf("\n", i);
      push("comment", nl < 0 ? sql.length : nl);
    } else if (c === "/" && next === "*") {
      const close = sql.indexOf("*/", i + 2);
      push("comment", close < 0 ? sql.length : close + 2);
    } else if (c === "'") {
      push("string", scanQuoted(sql, i, "'"));
    } else if ((c === "x" || c === "X") && next === "'") {
      push("blob", scanQuoted(sql, i + 1, "'"));
    } else if (c in CLOSE) {
      const close = CLOSE[c] as string;
      const end = scanQuoted(sql, i, close);
      const inner = sql.slice(i + 1, end - 1);
      push("quoted", end, close === "]" ? inner : inner.replaceAll(close + close, close));
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(next ?? ""))) {
      const m = /^(0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?|[0-9]+\.)/i.exec(sql.slice(i));
      push("number", i + (m?.[0].length ?? 1));
    } else if (c === "?") {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j] as string)) j++;
      push("param", j);
    } else if ((c === ":" || c === "@" || c === "$") && /[A-Za-z_]/.test(next ?? "")) {
      let j = i + 1;
      while (j < sql.length && /[\w$]/.test(sql[j] as string)) j++;
      push("param", j);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\w$\u0080-\uffff]/.test(sql[j] as string)) j++;
      push("word", j);
    } else {
      const two = sql.slice(i, i + 2);
      const ops = ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"];
      push("punct", i + (ops.includes(two) ? 2 : 1));
    }
  }
  return out;
}

/**
 * Drops whitespace and comment tokens.
 *
 * @param tokens Tokens from {@linkcode tokenize}.
 * @returns The significant tokens.
 */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== "space" && t.kind !== "comment");
}

/**
 * Tells whether a token is the unquoted keyword `word` (any case).
 *
 * @param token A token or `undefined`.
 * @param word The keyword, upper case.
 * @returns `true` on a match.
 */
export function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === "word" && token.text.toUpperCase() === word;
}

/**
 * Finds the index of the parenthesis closing the one at `open`.
 *
 * @param tokens Significant tokens.
 * @param open Index of a `(` token.
 * @returns Index of the matching `)`, or `tokens.length` when unbalanced.
 */
export function matchParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")" && --depth === 0) return i;
  }
  return tokens.length;
}

/**
 * Splits a token range at top-level commas.
 *
 * @param tokens Significant tokens.
 * @param from First index (inclusive).
 * @param to Last index (exclusive).
 * @returns One token list for each comma-separated item.
 */
export function splitTopLevel(tokens: Token[], from: number, to: number): Token[][] {
  const items: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < to; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    if (t.text === ")") depth--;
    if (t.text === "," && depth === 0) {
      items.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length) items.push(current);
  return items;
}
