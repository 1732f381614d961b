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
import type { Engine } from "../dialects/engine.ts";
import { type DialectName, engineByName, ENGINES } from "../dialects/registry.ts";
import type { Driver, Queryable, Statement } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import type { MigrationModule } from "../changes/op.ts";
import type { HistoryRecord } from "../dialects/dialect.ts";
import { RevisionMap } from "../graph/revision_map.ts";
import { planDowngrade, planStamp, planUpgrade, type Step } from "../graph/plan.ts";
import { appliedRevisions } from "../graph/applied.ts";
import { applyVersionChange } from "../graph/version_rows.ts";
import { discoverScripts } from "../script/discover.ts";
import { checksumMatches } from "../script/checksum.ts";
import type { Script } from "../script/script.ts";
import { StrataError, UsageError, VersionConflictError } from "../errors.ts";
import { createOwnTables } from "../apply/own_tables.ts";
import { readVersionRows, tableExists } from "./version_table.ts";
import { appliedChecksums, type HistoryEntry, readHistory } from "./history.ts";
import { neverApplied } from "./history_checks.ts";
import { conflictError, planToward, refuseOpenSteps } from "./replan.ts";
import { stampRecords } from "./stamp_records.ts";

// Loaded on first use, not at startup: a no-op `upgrade`, `current` or
// `heads` never runs a migration, so it needs neither the module loader nor
// the step runner (and the op recorder behind it). `import()` of a literal
// path stays visible to `deno bundle` and `deno compile`, so both still
// include these modules. Offline runs (`--sql`) live in `offline/`, which
// reads a Migrator by shape.

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
  /** Overrides the URL's dialect (offline `--dialect`). */
  dialect?: DialectName;
  /**
   * Who connects, as the database server lists sessions (PostgreSQL
   * `application_name`), e.g. `strata 0.1.0 upgrade`.
   * @default {"strata"}
   */
  applicationName?: string;
  /**
   * Overrides the engine whose dialect and capabilities the run uses (tests,
   * or an engine not in the registry yet); the connection still opens through
   * the URL's engine. Wins over {@linkcode MigratorOptions.dialect}.
   */
  engine?: Engine<DialectName>;
}

/** Runs commands for one project directory and database. */
export class Migrator {
  readonly config: Config;
  /** The engine: the URL's, or the one the options name. */
  readonly engine: Engine<DialectName>;
  /** The engine's dialect. */
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
    this.engine = options.engine ?? engineByName(options.dialect ?? config.url.dialect);
    this.dialect = this.engine.dialect;
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
    const { statementLockTimeoutMs } = this.config as Partial<Config>;
    const { applicationName } = this.#options;
    this.#driver ??= await openDriver(this.config.url, {
      ...(statementLockTimeoutMs === undefined ? {} : { statementLockTimeoutMs }),
      ...(applicationName === undefined ? {} : { applicationName }),
    });
    return this.#driver;
  }

  /** The history table's entries, oldest first (none when it does not exist). */
  async historyEntries(q?: Queryable): Promise<HistoryEntry[]> {
    return await readHistory(q ?? await this.driver(), this.dialect, this.config.historyTable);
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
   * Sets the version rows to `targets` without running migrations, and
   * records it in the history in the same transaction: a `stamp` row for
   * each revision it marks applied and an `unstamp` row for each it marks
   * unapplied. A step that started outside a transaction and never finished
   * gets one of the two as well, which closes it (README: Interrupted
   * migrations).
   *
   * @param targets Revisions (or `heads`, `base`).
   * @param purge Delete all rows first (works even when rows are unknown).
   * @returns The rows after stamping.
   */
  async stamp(targets: string[], purge = false): Promise<string[]> {
    const map = await this.graph();
    const byRevision = await this.#scriptMap();
    return await this.#locked(async (driver) => {
      const table = this.config.versionTable;
      const rows = purge ? [] : await this.current(driver);
      const change = planStamp(map, rows, targets, { purge });
      const history = await this.historyEntries(driver);
      const setup = await createOwnTables(this.dialect, this.config);
      await driver.transaction(async (tx) => {
        for (const s of setup) await tx.execute(s);
        let before = rows;
        if (purge) {
          before = await this.current(tx);
          for (const s of this.dialect.versionSql.apply(table, { remove: before, add: [] })) {
            await tx.execute(s);
          }
        }
        for (const s of this.dialect.versionSql.apply(table, change)) await tx.execute(s);
        const after = applyVersionChange(purge ? [] : rows, change);
        const records = stampRecords(map, byRevision, before, after, history);
        const insert = await this.dialect.historySql.insert(this.config.historyTable, records);
        for (const s of insert) await tx.execute(s);
      });
      return await this.current(driver);
    });
  }

  /**
   * Accepts the current text of applied migrations whose files were edited on
   * purpose (`strata validate --accept REV…`, as Flyway's `repair` realigns
   * checksums): an `accept` history row with each file's checksum, after
   * which `validate` compares against it.
   *
   * @param revisions Revision ids or unique prefixes.
   * @returns The full revision ids accepted.
   * @throws {GraphError} When a revision is unknown or a prefix ambiguous.
   * @throws {UsageError} When a revision is not applied.
   */
  async accept(revisions: readonly string[]): Promise<string[]> {
    const map = await this.graph();
    const byRevision = await this.#scriptMap();
    const ids = [...new Set(revisions.map((r) => map.resolvePrefix(r)))];
    return await this.#locked(async (driver) => {
      const applied = appliedRevisions(map, await this.current(driver));
      const stray = ids.find((id) => !applied.has(id));
      if (stray !== undefined) {
        throw new UsageError(`Cannot accept "${stray}": it is not applied`, {
          hint: "--accept records the checksum of an applied migration's file; " +
            "a pending one is checked when it runs",
        });
      }
      const records: HistoryRecord[] = ids.map((id) => ({
        revision: id,
        direction: "accept",
        durationMs: null,
        checksum: byRevision.get(id)?.checksum ?? null,
      }));
      const setup = await createOwnTables(this.dialect, this.config);
      const insert = await this.dialect.historySql.insert(this.config.historyTable, records);
      await driver.transaction(async (tx) => {
        for (const s of [...setup, ...insert]) await tx.execute(s);
      });
      return ids;
    });
  }

  /**
   * Creates the version and history tables unless both exist (a run that
   * finds them skips the transaction). A failure here says so: it comes
   * before any migration, so no migration is named.
   */
  async #ensureOwnTables(driver: Driver): Promise<void> {
    const { versionTable, historyTable } = this.config;
    if (
      await tableExists(driver, this.dialect, versionTable) &&
      await tableExists(driver, this.dialect, historyTable)
    ) return;
    const setup = await createOwnTables(this.dialect, this.config);
    try {
      await driver.transaction(async (tx) => {
        for (const s of setup) await tx.execute(s);
      });
    } catch (err) {
      if (!(err instanceof StrataError)) throw err;
      throw new StrataError(`Cannot create Strata's tables: ${err.message}`, {
        hint: err.hint,
        cause: err,
        exitCode: err.exitCode,
      });
    }
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
      let rows = await this.current(driver);
      const history = await this.historyEntries(driver);
      refuseOpenSteps(map, history);
      let steps = plan(map, rows);
      await this.#warnHistory(map, rows, history);
      if (steps.length === 0) return [];
      if (options.backup) this.#options.onBackup?.(await this.backup(driver));
      // Where the plan ends: a re-plan after a conflict heads for the same rows.
      const goal = steps.reduce((r, s) => applyVersionChange(r, s.version), rows);
      const byRevision = await this.#scriptMap();
      const [{ loadModules }, { stepFunction }, { runLiveStep }] = await Promise.all([
        import("../script/load.ts"),
        import("../apply/step.ts"),
        import("./live_step.ts"),
      ]);
      const modules = new Map<string, MigrationModule>();
      const load = async (list: Step[]) => {
        const needed = [...new Set(list.map((s) => s.revision))].filter((r) => !modules.has(r));
        for (const [r, m] of await loadModules(needed.map((r) => byRevision.get(r)!))) {
          modules.set(r, m);
        }
        // Refuse before the first step, not half-way, when one cannot run.
        for (const step of list) stepFunction(modules.get(step.revision)!, step);
      };
      await load(steps);
      await this.#ensureOwnTables(driver);
      // Without transactional DDL a migration cannot roll back as a whole, so
      // it runs statement by statement, as a `transactional = false` one does.
      const { transactionalDdl } = this.engine.capabilities;
      const { versionTable, historyTable } = this.config;
      const enums = new Map<string, string[]>();
      const applied: AppliedStep[] = [];
      let replans = 0;
      for (let i = 0; i < steps.length;) {
        const step = steps[i]!;
        const script = byRevision.get(step.revision)!;
        const transactional = script.transactional && transactionalDdl;
        let durationMs: number;
        try {
          durationMs = await runLiveStep(modules.get(step.revision)!, step, {
            driver,
            dialect: this.dialect,
            tables: { versionTable, historyTable },
            transactional,
            checksum: script.checksum,
            rowsBefore: rows,
            enums,
          });
        } catch (err) {
          const now = err instanceof VersionConflictError || transactional
            ? await this.current(driver).catch(() => rows)
            : rows;
          const moved = [...now].sort().join() !== [...rows].sort().join();
          if (!(err instanceof VersionConflictError) && !moved) throw err;
          // Another run moved the version rows: plan again from what it left,
          // towards the same goal. A downgrade, or a run that keeps losing,
          // stops instead.
          if (step.direction === "down" || ++replans > map.size) {
            throw conflictError(step, script.message, rows, now, err);
          }
          rows = now;
          steps = planToward(map, rows, goal);
          await load(steps);
          i = 0;
          continue;
        }
        rows = applyVersionChange(rows, step.version);
        i++;
        const done: AppliedStep = {
          revision: step.revision,
          direction: step.direction,
          parents: map.get(step.revision).downRevisions,
          message: script.message,
          durationMs,
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
  async editedMigrations(
    q?: Queryable | readonly HistoryEntry[],
  ): Promise<{ revision: string; path: string }[]> {
    const history = Array.isArray(q) ? q : await this.historyEntries(q as Queryable | undefined);
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

  async #warnHistory(
    map: RevisionMap,
    rows: readonly string[],
    history: readonly HistoryEntry[],
  ): Promise<void> {
    if (!this.#options.onWarning) return;
    for (const id of neverApplied(map, rows, history) ?? []) {
      this.#options.onWarning(
        `revision ${id} is below the current revision but was never applied; run \`strata validate\``,
      );
    }
    for (const e of await this.editedMigrations(history)) {
      this.#options.onWarning(
        `migration ${e.revision} (${e.path}) was edited after it was applied; run \`strata validate\``,
      );
    }
  }

  /**
   * The database file `upgrade --backup` copies, asked of the engine's backup
   * capability. The CLI calls it before every `--backup` run, so a deploy
   * script learns on its first run, not on the first that has work to do.
   *
   * @returns The file's path.
   * @throws {UsageError} When the engine takes no backups (the hint names the
   *   way out, e.g. pg_dump) or the URL names no file (in memory).
   */
  backupFile(): string {
    return this.#backupPlan().file;
  }

  #backupPlan(): { file: string; statement: (dest: string) => Statement } {
    const { backup } = this.engine.capabilities;
    const file = backup.kind === "copyFile" ? backup.file(this.config.url) : undefined;
    if (backup.kind === "none" || file === undefined) {
      const able = ENGINES.filter((e) => e.capabilities.backup.kind !== "none").map((e) => e.title);
      throw new UsageError(`--backup works only with a ${able.join(" or ")} file database`, {
        hint: backup.kind === "none" ? backup.hint : undefined,
      });
    }
    return { file, statement: backup.statement };
  }

  /**
   * Writes a consistent copy of the database file next to it, with the
   * engine's backup statement (SQLite: `VACUUM INTO`).
   *
   * @param q A connection (default: the migrator's).
   * @returns The backup's path.
   * @throws {UsageError} See {@linkcode Migrator.backupFile}.
   */
  async backup(q?: Queryable): Promise<string> {
    const { file, statement } = this.#backupPlan();
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
    let path = `${file}.${stamp}.bak`;
    for (let n = 1; await exists(path); n++) path = `${file}.${stamp}-${n}.bak`;
    // Written under a temporary name, then renamed: a run killed while copying
    // never leaves a partial file that looks like a complete backup.
    const partial = `${path}.partial`;
    await Deno.remove(partial).catch(() => {});
    await (q ?? await this.driver()).execute(statement(partial));
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
