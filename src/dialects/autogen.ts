/**
 * What autogenerate, `check` and `schema dump` need from a dialect beyond
 * rendering and introspection: a scratch space in which a declared schema is
 * built and read back (Atlas's "dev database", so both sides of a comparison
 * pass through the same introspector and the database's own canonical forms),
 * the names the database gives unnamed constraints, expression text in a
 * comparable form, and the schema as DDL text.
 *
 * @module
 */
import type { Statement } from "../drivers/driver.ts";
import type { Schema } from "../schema/model.ts";
import type { DatabaseUrl } from "./database_url.ts";

/**
 * Where a scratch copy of a schema can be built and thrown away:
 * `memory`: every connection to `url` is a new, empty database (SQLite), and
 * `isMemory` tells whether a URL names such a database (a `--dev-url` must);
 * `schema`: inside a transaction that is always rolled back, the `enter`
 * statements make unqualified DDL land in a private scratch schema, and
 * `nameQuery` reads that schema's name back (one row with a `name` column,
 * or none while nothing was created in it) (PostgreSQL, whose DDL is
 * transactional).
 */
export type ScratchSpace =
  | {
    readonly kind: "memory";
    readonly url: string;
    isMemory(url: DatabaseUrl): boolean;
  }
  | { readonly kind: "schema"; readonly enter: readonly Statement[]; readonly nameQuery: string };

/** A dialect's support for autogenerate, `check` and `schema dump`. */
export interface AutogenSupport {
  /** Where a declared schema is normalised. */
  readonly scratch: ScratchSpace;
  /**
   * Creating and dropping a scratch database on a server, for `--dev-url`
   * (absent when `scratch` is `memory`: a new connection is the scratch database).
   */
  readonly devDatabase?: {
    create(name: string): Statement[];
    drop(name: string): Statement[];
    /** `url` with its database replaced by `name` (same server and login). */
    urlFor(url: DatabaseUrl, name: string): DatabaseUrl;
  };
  /**
   * The name the database gives an unnamed unique constraint or foreign key
   * on `columns` of `table`, or `null` when it gives none or it is not predictable.
   */
  implicitConstraintName(
    kind: "unique" | "foreignKey",
    table: string,
    columns: readonly string[],
  ): string | null;
  /**
   * Expression text (a CHECK or an index predicate, as the introspector
   * reports it) in a form where equal expressions are equal strings.
   */
  normalizeExpr(sql: string): string;
  /**
   * Writes a schema as DDL statements (without terminators), deterministic:
   * enums, tables by name with their indexes, then what must follow them.
   */
  dumpSql(schema: Schema): Promise<string[]>;
}
