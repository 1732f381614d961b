/**
 * Enum value rename hints (`--rename-enum-value mood.sad:blue`): checked
 * against both sides of a comparison, and applied to the current side's
 * column defaults. Private to `src/autogen/`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { EnumType, Schema } from "../schema/model.ts";

const q = (text: string) => JSON.stringify(text);

/**
 * Checks the value-rename hints against both sides.
 *
 * @param hints Renames by enum, old value → new value.
 * @param from The current enums.
 * @param to The declared enums.
 * @param labels How messages name the two sides.
 * @returns The renames of each enum, in the order given.
 * @throws {UsageError} When a hint names an enum or value that is not there,
 *   a new value the current side has already, an old value the declared
 *   side still has, or the same new value twice.
 */
export function enumRenames(
  hints: Readonly<Record<string, Readonly<Record<string, string>>>>,
  from: readonly EnumType[],
  to: readonly EnumType[],
  labels: { from: string; to: string },
): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  for (const [name, pairs] of Object.entries(hints)) {
    const f = from.find((e) => e.name === name);
    const t = to.find((e) => e.name === name);
    const taken = new Set<string>();
    for (const [old, next] of Object.entries(pairs)) {
      const fail = (detail: string) =>
        new UsageError(`Cannot use --rename-enum-value "${name}.${old}:${next}": ${detail}`);
      if (!f) throw fail(`there is no enum ${q(name)} in ${labels.from}`);
      if (!t) throw fail(`there is no enum ${q(name)} in ${labels.to}`);
      if (!f.values.includes(old)) {
        throw fail(`enum ${q(name)} has no value ${q(old)} in ${labels.from}`);
      }
      if (!t.values.includes(next)) {
        throw fail(`enum ${q(name)} has no value ${q(next)} in ${labels.to}`);
      }
      if (f.values.includes(next)) {
        throw fail(`enum ${q(name)} has the value ${q(next)} already in ${labels.from}`);
      }
      if (t.values.includes(old)) {
        throw fail(`enum ${q(name)} still has the value ${q(old)} in ${labels.to}`);
      }
      if (taken.has(next)) throw fail(`another hint renames a value of ${q(name)} to ${q(next)}`);
      taken.add(next);
      out.set(name, [...(out.get(name) ?? []), [old, next]]);
    }
  }
  return out;
}

/**
 * The current schema with the columns' defaults that hold a renamed value
 * holding the new one, as they will once the rename has run (both databases
 * rename a value in the defaults that hold it), so the rename is not
 * reported again as a changed default.
 *
 * @param schema The current schema.
 * @param renames The value renames by enum.
 * @returns The schema, with those defaults rewritten (the input is not changed).
 */
export function withRenamedDefaults(
  schema: Schema,
  renames: ReadonlyMap<string, readonly [string, string][]>,
): Schema {
  if (renames.size === 0) return schema;
  return {
    ...schema,
    tables: schema.tables.map((t) => ({
      ...t,
      columns: t.columns.map((c) => {
        const pairs = c.type.startsWith("enum:") ? renames.get(c.type.slice(5)) : undefined;
        if (pairs === undefined || c.default === null) return c;
        // A default is an SQL string literal, maybe with a cast: 'sad'::mood.
        const m = /^'((?:[^']|'')*)'(.*)$/s.exec(c.default.trim());
        if (!m) return c;
        const value = m[1]!.replaceAll("''", "'");
        const renamed = pairs.find(([old]) => old === value)?.[1];
        if (renamed === undefined) return c;
        return { ...c, default: `'${renamed.replaceAll("'", "''")}'${m[2]}` };
      }),
    })),
  };
}
