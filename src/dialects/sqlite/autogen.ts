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
import { StrataError } from "../../errors.ts";
import { schemaChanges } from "../../schema/to_changes.ts";
import { matchParen, significant, type Token, tokenize } from "./_lexer.ts";
import { createEnumStatements } from "./enums.ts";
import { inline } from "./literal.ts";
import { createTable, renderPlain } from "./render.ts";
import { asSqliteUrl } from "./url.ts";

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
 * import assert from "node:assert/strict";
 * import { normalizeSqliteExpr } from "./autogen.ts";
 * assert.equal(normalizeSqliteExpr('("Age" >= 0)'), normalizeSqliteExpr("age>=0"));
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
 * import assert from "node:assert/strict";
 * import { sqliteAutogen } from "./autogen.ts";
 * assert.equal(sqliteAutogen.scratch.kind, "memory");
 * ```
 */
export const sqliteAutogen: AutogenSupport = {
  scratch: {
    kind: "memory",
    url: "sqlite::memory:",
    isMemory: (url) => asSqliteUrl(url).path === ":memory:",
  },
  implicitConstraintName: () => null,
  normalizeExpr: normalizeSqliteExpr,
  async dumpSql(schema) {
    // Enums are the CHECKs of their columns, and rows of Strata's enum table
    // (where introspection finds them), so a loaded dump reads back the same.
    const values = new Map(schema.enums.map((e) => [e.name, e.values]));
    const enums = (name: string) => {
      const found = values.get(name);
      if (found === undefined) throw new StrataError(`Unknown enum "${name}" in the schema`);
      return Promise.resolve(found);
    };
    const ctx: RenderContext = { query: () => Promise.resolve([]), transactional: true };
    const out: string[] = [];
    for (const change of schemaChanges(schema, { foreignKeys: "inline" })) {
      let statements;
      if (change.kind === "createEnum") {
        statements = createEnumStatements(change.name, change.values);
      } else if (change.kind === "createTable") statements = await createTable(change, enums);
      else if (change.kind === "createIndex") statements = await renderPlain(change, ctx);
      else throw new StrataError(`Cannot dump a ${change.kind} change on sqlite`);
      for (const stmt of statements) out.push(...inline(stmt));
    }
    return out;
  },
};
