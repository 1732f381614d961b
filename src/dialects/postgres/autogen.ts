/**
 * PostgreSQL's support for autogenerate, `check` and `schema dump`: the
 * session's temporary schema as scratch space, inside a transaction that is
 * always rolled back (DDL is transactional, so nothing is left behind),
 * scratch databases for
 * `--dev-url`, the names PostgreSQL gives unnamed constraints, and the
 * schema as DDL.
 *
 * @module
 */
import type { AutogenSupport } from "../autogen.ts";
import type { Schema } from "../../schema/model.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent } from "../_common/quote.ts";
import { schemaChanges } from "../../schema/to_changes.ts";
import { render } from "./render.ts";
import { asPostgresUrl, parsePostgresUrl } from "./url.ts";

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_NAME_BYTES = 63;

const DUMP_CONTEXT: RenderContext = {
  query: () => Promise.resolve([]),
  transactional: true,
};

/**
 * The {@linkcode AutogenSupport} of PostgreSQL.
 *
 * @example Implicit names
 * ```ts
 * import assert from "node:assert/strict";
 * import { postgresAutogen } from "./autogen.ts";
 * const name = postgresAutogen.implicitConstraintName("unique", "users", ["email"]);
 * assert.equal(name, "users_email_key");
 * ```
 */
export const postgresAutogen: AutogenSupport = {
  scratch: {
    kind: "schema",
    // The session's temporary schema: every role may use it (TEMP is granted to
    // PUBLIC by default, CREATE on the database is not), and it is searched first
    // for tables and types, so unqualified DDL lands there and catalog functions
    // print its objects unqualified, as in `public`. For this transaction only.
    enter: [{
      sql: "SELECT set_config('search_path', 'pg_temp, ' || current_setting('search_path'), true)",
    }],
    nameQuery:
      "SELECT nspname::text AS name FROM pg_catalog.pg_namespace WHERE oid = pg_my_temp_schema()",
  },
  devDatabase: {
    create: (name) => [{ sql: `CREATE DATABASE ${quoteIdent(name)}` }],
    drop: (name) => [{ sql: `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)` }],
    urlFor(url, name) {
      const u = new URL(asPostgresUrl(url).url);
      u.pathname = `/${encodeURIComponent(name)}`;
      const text = u.toString();
      return parsePostgresUrl(text.slice(text.indexOf(":") + 1), text);
    },
  },
  implicitConstraintName(kind, table, columns) {
    // ChooseConstraintName: <table>_<columns>_key / _fkey, when it fits untruncated.
    const name = `${table}_${columns.join("_")}_${kind === "unique" ? "key" : "fkey"}`;
    return new TextEncoder().encode(name).length <= MAX_NAME_BYTES ? name : null;
  },
  // pg_get_constraintdef() and pg_get_expr() already print one canonical form.
  normalizeExpr: (sql) => sql.trim(),
  async dumpSql(schema) {
    // The model has no sequences: create the ones column defaults use, so the
    // dump loads into an empty database (a serial column, or a sequence made
    // by hand with op.execute).
    const out = defaultSequences(schema).map((name) => `CREATE SEQUENCE ${name}`);
    for (const change of schemaChanges(schema, { foreignKeys: "after" })) {
      for (const stmt of await render(change, DUMP_CONTEXT)) out.push(stmt.sql);
    }
    return out;
  },
};

/**
 * The sequences that column defaults call `nextval()` on, as PostgreSQL
 * prints their names in the default (already quoted where needed, e.g.
 * `"Order Seq"` or `app.ids`), sorted and without repeats.
 *
 * @param schema The introspected schema.
 * @returns Sequence names, ready to follow `CREATE SEQUENCE`.
 */
export function defaultSequences(schema: Schema): string[] {
  const names = new Set<string>();
  for (const table of schema.tables) {
    for (const column of table.columns) {
      for (const m of (column.default ?? "").matchAll(/\bnextval\('((?:[^']|'')+)'/gi)) {
        names.add(m[1]!.replaceAll("''", "'"));
      }
    }
  }
  return [...names].sort();
}
