/**
 * Checks a loaded declared schema before anything uses it, so a typo gives
 * one clear line (exit 2) naming the table and the object, not a database
 * error from half-way through normalising it.
 *
 * @module
 */
import { basename } from "node:path";
import type { RefAction } from "../changes/change.ts";
import { ScriptError } from "../errors.ts";
import type { DeclaredSchema, DeclaredTable } from "./declared.ts";

const ROOT_KEYS = ["tables", "enums"];
const TABLE_KEYS = [
  "columns",
  "primaryKey",
  "unique",
  "checks",
  "foreignKeys",
  "indexes",
  "comment",
];
const COLUMN_KEYS = [
  "type",
  "nullable",
  "primaryKey",
  "autoIncrement",
  "unique",
  "default",
  "references",
  "check",
  "comment",
];
const INDEX_KEYS = ["columns", "unique", "where"];
const FK_KEYS = ["name", "columns", "references", "refColumns", "onDelete", "onUpdate"];
const REF_KEYS = ["table", "column", "onDelete", "onUpdate"];
const ACTIONS: readonly RefAction[] = [
  "cascade",
  "restrict",
  "set null",
  "set default",
  "no action",
];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const quoted = (names: Iterable<string>) => [...names].map((n) => `"${n}"`).join(", ");

/**
 * Validates a declared schema (the default export of `schema.ts`).
 *
 * @param value What the module exported.
 * @param file The file it came from (named in errors).
 * @returns The same value, typed.
 * @throws {ScriptError} (exit 2) For the first problem found, e.g. an unknown
 *   key, a column without a type, an index or key on an unknown column, a
 *   foreign key to a missing table or column, an unknown enum, or a name used twice.
 *
 * @example A typo in an index
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateDeclared } from "./validate_declared.ts";
 * try {
 *   validateDeclared({
 *     tables: { t: { columns: { a: { type: "text" } }, indexes: { ix: { columns: ["b"] } } } },
 *   }, "schema.ts");
 * } catch (e) {
 *   assert(String(e).includes('table "t", index "ix": unknown column "b"'));
 * }
 * ```
 */
export function validateDeclared(value: unknown, file: string): DeclaredSchema {
  const fail = (where: string, what: string, hint?: string): never => {
    throw new ScriptError(
      file,
      `Invalid declared schema "${basename(file)}": ${where ? `${where}: ` : ""}${what}`,
      { hint },
    );
  };
  if (!isObj(value)) {
    return fail("", "the default export is not an object", "export default { tables: { … } }");
  }
  unknownKeys(value, ROOT_KEYS, "", fail);
  if (!isObj(value.tables)) {
    return fail("", '"tables" must be an object of tables by name', "tables: { users: { … } }");
  }
  const enums = value.enums === undefined ? {} : value.enums;
  if (!isObj(enums)) return fail("", '"enums" must be an object of value lists by name');
  for (const [name, values] of Object.entries(enums)) {
    const where = `enum "${name}"`;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => isText(v))) {
      fail(where, "values must be a non-empty list of non-empty strings");
    }
    const list = values as string[];
    const dup = list.find((v, i) => list.indexOf(v) !== i);
    if (dup !== undefined) fail(where, `value "${dup}" is listed twice`);
  }
  const tables = value.tables;
  const relationNames = new Map<string, string>();
  for (const [name, table] of Object.entries(tables)) {
    const where = `table "${name}"`;
    if (name.trim() === "") fail("", "a table has an empty name");
    if (!isObj(table)) return fail(where, "must be an object with columns");
    unknownKeys(table, TABLE_KEYS, where, fail);
    relationNames.set(name.toLowerCase(), where);
  }
  for (const [name, raw] of Object.entries(tables)) {
    const table = raw as Obj;
    const where = `table "${name}"`;
    if (!isObj(table.columns) || Object.keys(table.columns).length === 0) {
      fail(where, '"columns" must be a non-empty object of columns by name');
    }
    const columns = new Set(Object.keys(table.columns as Obj));
    const need = (cols: unknown, at: string, of = columns) => {
      if (!Array.isArray(cols) || cols.length === 0 || !cols.every((c) => isText(c))) {
        fail(`${where}, ${at}`, "columns must be a non-empty list of column names");
      }
      for (const c of cols as string[]) {
        if (!of.has(c)) fail(`${where}, ${at}`, `unknown column "${c}"`, `columns: ${quoted(of)}`);
      }
    };
    const columnsOf = (t: string) => new Set(Object.keys((tables[t] as Obj).columns as Obj));
    const refTable = (t: unknown, at: string) => {
      if (!isText(t)) return fail(`${where}, ${at}`, `the referenced table must be a name`);
      if (!(t in tables)) {
        return fail(
          `${where}, ${at}`,
          `references unknown table "${t}"`,
          `tables: ${quoted(Object.keys(tables))}`,
        );
      }
      return t;
    };
    const action = (a: unknown, at: string) => {
      if (a !== undefined && !ACTIONS.includes(a as RefAction)) {
        fail(`${where}, ${at}`, `unknown action "${String(a)}"`, `use one of ${quoted(ACTIONS)}`);
      }
    };
    for (const [col, spec] of Object.entries(table.columns as Obj)) {
      const at = `column "${col}"`;
      if (!isObj(spec)) return fail(`${where}, ${at}`, `must be an object with a type`);
      unknownKeys(spec, COLUMN_KEYS, `${where}, ${at}`, fail);
      if (!isText(spec.type)) fail(`${where}, ${at}`, `has no type`, 'e.g. { type: "text" }');
      const type = String(spec.type).trim();
      if (type.startsWith("enum:") && !(type.slice(5) in enums)) {
        fail(`${where}, ${at}`, `unknown enum "${type.slice(5)}"`, "declare it under enums");
      }
      for (const flag of ["nullable", "primaryKey", "autoIncrement", "unique"]) {
        if (spec[flag] !== undefined && typeof spec[flag] !== "boolean") {
          fail(`${where}, ${at}`, `"${flag}" must be true or false`);
        }
      }
      for (const text of ["check", "comment"]) {
        if (spec[text] !== undefined && typeof spec[text] !== "string") {
          fail(`${where}, ${at}`, `"${text}" must be a string`);
        }
      }
      const def = spec.default;
      if (typeof def === "function" || typeof def === "symbol") {
        fail(`${where}, ${at}`, `the default must be a value or { $sql: "…" }`);
      }
      if (isObj(def) && "$sql" in def && !isText(def.$sql)) {
        fail(`${where}, ${at}`, `an SQL default must be { $sql: "expression" }`);
      }
      const ref = spec.references;
      if (ref === undefined) continue;
      let target: string;
      let targetColumn: unknown;
      if (typeof ref === "string") {
        const dot = ref.lastIndexOf(".");
        if (dot <= 0 || dot === ref.length - 1) {
          fail(`${where}, ${at}`, `invalid reference "${ref}"`, 'write "table.column"');
        }
        target = refTable(ref.slice(0, dot), at);
        targetColumn = ref.slice(dot + 1);
      } else if (isObj(ref)) {
        unknownKeys(ref, REF_KEYS, `${where}, ${at}`, fail);
        target = refTable(ref.table, at);
        targetColumn = ref.column;
        action(ref.onDelete, at);
        action(ref.onUpdate, at);
      } else {
        return fail(`${where}, ${at}`, `"references" must be "table.column" or { table, column }`);
      }
      need([targetColumn], `${at} references "${target}"`, columnsOf(target));
    }
    if (table.primaryKey !== undefined) {
      need(table.primaryKey, "primaryKey");
      const inline = Object.entries(table.columns as Obj)
        .filter(([, s]) => (s as Obj).primaryKey === true).map(([c]) => c);
      if (inline.length > 0) {
        fail(
          where,
          `primaryKey is given twice (the option and column "${inline[0]}")`,
          "use one of them",
        );
      }
    }
    const constraintNames = new Set<string>();
    const named = (n: unknown, at: string) => {
      if (n === undefined) return;
      if (!isText(n)) return fail(`${where}, ${at}`, `the name must be a non-empty string`);
      if (constraintNames.has(n)) fail(where, `constraint name "${n}" is used twice`);
      constraintNames.add(n);
    };
    if (table.unique !== undefined) {
      if (!Array.isArray(table.unique)) fail(where, '"unique" must be a list');
      for (const [i, u] of (table.unique as unknown[]).entries()) {
        const at = `unique #${i + 1}`;
        if (Array.isArray(u)) need(u, at);
        else if (isObj(u)) {
          unknownKeys(u, ["name", "columns"], `${where}, ${at}`, fail);
          named(u.name, at);
          need(u.columns, u.name === undefined ? at : `unique "${String(u.name)}"`);
        } else fail(`${where}, ${at}`, `must be a list of columns or { name, columns }`);
      }
    }
    // The same columns unique twice is a mistake, and SQLite cannot tell the two apart.
    const uniqueSets = [
      ...Object.entries(table.columns as Obj).filter(([, c]) => (c as Obj).unique === true)
        .map(([c]) => [c]),
      ...((table.unique ?? []) as unknown[]).map((
        u,
      ) => (Array.isArray(u) ? u : (u as Obj).columns)),
    ].map((cols) => (cols as string[]).join(", "));
    const twice = uniqueSets.find((u, i) => uniqueSets.indexOf(u) !== i);
    if (twice !== undefined) {
      fail(where, `unique (${twice}) is declared twice`, "keep one of them");
    }
    if (table.checks !== undefined) {
      if (!Array.isArray(table.checks)) fail(where, '"checks" must be a list');
      for (const [i, c] of (table.checks as unknown[]).entries()) {
        const at = `check #${i + 1}`;
        if (isText(c)) continue;
        if (!isObj(c) || !isText(c.expr)) {
          return fail(`${where}, ${at}`, `must be SQL text or { name, expr }`);
        }
        unknownKeys(c, ["name", "expr"], `${where}, ${at}`, fail);
        named(c.name, at);
      }
    }
    if (table.foreignKeys !== undefined) {
      if (!Array.isArray(table.foreignKeys)) fail(where, '"foreignKeys" must be a list');
      for (const [i, fk] of (table.foreignKeys as unknown[]).entries()) {
        if (!isObj(fk)) return fail(where, `foreign key #${i + 1}: must be an object`);
        const at = fk.name === undefined
          ? `foreign key #${i + 1}`
          : `foreign key "${String(fk.name)}"`;
        unknownKeys(fk, FK_KEYS, `${where}, ${at}`, fail);
        named(fk.name, at);
        need(fk.columns, at);
        const target = refTable(fk.references, at);
        need(fk.refColumns, `${at} references "${target}"`, columnsOf(target));
        if ((fk.columns as unknown[]).length !== (fk.refColumns as unknown[]).length) {
          fail(
            `${where}, ${at}`,
            `${(fk.columns as unknown[]).length} columns but ${
              (fk.refColumns as unknown[]).length
            } referenced columns`,
          );
        }
        action(fk.onDelete, at);
        action(fk.onUpdate, at);
      }
    }
    if (table.comment !== undefined && typeof table.comment !== "string") {
      fail(where, '"comment" must be a string');
    }
    if (table.indexes !== undefined) {
      if (!isObj(table.indexes)) fail(where, '"indexes" must be an object of indexes by name');
      for (const [ix, spec] of Object.entries(table.indexes as Obj)) {
        const at = `index "${ix}"`;
        if (!isObj(spec)) return fail(`${where}, ${at}`, `must be { columns, unique?, where? }`);
        unknownKeys(spec, INDEX_KEYS, `${where}, ${at}`, fail);
        need(spec.columns, at);
        if (spec.unique !== undefined && typeof spec.unique !== "boolean") {
          fail(`${where}, ${at}`, `"unique" must be true or false`);
        }
        if (spec.where !== undefined && !isText(spec.where)) {
          fail(`${where}, ${at}`, `"where" must be SQL text`);
        }
        const clash = relationNames.get(ix.toLowerCase());
        if (clash !== undefined) fail(`${where}, ${at}`, `the name is also used by ${clash}`);
        relationNames.set(ix.toLowerCase(), `${where}, ${at}`);
      }
    }
  }
  return value as unknown as DeclaredSchema;
}

function unknownKeys(
  obj: Obj,
  known: readonly string[],
  where: string,
  fail: (where: string, what: string, hint?: string) => never,
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      fail(where, `unknown key "${key}"`, `known keys: ${known.join(", ")}`);
    }
  }
}

/** The declared tables in name order (for deterministic output). */
export function declaredTables(schema: DeclaredSchema): [string, DeclaredTable][] {
  return Object.entries(schema.tables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
