/**
 * The dialect registry.
 *
 * @module
 */
import type { Dialect, DialectName } from "./dialect.ts";
import { postgresDialect } from "./postgres/mod.ts";
import { sqliteDialect } from "./sqlite/mod.ts";

/**
 * Returns the dialect for a name.
 *
 * @param name `sqlite` or `postgres`.
 * @returns The dialect.
 */
export function getDialect(name: DialectName): Dialect {
  return name === "sqlite" ? sqliteDialect : postgresDialect;
}
