/**
 * Normalises a declared schema the way Atlas's dev database does: its
 * changes are applied to a scratch database through the dialect, exactly as
 * a migration's would be, and read back with the dialect's introspector. Both
 * sides of a comparison then pass through the same introspector and the
 * database's own canonical forms of types, defaults and expressions, so a
 * declared schema that matches gives no differences.
 *
 * The scratch space is the dialect's (`AutogenSupport.scratch`): a new
 * in-memory database on SQLite; on PostgreSQL the session's temporary schema,
 * inside a transaction that is always rolled back, so nothing is ever left in
 * the database it runs on.
 *
 * @module
 */
import { basename } from "node:path";
import type { Change } from "../changes/change.ts";
import type { Dialect, RenderContext } from "../dialects/dialect.ts";
import type { Driver, Queryable, Statement } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import {
  ConnectionError,
  LockTimeoutError,
  ScriptError,
  StrataError,
  UsageError,
} from "../errors.ts";
import type { DeclaredSchema } from "../schema/declared.ts";
import type { Schema } from "../schema/model.ts";
import { declaredChanges } from "../schema/to_changes.ts";

/** A declared schema as the database sees it. */
export interface NormalizedSchema {
  /** The schema as the introspector reads it back. */
  schema: Schema;
  /** The constraints the declared schema names, as `table\0name` (others match by content). */
  declaredNames: Set<string>;
  /**
   * The expressions as the declared schema writes them, by `check\0table\0name`
   * and `index\0table\0name`: generated migrations use these words rather than
   * the database's canonical form of them (both build the same thing).
   */
  declaredText: Map<string, string>;
}

/** Options of {@linkcode normalizeDeclared}. */
export interface NormalizeOptions {
  /**
   * A connection for a dialect whose scratch space is a schema (PostgreSQL):
   * the scratch schema is made inside a transaction on it and rolled back.
   */
  connection?: Driver;
  /** The declared schema's file, named in errors. @default {"schema.ts"} */
  file?: string;
}

/** The scratch space itself cannot be made (not the declared schema's fault). */
class ScratchError extends StrataError {}

/** Thrown inside the scratch transaction to roll it back, carrying the result out. */
class Rollback {
  constructor(readonly value: Schema) {}
}

/**
 * Applies changes through a dialect, as a migration step would, on `q`: one
 * render session, so held work (SQLite's batched rebuilds) is flushed in order.
 *
 * @param q Where to run the statements.
 * @param dialect The dialect that renders them.
 * @param changes The changes, in order.
 * @throws {StrataError} What rendering or running a statement throws.
 */
export async function applyChanges(
  q: Queryable,
  dialect: Dialect,
  changes: readonly Change[],
): Promise<void> {
  const ctx: RenderContext = {
    query: (sql, params) => q.query(sql, params),
    transactional: true,
  };
  const session = dialect.session();
  const run = async (statements: readonly Statement[] | null) => {
    for (const stmt of statements ?? []) await q.execute(stmt);
  };
  for (const change of changes) {
    await run(await session.flushFor(change, ctx));
    await run(await session.render(change, ctx));
  }
  await run(await session.flush(ctx));
}

/**
 * The constraint names a declared schema gives, as `table\0name`.
 *
 * @param declared The declared schema.
 * @returns The set.
 */
export function declaredConstraintNames(declared: DeclaredSchema): Set<string> {
  const out = new Set<string>();
  for (const [table, t] of Object.entries(declared.tables)) {
    for (const u of t.unique ?? []) if (!Array.isArray(u) && u.name) out.add(`${table}\0${u.name}`);
    for (const c of t.checks ?? []) {
      if (typeof c !== "string" && c.name) out.add(`${table}\0${c.name}`);
    }
    for (const f of t.foreignKeys ?? []) if (f.name) out.add(`${table}\0${f.name}`);
  }
  return out;
}

/**
 * The expressions a declared schema writes for named checks and index predicates.
 *
 * @param declared The declared schema.
 * @returns Texts by `check\0table\0name` and `index\0table\0name`.
 */
export function declaredExpressions(declared: DeclaredSchema): Map<string, string> {
  const out = new Map<string, string>();
  for (const [table, t] of Object.entries(declared.tables)) {
    for (const c of t.checks ?? []) {
      if (typeof c !== "string" && c.name) out.set(`check\0${table}\0${c.name}`, c.expr);
    }
    for (const [name, ix] of Object.entries(t.indexes ?? {})) {
      if (ix.where !== undefined) out.set(`index\0${table}\0${name}`, ix.where);
    }
  }
  return out;
}

/**
 * Builds a declared schema in a scratch space and reads it back.
 *
 * @param declared A validated declared schema.
 * @param dialect The dialect of the database it will be compared with.
 * @param options The connection (PostgreSQL) and the file name for errors.
 * @returns The normalised schema and the constraint names it declares.
 * @throws {ScriptError} (exit 2) When the database refuses the declared
 *   schema (a bad type, an invalid CHECK, …), naming the file.
 * @throws {UsageError} When the scratch space needs a connection and none is given.
 *
 * @example On SQLite
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeDeclared } from "./normalize.ts";
 * import { sqliteEngine } from "../dialects/sqlite/mod.ts";
 * const { schema } = await normalizeDeclared(
 *   { tables: { t: { columns: { id: { type: "INT", primaryKey: true } } } } },
 *   sqliteEngine.dialect,
 * );
 * assert.equal(schema.tables[0]?.columns[0]?.type, "integer");
 * ```
 */
export async function normalizeDeclared(
  declared: DeclaredSchema,
  dialect: Dialect,
  options: NormalizeOptions = {},
): Promise<NormalizedSchema> {
  const file = options.file ?? "schema.ts";
  const declaredNames = declaredConstraintNames(declared);
  const declaredText = declaredExpressions(declared);
  const changes = declaredChanges(declared);
  const scratch = dialect.autogen.scratch;
  try {
    if (scratch.kind === "memory") {
      const db = await openDriver(scratch.url);
      try {
        await db.transaction((tx) => applyChanges(tx, dialect, changes));
        return { schema: await dialect.introspect(db), declaredNames, declaredText };
      } finally {
        await db.close();
      }
    }
    const connection = options.connection;
    if (!connection) {
      throw new UsageError("Cannot normalise the declared schema: no database connection");
    }
    try {
      await connection.transaction(async (tx) => {
        for (const stmt of scratch.enter) await enterScratch(tx, stmt);
        await applyChanges(tx, dialect, changes);
        const name = await scratchName(tx, scratch.nameQuery);
        const schema = name === undefined
          ? { tables: [], enums: [] }
          : relabel(await dialect.introspect(tx, { schema: name }), name);
        throw new Rollback(schema);
      });
    } catch (e) {
      if (e instanceof Rollback) return { schema: e.value, declaredNames, declaredText };
      throw e;
    }
    throw new Error("unreachable: the scratch transaction always rolls back");
  } catch (e) {
    if (
      !(e instanceof StrataError) || e instanceof UsageError || e instanceof ConnectionError ||
      e instanceof LockTimeoutError || e instanceof ScratchError
    ) throw e;
    throw new ScriptError(
      file,
      `Cannot build the declared schema "${basename(file)}": ${e.message}`,
      {
        hint: e.hint ?? "fix the schema file; `strata check` shows the differences once it builds",
        cause: e,
      },
    );
  }
}

/** The scratch schema's name is an accident of the run: report tables and enums as `public`'s. */
function relabel(schema: Schema, scratch: string): Schema {
  const fix = (s: string) => (s === scratch ? "public" : s);
  return {
    tables: schema.tables.map((t) => ({ ...t, schema: fix(t.schema) })),
    enums: schema.enums.map((e) => ({ ...e, schema: fix(e.schema) })),
  };
}

async function scratchName(q: Queryable, query: string): Promise<string | undefined> {
  const [row] = await q.query(query);
  return row === undefined ? undefined : String(row.name);
}

async function enterScratch(tx: Queryable, stmt: { sql: string; params?: readonly unknown[] }) {
  try {
    await tx.execute(stmt);
  } catch (e) {
    if (!(e instanceof StrataError)) throw e;
    throw new ScratchError(
      `Cannot create a scratch schema to normalise the declared schema: ${e.message}`,
      {
        hint:
          "the role needs CREATE on the database; or pass --dev-url with a server where Strata may create a database",
        cause: e,
      },
    );
  }
}
