/**
 * The migrator: one object per project and database that the CLI and
 * `autoMigrate()` call, one method per command (as dbmate's `pkg/dbmate.DB`).
 * It ties discovery, the graph, the lock, the version table and the step
 * runner together; it prints nothing itself (progress goes to `onStep`).
 *
 * @module
 */
import type { BulkProgress } from "../changes/op.ts";
import type { Config } from "../config/resolve.ts";
import type { Dialect, DialectName } from "../dialects/dialect.ts";
import { getDialect } from "../dialects/mod.ts";
import type { Driver, Queryable } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import { RevisionMap } from "../graph/revision_map.ts";
import { applyVersionChange } from "../graph/version_rows.ts";
import { planDowngrade, planStamp, planUpgrade, type Step } from "../graph/plan.ts";
import { discoverScripts } from "../script/discover.ts";
import { checksumMatches } from "../script/checksum.ts";
import type { Script } from "../script/script.ts";
import { resolveTarget } from "../graph/target.ts";
import { UsageError } from "../errors.ts";
import { readVersionRows } from "./version_table.ts";
import { createOwnTables } from "./own_tables.ts";
import { appliedChecksums, readHistory } from "./history.ts";

// Loaded on first use, not at startup: a no-op `upgrade`, `current` or
// `heads` never runs a migration, so it needs neither the module loader, the
// step runner (and the op recorder behind it) nor the offline writer.
// `import()` of a literal path stays visible to `deno bundle` and
// `deno compile`, so both still include these modules.

/** One applied step, as reported to `onStep` and returned by upgrade/downgrade. */
export interface AppliedStep {
  revision: string;
  direction: "up" | "down";
  /** The revision's parents (`downRevision`); empty for a base. */
  parents: string[];
  message: string;
  durationMs: number;
}

/** Options for {@linkcode Migrator}. */
export interface MigratorOptions {
  /** Called after each step commits. */
  onStep?: (step: AppliedStep) => void;
  /** Called once when another process holds the migration lock. */
  onLockWait?: (holder: string | undefined) => void;
  /** Called with a warning (e.g. an applied migration was edited). */
  onWarning?: (message: string) => void;
  /** Called with the path of a backup written by `upgrade --backup`. */
  onBackup?: (path: string) => void;
  /** Called after each chunk of a long `op.bulkInsert` (the CLI draws a progress line). */
  onBulkProgress?: (progress: BulkProgress) => void;
  /** Overrides the URL's dialect (offline `--dialect`). */
  dialect?: DialectName;
}

/** Options of {@linkcode Migrator.offline}. */
export interface OfflineRunOptions {
  /** @default {"migration"} */
  transactionPer?: "migration" | "run";
  /** Adds a timestamp to the header. */
  timestamp?: Date;
}

/** Runs commands for one project directory and database. */
export class Migrator {
  readonly config: Config;
  readonly dialect: Dialect;
  #options: MigratorOptions;
  #scripts: Script[] | undefined;
  #byRevision: Map<string, Script> | undefined;
  #map: RevisionMap | undefined;
  #driver: Driver | undefined;

  /**
   * @param config Resolved configuration.
   * @param options Progress callbacks.
   */
  constructor(config: Config, options: MigratorOptions = {}) {
    this.config = config;
    this.dialect = getDialect(options.dialect ?? config.url.dialect);
    this.#options = options;
  }

  /** The discovered migration files (read once). */
  async scripts(): Promise<Script[]> {
    this.#scripts ??= await discoverScripts(this.config.dir);
    return this.#scripts;
  }

  /** The discovered scripts by revision id (built once). */
  async #scriptMap(): Promise<Map<string, Script>> {
    this.#byRevision ??= new Map((await this.scripts()).map((s) => [s.revision, s]));
    return this.#byRevision;
  }

  /** The validated revision graph (built once). */
  async graph(): Promise<RevisionMap> {
    this.#map ??= RevisionMap.build(await this.scripts());
    return this.#map;
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
   * @param options `backup`: copy a SQLite file database first (only when something is pending).
   * @returns The steps applied, in order.
   */
  upgrade(target = "head", options: { backup?: boolean } = {}): Promise<AppliedStep[]> {
    return this.#migrate((map, rows) => planUpgrade(map, rows, target), options);
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

  /**
   * Writes the SQL a live run would execute, without connecting (`--sql`).
   *
   * @param direction `up` or `down`.
   * @param range `TO` or `FROM:TO` (downgrades need `FROM:TO`).
   * @param options Transaction mode and header timestamp.
   * @returns The script text.
   * @throws {OfflineError} When a migration needs a live database.
   */
  async offline(
    direction: "up" | "down",
    range: string,
    options: OfflineRunOptions = {},
  ): Promise<string> {
    const map = await this.graph();
    const colon = range.indexOf(":");
    if (direction === "down" && colon < 0) {
      throw new UsageError(`Offline downgrade needs a range FROM:TO, got "${range}"`, {
        hint: "e.g. `strata downgrade e3a9:base --sql` (there is no database to read FROM from)",
      });
    }
    const fromText = colon < 0 ? "base" : range.slice(0, colon) || "base";
    const to = colon < 0 ? range : range.slice(colon + 1);
    if (!to) throw new UsageError(`Missing target after ":" in "${range}"`);
    // FROM may name several revisions ("b1,b2:head"): a database at two heads.
    const from = [...new Set(fromText.split(",").flatMap((t) => resolveTarget(map, t.trim(), [])))]
      .sort();
    const steps = direction === "up" ? planUpgrade(map, from, to) : planDowngrade(map, from, to);
    const replay = planUpgradeTo(map, from);
    const byRevision = await this.#scriptMap();
    const needed = [...new Set([...replay, ...steps].map((s) => s.revision))];
    const [{ loadModules }, { renderOfflineScript }] = await Promise.all([
      import("../script/load.ts"),
      import("../offline/sql_script.ts"),
    ]);
    const modules = await loadModules(needed.map((r) => byRevision.get(r)!));
    return await renderOfflineScript({
      dialect: this.dialect,
      replay,
      steps,
      scripts: byRevision,
      modules,
      versionTable: this.config.versionTable,
      historyTable: this.config.historyTable,
      transactionPer: options.transactionPer ?? "migration",
      range: `${direction === "up" ? "upgrade" : "downgrade"} ${fromText}:${to}`,
      ...(options.timestamp ? { timestamp: options.timestamp } : {}),
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

  async #migrate(
    plan: (map: RevisionMap, rows: string[]) => Step[],
    options: { backup?: boolean } = {},
  ): Promise<AppliedStep[]> {
    const map = await this.graph();
    return await this.#locked(async (driver) => {
      // Read the rows only once the lock is held: a process that waited finds
      // what the lock holder applied and plans only what is still pending.
      const rows = await this.current(driver);
      const steps = plan(map, rows);
      await this.#warnEdited(driver);
      if (steps.length === 0) return [];
      if (options.backup) this.#options.onBackup?.(await this.backup(driver));
      const byRevision = await this.#scriptMap();
      const needed = [...new Set(steps.map((s) => s.revision))].map((r) => byRevision.get(r)!);
      const [{ loadModules }, { runStep, stepFunction }] = await Promise.all([
        import("../script/load.ts"),
        import("./step.ts"),
      ]);
      const modules = await loadModules(needed);
      // Refuse before the first step, not half-way, when one cannot run.
      for (const step of steps) stepFunction(modules.get(step.revision)!, step);
      const { versionTable, historyTable } = this.config;
      await driver.transaction(async (tx) => {
        for (const s of await createOwnTables(this.dialect, this.config, tx)) await tx.execute(s);
      });
      const enums = new Map<string, string[]>();
      const applied: AppliedStep[] = [];
      for (const step of steps) {
        const script = byRevision.get(step.revision)!;
        const module = modules.get(step.revision)!;
        const startedAt = performance.now();
        const ctx = {
          dialect: this.dialect,
          versionTable,
          isOffline: false,
          transactional: script.transactional,
          enums,
          history: { table: historyTable, checksum: script.checksum, startedAt },
          ...(this.#options.onBulkProgress ? { onBulkProgress: this.#options.onBulkProgress } : {}),
        };
        if (script.transactional) {
          await driver.transaction((tx) => runStep(module, step, { ...ctx, q: tx }));
        } else {
          await runStep(module, step, { ...ctx, q: driver });
        }
        const done: AppliedStep = {
          revision: step.revision,
          direction: step.direction,
          parents: map.get(step.revision).downRevisions,
          message: script.message,
          durationMs: performance.now() - startedAt,
        };
        applied.push(done);
        this.#options.onStep?.(done);
      }
      return applied;
    });
  }

  /**
   * Finds applied migrations whose file changed since they ran (checksum in
   * the history table differs from the file's).
   *
   * @param q A connection (default: the migrator's).
   * @returns One entry per edited revision.
   */
  async editedMigrations(q?: Queryable): Promise<{ revision: string; path: string }[]> {
    const history = await readHistory(
      q ?? await this.driver(),
      this.dialect,
      this.config.historyTable,
    );
    const applied = appliedChecksums(history);
    if (applied.size === 0) return [];
    const byRevision = await this.#scriptMap();
    // Discovery computed each file's checksum from the text it already read.
    const edited: { revision: string; path: string }[] = [];
    for (const [revision, checksum] of applied) {
      const script = byRevision.get(revision);
      if (script && !checksumMatches(checksum, script)) {
        edited.push({ revision, path: script.path });
      }
    }
    return edited;
  }

  async #warnEdited(q: Queryable): Promise<void> {
    if (!this.#options.onWarning) return;
    for (const e of await this.editedMigrations(q)) {
      this.#options.onWarning(
        `migration ${e.revision} (${e.path}) was edited after it was applied; run \`strata validate\``,
      );
    }
  }

  /**
   * Writes a consistent copy of a SQLite file database next to it (`VACUUM INTO`).
   *
   * @param q A connection (default: the migrator's).
   * @returns The backup's path.
   * @throws {UsageError} For PostgreSQL or an in-memory database.
   */
  async backup(q?: Queryable): Promise<string> {
    const url = this.config.url;
    if (url.dialect !== "sqlite" || url.path === ":memory:") {
      throw new UsageError("--backup works only with a SQLite file database", {
        hint: url.dialect === "postgres" ? "use pg_dump for PostgreSQL" : undefined,
      });
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    let path = `${url.path}.${stamp}.bak`;
    for (let n = 1; await exists(path); n++) path = `${url.path}.${stamp}-${n}.bak`;
    // Written under a temporary name, then renamed: a run killed while copying
    // never leaves a partial file that looks like a complete backup.
    const partial = `${path}.partial`;
    await Deno.remove(partial).catch(() => {});
    await (q ?? await this.driver()).execute({ sql: "VACUUM INTO ?", params: [partial] });
    await Deno.rename(partial, path);
    return path;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The upgrade steps from base to the set `revisions` (the offline replay up to FROM). */
function planUpgradeTo(map: RevisionMap, revisions: readonly string[]): Step[] {
  let rows: string[] = [];
  const all: Step[] = [];
  for (const rev of revisions) {
    const steps = planUpgrade(map, rows, rev);
    for (const step of steps) {
      rows = applyVersionChange(rows, step.version);
    }
    all.push(...steps);
  }
  return all;
}
