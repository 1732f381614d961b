/**
 * The offline writer (`--sql`): runs the planned steps through the same
 * {@linkcode runStep} as a live run, but into a sink that writes each
 * statement as text with its parameters inlined as literals. Nothing connects
 * to the database.
 *
 * A dialect that inspects while rendering (SQLite's rebuild reads the table's
 * current shape) gets a "shadow" from its engine's shadow capability: a
 * throwaway database (SQLite: in memory) that replays every statement,
 * including the steps before `FROM`, so the dialect can inspect it exactly as
 * it would a live database. The replay waits until the dialect first reads
 * (lazy_shadow.ts): a script that rebuilds nothing never replays at all.
 *
 * @module
 */
import type { Change } from "../changes/change.ts";
import type { MigrationModule } from "../changes/op.ts";
import type { Dialect } from "../dialects/dialect.ts";
import type { Engine } from "../dialects/engine.ts";
import type { Driver, Queryable, Row, Statement } from "../drivers/driver.ts";
import type { Step } from "../graph/plan.ts";
import { OfflineError, StrataError } from "../errors.ts";
import type { Script } from "../script/script.ts";
import { stepArrow } from "../apply/describe.ts";
import { createOwnTables } from "../apply/own_tables.ts";
import { runStep } from "../apply/step.ts";
import { VERSION } from "../version.ts";
import { LazyShadow } from "./lazy_shadow.ts";
import { messageLine } from "../text.ts";

/** Options of {@linkcode renderOfflineScript}. */
export interface OfflineOptions {
  /** The engine: its dialect writes the statements; its capabilities say how. */
  engine: Engine;
  /** Steps to replay silently first (base → FROM), so the shadow matches FROM. */
  replay: Step[];
  /** Steps to write. */
  steps: Step[];
  scripts: ReadonlyMap<string, Script>;
  modules: ReadonlyMap<string, MigrationModule>;
  versionTable: string;
  historyTable: string;
  /**
   * `migration`: BEGIN/COMMIT around each (none for an engine without
   * transactional DDL); `run`: one transaction for all.
   */
  transactionPer: "migration" | "run";
  /** The header's range line, e.g. `upgrade base:e3a90c6b1f57`. */
  range: string;
  /** Adds a generation timestamp to the header (off by default: output is deterministic). */
  timestamp?: Date;
  /** Called with a warning line (e.g. what a `cascade: true` drop removes). */
  onWarning?: (message: string) => void;
}

const NO_QUERY = (what: string) =>
  new OfflineError(`${what} needs a live database and cannot run under --sql`, {
    hint: "guard reads with `if (!op.isOffline) { … }` in the migration, or run it live",
  });

/** A sink that writes statements as text (and mirrors them into the shadow). */
class ScriptSink implements Queryable {
  readonly lines: string[] = [];
  #dialect: Dialect;
  #shadow: Queryable | undefined;
  #write: boolean;

  constructor(dialect: Dialect, shadow: Queryable | undefined, write: boolean) {
    this.#dialect = dialect;
    this.#shadow = shadow;
    this.#write = write;
  }

  set write(on: boolean) {
    this.#write = on;
  }

  async execute(stmt: Statement): Promise<void> {
    if (this.#write) {
      for (const text of this.#dialect.inline(stmt)) this.lines.push(terminate(text));
    }
    if (this.#shadow) await this.#shadow.execute(stmt);
  }

  query(_sql: string, _params?: readonly unknown[]): Promise<Row[]> {
    return Promise.reject(NO_QUERY("op.query()"));
  }

  comment(text: string): void {
    if (this.#write) this.lines.push(...text.split("\n").map((l) => `-- ${l}`.trimEnd()));
  }

  raw(text: string): void {
    if (this.#write) this.lines.push(text);
  }
}

function terminate(sql: string): string {
  const t = sql.trimEnd();
  return t.endsWith(";") ? t : `${t};`;
}

/** An inspector for dialects that never inspect (PostgreSQL): any use is an offline error. */
const NO_INSPECT: Queryable = {
  execute: () => Promise.reject(NO_QUERY("Introspection")),
  query: () => Promise.reject(NO_QUERY("Introspection")),
};

/**
 * Renders the offline script for a plan.
 *
 * @param options Steps, modules and output choices.
 * @returns The whole script (callers write it only on success, so `-o FILE`
 *   never holds a partial script).
 * @throws {OfflineError} When a migration needs a live database.
 */
export async function renderOfflineScript(options: OfflineOptions): Promise<string> {
  const { dialect, capabilities } = options.engine;
  if (options.transactionPer === "run" && !capabilities.transactionalDdl) {
    throw new StrataError(
      `Cannot write one transaction for the run: ${options.engine.title} has no transactional DDL`,
      { exitCode: 2, hint: "use the default --transaction-per migration" },
    );
  }
  const shadow: Driver | undefined = capabilities.shadow.kind === "replay"
    ? await capabilities.shadow.open()
    : undefined;
  try {
    // Statements reach the shadow only when a dialect reads it (lazy_shadow.ts).
    const lazy = shadow ? new LazyShadow(shadow) : undefined;
    const sink = new ScriptSink(dialect, lazy, false);
    const inspector = lazy ?? NO_INSPECT;
    const preamble = dialect.script.preamble.map((sql) => ({ sql }));
    const setup = await createOwnTables(dialect, options);
    for (const s of [...preamble, ...setup]) await sink.execute(s);
    // The replay up to FROM is silent: its warnings were given when it ran.
    const { onWarning: _silent, ...replay } = options;
    for (const step of options.replay) {
      if (lazy) lazy.revision = step.revision;
      await writeStep(step, sink, inspector, replay);
    }

    sink.write = true;
    sink.comment(
      [
        `Strata ${VERSION} offline migration script`,
        `dialect: ${dialect.name}`,
        `range: ${options.range}`,
        ...(options.timestamp ? [`generated: ${options.timestamp.toISOString()}`] : []),
      ].join("\n"),
    );
    sink.raw("");
    // The preamble goes before any BEGIN: SQLite ignores `PRAGMA foreign_keys`
    // inside a transaction (https://sqlite.org/pragma.html#pragma_foreign_keys).
    for (const s of preamble) {
      for (const text of dialect.inline(s)) sink.raw(terminate(text));
    }
    const begin = terminate(dialect.script.begin);
    const commit = terminate(dialect.script.commit);
    if (options.transactionPer === "run") sink.raw(begin);
    for (const s of setup) {
      for (const text of dialect.inline(s)) sink.raw(terminate(text));
    }
    // A value op.addEnumValue adds cannot be used before COMMIT on some
    // engines: in one transaction for the run, a later migration could.
    let addedEnumValue: { revision: string; change: Change } | undefined;
    for (const step of options.steps) {
      const script = options.scripts.get(step.revision)!;
      if (addedEnumValue && options.transactionPer === "run") {
        throw enumValueInRunError(addedEnumValue.revision, addedEnumValue.change, options.engine);
      }
      sink.raw("");
      const arrow = stepArrow({ ...step, parents: script.downRevisions });
      sink.comment(`Running ${arrow}: ${messageLine(script.message)}`);
      const own = options.transactionPer === "migration" && script.transactional &&
        capabilities.transactionalDdl;
      if (options.transactionPer === "run" && !script.transactional) {
        throw new StrataError(
          `Migration ${step.revision} has transactional = false and cannot run inside --transaction-per run`,
          { exitCode: 2, hint: "use the default --transaction-per migration" },
        );
      }
      if (own) sink.raw(begin);
      if (lazy) lazy.revision = step.revision;
      await writeStep(step, sink, inspector, options, (change) => {
        if (change.kind === "addEnumValue" && !capabilities.enumValueUsableBeforeCommit) {
          addedEnumValue ??= { revision: step.revision, change };
        }
      });
      if (own) sink.raw(commit);
    }
    if (options.transactionPer === "run") sink.raw(`\n${commit}`);
    return sink.lines.join("\n") + "\n";
  } finally {
    await shadow?.close();
  }
}

/**
 * The refusal of a `--transaction-per run` script in which a migration that
 * adds an enum value is followed by others (see `enumValueUsableBeforeCommit`).
 */
function enumValueInRunError(revision: string, change: Change, engine: Engine): StrataError {
  const what = change.kind === "addEnumValue"
    ? `adds value "${change.value}" to enum "${change.name}"`
    : "adds an enum value";
  return new StrataError(
    `Cannot write one transaction for the run: migration ${revision} ${what}, and ` +
      `${engine.title} cannot use a new enum value before the transaction commits`,
    {
      exitCode: 2,
      hint: "use the default --transaction-per migration, or write the run in two parts " +
        `(up to ${revision}, then from it)`,
    },
  );
}

async function writeStep(
  step: Step,
  sink: ScriptSink,
  inspector: Queryable,
  options: OfflineOptions,
  onChange?: (change: Change) => void,
): Promise<void> {
  const module = options.modules.get(step.revision)!;
  const script = options.scripts.get(step.revision)!;
  await runStep(module, step, {
    dialect: options.engine.dialect,
    q: sink,
    inspector,
    versionTable: options.versionTable,
    isOffline: true,
    transactional: script.transactional && options.engine.capabilities.transactionalDdl,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    history: { table: options.historyTable, checksum: script.checksum },
    ...(onChange ? { onChange } : {}),
  });
}
