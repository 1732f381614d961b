/**
 * The error family Strata throws. The library throws; only the CLI prints
 * `error: …` / `hint: …` and turns {@linkcode StrataError.exitCode} into the
 * process exit code.
 *
 * Exit codes (DESIGN.md): 0 ok, 1 runtime failure, 2 bad usage, configuration
 * or graph, 3 a check found something.
 *
 * @module
 */

/** Process exit codes used by the CLI. */
export const EXIT = {
  OK: 0,
  RUNTIME: 1,
  USAGE: 2,
  CHECK: 3,
} as const;

/** Options accepted by every {@linkcode StrataError}. */
export interface StrataErrorOptions {
  /** A short suggestion printed as `hint: …`. */
  hint?: string | undefined;
  /** The underlying error. */
  cause?: unknown;
  /** Overrides the class's default exit code. */
  exitCode?: number;
}

/**
 * Base class of every error a user may see. Messages follow std's style:
 * sentence case, no final period, values in quotes.
 *
 * @example Throwing with a hint
 * ```ts
 * import assert from "node:assert/strict";
 * import { StrataError } from "./errors.ts";
 * const err = new StrataError('Cannot find revision "abc"', { hint: "run `strata history`" });
 * assert.equal(err.exitCode, 1);
 * assert.equal(err.hint, "run `strata history`");
 * ```
 *
 * @example Telling a user's mistake from a bug
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError, Migrator, StrataError } from "./mod.ts";
 * try {
 *   new Migrator({ url: "mysql://db/app" });
 *   assert.fail("an unknown scheme must throw");
 * } catch (e) {
 *   assert(e instanceof StrataError && e instanceof ConfigError);
 *   assert.equal(e.exitCode, 2);
 *   assert.match(e.message, /unsupported scheme "mysql"/);
 * }
 * ```
 */
export class StrataError extends Error {
  /** The exit code the CLI uses for this error. */
  exitCode: number;
  /** A suggestion for the user, if one helps. */
  hint: string | undefined;

  /**
   * Makes an error with exit code 1 unless `options.exitCode` says otherwise.
   *
   * @param message One line describing what failed.
   * @param options Hint, cause and exit code.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StrataError";
    this.exitCode = options.exitCode ?? EXIT.RUNTIME;
    this.hint = options.hint;
  }
}

/** Bad command-line usage: unknown flag, missing argument (exit 2). */
export class UsageError extends StrataError {
  /**
   * Makes a usage error (exit 2).
   *
   * @param message What is wrong.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.USAGE, ...options });
    this.name = "UsageError";
  }
}

/** Bad configuration: malformed URL, unknown setting (exit 2). */
export class ConfigError extends StrataError {
  /**
   * Makes a configuration error (exit 2).
   *
   * @param message What is wrong.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.USAGE, ...options });
    this.name = "ConfigError";
  }
}

/** A migration file that cannot be used: syntax error, missing export (exit 2). */
export class ScriptError extends StrataError {
  /** The offending file. */
  file: string;
  /**
   * Makes an error about one migration file (exit 2).
   *
   * @param file Path of the migration file.
   * @param message What is wrong with it.
   * @param options Hint and cause.
   */
  constructor(file: string, message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.USAGE, ...options });
    this.name = "ScriptError";
    this.file = file;
  }
}

/** The revision graph is unsound or a target cannot be resolved (exit 2). */
export class GraphError extends StrataError {
  /**
   * Makes a graph error (exit 2).
   *
   * @param message What is wrong.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.USAGE, ...options });
    this.name = "GraphError";
  }
}

/** The graph contains a cycle through {@linkcode CycleError.revisions}. */
export class CycleError extends GraphError {
  /** Revisions on the cycle. */
  revisions: string[];
  /**
   * Makes a cycle error (exit 2).
   *
   * @param revisions The cycle.
   * @param message Description.
   * @param options Hint.
   */
  constructor(revisions: string[], message: string, options: StrataErrorOptions = {}) {
    super(message, options);
    this.name = "CycleError";
    this.revisions = revisions;
  }
}

/** A target such as `head` or `-1` is ambiguous because there are several heads. */
export class MultipleHeadsError extends GraphError {
  /** The heads the user may choose from. */
  heads: string[];
  /** The argument that was ambiguous. */
  argument: string;
  /**
   * Makes the error; its hint lists the heads to choose from (exit 2).
   *
   * @param heads Candidate heads.
   * @param argument The target given.
   * @param message Description.
   */
  constructor(heads: string[], argument: string, message: string) {
    super(message, {
      hint: `name one of the heads (${heads.join(", ")}), or use "heads"`,
    });
    this.name = "MultipleHeadsError";
    this.heads = heads;
    this.argument = argument;
  }
}

/** A migration failed while running (exit 1). */
export class MigrationError extends StrataError {
  /** Revision of the failing migration. */
  revision: string;
  /**
   * Makes a migration failure (exit 1).
   *
   * @param revision The revision.
   * @param message Description.
   * @param options Hint and cause.
   */
  constructor(revision: string, message: string, options: StrataErrorOptions = {}) {
    super(message, options);
    this.name = "MigrationError";
    this.revision = revision;
  }
}

/** An SQL statement failed (exit 1). */
export class QueryError extends StrataError {
  /** The statement. */
  sql: string;
  /** 1-based character position of the error in `sql`, when the database reports one. */
  position: number | undefined;
  /**
   * Makes a statement failure (exit 1).
   *
   * @param sql The failing statement.
   * @param message The database's message.
   * @param options Position, hint and cause.
   */
  constructor(
    sql: string,
    message: string,
    options: StrataErrorOptions & { position?: number | undefined } = {},
  ) {
    super(message, options);
    this.name = "QueryError";
    this.sql = sql;
    this.position = options.position;
  }
}

/** The database cannot be reached or opened (exit 1). */
export class ConnectionError extends StrataError {
  /**
   * Makes a connection failure (exit 1).
   *
   * @param message Description (never containing a password).
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, options);
    this.name = "ConnectionError";
  }
}

/**
 * The version table is not what the run planned from: a checked statement
 * (see `Statement.expectChanges`) changed another number of rows, or the rows
 * read before a step differ. Something else changed the table meanwhile
 * (another run under another lock name, a stale plan). The step's
 * transaction rolls back; the runner re-plans or stops (exit 1).
 */
export class VersionConflictError extends StrataError {
  /** The statement that found the difference, if one did. */
  sql: string | undefined;
  /**
   * Makes a version conflict error (exit 1).
   *
   * @param message What differed.
   * @param options The statement, hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions & { sql?: string } = {}) {
    super(message, options);
    this.name = "VersionConflictError";
    this.sql = options.sql;
  }

  /**
   * The error for a checked statement that changed `actual` rows.
   *
   * @param sql The statement.
   * @param expected Rows it had to change.
   * @param actual Rows it changed; `undefined` after a unique-key violation.
   * @param cause The database's error, if any.
   * @returns The error.
   */
  static changed(
    sql: string,
    expected: number,
    actual: number | undefined,
    cause?: unknown,
  ): VersionConflictError {
    const did = actual === undefined ? "found the row it adds already there" : `changed ${actual}`;
    return new VersionConflictError(
      `The version table changed under this run: a statement ${did} where it had to change ${expected} ${
        expected === 1 ? "row" : "rows"
      }`,
      { sql, cause },
    );
  }
}

/** The migration lock was not acquired in time (exit 1). */
export class LockTimeoutError extends StrataError {
  /**
   * Makes a lock timeout (exit 1).
   *
   * @param message Description.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, options);
    this.name = "LockTimeoutError";
  }
}

/** Something that needs a live database was asked for under `--sql` (exit 2). */
export class OfflineError extends StrataError {
  /**
   * Makes an offline-run error (exit 2).
   *
   * @param message Description.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.USAGE, ...options });
    this.name = "OfflineError";
  }
}

/** A check (pending, validate, drift) found something (exit 3). */
export class CheckFailedError extends StrataError {
  /**
   * Makes a check finding (exit 3).
   *
   * @param message Description.
   * @param options Hint and cause.
   */
  constructor(message: string, options: StrataErrorOptions = {}) {
    super(message, { exitCode: EXIT.CHECK, ...options });
    this.name = "CheckFailedError";
  }
}
