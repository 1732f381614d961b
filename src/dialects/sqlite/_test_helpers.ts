/**
 * Test helpers for the SQLite dialect: a real in-memory database, a render
 * context over it, and an `op` whose changes are rendered and executed.
 *
 * @module
 */
import type { Change } from "../../changes/change.ts";
import { createOp, type RecordingOp } from "../../changes/recorder.ts";
import type { Row } from "../../changes/op.ts";
import type { Driver, Queryable, Statement } from "../../drivers/driver.ts";
import { openDriver } from "../../drivers/mod.ts";
import type { Table } from "../../schema/model.ts";
import type { RenderContext } from "../dialect.ts";
import { introspectTable } from "./introspect.ts";
import { renderSqlite } from "./session.ts";

/** A test database with its render context. */
export interface TestDb {
  db: Driver;
  ctx: RenderContext;
  /** Warning lines the renderer reported. */
  warnings: string[];
  /** Every statement executed through {@linkcode TestDb.apply} / the op. */
  log: Statement[];
  /** Renders (on its own, nothing held back) and executes one change on `q` (default: the connection). */
  apply(change: Change, q?: Queryable): Promise<Statement[]>;
  /** An op whose calls are rendered and executed on `q` (default: the connection). */
  op(q?: Queryable): RecordingOp;
  /** Introspects one table, failing when it is missing. */
  table(name: string): Promise<Table>;
  /** Runs a query. */
  rows(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs SQL text. */
  exec(sql: string): Promise<void>;
}

/**
 * Opens an in-memory database (foreign keys ON, as the driver opens it).
 *
 * @param setup SQL to run first.
 * @returns The test database; close it with `db.close()`.
 */
export async function openTestDb(setup = ""): Promise<TestDb> {
  const db = await openDriver("sqlite::memory:");
  if (setup) await db.execute({ sql: setup });
  const log: Statement[] = [];
  const warnings: string[] = [];
  const ctx: RenderContext = {
    query: (sql, params) => db.query(sql, params),
    transactional: true,
    warn: (message) => warnings.push(message),
  };
  const apply = async (change: Change, q: Queryable = db) => {
    const stmts = await renderSqlite(change, ctx);
    for (const s of stmts) {
      log.push(s);
      await q.execute(s);
    }
    return stmts;
  };
  return {
    db,
    ctx,
    warnings,
    log,
    apply,
    op: (q: Queryable = db) =>
      createOp({
        apply: async (change) => void await apply(change, q),
        query: (sql, params) => q.query(sql, params),
      }, { dialect: "sqlite", isOffline: false }),
    table: async (name) => {
      const t = await introspectTable(db, name);
      if (!t) throw new Error(`no table ${name}`);
      return t;
    },
    rows: (sql, params) => db.query(sql, params),
    exec: (sql) => db.execute({ sql }),
  };
}
