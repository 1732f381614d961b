/**
 * SQLite's support for autogenerate, `check` and `schema dump`: scratch
 * databases in memory, no implicit constraint names (SQLite keeps unnamed
 * constraints unnamed), expression text compared token by token (SQLite
 * keeps a CHECK or index predicate as it was written), and the schema as DDL.
 *
 * @module
 */
import type { AutogenSupport } from "../autogen.ts";
import type { RenderContext } from "../dialect.ts";
import { schemaChanges } from "../../schema/to_changes.ts";
import { matchParen, significant, type Token, tokenize } from "./_lexer.ts";
import { renderSqlite, type SqliteRenderContext } from "./render.ts";

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WORDLIKE = new Set(["word", "quoted", "number", "string", "blob", "param"]);

/**
 * Expression text in a comparable form: comments and spacing dropped,
 * unquoted words and plainly named quoted identifiers lower case (SQLite
 * matches both without regard to case), redundant outer parentheses removed.
 *
 * @param sql Expression text.
 * @returns The canonical text (for comparison only, not for running).
 *
 * @example
 * ```ts
 * import { normalizeSqliteExpr } from "./autogen.ts";
 * console.assert(normalizeSqliteExpr('("Age" >= 0)') === normalizeSqliteExpr("age>=0"));
 * ```
 */
export function normalizeSqliteExpr(sql: string): string {
  let tokens = significant(tokenize(sql));
  while (tokens[0]?.text === "(" && matchParen(tokens, 0) === tokens.length - 1) {
    tokens = tokens.slice(1, -1);
  }
  const text = (t: Token) =>
    t.kind === "word" || (t.kind === "quoted" && PLAIN.test(t.value))
      ? t.value.toLowerCase()
      : t.text;
  let out = "";
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    if (prev && WORDLIKE.has(prev.kind) && WORDLIKE.has(t.kind)) out += " ";
    out += text(t);
  });
  return out;
}

/**
 * The {@linkcode AutogenSupport} of SQLite.
 *
 * @example Scratch databases live in memory
 * ```ts
 * import { sqliteAutogen } from "./autogen.ts";
 * console.assert(sqliteAutogen.scratch.kind === "memory");
 * ```
 */
export const sqliteAutogen: AutogenSupport = {
  scratch: { kind: "memory", url: "sqlite::memory:" },
  implicitConstraintName: () => null,
  normalizeExpr: normalizeSqliteExpr,
  async dumpSql(schema) {
    // Enums are the CHECKs of their columns: no statement of their own.
    const ctx: SqliteRenderContext & RenderContext = {
      inspectTable: () => Promise.resolve(undefined),
      query: () => Promise.resolve([]),
      transactional: true,
      enums: new Map(schema.enums.map((e) => [e.name, e.values])),
    };
    const out: string[] = [];
    for (const change of schemaChanges(schema, { foreignKeys: "inline" })) {
      if (change.kind === "createEnum") continue;
      for (const stmt of await renderSqlite(change, ctx)) out.push(stmt.sql);
    }
    return out;
  },
};
