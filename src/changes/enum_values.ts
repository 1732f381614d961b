/**
 * What the enum-value changes (`addEnumValue`, `renameEnumValue`,
 * `dropEnumValue`, `alterEnum`) do to an enum's list of values, as a pure
 * function of the list. SQLite keeps the list itself (`_strata_enums`) and
 * uses this to write the new one; PostgreSQL keeps it in `pg_enum` and does
 * the same steps in SQL, with the same messages where both say something.
 *
 * @module
 */
import { StrataError } from "../errors.ts";
import type { EnumValueChange } from "./change.ts";

/** The longest enum value PostgreSQL stores, in bytes (`NAMEDATALEN - 1`). */
export const MAX_ENUM_VALUE_BYTES = 63;

/** What one change does to the list. */
export interface EnumListChange {
  /** The new list, in order. */
  values: string[];
  /** Values of the old list that the new one lacks: no row may hold them. */
  removed: string[];
  /** `renameEnumValue`: rows holding `from` hold `to` afterwards. */
  renamed?: { from: string; to: string };
}

/**
 * Says what is wrong with an enum value, if anything: it must be a non-empty
 * string of at most 63 bytes (PostgreSQL's limit) without a NUL character.
 *
 * @param value Anything a migration passed.
 * @returns The problem, or `undefined` for a good value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { enumValueProblem } from "./enum_values.ts";
 * assert.equal(enumValueProblem("happy"), undefined);
 * assert.equal(enumValueProblem(""), "is empty");
 * ```
 */
export function enumValueProblem(value: unknown): string | undefined {
  if (typeof value !== "string") {
    return `is a ${value === null ? "null" : typeof value}, not a string`;
  }
  if (value === "") return "is empty";
  if (value.includes("\0")) return "contains a NUL character";
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > MAX_ENUM_VALUE_BYTES) {
    return `is ${bytes} bytes long (PostgreSQL allows ${MAX_ENUM_VALUE_BYTES})`;
  }
  return undefined;
}

function q(text: string): string {
  return JSON.stringify(text);
}

/**
 * Applies one enum-value change to the enum's current values.
 *
 * @param current The values now, in order.
 * @param change The change (its `name` is used in messages).
 * @returns The new list and what it removes or renames, or `null` when the
 *   change leaves the list as it is (`ifNotExists` on an existing value, or
 *   `alterEnum` with the same list).
 * @throws {StrataError} When the change does not fit the list: the value
 *   exists (without `ifNotExists`), a `before`/`after` or old value is
 *   missing, or a renamed value's new name is taken.
 *
 * @example Adding, renaming and removing
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyEnumChange } from "./enum_values.ts";
 * const add = applyEnumChange(["sad", "happy"], {
 *   kind: "addEnumValue", name: "mood", value: "ok", before: "happy", ifNotExists: false,
 * });
 * assert.equal(add?.values.join(), "sad,ok,happy");
 * const drop = applyEnumChange(["sad", "ok", "happy"], {
 *   kind: "dropEnumValue", name: "mood", value: "sad",
 * });
 * assert.equal(drop?.removed.join(), "sad");
 * ```
 */
export function applyEnumChange(
  current: readonly string[],
  change: EnumValueChange,
): EnumListChange | null {
  const has = (v: string) => current.includes(v);
  switch (change.kind) {
    case "addEnumValue": {
      const { value, before, after } = change;
      if (has(value)) {
        if (change.ifNotExists) return null;
        throw new StrataError(
          `Cannot add value ${q(value)} to enum ${q(change.name)}: it exists already`,
          { hint: "pass { ifNotExists: true } to skip a value that exists" },
        );
      }
      const anchor = before ?? after;
      if (anchor === undefined) return { values: [...current, value], removed: [] };
      const at = current.indexOf(anchor);
      if (at < 0) {
        throw new StrataError(
          `Cannot add value ${q(value)} to enum ${q(change.name)}: there is no value ${
            q(anchor)
          } to put it ${before !== undefined ? "before" : "after"}`,
        );
      }
      const values = [...current];
      values.splice(before !== undefined ? at : at + 1, 0, value);
      return { values, removed: [] };
    }
    case "renameEnumValue": {
      const { oldValue, newValue } = change;
      if (!has(oldValue)) {
        throw new StrataError(
          `Cannot rename value ${q(oldValue)} of enum ${q(change.name)}: no such value`,
        );
      }
      if (has(newValue)) {
        throw new StrataError(
          `Cannot rename value ${q(oldValue)} of enum ${q(change.name)} to ${
            q(newValue)
          }: that value exists already`,
        );
      }
      return {
        values: current.map((v) => (v === oldValue ? newValue : v)),
        removed: [],
        renamed: { from: oldValue, to: newValue },
      };
    }
    case "dropEnumValue":
      if (!has(change.value)) {
        throw new StrataError(
          `Cannot drop value ${q(change.value)} from enum ${q(change.name)}: no such value`,
        );
      }
      return { values: current.filter((v) => v !== change.value), removed: [change.value] };
    case "alterEnum": {
      const same = change.values.length === current.length &&
        change.values.every((v, i) => v === current[i]);
      if (same) return null;
      return {
        values: [...change.values],
        removed: current.filter((v) => !change.values.includes(v)),
      };
    }
  }
}

/**
 * The message when rows still hold a value being removed; the same text on
 * every database (SQLite names it in a CHECK, PostgreSQL raises it).
 *
 * @param enumName The enum.
 * @param value The value being removed.
 * @param table The table whose rows hold it.
 * @param column The column.
 * @returns The one-line message.
 */
export function heldValueMessage(
  enumName: string,
  value: string,
  table: string,
  column: string,
): string {
  return `Cannot remove value ${q(value)} from enum ${q(enumName)}: column ${
    q(`${table}.${column}`)
  } holds it`;
}

/** The hint that goes with {@linkcode heldValueMessage}. */
export const HELD_VALUE_HINT =
  "update or delete those rows first in the same migration (op.execute), or keep the value";

/**
 * The message when a value being removed is a column's default.
 *
 * @param enumName The enum.
 * @param value The value being removed.
 * @param table The table.
 * @param column The column whose default it is.
 * @returns The one-line message.
 */
export function defaultValueMessage(
  enumName: string,
  value: string,
  table: string,
  column: string,
): string {
  return `Cannot remove value ${q(value)} from enum ${q(enumName)}: it is the default of column ${
    q(`${table}.${column}`)
  }`;
}

/** The hint that goes with {@linkcode defaultValueMessage}. */
export const DEFAULT_VALUE_HINT = "change the column's default first (op.alterColumn)";
