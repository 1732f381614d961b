/**
 * Reads a PostgreSQL schema into Strata's model. The catalog queries are
 * named constants (as Atlas's `sql/postgres/inspect.go` keeps them), each
 * reading one kind of object for every table of a schema at once, so a schema
 * costs five queries whatever its size.
 *
 * Lists of names come back as JSON text (`json_agg(…)::text`), which any
 * driver returns as a plain string.
 *
 * @module
 */
import type { Queryable } from "../../drivers/driver.ts";
import type { Row } from "../../changes/op.ts";
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
import { normalizeDefault } from "./defaults.ts";
import { normalizeType } from "./types.ts";

/** Ordinary and partitioned tables of schema `$1` (partitions themselves excluded). */
export const TABLES_QUERY =
  `SELECT c.relname::text AS name, obj_description(c.oid, 'pg_class') AS comment
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;

/** Columns of every table of schema `$1`, in column order. */
export const COLUMNS_QUERY = `SELECT c.relname::text AS table_name, a.attname::text AS name,
  format_type(a.atttypid, a.atttypmod) AS type, t.typtype::text AS typtype,
  t.typname::text AS type_name, tn.nspname::text AS type_schema,
  NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS "default",
  a.attidentity <> '' AS identity, a.attgenerated <> '' AS generated,
  col_description(c.oid, a.attnum) AS comment
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum`;

/**
 * Primary-key, unique, check and foreign-key constraints of schema `$1`, with
 * key columns in key order and referential actions as single-letter codes.
 */
export const CONSTRAINTS_QUERY = `SELECT c.relname::text AS table_name, con.conname::text AS name,
  con.contype::text AS type, pg_get_constraintdef(con.oid) AS def,
  (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text AS columns,
  fc.relname::text AS ref_table, fn.nspname::text AS ref_schema,
  (SELECT json_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)::text AS ref_columns,
  con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'c', 'f')`;

/**
 * Indexes of schema `$1` that do not back a primary-key, unique or exclusion
 * constraint of their own table. Key columns are names, or the expression
 * text for expression keys; `where` is the predicate as PostgreSQL prints it.
 */
export const INDEXES_QUERY = `SELECT t.relname::text AS table_name, i.relname::text AS name,
  ix.indisunique AS "unique", pg_get_expr(ix.indpred, ix.indrelid) AS "where",
  (SELECT json_agg(CASE WHEN ix.indkey[k.ord - 1] = 0
      THEN pg_get_indexdef(ix.indexrelid, k.ord, true)
      ELSE (SELECT a.attname::text FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ix.indrelid AND a.attnum = ix.indkey[k.ord - 1]) END ORDER BY k.ord)
    FROM generate_series(1, ix.indnkeyatts) AS k(ord))::text AS columns
FROM pg_catalog.pg_index ix
JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = $1 AND t.relkind IN ('r', 'p') AND NOT EXISTS (
  SELECT 1 FROM pg_catalog.pg_constraint con
  WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))`;

/** Enum types of schema `$1`, with their labels in declared order. */
export const ENUMS_QUERY = `SELECT t.typname::text AS name,
  (SELECT json_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
    WHERE e.enumtypid = t.oid)::text AS "values"
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = $1 AND t.typtype = 'e'`;

/** `pg_constraint.confdeltype`/`confupdtype` codes as lower-case words. */
const ACTIONS: Readonly<Record<string, string>> = {
  a: "no action",
  r: "restrict",
  c: "cascade",
  n: "set null",
  d: "set default",
};

/** Options for {@linkcode introspect}. */
export interface IntrospectOptions {
  /** Table names (`name` or `schema.name`) to leave out, e.g. Strata's own tables. */
  exclude?: string[];
  /** @default {"public"} */
  schema?: string;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : String(v ?? "");
}

function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

function bool(v: unknown): boolean {
  return v === true || v === "t" || v === "true";
}

function names(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(str);
  if (typeof v !== "string" || v === "") return [];
  const parsed: unknown = JSON.parse(v);
  return Array.isArray(parsed) ? parsed.map(str) : [];
}

function byName<T extends { name: string | null }>(a: T, b: T): number {
  const x = a.name ?? "";
  const y = b.name ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The check expression from `pg_get_constraintdef()`: its text without the
 * `CHECK (…)` wrapper (and a `NO INHERIT`/`NOT VALID` suffix), so
 * `CHECK ((age > 0))` gives `(age > 0)`.
 *
 * @param def The constraint definition.
 * @returns The expression as PostgreSQL prints it.
 */
export function checkExpr(def: string): string {
  const m = /^CHECK \((.*)\)(?: NO INHERIT)?(?: NOT VALID)?$/s.exec(def.trim());
  return m?.[1] ?? def;
}

function column(r: Row, schema: string): Column {
  const typeName = str(r.type_name);
  const typeSchema = str(r.type_schema);
  const type = str(r.typtype) === "e"
    ? `enum:${typeSchema === schema ? typeName : `${typeSchema}.${typeName}`}`
    : normalizeType(str(r.type));
  const def = strOrNull(r.default);
  return {
    name: str(r.name),
    type,
    nullable: bool(r.nullable),
    // A generated column's expression lives where defaults do, but is not a default.
    default: def === null || bool(r.generated) ? null : normalizeDefault(def),
    autoIncrement: bool(r.identity),
    comment: strOrNull(r.comment),
  };
}

/**
 * Reads the tables and enums of one schema.
 *
 * @param q Where to run the catalog queries.
 * @param options Tables to exclude and the schema (default `public`).
 * @returns Tables (columns in order, everything else sorted by name) and enums,
 *   sorted by name. Types and defaults use the forms of `normalizeType` and
 *   `defaultSql`; a check's `expr` is as {@linkcode checkExpr} gives it; an
 *   index's `where` is PostgreSQL's text (`(deleted_at IS NULL)`); a foreign
 *   key's `refTable` is qualified (`schema.table`) only when it is in another schema.
 * @throws {QueryError} When a catalog query fails.
 *
 * @example Reading the public schema
 * ```ts ignore
 * import { introspect } from "./introspect.ts";
 * const schema = await introspect(driver, { exclude: ["strata_version"] });
 * ```
 */
export async function introspect(q: Queryable, options: IntrospectOptions = {}): Promise<Schema> {
  const schema = options.schema ?? "public";
  const exclude = new Set(options.exclude);
  const params = [schema];
  // One after another: a connection or transaction runs one query at a time anyway.
  const tableRows = await q.query(TABLES_QUERY, params);
  const columnRows = await q.query(COLUMNS_QUERY, params);
  const constraintRows = await q.query(CONSTRAINTS_QUERY, params);
  const indexRows = await q.query(INDEXES_QUERY, params);
  const enumRows = await q.query(ENUMS_QUERY, params);
  const tables = new Map<string, Table>();
  for (const r of tableRows) {
    const name = str(r.name);
    if (exclude.has(name) || exclude.has(`${schema}.${name}`)) continue;
    tables.set(name, {
      name,
      schema,
      columns: [],
      primaryKey: [],
      indexes: [],
      uniques: [],
      checks: [],
      foreignKeys: [],
      comment: strOrNull(r.comment),
    });
  }
  for (const r of columnRows) tables.get(str(r.table_name))?.columns.push(column(r, schema));
  for (const r of constraintRows) {
    const table = tables.get(str(r.table_name));
    if (table === undefined) continue;
    const name = str(r.name);
    const columns = names(r.columns);
    switch (str(r.type)) {
      case "p":
        table.primaryKey = columns;
        break;
      case "u":
        table.uniques.push({ name, columns } satisfies UniqueConstraint);
        break;
      case "c":
        table.checks.push({ name, expr: checkExpr(str(r.def)) } satisfies CheckConstraint);
        break;
      case "f": {
        const refSchema = str(r.ref_schema);
        table.foreignKeys.push(
          {
            name,
            columns,
            refTable: refSchema === schema ? str(r.ref_table) : `${refSchema}.${str(r.ref_table)}`,
            refColumns: names(r.ref_columns),
            onDelete: ACTIONS[str(r.on_delete)] ?? "no action",
            onUpdate: ACTIONS[str(r.on_update)] ?? "no action",
          } satisfies ForeignKey,
        );
        break;
      }
    }
  }
  for (const r of indexRows) {
    tables.get(str(r.table_name))?.indexes.push(
      {
        name: str(r.name),
        columns: names(r.columns),
        unique: bool(r.unique),
        where: strOrNull(r.where),
      } satisfies Index,
    );
  }
  for (const t of tables.values()) {
    t.indexes.sort(byName);
    t.uniques.sort(byName);
    t.checks.sort(byName);
    t.foreignKeys.sort(byName);
  }
  const enums: EnumType[] = enumRows.map((r) => ({
    name: str(r.name),
    schema,
    values: names(r.values),
  }));
  return { tables: [...tables.values()].sort(byName), enums: enums.sort(byName) };
}
