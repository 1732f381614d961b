/**
 * The migrator: one object per project and database that the CLI and
 * `autoMigrate()` call, one method per command (as dbmate's `pkg/dbmate.DB`).
 * It ties discovery, the graph, the lock, the version table and the step
 * runner together; it prints nothing itself (progress goes to `onStep`).
 *
 * @module
 */
import type { Config } from "../config/resolve.ts";
import type { Dialect } from "../dialects/dialect.ts";
import { getDialect } from "../dialects/mod.ts";
import type { Driver, Queryable } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import { RevisionMap } from "../graph/revision_map.ts";
import { planDowngrade, planStamp, planUpgrade, type Step } from "../graph/plan.ts";
import { discoverScripts } from "../script/discover.ts";
import { loadModules } from "../script/load.ts";
import type { Script } from "../script/script.ts";
import { runStep } from "./step.ts";
import { readVersionRows } from "./version_table.ts";

/** One applied step, as reported to `onStep` and returned by upgrade/downgrade. */
export interface AppliedStep {
  revision: string;
  direction: "up" | "down";
  /** The rows the step removed (the "from" side). */
  from: string[];
  message: string;
  durationMs: number;
}

/** Options for {@linkcode Migrator}. */
export interface MigratorOptions {
  /** Called after each step commits. */
  onStep?: (step: AppliedStep) => void;
  /** Called once when another process holds the migration lock. */
  onLockWait?: (holder: string | undefined) => void;
}

/** Runs commands for one project directory and database. */
export class Migrator {
  readonly config: Config;
  readonly dialect: Dialect;
  #options: MigratorOptions;
  #scripts: Script[] | undefined;
  #map: RevisionMap | undefined;
  #driver: Driver | undefined;

  /**
   * @param config Resolved configuration.
   * @param options Progress callbacks.
   */
  constructor(config: Config, options: MigratorOptions = {}) {
    this.config = config;
    this.dialect = getDialect(config.url.dialect);
    this.#options = options;
  }

  /** The discovered migration files (read once). */
  async scripts(): Promise<Script[]> {
    this.#scripts ??= await discoverScripts(this.config.dir);
    return this.#scripts;
  }

  /** The validated revision graph (built once). */
  async graph(): Promise<RevisionMap> {
    this.#map ??= RevisionMap.build(await this.scripts());
    return this.#map;
  }

  /** The script of a full revision id. */
  async script(revision: string): Promise<Script> {
    const found = (await this.scripts()).find((s) => s.revision === revision);
    if (!found) throw new Error(`no script for ${revision}`);
    return found;
  }

  /** The open connection (opened on first use). */
  async driver(): Promise<Driver> {
    this.#driver ??= await openDriver(this.config.url);
    return this.#driver;
  }

  /** Closes the connection if one was opened. */
  async close(): Promise<void> {
    const d = this.#driver;
    this.#driver = undefined;
    if (d) await d.close();
  }

  /** The version rows in the database (empty when the table does not exist yet). */
  async current(q?: Queryable): Promise<string[]> {
    return readVersionRows(q ?? await this.driver(), this.dialect, this.config.versionTable);
  }

  /**
   * Upgrades to `target` under the migration lock.
   *
   * @param target A target in the grammar of DESIGN.md (default `head`).
   * @returns The steps applied, in order.
   */
  upgrade(target = "head"): Promise<AppliedStep[]> {
    return this.#migrate((map, rows) => planUpgrade(map, rows, target));
  }

  /**
   * Downgrades to `target` under the migration lock.
   *
   * @param target E.g. `-1`, `base`, a revision.
   * @returns The steps applied, in order.
   */
  downgrade(target: string): Promise<AppliedStep[]> {
    return this.#migrate((map, rows) => planDowngrade(map, rows, target));
  }

  /**
   * Sets the version rows to `targets` without running migrations.
   *
   * @param targets Revisions (or `heads`, `base`).
   * @param purge Delete all rows first (works even when rows are unknown).
   * @returns The rows after stamping.
   */
  async stamp(targets: string[], purge = false): Promise<string[]> {
    const map = await this.graph();
    return await this.#locked(async (driver) => {
      const table = this.config.versionTable;
      const rows = purge ? [] : await this.current(driver);
      const change = planStamp(map, rows, targets, { purge });
      await driver.transaction(async (tx) => {
        for (const s of this.dialect.versionSql.create(table)) await tx.execute(s);
        if (purge) {
          const existing = await this.current(tx);
          for (const s of this.dialect.versionSql.apply(table, { remove: existing, add: [] })) {
            await tx.execute(s);
          }
        }
        for (const s of this.dialect.versionSql.apply(table, change)) await tx.execute(s);
      });
      return await this.current(driver);
    });
  }

  async #locked<T>(fn: (driver: Driver) => Promise<T>): Promise<T> {
    const driver = await this.driver();
    const release = await driver.lock(this.config.versionTable, {
      timeoutMs: this.config.lockTimeoutMs,
      ...(this.#options.onLockWait ? { onWait: this.#options.onLockWait } : {}),
    });
    try {
      return await fn(driver);
    } finally {
      await release();
    }
  }

  async #migrate(plan: (map: RevisionMap, rows: string[]) => Step[]): Promise<AppliedStep[]> {
    const map = await this.graph();
    return await this.#locked(async (driver) => {
      // Read the rows only once the lock is held: a process that waited finds
      // what the lock holder applied and plans only what is still pending.
      const rows = await this.current(driver);
      const steps = plan(map, rows);
      if (steps.length === 0) return [];
      const byRevision = new Map((await this.scripts()).map((s) => [s.revision, s]));
      const needed = [...new Set(steps.map((s) => s.revision))].map((r) => byRevision.get(r)!);
      const modules = await loadModules(needed);
      await driver.transaction(async (tx) => {
        for (const s of this.dialect.versionSql.create(this.config.versionTable)) {
          await tx.execute(s);
        }
      });
      const applied: AppliedStep[] = [];
      for (const step of steps) {
        const script = byRevision.get(step.revision)!;
        const module = modules.get(step.revision)!;
        const started = performance.now();
        const ctx = {
          dialect: this.dialect,
          versionTable: this.config.versionTable,
          isOffline: false,
          transactional: script.transactional,
        };
        if (script.transactional) {
          await driver.transaction((tx) => runStep(module, step, { ...ctx, q: tx }));
        } else {
          await runStep(module, step, { ...ctx, q: driver });
        }
        const done: AppliedStep = {
          revision: step.revision,
          direction: step.direction,
          from: step.version.remove,
          message: script.message,
          durationMs: performance.now() - started,
        };
        applied.push(done);
        this.#options.onStep?.(done);
      }
      return applied;
    });
  }
}
