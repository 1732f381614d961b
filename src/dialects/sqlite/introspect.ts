/**
 * Reads a SQLite schema into Strata's model: `pragma table_xinfo`,
 * `index_list`, `index_info` and `foreign_key_list` for structure, and the
 * stored `CREATE` text (see `_parse.ts`) for what pragmas do not report:
 * constraint names, CHECK expressions, AUTOINCREMENT and partial-index
 * predicates.
 *
 * @module
 */
import type { Queryable } from "../../drivers/driver.ts";
import type {
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Index,
  Schema,
  Table,
  UniqueConstraint,
} from "../../schema/model.ts";
import { indexItems, indexWhere, parseCreateTable, type ParsedTable } from "./_parse.ts";
import { readEnumTypes } from "./enums.ts";
import { canonicalType } from "./types.ts";

/** What introspection needs: something that reads rows (a connection, or a render context). */
export type Reader = Pick<Queryable, "query">;

/** Tables listed for introspection: user tables only, Strata's `_strata_*` excluded. */
const TABLES_QUERY = `SELECT name, sql FROM sqlite_master
WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
  AND name NOT LIKE '\\_strata\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'
ORDER BY name`;

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const sameColumns = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x, i) => sameName(x, b[i] as string));
const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => {
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function namedFor(
  parsed: ParsedTable,
  kind: "unique",
  columns: string[],
): string | null {
  return parsed.named.find((n) => n.kind === kind && sameColumns(n.columns, columns))?.name ??
    null;
}

async function readColumns(q: Reader, name: string, parsed: ParsedTable) {
  const rows = await q.query(
    `SELECT name, type, "notnull" AS not_null, dflt_value, pk, hidden FROM pragma_table_xinfo(?)
     WHERE hidden <> 1 ORDER BY cid`,
    [name],
  );
  const pkRows = rows.filter((r) => Number(r.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk));
  const primaryKey = pkRows.map((r) => String(r.name));
  const withoutRowid = /without\s+rowid/i.test(parsed.options);
  const rowidAlias = primaryKey.length === 1 && !withoutRowid &&
    String(pkRows[0]?.type).toUpperCase() === "INTEGER";
  const columns: Column[] = rows.map((r) => {
    const colName = String(r.name);
    const info = parsed.columns.find((c) => sameName(c.name, colName));
    const enumCheck = info?.checks.find((c) => c.name?.startsWith("enum:"));
    const inPk = Number(r.pk) > 0;
    return {
      name: colName,
      type: enumCheck?.name ?? canonicalType(String(r.type ?? "")),
      nullable: Number(r.not_null) === 0 && !(inPk && (rowidAlias || withoutRowid)),
      default: r.dflt_value === null || r.dflt_value === undefined ? null : String(r.dflt_value),
      autoIncrement: rowidAlias && inPk && (info?.autoIncrement ?? false),
      comment: null,
    };
  });
  return { columns, primaryKey };
}

async function indexColumns(q: Reader, index: string, sql: string | null): Promise<string[]> {
  const rows = await q.query(
    "SELECT seqno, name FROM pragma_index_info(?) ORDER BY seqno",
    [index],
  );
  const items = sql ? indexItems(sql) : [];
  return rows.map((r) => r.name === null ? items[Number(r.seqno)] ?? "" : String(r.name));
}

async function readIndexes(q: Reader, name: string, parsed: ParsedTable) {
  const list = await q.query(
    `SELECT l.name, l."unique" AS uniq, l.origin, m.sql FROM pragma_index_list(?) l
     LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name`,
    [name],
  );
  const indexes: Index[] = [];
  const uniques: UniqueConstraint[] = [];
  for (const row of list) {
    const indexName = String(row.name);
    const sql = row.sql === null || row.sql === undefined ? null : String(row.sql);
    const columns = await indexColumns(q, indexName, sql);
    if (row.origin === "u") {
      uniques.push({ name: namedFor(parsed, "unique", columns), columns });
    } else if (row.origin === "c") {
      const where = sql ? indexWhere(sql) : null;
      indexes.push({ name: indexName, columns, unique: Number(row.uniq) === 1, where });
    }
  }
  indexes.sort(byKey((i) => i.name));
  uniques.sort(byKey((u) => `${u.name ?? ""}\0${u.columns.join(",")}`));
  return { indexes, uniques };
}

async function readForeignKeys(q: Reader, name: string, parsed: ParsedTable) {
  const rows = await q.query(
    `SELECT id, seq, "table" AS ref, "from" AS col, "to" AS refcol, on_update, on_delete
     FROM pragma_foreign_key_list(?) ORDER BY id, seq`,
    [name],
  );
  const byId = new Map<number, typeof rows>();
  for (const r of rows) byId.set(Number(r.id), [...(byId.get(Number(r.id)) ?? []), r]);
  const fks: ForeignKey[] = [];
  // SQLite numbers foreign keys from the last declared (id 0) to the first, so
  // walking ids downwards meets them in declaration order, as the parser does.
  const declared = [...parsed.foreignKeys];
  const groups = [...byId.entries()].sort((a, b) => b[0] - a[0]).map(([, g]) => g);
  for (const group of groups) {
    const first = group[0];
    if (!first) continue;
    const columns = group.map((r) => String(r.col));
    let refColumns = group.map((r) => r.refcol === null ? "" : String(r.refcol));
    if (refColumns.some((c) => c === "")) {
      // `REFERENCES parent` without columns means the parent's primary key.
      const pk = await q.query(
        "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
        [String(first.ref)],
      );
      refColumns = pk.map((r) => String(r.name));
    }
    const at = declared.findIndex((d) =>
      sameColumns(d.columns, columns) && sameName(d.refTable, String(first.ref))
    );
    const [match] = at < 0 ? [] : declared.splice(at, 1);
    fks.push({
      name: match?.name ?? null,
      columns,
      refTable: String(first.ref),
      refColumns,
      onDelete: String(first.on_delete ?? "NO ACTION").toLowerCase(),
      onUpdate: String(first.on_update ?? "NO ACTION").toLowerCase(),
    });
  }
  return fks.sort(byKey((f) => `${f.name ?? ""}\0${f.columns.join(",")}\0${f.refTable}`));
}

/**
 * Reads one table.
 *
 * @param q A connection or transaction.
 * @param name The table name (any case).
 * @returns The table, or `undefined` when there is none.
 * @throws {QueryError} When a catalog query fails.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openDriver } from "../../drivers/mod.ts";
 * import { introspectTable } from "./introspect.ts";
 * const db = await openDriver("sqlite::memory:");
 * await db.execute({ sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(8))" });
 * const t = await introspectTable(db, "t");
 * assert.equal(t?.columns[1]?.type, "varchar(8)");
 * await db.close();
 * ```
 */
export async function introspectTable(q: Reader, name: string): Promise<Table | undefined> {
  const found = await q.query(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
    [name],
  );
  const row = found[0];
  if (!row) return undefined;
  const tableName = String(row.name);
  const parsed = parseCreateTable(String(row.sql ?? ""));
  const { columns, primaryKey } = await readColumns(q, tableName, parsed);
  const { indexes, uniques } = await readIndexes(q, tableName, parsed);
  const checks: CheckConstraint[] = parsed.checks
    .filter((c) => !c.name?.startsWith("enum:"))
    .map((c) => ({ name: c.name, expr: c.expr }))
    .sort(byKey((c) => `${c.name ?? ""}\0${c.expr}`));
  return {
    name: tableName,
    schema: "main",
    columns,
    primaryKey,
    indexes,
    uniques,
    checks,
    foreignKeys: await readForeignKeys(q, tableName, parsed),
    comment: null,
  };
}

/**
 * Reads the whole user schema: tables (without `sqlite_*`, `_strata_*` and
 * the names in `exclude`) and the enum types created with `createEnum`
 * (kept in `_strata_enums`, see `enums.ts`).
 *
 * @param q A connection or transaction.
 * @param options `exclude`: table names to leave out (e.g. the version table).
 * @returns The schema, tables and enums sorted by name.
 * @throws {QueryError} When a catalog query fails.
 */
export async function introspect(
  q: Reader,
  options: { exclude?: string[] } = {},
): Promise<Schema> {
  const exclude = new Set((options.exclude ?? []).map((n) => n.toLowerCase()));
  const tables: Table[] = [];
  for (const row of await q.query(TABLES_QUERY)) {
    const name = String(row.name);
    if (exclude.has(name.toLowerCase())) continue;
    const table = await introspectTable(q, name);
    if (table) tables.push(table);
  }
  const enums: EnumType[] = [...(await readEnumTypes(q))]
    .map(([name, values]) => ({ name, schema: "main", values }))
    .sort(byKey((e) => e.name));
  return { tables, enums };
}
