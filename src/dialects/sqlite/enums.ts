/**
 * SQLite's enum types, kept in ONE place: Strata's `_strata_enums` table.
 * SQLite has no enum types, so `createEnum` writes the values there and
 * `dropEnum` deletes them; a column of type `enum:NAME` is written as TEXT
 * with a CHECK of the values read from there, and introspection reports the
 * enums from there, as PostgreSQL reports its types. Reads go through the
 * render context's query function, so inside a migration they see the
 * migration's own earlier `createEnum` (live: the same transaction; offline:
 * the replayed shadow database).
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { Reader } from "./introspect.ts";

/** Strata's enum table; `_strata_*` tables are left out of introspection. */
export const ENUM_TABLE = "_strata_enums";

const CREATE = `CREATE TABLE IF NOT EXISTS ${ENUM_TABLE} ` +
  "(name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL)";

/**
 * The statements that record a new enum type.
 *
 * @param name Enum name.
 * @param values Its values, in order.
 * @returns Create the table if needed, then insert the row.
 */
export function createEnumStatements(name: string, values: readonly string[]): Statement[] {
  return [
    { sql: CREATE },
    {
      sql: `INSERT INTO ${ENUM_TABLE} (name, vals) VALUES (?, ?)`,
      params: [name, JSON.stringify(values)],
    },
  ];
}

/**
 * The statements that forget an enum type.
 *
 * @param name Enum name.
 * @returns Create the table if needed, then delete the row.
 */
export function dropEnumStatements(name: string): Statement[] {
  return [{ sql: CREATE }, { sql: `DELETE FROM ${ENUM_TABLE} WHERE name = ?`, params: [name] }];
}

/**
 * The statement that records an enum's new list of values (the enum-value
 * changes; the CHECKs of its columns are rewritten by `_enum_alter.ts`).
 *
 * @param name Enum name.
 * @param values Its values, in order.
 * @returns One UPDATE of the enum's row.
 */
export function setEnumValuesStatement(name: string, values: readonly string[]): Statement {
  return {
    sql: `UPDATE ${ENUM_TABLE} SET vals = ? WHERE name = ?`,
    params: [JSON.stringify(values), name],
  };
}

/**
 * Reads every enum type.
 *
 * @param q A connection, transaction or render context.
 * @returns Values by enum name (empty when no enum was ever created).
 */
export async function readEnumTypes(q: Reader): Promise<Map<string, string[]>> {
  const exists = await q.query(
    "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ?",
    [ENUM_TABLE],
  );
  if (exists.length === 0) return new Map();
  const rows = await q.query(`SELECT name, vals FROM ${ENUM_TABLE} ORDER BY name`);
  return new Map(rows.map((r) => [String(r.name), JSON.parse(String(r.vals)) as string[]]));
}

/**
 * Reads one enum type's values.
 *
 * @param q A connection, transaction or render context.
 * @param name Enum name.
 * @returns The values.
 * @throws {StrataError} When no such enum was created.
 */
export async function enumValues(q: Reader, name: string): Promise<string[]> {
  const values = (await readEnumTypes(q)).get(name);
  if (values === undefined) {
    throw new StrataError(`Unknown enum "${name}" on sqlite`, {
      hint: `create it first with op.createEnum("${name}", [...])`,
    });
  }
  return values;
}
