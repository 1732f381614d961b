/**
 * The `op` implementation: each call becomes one {@linkcode Change} handed, in
 * call order, to a {@linkcode ChangeSink}. The live runner's sink renders and
 * executes; the offline sink renders and writes. Calls are chained, so they
 * keep their order whether or not the migration awaits them.
 *
 * @module
 */
import type { DialectName } from "../dialects/names.ts";
import type { Change, ColumnDef, ColumnRef, ForeignKeyDef, SqlExpr } from "./change.ts";
import type { BulkProgress, ColumnReference, ColumnSpec, Op, Row, TableForeignKey } from "./op.ts";
import { StrataError } from "../errors.ts";
import {
  addEnumValueChange,
  alterEnumChange,
  dropEnumValueChange,
  renameEnumValueChange,
} from "./_enum_args.ts";
import { isSmallArray, streamBulkInsert } from "./_bulk.ts";

/** Where recorded changes go. `call` describes the op call, for error messages. */
export interface ChangeSink {
  /** Carries out one change (render + execute, or render + write). */
  apply(change: Change, call: string): Promise<void>;
  /** Reads rows (live only; the offline sink throws). */
  query(sql: string, params: unknown[], call: string): Promise<Row[]>;
}

/** An {@linkcode Op} plus the means to wait for every queued call. */
export interface RecordingOp extends Op {
  /**
   * Waits until every call so far has finished.
   * @throws The first error a call raised.
   */
  settle(): Promise<void>;
}

/**
 * Describes an op call for messages: `op.addColumn("users", "bio", …)`.
 *
 * @param method The op method name.
 * @param args Its arguments (only strings and string arrays are shown).
 * @returns A short call description.
 */
export function describeCall(method: string, args: readonly unknown[]): string {
  const shown = args.map((a) => {
    if (typeof a === "string") return JSON.stringify(a.length > 40 ? a.slice(0, 37) + "..." : a);
    if (Array.isArray(a) && a.every((x) => typeof x === "string")) return JSON.stringify(a);
    return "…";
  });
  while (shown.length && shown[shown.length - 1] === "…") shown.pop();
  return `op.${method}(${shown.join(", ")})`;
}

function parseReference(ref: ColumnReference, call: string): ColumnRef {
  if (typeof ref !== "string") return { ...ref };
  const dot = ref.lastIndexOf(".");
  if (dot <= 0 || dot === ref.length - 1) {
    throw new StrataError(`Invalid reference "${ref}" in ${call}: expected "table.column"`);
  }
  return { table: ref.slice(0, dot), column: ref.slice(dot + 1) };
}

/**
 * Normalises a migration's {@linkcode ColumnSpec} into a {@linkcode ColumnDef}.
 *
 * @param name Column name.
 * @param spec What the migration wrote.
 * @param call The op call, for errors.
 * @returns The normalised column.
 * @throws {StrataError} When `type` is missing or a reference is malformed.
 */
export function toColumnDef(name: string, spec: ColumnSpec, call: string): ColumnDef {
  if (typeof spec?.type !== "string" || spec.type.trim() === "") {
    throw new StrataError(`Column "${name}" has no type in ${call}`, {
      hint: 'give every column a type, e.g. { type: "text" }',
    });
  }
  const def: ColumnDef = {
    name,
    type: spec.type.trim(),
    nullable: spec.nullable ?? !spec.primaryKey,
  };
  if (spec.primaryKey) def.primaryKey = true;
  if (spec.autoIncrement) def.autoIncrement = true;
  if (spec.unique) def.unique = true;
  if (spec.default !== undefined) def.default = spec.default;
  if (spec.references !== undefined) def.references = parseReference(spec.references, call);
  if (spec.check !== undefined) def.check = spec.check;
  if (spec.comment !== undefined) def.comment = spec.comment;
  return def;
}

/**
 * Normalises a table-level {@linkcode TableForeignKey} into a {@linkcode ForeignKeyDef}.
 *
 * @param fk What the migration (or declared schema) wrote.
 * @returns The normalised foreign key.
 */
export function toForeignKey(fk: TableForeignKey): ForeignKeyDef {
  const out: ForeignKeyDef = {
    columns: fk.columns,
    refTable: fk.references,
    refColumns: fk.refColumns,
  };
  if (fk.name !== undefined) out.name = fk.name;
  if (fk.onDelete !== undefined) out.onDelete = fk.onDelete;
  if (fk.onUpdate !== undefined) out.onUpdate = fk.onUpdate;
  return out;
}

/** Copies `schema` onto a change when given (exactOptionalPropertyTypes friendly). */
function withSchema<T extends object>(change: T, schema: string | undefined): T {
  return schema === undefined ? change : { ...change, schema };
}

/**
 * Creates the `op` object for one migration run.
 *
 * @param sink Where changes go.
 * @param options The dialect name, whether the run is offline, and where a
 *   `bulkInsert` reports its progress (after each chunk).
 * @returns An op whose `settle()` waits for every queued call.
 *
 * @example Recording changes
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOp } from "./recorder.ts";
 * const seen: string[] = [];
 * const op = createOp({
 *   apply: (c) => { seen.push(c.kind); return Promise.resolve(); },
 *   query: () => Promise.resolve([]),
 * }, { dialect: "sqlite", isOffline: false });
 * op.addColumn("users", "bio", { type: "text" }); // not awaited: order is kept anyway
 * await op.dropColumn("users", "old");
 * await op.settle();
 * assert.equal(seen.join(), "addColumn,dropColumn");
 * ```
 */
export function createOp(
  sink: ChangeSink,
  options: {
    dialect: DialectName;
    isOffline: boolean;
    onBulkProgress?: (progress: BulkProgress) => void;
  },
): RecordingOp {
  let tail: Promise<unknown> = Promise.resolve();

  function enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = tail.then(run);
    tail = next;
    // The caller may not await: mark handled here; settle() re-raises.
    next.catch(() => {});
    return next;
  }
  function record(method: string, args: unknown[], build: (call: string) => Change) {
    const call = describeCall(method, args);
    return enqueue(() => sink.apply(build(call), call));
  }

  const op: RecordingOp = {
    isOffline: options.isOffline,
    dialect: options.dialect,
    settle: async () => {
      await tail;
    },
    sql: (text: string): SqlExpr => ({ $sql: text }),

    createTable(name, columns, opts = {}) {
      return record("createTable", [name], (call) => {
        const change: Change = {
          kind: "createTable",
          table: name,
          columns: Object.entries(columns).map(([n, s]) => toColumnDef(n, s, call)),
          uniques: (opts.unique ?? []).map((u) => Array.isArray(u) ? { columns: u } : { ...u }),
          checks: (opts.checks ?? []).map((c) => typeof c === "string" ? { expr: c } : c),
          foreignKeys: (opts.foreignKeys ?? []).map(toForeignKey),
          ifNotExists: opts.ifNotExists ?? false,
        };
        if (opts.primaryKey) change.primaryKey = opts.primaryKey;
        if (opts.comment !== undefined) change.comment = opts.comment;
        return withSchema(change, opts.schema);
      });
    },
    dropTable(name, opts = {}) {
      return record(
        "dropTable",
        [name],
        () =>
          withSchema(
            { kind: "dropTable", table: name, ifExists: opts.ifExists ?? false },
            opts.schema,
          ),
      );
    },
    renameTable(oldName, newName, opts = {}) {
      return record(
        "renameTable",
        [oldName, newName],
        () => withSchema({ kind: "renameTable", table: oldName, newName }, opts.schema),
      );
    },
    alterTable(name, changes) {
      return record("alterTable", [name], (call) => {
        const { schema, ...patch } = changes ?? {};
        if (Object.keys(patch).length === 0) {
          throw new StrataError(`Nothing to change in ${call}`, { hint: "pass comment" });
        }
        return withSchema({ kind: "alterTable", table: name, patch }, schema);
      });
    },
    addColumn(table, name, spec, opts = {}) {
      return record("addColumn", [table, name], (call) =>
        withSchema(
          { kind: "addColumn", table, column: toColumnDef(name, spec, call) },
          opts.schema,
        ));
    },
    dropColumn(table, name, opts = {}) {
      return record("dropColumn", [table, name], () => {
        const change: Change = { kind: "dropColumn", table, column: name };
        if (opts.cascade) change.cascade = true;
        return withSchema(change, opts.schema);
      });
    },
    alterColumn(table, name, changes) {
      return record("alterColumn", [table, name], (call) => {
        const { schema, cascade, ...patch } = changes ?? {};
        if (Object.keys(patch).length === 0) {
          throw new StrataError(`Nothing to change in ${call}`, {
            hint: "pass at least one of type, nullable, default, rename",
          });
        }
        const change: Change = { kind: "alterColumn", table, column: name, patch };
        if (cascade) change.cascade = true;
        return withSchema(change, schema);
      });
    },
    createIndex(name, table, columns, opts = {}) {
      return record("createIndex", [name, table, columns], () => {
        const change: Change = {
          kind: "createIndex",
          name,
          table,
          columns,
          unique: opts.unique ?? false,
          concurrently: opts.concurrently ?? false,
        };
        if (opts.where !== undefined) change.where = opts.where;
        return withSchema(change, opts.schema);
      });
    },
    dropIndex(name, opts = {}) {
      return record("dropIndex", [name], () => {
        const change: Change = { kind: "dropIndex", name };
        if (opts.table !== undefined) change.table = opts.table;
        if (opts.concurrently) change.concurrently = true;
        return withSchema(change, opts.schema);
      });
    },
    createForeignKey(name, table, columns, refTable, refColumns, opts = {}) {
      return record("createForeignKey", [name, table, columns, refTable, refColumns], () => {
        const change: Change = {
          kind: "createForeignKey",
          name,
          table,
          columns,
          refTable,
          refColumns,
        };
        if (opts.onDelete !== undefined) change.onDelete = opts.onDelete;
        if (opts.onUpdate !== undefined) change.onUpdate = opts.onUpdate;
        return withSchema(change, opts.schema);
      });
    },
    createUniqueConstraint(name, table, columns, opts = {}) {
      return record(
        "createUniqueConstraint",
        [name, table, columns],
        () => withSchema({ kind: "createUniqueConstraint", name, table, columns }, opts.schema),
      );
    },
    createCheckConstraint(name, table, sqlExpr, opts = {}) {
      return record(
        "createCheckConstraint",
        [name, table, sqlExpr],
        () =>
          withSchema({ kind: "createCheckConstraint", name, table, expr: sqlExpr }, opts.schema),
      );
    },
    dropConstraint(name, table, opts = {}) {
      return record(
        "dropConstraint",
        [name, table],
        () => withSchema({ kind: "dropConstraint", name, table }, opts.schema),
      );
    },
    createEnum(name, values, opts = {}) {
      return record(
        "createEnum",
        [name, values],
        () => withSchema({ kind: "createEnum", name, values }, opts.schema),
      );
    },
    dropEnum(name, opts = {}) {
      return record("dropEnum", [name], () => withSchema({ kind: "dropEnum", name }, opts.schema));
    },
    addEnumValue(name, value, opts) {
      return record(
        "addEnumValue",
        [name, value],
        (call) => addEnumValueChange(call, [name, value, opts]),
      );
    },
    renameEnumValue(name, oldValue, newValue, opts) {
      return record(
        "renameEnumValue",
        [name, oldValue, newValue],
        (call) => renameEnumValueChange(call, [name, oldValue, newValue, opts]),
      );
    },
    dropEnumValue(name, value, opts) {
      return record(
        "dropEnumValue",
        [name, value],
        (call) => dropEnumValueChange(call, [name, value, opts]),
      );
    },
    alterEnum(name, values, opts) {
      return record(
        "alterEnum",
        [name, values],
        (call) => alterEnumChange(call, [name, values, opts]),
      );
    },
    execute(sql, params = []) {
      return record("execute", [sql], () => ({ kind: "execute", sql, params }));
    },
    bulkInsert(table, rows, opts = {}) {
      if (isSmallArray(rows, opts)) {
        return record(
          "bulkInsert",
          [table],
          () => withSchema({ kind: "bulkInsert", table, rows }, opts.schema),
        );
      }
      // Many rows, or an iterable: one change per chunk, read as they are applied.
      const call = describeCall("bulkInsert", [table]);
      return enqueue(async () => {
        await streamBulkInsert(
          table,
          rows,
          opts,
          (change) => sink.apply(change, call),
          options.onBulkProgress,
        );
      });
    },
    query(sql, params = []) {
      const call = describeCall("query", [sql]);
      return enqueue(() => sink.query(sql, params, call));
    },
  };
  return op;
}
