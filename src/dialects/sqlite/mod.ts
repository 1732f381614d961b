/**
 * The SQLite engine: `node:sqlite` behind the driver, the dialect that renders
 * changes (with the table rebuild where `ALTER TABLE` falls short), writes
 * Strata's own statements, introspects a live schema and writes literals for
 * offline scripts, and what SQLite can do.
 *
 * @example Rendering a change
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqliteEngine } from "./mod.ts";
 * const ctx = {
 *   query: () => Promise.resolve([]),
 *   transactional: true,
 * };
 * const [stmt] = await sqliteEngine.dialect.render(
 *   { kind: "renameTable", table: "users", newName: "people" },
 *   ctx,
 * );
 * assert.equal(stmt?.sql, "ALTER TABLE users RENAME TO people");
 * ```
 *
 * @module
 */
import type { Dialect } from "../dialect.ts";
import type { Engine } from "../engine.ts";
import { sqliteAutogen } from "./autogen.ts";
import { quoteIdent } from "../_common/quote.ts";
import { historySql } from "../_common/history.ts";
import { introspect } from "./introspect.ts";
import { inline, literal } from "./literal.ts";
import { renderSqlite, SqliteSession } from "./session.ts";
import { defaultSql, normalizeType } from "./types.ts";
import {
  asSqliteUrl,
  displaySqliteUrl,
  guessSqliteUrl,
  parseSqliteUrl,
  SQLITE_URL_EXAMPLES,
} from "./url.ts";
import { recordStep, sqliteVersionSql } from "./version.ts";

const dialect: Dialect = {
  name: "sqlite",
  render: renderSqlite,
  session: () => new SqliteSession(),
  versionSql: sqliteVersionSql,
  historySql: historySql(renderSqlite),
  recordStep,
  script: { preamble: ["PRAGMA foreign_keys = OFF"], begin: "BEGIN", commit: "COMMIT" },
  introspect,
  quoteIdent,
  normalizeType,
  defaultSql,
  literal,
  inline,
  autogen: sqliteAutogen,
};

/**
 * The SQLite {@linkcode Engine}.
 *
 * @example Types and literals
 * ```ts
 * import assert from "node:assert/strict";
 * import { sqliteEngine } from "./mod.ts";
 * assert.equal(sqliteEngine.dialect.normalizeType("INT"), "integer");
 * assert.equal(sqliteEngine.dialect.literal("O'Brien"), "'O''Brien'");
 * ```
 */
export const sqliteEngine: Engine<"sqlite"> = {
  name: "sqlite",
  title: "SQLite",
  schemes: ["sqlite"],
  urlExamples: SQLITE_URL_EXAMPLES,
  parseUrl: parseSqliteUrl,
  displayUrl: displaySqliteUrl,
  // A SQLite URL names a file: it holds no credentials.
  hasPassword: () => false,
  guessUrl: guessSqliteUrl,
  initExample: "sqlite:app.db",
  urlParts: undefined,
  async openDriver(url, { readOnly, statementLockTimeoutMs }) {
    const { path, mode } = asSqliteUrl(url);
    const { openSqlite } = await import("../../drivers/sqlite.ts");
    // The URL's mode=ro/rw: read-only, or an existing file only.
    return openSqlite(path, {
      readOnly: readOnly || mode === "ro",
      create: mode === "rwc",
      ...(statementLockTimeoutMs === undefined ? {} : { busyTimeoutMs: statementLockTimeoutMs }),
    });
  },
  dialect,
  capabilities: {
    transactionalDdl: true,
    lock: "file",
    backup: {
      kind: "copyFile",
      file: (url) => {
        const { path } = asSqliteUrl(url);
        return path === ":memory:" ? undefined : path;
      },
      // A consistent copy even while others read (https://sqlite.org/lang_vacuum.html#vacuuminto).
      statement: (dest) => ({ sql: "VACUUM INTO ?", params: [dest] }),
    },
    shadow: {
      kind: "replay",
      async open() {
        const { openSqlite } = await import("../../drivers/sqlite.ts");
        return openSqlite(":memory:");
      },
    },
    // An enum is a row and a CHECK here: a new value is usable at once.
    enumValueUsableBeforeCommit: true,
  },
};
