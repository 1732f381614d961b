/**
 * Argument checks for the enum-value ops: each builder turns what a
 * migration passed into one {@linkcode Change}, or throws one line naming
 * the call. Migrations may be plain JavaScript, so nothing is taken on trust
 * from the types: a misspelt option (`{ befor: "x" }`) would otherwise put
 * the value somewhere the author did not mean.
 *
 * @module
 */
import { EXIT, StrataError } from "../errors.ts";
import type { Change, ChangeOf } from "./change.ts";
import { enumValueProblem } from "./enum_values.ts";
import type { AddEnumValueOptions, EnumOptions } from "./op.ts";

function invalid(call: string, detail: string, hint?: string): StrataError {
  return new StrataError(`Invalid arguments to ${call}: ${detail}`, {
    exitCode: EXIT.USAGE,
    hint,
  });
}

function checkName(call: string, name: unknown): asserts name is string {
  if (typeof name !== "string" || name.trim() === "") {
    throw invalid(call, "the enum name must be a non-empty string");
  }
}

function checkValue(call: string, what: string, value: unknown): asserts value is string {
  const problem = enumValueProblem(value);
  if (problem !== undefined) throw invalid(call, `${what} ${problem}`);
}

/** Checks an options object against the keys it may have; returns it (or `{}`). */
function checkOptions<T extends object>(call: string, options: unknown, keys: string[]): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid(call, "options must be an object");
  }
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw invalid(call, `unknown option "${key}"`, `the options are ${keys.join(", ")}`);
    }
  }
  const schema = (options as { schema?: unknown }).schema;
  if (schema !== undefined && (typeof schema !== "string" || schema === "")) {
    throw invalid(call, "schema must be a non-empty string");
  }
  return options as T;
}

function withSchema<T extends Change>(change: T, schema: string | undefined): T {
  return schema === undefined ? change : { ...change, schema };
}

/**
 * Builds `addEnumValue`.
 *
 * @param call The call, for messages.
 * @param args `name`, `value`, options.
 * @returns The change.
 * @throws {StrataError} (exit 2) For a bad name, value or option, both
 *   `before` and `after`, or an anchor equal to the value.
 */
export function addEnumValueChange(
  call: string,
  [name, value, options]: [unknown, unknown, unknown],
): ChangeOf<"addEnumValue"> {
  checkName(call, name);
  checkValue(call, "the value", value);
  const opts = checkOptions<AddEnumValueOptions>(call, options, [
    "before",
    "after",
    "ifNotExists",
    "schema",
  ]);
  if (opts.before !== undefined && opts.after !== undefined) {
    throw invalid(call, "give before or after, not both");
  }
  for (const key of ["before", "after"] as const) {
    const anchor = opts[key];
    if (anchor === undefined) continue;
    checkValue(call, key, anchor);
    if (anchor === value) throw invalid(call, `${key} names the value being added`);
  }
  if (opts.ifNotExists !== undefined && typeof opts.ifNotExists !== "boolean") {
    throw invalid(call, "ifNotExists must be true or false");
  }
  const change: ChangeOf<"addEnumValue"> = {
    kind: "addEnumValue",
    name,
    value,
    ifNotExists: opts.ifNotExists ?? false,
  };
  if (opts.before !== undefined) change.before = opts.before;
  if (opts.after !== undefined) change.after = opts.after;
  return withSchema(change, opts.schema);
}

/**
 * Builds `renameEnumValue`.
 *
 * @param call The call, for messages.
 * @param args `name`, `oldValue`, `newValue`, options.
 * @returns The change.
 * @throws {StrataError} (exit 2) For a bad name, value or option, or a rename to the same value.
 */
export function renameEnumValueChange(
  call: string,
  [name, oldValue, newValue, options]: [unknown, unknown, unknown, unknown],
): ChangeOf<"renameEnumValue"> {
  checkName(call, name);
  checkValue(call, "the old value", oldValue);
  checkValue(call, "the new value", newValue);
  if (oldValue === newValue) throw invalid(call, "the old and new values are the same");
  const opts = checkOptions<EnumOptions>(call, options, ["schema"]);
  return withSchema({ kind: "renameEnumValue", name, oldValue, newValue }, opts.schema);
}

/**
 * Builds `dropEnumValue`.
 *
 * @param call The call, for messages.
 * @param args `name`, `value`, options.
 * @returns The change.
 * @throws {StrataError} (exit 2) For a bad name, value or option.
 */
export function dropEnumValueChange(
  call: string,
  [name, value, options]: [unknown, unknown, unknown],
): ChangeOf<"dropEnumValue"> {
  checkName(call, name);
  checkValue(call, "the value", value);
  const opts = checkOptions<EnumOptions>(call, options, ["schema"]);
  return withSchema({ kind: "dropEnumValue", name, value }, opts.schema);
}

/**
 * Builds `alterEnum`.
 *
 * @param call The call, for messages.
 * @param args `name`, the whole new list, options.
 * @returns The change.
 * @throws {StrataError} (exit 2) For a bad name or option, a list that is not
 *   an array, is empty, or holds a bad or repeated value.
 */
export function alterEnumChange(
  call: string,
  [name, values, options]: [unknown, unknown, unknown],
): ChangeOf<"alterEnum"> {
  checkName(call, name);
  if (!Array.isArray(values)) throw invalid(call, "values must be an array of strings");
  if (values.length === 0) {
    throw invalid(
      call,
      "values is empty",
      "an enum needs at least one value; op.dropEnum drops it",
    );
  }
  const seen = new Set<string>();
  for (const [i, v] of values.entries()) {
    checkValue(call, `values[${i}]`, v);
    if (seen.has(v)) throw invalid(call, `values lists ${JSON.stringify(v)} twice`);
    seen.add(v);
  }
  const opts = checkOptions<EnumOptions>(call, options, ["schema"]);
  return withSchema({ kind: "alterEnum", name, values: [...values] as string[] }, opts.schema);
}
