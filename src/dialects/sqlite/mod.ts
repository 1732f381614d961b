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
 *   inspectTable: () => Promise.resolve(undefined),
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
import type { DatabaseUrl } from "../../config/url.ts";
import type { Dialect } from "../dialect.ts";
import type { Engine } from "../engine.ts";
import { quoteIdent } from "../_common/quote.ts";
import { historySql } from "../_common/history.ts";
import { introspect } from "./introspect.ts";
import { inline, literal } from "./literal.ts";
import { renderSqlite } from "./render.ts";
import { defaultSql, normalizeType } from "./types.ts";
import { recordStep, sqliteVersionSql } from "./version.ts";

const dialect: Dialect = {
  name: "sqlite",
  render: renderSqlite,
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
};

/** The database file a SQLite URL names (`:memory:` for an in-memory one). */
function pathOf(url: DatabaseUrl): string {
  if (url.dialect !== "sqlite") throw new Error(`Not a SQLite URL: ${url.dialect}`);
  return url.path;
}

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
  urlExamples: [
    "sqlite:PATH",
    "sqlite::memory:",
    "sqlite:///relative.db",
    "sqlite:////absolute.db",
  ],
  async openDriver(url, { readOnly, statementLockTimeoutMs }) {
    const { openSqlite } = await import("../../drivers/sqlite.ts");
    return openSqlite(pathOf(url), {
      readOnly,
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
        const path = pathOf(url);
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
  },
};
