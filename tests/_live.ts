/**
 * Runs small migration modules (`{ upgrade(op), downgrade(op) }`) through the
 * real step runner and driver, one transaction per step, as a live `upgrade`
 * does, and reads the result back through the dialect's introspector. Used by
 * `ops_test.ts` and `random_ops_test.ts`.
 *
 * @module
 */
import type { Op } from "../src/migration.ts";
import type { Dialect } from "../src/dialects/dialect.ts";
import { getDialect } from "../src/dialects/registry.ts";
import type { Driver } from "../src/drivers/driver.ts";
import { openDriver } from "../src/drivers/mod.ts";
import { runStep } from "../src/apply/step.ts";
import type { Schema, Table } from "../src/schema/model.ts";
import { createPgDatabase, hasPg } from "./_pg.ts";

/** A migration body for tests. */
export interface TestMigration {
  message?: string;
  transactional?: boolean;
  upgrade(op: Op): Promise<void> | void;
  downgrade?(op: Op): Promise<void> | void;
}

/** A live database for op tests. */
export interface LiveDb {
  dialect: Dialect;
  driver: Driver;
  /** Runs `upgrade` (or `downgrade`) of a module in its own transaction. */
  run(m: TestMigration, direction?: "up" | "down", revision?: string): Promise<void>;
  /** The introspected schema. */
  schema(): Promise<Schema>;
  /** One introspected table (fails when missing). */
  table(name: string): Promise<Table>;
  /** Reads rows. */
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Empties the database (PostgreSQL: drops and recreates `public`). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a live database: SQLite in memory, or a fresh PostgreSQL database.
 *
 * @param dialect Which one.
 * @returns The database; `close()` drops a PostgreSQL one.
 */
export async function openLiveDb(dialect: "sqlite" | "postgres"): Promise<LiveDb> {
  let driver: Driver;
  let drop = () => Promise.resolve();
  if (dialect === "sqlite") driver = await openDriver("sqlite::memory:");
  else {
    const db = await createPgDatabase("ops");
    driver = await openDriver(db.url);
    drop = db.drop;
  }
  const d = getDialect(dialect);
  const live: LiveDb = {
    dialect: d,
    driver,
    async run(m, direction = "up", revision = "abc123") {
      const module = { revision, downRevision: null, message: m.message ?? "test", ...m };
      const step = { revision, direction, version: { remove: [], add: [] } };
      const ctx = {
        dialect: d,
        versionTable: "strata_version",
        isOffline: false,
        transactional: m.transactional ?? true,
      };
      if (ctx.transactional) {
        await live.driver.transaction((tx) => runStep(module, step, { ...ctx, q: tx }));
      } else {
        await runStep(module, step, { ...ctx, q: live.driver });
      }
    },
    schema: () => d.introspect(live.driver),
    async table(name) {
      const t = (await live.schema()).tables.find((x) => x.name === name);
      if (!t) throw new Error(`no table ${name}`);
      return t;
    },
    rows: (sql, params) => live.driver.query(sql, params),
    async reset() {
      if (dialect === "sqlite") {
        await live.driver.close();
        live.driver = await openDriver("sqlite::memory:");
      } else {
        await live.driver.execute({
          sql: "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
        });
      }
    },
    async close() {
      await live.driver.close();
      await drop();
    },
  };
  return live;
}

/**
 * Runs `fn` once per dialect in a `t.step` ("sqlite", then "postgres" when a
 * server is configured; skipped loudly otherwise), each on a fresh database.
 *
 * @param t The test context.
 * @param fn The body.
 */
export async function eachLiveDb(
  t: Deno.TestContext,
  fn: (db: LiveDb) => Promise<void>,
): Promise<void> {
  for (const dialect of ["sqlite", "postgres"] as const) {
    if (dialect === "postgres" && !hasPg()) return;
    await t.step(dialect, async () => {
      const db = await openLiveDb(dialect);
      try {
        await fn(db);
      } finally {
        await db.close();
      }
    });
  }
}
