/**
 * Test support for this folder (private): a fresh PostgreSQL database per
 * test, reached through postgres.js directly so these tests depend on the
 * dialect only, plus a render context.
 *
 * The connection passes strings to `json`/`jsonb` parameters unchanged (by
 * default postgres.js would JSON-encode a string again, storing a JSON string
 * instead of the document); the dialect binds JSON values as JSON text.
 *
 * @module
 */
import postgres from "npm:postgres@3.4.9";
import type { Change } from "../../changes/change.ts";
import type { Row } from "../../changes/op.ts";
import type { Queryable, Statement } from "../../drivers/driver.ts";
import type { Schema } from "../../schema/model.ts";
import { createPgDatabase, hasPg } from "../../../tests/_pg.ts";
import type { RenderContext } from "../dialect.ts";
import { introspect } from "./introspect.ts";
import { render } from "./render.ts";

/** A render context for tests; `transactional` as given. */
export function testCtx(transactional = true): RenderContext {
  return {
    transactional,
    query: () => Promise.reject(new Error("no queries in render tests")),
  };
}

const JSON_TEXT = (oid: number) => ({
  to: oid,
  from: [oid],
  serialize: (x: unknown) => (typeof x === "string" ? x : JSON.stringify(x)),
  parse: (x: string) => JSON.parse(x),
});

/** A fresh database with helpers. */
export interface TestDb extends Queryable {
  /** Renders the changes and executes every statement, returning them. */
  run(changes: Change[], options?: { transactional?: boolean }): Promise<Statement[]>;
  /** Introspects the `public` schema (or `schema`). */
  schema(schema?: string): Promise<Schema>;
}

/**
 * Registers a test that runs `fn` on a fresh database, skipped (loudly, by
 * `hasPg`) when no test server is configured.
 *
 * @param name The test name.
 * @param fn The body.
 */
export function pgTest(name: string, fn: (db: TestDb) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !hasPg(),
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const created = await createPgDatabase("pgd");
      const sql = postgres(created.url, {
        max: 1,
        onnotice: () => {},
        types: { json: JSON_TEXT(114), jsonb: JSON_TEXT(3802) },
      });
      const params = (p: readonly unknown[] | undefined) => (p ?? []) as never[];
      const db: TestDb = {
        async execute(stmt) {
          if (stmt.batch) { for (const row of stmt.batch) await sql.unsafe(stmt.sql, params(row)); }
          else if (stmt.params?.length) await sql.unsafe(stmt.sql, params(stmt.params));
          else await sql.unsafe(stmt.sql).simple();
        },
        async query(text, p) {
          return (await sql.unsafe(text, params(p))).map((r) => ({ ...r }) as Row);
        },
        async run(changes, options = {}) {
          const out: Statement[] = [];
          for (const c of changes) {
            const stmts = await render(c, testCtx(options.transactional ?? true));
            for (const s of stmts) await db.execute(s);
            out.push(...stmts);
          }
          return out;
        },
        schema(schema = "public") {
          return introspect(db, { schema });
        },
      };
      try {
        await fn(db);
      } finally {
        await sql.end({ timeout: 5 });
        await created.drop();
      }
    },
  });
}
