/**
 * The PostgreSQL engine: postgres.js behind the driver (loaded only for a
 * PostgreSQL URL), the dialect that renders changes, writes Strata's own
 * statements, introspects a schema and writes literals for offline scripts,
 * and what PostgreSQL can do.
 *
 * Type vocabulary: portable names where one fits (`./types.ts`); defaults as
 * `pg_get_expr()` prints them with casts stripped from literals
 * (`./defaults.ts`).
 *
 * @example Rendering a change
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresEngine } from "./mod.ts";
 * const ctx = {
 *   transactional: true,
 *   query: () => Promise.resolve([]),
 * };
 * const [stmt] = await postgresEngine.dialect.render(
 *   { kind: "dropTable", table: "order", ifExists: true },
 *   ctx,
 * );
 * assert.equal(stmt?.sql, 'DROP TABLE IF EXISTS "order"');
 * ```
 *
 * @module
 */
import { quoteIdent } from "../_common/quote.ts";
import { historySql } from "../_common/history.ts";
import type { Dialect, RenderSession } from "../dialect.ts";
import type { Engine } from "../engine.ts";
import { postgresAutogen } from "./autogen.ts";
import { defaultSql } from "./defaults.ts";
import { inline } from "./inline.ts";
import { introspect } from "./introspect.ts";
import { literal } from "./literal.ts";
import { render } from "./render.ts";
import { normalizeType } from "./types.ts";
import {
  asPostgresUrl,
  displayPostgresUrl,
  parsePostgresUrl,
  POSTGRES_URL_EXAMPLES,
  POSTGRES_URL_PARTS,
  postgresHasPassword,
} from "./url.ts";
import { postgresVersionSql, recordStep } from "./version.ts";
import { INVALID_INDEXES } from "./invalid_index.ts";

/** PostgreSQL holds nothing back between changes: every change renders on its own. */
const SESSION: RenderSession = {
  flushFor: () => Promise.resolve([]),
  render,
  flush: () => Promise.resolve([]),
};

/** `introspect` also accepts `{ schema }` (default `public`). */
const dialect: Dialect = {
  name: "postgres",
  render,
  session: () => SESSION,
  versionSql: postgresVersionSql,
  historySql: historySql(render),
  recordStep,
  invalidIndexes: INVALID_INDEXES,
  script: { preamble: [], begin: "BEGIN", commit: "COMMIT" },
  introspect,
  quoteIdent,
  normalizeType,
  defaultSql,
  literal,
  inline,
  autogen: postgresAutogen,
};

/**
 * The PostgreSQL {@linkcode Engine}.
 *
 * @example What it can do
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresEngine } from "./mod.ts";
 * assert.equal(postgresEngine.capabilities.transactionalDdl, true);
 * assert.equal(postgresEngine.capabilities.backup.kind, "none");
 * ```
 */
export const postgresEngine: Engine<"postgres"> = {
  name: "postgres",
  title: "PostgreSQL",
  // SQLAlchemy's `postgresql+psycopg://` looks up `postgresql`.
  schemes: ["postgres", "postgresql"],
  urlExamples: POSTGRES_URL_EXAMPLES,
  parseUrl: (rest, raw) => parsePostgresUrl(rest, raw),
  displayUrl: displayPostgresUrl,
  hasPassword: postgresHasPassword,
  // A host name is no clue: "db" could be anything.
  guessUrl: () => undefined,
  initExample: "postgres://USER@HOST:5432/DBNAME   (a password: USER:PASSWORD@HOST)",
  urlParts: POSTGRES_URL_PARTS,
  async openDriver(url, { readOnly, connectTimeoutS, statementLockTimeoutMs, applicationName }) {
    const pg = asPostgresUrl(url);
    const { openPostgres } = await import("../../drivers/postgres.ts");
    return await openPostgres(pg, {
      readOnly,
      ...(connectTimeoutS ? { connectTimeoutS } : {}),
      ...(statementLockTimeoutMs === undefined ? {} : { statementLockTimeoutMs }),
      ...(applicationName === undefined ? {} : { applicationName }),
    });
  },
  dialect,
  capabilities: {
    transactionalDdl: true,
    lock: "advisory",
    backup: { kind: "none", hint: "use pg_dump for PostgreSQL" },
    // The renderer never inspects the database, so offline runs need no replay.
    shadow: { kind: "none" },
    // ALTER TYPE … ADD VALUE: "the new value cannot be used until after the
    // transaction has been committed" (PostgreSQL's ALTER TYPE notes).
    enumValueUsableBeforeCommit: false,
  },
};
