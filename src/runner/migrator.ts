/**
 * The migrator: one object per project and database that the CLI and
 * `autoMigrate()` call, one method per command (as dbmate's `pkg/dbmate.DB`).
 * It ties discovery, the graph, the lock, the version table and the step
 * runner together; it prints nothing itself (progress goes to `onStep`).
 *
 * @module
 */
import type { BulkProgress } from "../changes/op.ts";
import { exists } from "../_fs.ts";
import { type Config, noDatabaseError } from "../config/resolve.ts";
import { configFromSettings, isConfig, type Settings } from "../config/settings.ts";
import type { DatabaseUrl } from "../config/url.ts";
import type { Dialect } from "../dialects/dialect.ts";
import type { Engine } from "../dialects/engine.ts";
import { type DialectName, engineByName, ENGINES } from "../dialects/registry.ts";
import type { Driver, Queryable, Statement } from "../drivers/driver.ts";
import { openDriver } from "../drivers/mod.ts";
import type { MigrationModule } from "../changes/op.ts";
import type { HistoryRecord } from "../dialects/dialect.ts";
import { RevisionMap } from "../graph/revision_map.ts";
import { historyRange, planDowngrade, planStamp, planUpgrade, type Step } from "../graph/plan.ts";
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
import { type Finding, pendingReport } from "./checks.ts";

export type { Finding } from "./checks.ts";
import { conflictError, planToward, refuseOpenSteps } from "./replan.ts";
import { stampRecords } from "./stamp_records.ts";
import { type RevisionInfo, revisionInfo } from "./revision_info.ts";
import { waitForDatabase, type WaitOptions, type WaitResult } from "./wait.ts";

// Loaded on first use, not at startup: a no-op `upgrade`, `current` or
// `heads` never runs a migration, so it needs neither the module loader nor
// the step runner (and the op recorder behind it). `import()` of a literal
// path stays visible to `deno bundle` and `deno compile`, so both still
// include these modules. Offline runs (`--sql`) live in `offline/`, which
// reads a Migrator by shape.

/** One applied step, as reported to `onStep` and returned by upgrade/downgrade. */
export interface AppliedStep {
  /** The revision applied or reverted. */
  revision: string;
  /** `up` for an upgrade step, `down` for a downgrade step. */
  direction: "up" | "down";
  /** The revision's parents (`downRevision`); empty for a base. */
  parents: string[];
  /** The revision's message. */
  message: string;
  /** How long the step took, including its commit. */
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
   *
   * @ignore Internal: engines are not part of the public API.
   */
  engine?: Engine<DialectName>;
}

/** What {@linkcode Migrator.pending} returns. */
export interface PendingReport {
  /** The database's version rows. */
  current: string[];
  /** What `upgrade` to the target would apply, in order. */
  pending: RevisionInfo[];
  /**
   * Problems `upgrade` would not fix: several unmerged heads, a migration
   * interrupted outside a transaction, a revision below the current ones
   * that never ran.
   */
  findings: Finding[];
}

/** Options of {@linkcode Migrator.history}. */
export interface HistoryOptions {
  /** `FROM:TO`, either side optional (e.g. `base:head`, `ae10:`, `-3:current`). */
  range?: string | undefined;
  /** Mark the database's current revisions (`isCurrent`; reads the database). */
  indicateCurrent?: boolean;
}

/**
 * Runs commands for one project directory and database.
 *
 * @example The short form: settings given directly, nothing read from the environment
 * ```ts
 * import assert from "node:assert/strict";
 * import { Migrator } from "@strata/strata";
 * const dir = await Deno.makeTempDir(); // the migrations directory, empty here
 * const migrator = new Migrator({ url: "sqlite::memory:", dir });
 * try {
 *   const { pending } = await migrator.pending();
 *   if (pending.length) await migrator.upgrade("head");
 *   assert.deepEqual(await migrator.current(), []);
 * } finally {
 *   await migrator.close();
 *   await Deno.remove(dir);
 * }
 * ```
 */
export class Migrator {
  /** The resolved configuration. */
  readonly config: Config;
  #engine: Engine<DialectName> | undefined;
  #options: MigratorOptions;
  #scripts: Script[] | undefined;
  #byRevision: Map<string, Script> | undefined;
  #map: RevisionMap | undefined;
  #driver: Driver | undefined;

  /**
   * Makes a migrator. Nothing is read or opened until a method needs it.
   *
   * @param config Settings (`{ url, dir }`, read as given) or a configuration
   *   from `resolveConfig` (the CLI's layers).
   * @param options Progress callbacks.
   * @throws {ConfigError} For a malformed URL or setting in the short form.
   */
  constructor(config: Config | Settings, options: MigratorOptions = {}) {
    this.config = isConfig(config) ? config : configFromSettings(config);
    this.#options = options;
  }

  /**
   * The engine whose dialect and capabilities the run uses: the one the
   * options name, else `--dialect` (offline), else the URL's or the config
   * file's.
   *
   * @throws {ConfigError} When no database is configured and none was named.
   * @ignore Internal: used by the CLI and the offline writer.
   */
  get engine(): Engine<DialectName> {
    if (this.#engine) return this.#engine;
    const name = this.#options.dialect ?? this.config.dialect;
    if (this.#options.engine === undefined && name === undefined) {
      throw noDatabaseError(this.config);
    }
    this.#engine = this.#options.engine ?? engineByName(name!);
    return this.#engine;
  }

  /**
   * The engine's dialect.
   *
   * @throws {ConfigError} When no database is configured and none was named.
   * @ignore Internal: used by the CLI and the offline writer.
   */
  get dialect(): Dialect {
    return this.engine.dialect;
  }

  /** The database URL; a missing one is an error (exit 2) before anything is opened. */
  #url(): DatabaseUrl {
    if (this.config.url === undefined) throw noDatabaseError(this.config);
    return this.config.url;
  }

  /**
   * The discovered migration files (read once).
   *
   * @returns The scripts, sorted by file name.
   * @ignore Internal: used by the CLI and the offline writer.
   */
  async scripts(): Promise<Script[]> {
    this.#scripts ??= await discoverScripts(this.config.dir);
    return this.#scripts;
  }

  /** The discovered scripts by revision id (built once). */
  async #scriptMap(): Promise<Map<string, Script>> {
    this.#byRevision ??= new Map((await this.scripts()).map((s) => [s.revision, s]));
    return this.#byRevision;
  }

  /**
   * The validated revision graph (built once).
   *
   * @returns The graph.
   * @ignore Internal: used by the CLI and the offline writer.
   */
  async graph(): Promise<RevisionMap> {
    this.#map ??= RevisionMap.build(await this.scripts());
    return this.#map;
  }

  /**
   * The open connection (opened on first use).
   *
   * @returns The driver.
   * @ignore Internal: used by the CLI.
   */
  async driver(): Promise<Driver> {
    if (!this.#driver) {
      const { statementLockTimeoutMs } = this.config as Partial<Config>;
      const { applicationName } = this.#options;
      this.#driver = await openDriver(this.#url(), {
        ...(statementLockTimeoutMs === undefined ? {} : { statementLockTimeoutMs }),
        ...(applicationName === undefined ? {} : { applicationName }),
      });
      this.#driver.onWarning = this.#options.onWarning;
    }
    return this.#driver;
  }

  /**
   * The history table's entries, oldest first (none when it does not exist).
   *
   * @ignore Internal: used by `validate`, `pending` and the runner's checks.
   */
  async historyEntries(q?: Queryable): Promise<HistoryEntry[]> {
    return await readHistory(q ?? await this.driver(), this.dialect, this.config.historyTable);
  }

  /**
   * Closes the connection if one was opened. The migrator can be used again:
   * the next method that needs the database opens a new connection.
   *
   * @returns When the connection is closed.
   */
  async close(): Promise<void> {
    const d = this.#driver;
    this.#driver = undefined;
    if (d) await d.close();
  }

  /**
   * Waits until the database accepts connections (see `runner/wait.ts`).
   *
   * @param options Timeout (default 60 s) and the progress callback.
   * @returns The number of checks and the time waited.
   * @throws {ConnectionError} On timeout, or at once for a rejected login.
   */
  async wait(options: WaitOptions = {}): Promise<WaitResult> {
    return await waitForDatabase(this.#url(), options);
  }

  /**
   * The revisions, newest first, as data (`strata history`).
   *
   * @param options A `FROM:TO` range and whether to mark the current
   *   revisions. The database is read only when asked to mark them or when
   *   the range is relative to it (`current`, `-N`, `+N`).
   * @returns The revisions in the range.
   * @throws {GraphError} For an unsound graph or a bad range.
   */
  async history(options: HistoryOptions = {}): Promise<RevisionInfo[]> {
    const map = await this.graph();
    const range = options.range;
    const needDb = options.indicateCurrent === true ||
      (range?.includes("current") ?? false) ||
      (range !== undefined && /(^|:)\s*[-+]\d/.test(range));
    const rows = needDb ? await this.current() : [];
    const current = options.indicateCurrent ? new Set(rows) : undefined;
    return historyRange(map, range, rows).map((n) => revisionInfo(map, n.revision, current));
  }

  /**
   * What `upgrade` to `target` would apply, without applying it, and what
   * it would not fix (reads the database, takes no lock).
   *
   * @param target A target (default: `head`, or every head as a finding
   *   when there are several).
   * @returns The version rows, the pending revisions in order and the findings.
   */
  async pending(target?: string): Promise<PendingReport> {
    const map = await this.graph();
    const { current, pending, findings } = await pendingReport(this, target);
    return { current, pending: pending.map((s) => revisionInfo(map, s.revision)), findings };
  }

  /**
   * The version rows in the database: the revisions it is at, one per head.
   *
   * @param q A connection or transaction to read through (default: the
   *   migrator's own).
   * @returns The rows, sorted; empty when the version table does not exist
   *   yet (it is not created by reading).
   */
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
            ...(this.#options.onWarning ? { onWarning: this.#options.onWarning } : {}),
            ...(this.#options.onBulkProgress
              ? { onBulkProgress: this.#options.onBulkProgress }
              : {}),
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
    const file = backup.kind === "copyFile" ? backup.file(this.#url()) : undefined;
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
