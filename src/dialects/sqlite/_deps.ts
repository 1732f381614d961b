/**
 * Which schema objects really use a column, decided by reading identifiers
 * the way SQLite resolves them, not by searching text: an index NAMED
 * `status` on `orders (state)` does not use `orders.status`; a trigger that
 * inserts into `order_log (status)` from `new.state` does not either; a view
 * that selects `o.status` from `orders AS o` does.
 *
 * The reading is conservative where SQL leaves a name open (an unqualified
 * name in a statement that reads the table counts as a use unless an inner
 * scope's table has that column): a false "uses" makes a drop ask for
 * `cascade: true`; a false "does not use" would leave a broken object.
 * Grammar: sqlite.org/lang_select.html, lang_createtrigger.html,
 * lang_createview.html, lang_createindex.html; keywords from
 * sqlite.org/lang_keywords.html.
 *
 * @module
 */
import { isWord, matchParen, significant, type Token, tokenize } from "./_lexer.ts";

/** SQLite's keywords (sqlite.org/lang_keywords.html). */
const KEYWORDS = new Set(
  `ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN
  BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT
  CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH
  DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST
  FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX
  INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH
  MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER
  PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX
  RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP
  TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW
  VIRTUAL WHEN WHERE WINDOW WITH WITHOUT`.split(/\s+/).filter(Boolean),
);

/** Keywords after which the next word is a value, not an alias (`… END alias` aside). */
const VALUE_KEYWORDS = new Set(["NULL", "CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP"]);
const JOIN_WORDS = new Set(["NATURAL", "LEFT", "RIGHT", "FULL", "INNER", "CROSS", "OUTER"]);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function isIdent(t: Token | undefined): t is Token {
  return t !== undefined &&
    (t.kind === "quoted" || (t.kind === "word" && !KEYWORDS.has(t.text.toUpperCase())));
}

/** A word or quoted identifier, keywords included (SQLite lets many keywords name columns). */
function isNameToken(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === "quoted" || t.kind === "word");
}

/** A table read by a statement, with its alias; `name` is `null` for a subquery. */
interface Source {
  name: string | null;
  alias: string | null;
}

/** A parenthesised scope (or a whole statement), its parent and the tables it reads. */
interface Scope {
  parent: number;
  sources: Source[];
  /** The table whose column list this scope is (`INSERT INTO t (a, b)`), if it is one. */
  columnsOf?: string;
}

/** The name resolution of one statement (or expression) of an object. */
interface Statement {
  tokens: Token[];
  scopeOf: number[];
  scopes: Scope[];
  /** Token indices that name tables or aliases, or otherwise are not column references. */
  skip: Set<number>;
  /** Token indices of `SET col =` targets, with the table they belong to. */
  setTargets: Map<number, string>;
  /** Tables written by INSERT / UPDATE / DELETE. */
  targets: Set<string>;
}

/** What a view, trigger or index is and reads. */
export interface ObjectReads {
  kind: "view" | "trigger" | "index" | "other";
  /** The table a trigger or index is on. */
  table: string | null;
  /** `UPDATE OF` columns of a trigger. */
  updateOf: string[];
  statements: Statement[];
}

/**
 * Reads an object's SQL: its kind, its table and its statements' scopes.
 *
 * @param sql The `sql` of a view, trigger or index in `sqlite_master`.
 * @returns The parsed object.
 */
export function readObject(sql: string): ObjectReads {
  const tokens = significant(tokenize(sql));
  const kindAt = tokens.findIndex((t) =>
    isWord(t, "VIEW") || isWord(t, "TRIGGER") || isWord(t, "INDEX")
  );
  const kindWord = tokens[kindAt]?.text.toUpperCase();
  const out: ObjectReads = { kind: "other", table: null, updateOf: [], statements: [] };
  if (kindWord === "VIEW") {
    out.kind = "view";
    const as = topLevelIndex(tokens, kindAt + 1, (t) => isWord(t, "AS"));
    if (as >= 0) out.statements.push(statement(tokens.slice(as + 1)));
  } else if (kindWord === "INDEX") {
    out.kind = "index";
    const on = topLevelIndex(tokens, kindAt + 1, (t) => isWord(t, "ON"));
    if (on >= 0) {
      const { name, next } = qualifiedName(tokens, on + 1);
      out.table = name;
      const rest = statement(tokens.slice(next));
      rest.scopes[0]!.sources.push({ name, alias: null });
      out.statements.push(rest);
    }
  } else if (kindWord === "TRIGGER") {
    out.kind = "trigger";
    readTrigger(tokens, kindAt + 1, out);
  }
  return out;
}

function readTrigger(tokens: Token[], from: number, out: ObjectReads): void {
  const begin = topLevelIndex(tokens, from, (t) => isWord(t, "BEGIN"));
  const header = begin < 0 ? tokens.length : begin;
  let when = -1;
  for (let i = from; i < header; i++) {
    const t = tokens[i] as Token;
    if (isWord(t, "OF") && out.table === null) {
      let k = i + 1;
      while (k < header && !isWord(tokens[k], "ON")) {
        if (tokens[k]?.text !== ",") out.updateOf.push((tokens[k] as Token).value);
        k++;
      }
      i = k - 1;
    } else if (isWord(t, "ON") && out.table === null) {
      const { name, next } = qualifiedName(tokens, i + 1);
      out.table = name;
      i = next - 1;
    } else if (isWord(t, "WHEN")) {
      when = i;
      break;
    }
  }
  if (when >= 0) out.statements.push(statement(tokens.slice(when + 1, header)));
  if (begin < 0) return;
  // The body: statements separated by top-level `;`, up to the final END.
  let end = tokens.length - 1;
  while (end > begin && !isWord(tokens[end], "END")) end--;
  let depth = 0;
  let start = begin + 1;
  for (let i = begin + 1; i <= end; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if ((t.text === ";" && depth === 0) || i === end) {
      if (i > start) out.statements.push(statement(tokens.slice(start, i)));
      start = i + 1;
    }
  }
}

/** The first index from `from` at parenthesis depth 0 whose token matches. */
function topLevelIndex(tokens: Token[], from: number, match: (t: Token) => boolean): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (depth === 0 && match(t)) return i;
  }
  return -1;
}

/** Reads `[schema.]name` at `i`. */
function qualifiedName(tokens: Token[], i: number): { name: string; next: number } {
  if (tokens[i + 1]?.text === ".") return { name: tokens[i + 2]?.value ?? "", next: i + 3 };
  return { name: tokens[i]?.value ?? "", next: i + 1 };
}

/** Builds the scopes of one statement and finds the tables each reads. */
function statement(tokens: Token[]): Statement {
  const st: Statement = {
    tokens,
    scopeOf: new Array(tokens.length).fill(0),
    scopes: [],
    skip: new Set(),
    setTargets: new Map(),
    targets: new Set(),
  };
  walk(st, 0, tokens.length, -1);
  return st;
}

/** One entry of a scope: a token index, or a nested scope `[open, close]`. */
type Entry = { at: number } | { open: number; close: number; scope: number };

function walk(st: Statement, from: number, to: number, parent: number): number {
  const id = st.scopes.length;
  st.scopes.push({ parent, sources: [] });
  const entries: Entry[] = [];
  for (let i = from; i < to; i++) {
    st.scopeOf[i] = id;
    if (st.tokens[i]?.text === "(") {
      const close = Math.min(matchParen(st.tokens, i), to);
      if (close < to) st.scopeOf[close] = id;
      const scope = walk(st, i + 1, close, id);
      entries.push({ open: i, close, scope });
      i = close;
    } else entries.push({ at: i });
  }
  findSources(st, id, entries);
  return id;
}

/**
 * Finds the tables a scope reads (FROM / JOIN lists, UPDATE's table), the
 * names that are tables or aliases, the column list of an INSERT, and the
 * targets of `SET col =`.
 */
function findSources(st: Statement, id: number, entries: Entry[]): void {
  const scope = st.scopes[id] as Scope;
  const tok = (e: Entry | undefined) => (e && "at" in e ? st.tokens[e.at] : undefined);
  let state: "none" | "source" | "afterSource" | "join" | "set" = "none";
  let last: Source | undefined;
  let insertTarget: string | undefined;
  let updateTarget: string | undefined;
  let expect: "insert" | "update" | undefined;
  let afterInsertTarget = false;
  let lhsNext = false;
  for (let n = 0; n < entries.length; n++) {
    const e = entries[n] as Entry;
    if (!("at" in e)) {
      if (afterInsertTarget && insertTarget !== undefined) {
        (st.scopes[e.scope] as Scope).columnsOf = insertTarget;
        afterInsertTarget = false;
      } else if (state === "source") {
        scope.sources.push(last = { name: null, alias: null });
        state = "afterSource";
      } else if (state === "set" && lhsNext && tok(entries[n + 1])?.text === "=") {
        (st.scopes[e.scope] as Scope).columnsOf = updateTarget ?? insertTarget ?? "";
      }
      lhsNext = false;
      continue;
    }
    const t = st.tokens[e.at] as Token;
    const upper = t.kind === "word" ? t.text.toUpperCase() : "";
    afterInsertTarget = afterInsertTarget && (upper === "AS" || isIdent(t));
    if (upper === "FROM" || upper === "JOIN") {
      state = "source";
      expect = undefined;
      continue;
    }
    if (upper === "INTO") {
      expect = "insert";
      continue;
    }
    if (upper === "UPDATE" && !isWord(tok(entries[n - 1]), "DO")) {
      expect = "update";
      continue;
    }
    if (expect !== undefined) {
      if (upper === "OR") {
        n++; // UPDATE OR ROLLBACK t: skip the conflict word
        continue;
      }
      if (isNameToken(t)) {
        const qualified = tok(entries[n + 1])?.text === "." && "at" in (entries[n + 2] ?? {});
        const nameEntry = (qualified ? entries[n + 2] : e) as { at: number };
        const name = (st.tokens[nameEntry.at] as Token).value;
        st.skip.add(e.at).add(nameEntry.at);
        st.targets.add(name);
        if (qualified) n += 2;
        if (expect === "insert") {
          insertTarget = name;
          afterInsertTarget = true;
        } else {
          updateTarget = name;
          scope.sources.push(last = { name, alias: null });
          state = "afterSource";
        }
        expect = undefined;
        continue;
      }
      expect = undefined;
    }
    if (upper === "SET") {
      state = "set";
      lhsNext = true;
      continue;
    }
    if (afterInsertTarget) {
      st.skip.add(e.at); // INSERT INTO t AS alias
      continue;
    }
    switch (state) {
      case "source":
        if (isNameToken(t)) {
          const qualified = tok(entries[n + 1])?.text === "." && "at" in (entries[n + 2] ?? {});
          const nameEntry = (qualified ? entries[n + 2] : e) as { at: number };
          st.skip.add(e.at).add(nameEntry.at);
          scope.sources.push(
            last = { name: (st.tokens[nameEntry.at] as Token).value, alias: null },
          );
          if (qualified) n += 2;
          state = "afterSource";
          continue;
        }
        state = "none";
        break;
      case "afterSource":
        if (upper === "AS") {
          const alias = tok(entries[n + 1]);
          if (alias && last) {
            last.alias = alias.value;
            st.skip.add((entries[n + 1] as { at: number }).at);
          }
          n++;
          continue;
        }
        if (isIdent(t) && last && last.alias === null) {
          last.alias = t.value;
          st.skip.add(e.at);
          continue;
        }
        if (t.text === ",") {
          state = "source";
          continue;
        }
        if (upper === "ON" || upper === "USING") {
          state = "join";
          continue;
        }
        if (JOIN_WORDS.has(upper)) continue;
        if (upper === "INDEXED") { // INDEXED BY name
          st.skip.add((entries[n + 2] as { at: number } | undefined)?.at ?? -1);
          n += 2;
          continue;
        }
        if (upper === "NOT" && isWord(tok(entries[n + 1]), "INDEXED")) {
          n++;
          continue;
        }
        state = "none";
        break;
      case "join":
        if (t.text === ",") state = "source";
        else if (
          ["WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT"].includes(
            upper,
          ) || upper === "INTERSECT" || upper === "RETURNING"
        ) state = "none";
        break;
      case "set":
        if (t.text === ",") {
          lhsNext = true;
          continue;
        }
        if (lhsNext && isNameToken(t) && tok(entries[n + 1])?.text === "=") {
          st.setTargets.set(e.at, updateTarget ?? insertTarget ?? "");
        }
        lhsNext = false;
        if (upper === "WHERE" || upper === "RETURNING") state = "none";
        break;
      default:
        break;
    }
  }
}

/** The columns of the tables a statement reads, where known. */
export type ColumnsOf = (table: string) => ReadonlySet<string> | undefined;

/** Whether the token at `i` is an alias or a name that is not a column reference. */
function notAColumn(st: Statement, i: number): boolean {
  const { tokens } = st;
  const next = tokens[i + 1];
  if (next?.text === "(" || next?.text === ".") return true; // a function, or a qualifier
  const prev = tokens[i - 1];
  if (!prev) return false;
  if (isWord(prev, "AS") || isWord(prev, "COLLATE")) return true;
  // After a complete value, a name is an alias: `SELECT state status`, `count(*) n`.
  if (prev.kind === "quoted" || prev.kind === "string" || prev.kind === "number") return true;
  if (prev.text === ")") return true;
  if (prev.kind === "word") {
    const upper = prev.text.toUpperCase();
    return !KEYWORDS.has(upper) || VALUE_KEYWORDS.has(upper) || upper === "END";
  }
  return false;
}

/** Resolves a qualifier (`o` in `o.status`) to a table name through the visible scopes. */
function resolveQualifier(st: Statement, scope: number, q: string): string {
  for (let s = scope; s >= 0; s = (st.scopes[s] as Scope).parent) {
    const sources = (st.scopes[s] as Scope).sources;
    const byAlias = sources.find((x) => x.alias !== null && same(x.alias, q));
    if (byAlias) return byAlias.name ?? "";
    const byName = sources.find((x) => x.name !== null && same(x.name, q));
    if (byName) return byName.name ?? "";
  }
  return q;
}

/** Whether an unqualified `column` at scope `scope` resolves to `table` (or may). */
function resolvesTo(
  st: Statement,
  scope: number,
  table: string,
  column: string,
  columnsOf: ColumnsOf,
): boolean {
  for (let s = scope; s >= 0; s = (st.scopes[s] as Scope).parent) {
    const sources = (st.scopes[s] as Scope).sources;
    if (sources.some((x) => x.name !== null && same(x.name, table))) return true;
    const found = sources.some((x) => {
      if (x.name === null) return false;
      const cols = columnsOf(x.name);
      return cols !== undefined && [...cols].some((c) => same(c, column));
    });
    if (found) return false;
  }
  return false;
}

/**
 * Tells whether an object really uses `table.column`.
 *
 * @param obj The object, from {@linkcode readObject}.
 * @param table The table.
 * @param column The column.
 * @param columnsOf The columns of other tables, to resolve unqualified names
 *   (`undefined` for an unknown table: then the name may be `table`'s).
 * @returns `true` when some reference resolves (or may resolve) to it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readObject, usesColumn } from "./_deps.ts";
 * const none = () => undefined;
 * const ix = readObject("CREATE INDEX status ON orders (state)");
 * assert(!usesColumn(ix, "orders", "status", none));
 * const v = readObject("CREATE VIEW v AS SELECT o.status FROM orders AS o");
 * assert(usesColumn(v, "orders", "status", none));
 * ```
 */
export function usesColumn(
  obj: ObjectReads,
  table: string,
  column: string,
  columnsOf: ColumnsOf,
): boolean {
  const onTable = obj.table !== null && same(obj.table, table);
  if (obj.kind === "trigger" && onTable && obj.updateOf.some((c) => same(c, column))) return true;
  for (const st of obj.statements) {
    for (let i = 0; i < st.tokens.length; i++) {
      const t = st.tokens[i] as Token;
      if (!isNameToken(t) || !same(t.value, column) || st.skip.has(i)) continue;
      const scope = st.scopeOf[i] as number;
      if (st.tokens[i - 1]?.text === ".") {
        const q = st.tokens[i - 2]?.value ?? "";
        const newOld = obj.kind === "trigger" && (same(q, "new") || same(q, "old"));
        if (newOld ? onTable : same(resolveQualifier(st, scope, q), table)) return true;
        continue;
      }
      if (notAColumn(st, i)) continue;
      const target = st.setTargets.get(i) ?? (st.scopes[scope] as Scope).columnsOf;
      if (target !== undefined) {
        if (same(target, table)) return true;
        continue;
      }
      if (obj.kind === "index" ? onTable : resolvesTo(st, scope, table, column, columnsOf)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * The tables (and views) an object reads or writes, its own table included.
 *
 * @param obj The object, from {@linkcode readObject}.
 * @returns Table names as written.
 */
export function tablesRead(obj: ObjectReads): string[] {
  const names = new Set<string>();
  if (obj.table !== null) names.add(obj.table);
  for (const st of obj.statements) {
    for (const s of st.scopes) for (const x of s.sources) if (x.name !== null) names.add(x.name);
    for (const t of st.targets) names.add(t);
  }
  return [...names];
}

/**
 * Tells whether an expression (a CHECK, a generated column, an index
 * predicate) names a column: any identifier equal to it that is not a
 * function name or a collation.
 *
 * @param expr The expression text.
 * @param column The column.
 * @returns `true` when it does.
 */
export function exprUses(expr: string, column: string): boolean {
  const tokens = significant(tokenize(expr));
  return tokens.some((t, i) =>
    isNameToken(t) && same(t.value, column) && tokens[i + 1]?.text !== "(" &&
    !isWord(tokens[i - 1], "COLLATE")
  );
}
