/**
 * SQLite's table rebuild: the procedure of sqlite.org/lang_altertable.html,
 * "Making Other Kinds Of Table Schema Changes", for the changes `ALTER TABLE`
 * cannot make (change a column's type, nullability or default; add or drop a
 * constraint; drop an indexed or constrained column).
 *
 * Steps, numbered as on that page:
 *
 * 1. `PRAGMA foreign_keys=OFF` must happen before the transaction: the pragma
 *    "is a no-op within a transaction" (sqlite.org/pragma.html#pragma_foreign_keys)
 *    and every Strata migration runs in one. So the runner switches it off
 *    before BEGIN. With enforcement still ON, `DROP TABLE` of a table other
 *    tables reference runs an implicit `DELETE` (sqlite.org/foreignkeys.html
 *    §5) that fires their ON DELETE CASCADE / SET NULL actions. Deferring
 *    (`PRAGMA defer_foreign_keys=ON`) does not help: actions still fire, and
 *    the orphaned children still fail COMMIT. So, with enforcement ON, a
 *    rebuild is refused (with a hint) while child rows point at the table,
 *    instead of silently deleting or orphaning them; with no such rows the
 *    implicit DELETE touches nothing and the rebuild is safe either way.
 * 2. The transaction is the migration's.
 * 3. The table's shape comes from `ctx.inspectTable` plus `sqlite_master`
 *    (index and trigger SQL, declared types, table options).
 * 4–5. `CREATE TABLE _strata_new_<t>` and `INSERT INTO … SELECT` the kept
 *    columns (rowids too, and the AUTOINCREMENT high-water mark). No CAST: the
 *    new column's affinity converts what it can and keeps what it cannot, so
 *    no value is lost (sqlite.org/datatype3.html §3).
 * 6–7. `DROP TABLE <t>`, then `ALTER TABLE _strata_new_<t> RENAME TO <t>` under
 *    `PRAGMA legacy_alter_table=ON`: a modern RENAME re-parses every view and
 *    trigger and fails on those that name the just-dropped `<t>` ("error in
 *    view v: no such table"); the legacy rename leaves them alone, and they
 *    work again once `<t>` exists. Foreign keys elsewhere name `<t>` and so
 *    point at the new table without any rewrite.
 * 8–9. Indexes and triggers of `<t>` are recreated from their stored SQL,
 *    except those that mention a dropped column. Views are left as they are.
 * 10. A `foreign_key_check` of `<t>` and of the tables referencing it must find
 *    nothing, or the statement fails and the migration rolls back.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent, quoteString } from "../_common/quote.ts";
import { createTableSql, type TableSql } from "./_ddl.ts";
import { mentions } from "./_lexer.ts";
import { parseCreateTable } from "./_parse.ts";

/** What a rebuild needs from the render context. */
export type RebuildContext =
  & Pick<RenderContext, "inspectTable" | "query">
  & Partial<Pick<RenderContext, "transactional">>;

/** The current table and what surrounds it. */
export interface CurrentTable {
  spec: TableSql;
  /** `CREATE INDEX` texts of the table's explicit indexes. */
  indexes: { name: string; sql: string }[];
  /** `CREATE TRIGGER` texts of the table's triggers. */
  triggers: { name: string; sql: string }[];
}

/**
 * Reads a table's current definition for a rebuild.
 *
 * @param ctx Render context (`inspectTable`, `query`).
 * @param name Table name.
 * @returns The SQL-level shape plus its index and trigger SQL.
 * @throws {StrataError} When the table does not exist or has generated columns.
 */
export async function readCurrentTable(ctx: RebuildContext, name: string): Promise<CurrentTable> {
  const table = await ctx.inspectTable(name);
  if (!table) throw new StrataError(`Cannot alter table "${name}": no such table`);
  const master = await ctx.query(
    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? COLLATE NOCASE AND sql IS NOT NULL",
    [table.name],
  );
  const tableSql = String(master.find((r) => r.type === "table")?.sql ?? "");
  const parsed = parseCreateTable(tableSql);
  const raw = await ctx.query(
    "SELECT name, type, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1",
    [table.name],
  );
  const generated = raw.find((r) => Number(r.hidden) >= 2);
  if (generated) {
    throw new StrataError(
      `Cannot rebuild table "${table.name}": generated column "${generated.name}" is not supported`,
      { hint: "alter this table with op.execute and hand-written SQL" },
    );
  }
  const spec: TableSql = {
    name: table.name,
    columns: table.columns.map((c) => {
      const info = parsed.columns.find((p) => p.name.toLowerCase() === c.name.toLowerCase());
      return {
        name: c.name,
        type: String(raw.find((r) => r.name === c.name)?.type ?? ""),
        notNull: !c.nullable,
        default: c.default,
        autoIncrement: c.autoIncrement,
        collate: info?.collate ?? null,
        unique: false,
        checks: info?.checks.filter((k) => k.name?.startsWith("enum:")) ?? [],
        references: null,
      };
    }),
    primaryKey: [...table.primaryKey],
    uniques: table.uniques.map((u) => ({ name: u.name, columns: [...u.columns] })),
    checks: table.checks.map((c) => ({ ...c })),
    foreignKeys: table.foreignKeys.map((f) => ({ ...f })),
    options: parsed.options,
  };
  const pick = (type: string) =>
    master.filter((r) => r.type === type).map((r) => ({
      name: String(r.name),
      sql: String(r.sql),
    }));
  return { spec, indexes: pick("index"), triggers: pick("trigger") };
}

function rowidAlias(spec: TableSql): string | undefined {
  const [pk] = spec.primaryKey;
  const col = spec.columns.find((c) => c.name === pk);
  return spec.primaryKey.length === 1 && col && /^integer$/i.test(col.type) ? col.name : undefined;
}

/** The tables (`name` itself included) whose foreign keys reference `name`, with their columns. */
async function referencingKeys(ctx: RebuildContext, name: string) {
  const rows = await ctx.query(
    `SELECT m.name AS child, f.id AS id, f."from" AS col FROM sqlite_master AS m,
       pragma_foreign_key_list(m.name) AS f
     WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE ORDER BY m.name, f.id, f.seq`,
    [name],
  );
  const keys = new Map<string, { child: string; columns: string[] }>();
  for (const r of rows) {
    const child = String(r.child);
    const key = `${child}\0${r.id}`;
    const entry = keys.get(key) ?? { child, columns: [] };
    entry.columns.push(String(r.col));
    keys.set(key, entry);
  }
  return [...keys.values()];
}

/**
 * With enforcement ON, `DROP TABLE` deletes every row first and fires the
 * children's actions; that is harmless only while no child row points at a
 * row (a key with a NULL part points nowhere). Returns the tables that do.
 * A self-reference counts: until the rename, `_strata_new_<t>` is a child of
 * the old `<t>` and would lose its rows to ON DELETE CASCADE.
 */
async function referencingRows(
  ctx: RebuildContext,
  keys: { child: string; columns: string[] }[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const { child, columns } of keys) {
    if (found.has(child)) continue;
    const where = columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(" AND ");
    const rows = await ctx.query(`SELECT 1 AS x FROM ${quoteIdent(child)} WHERE ${where} LIMIT 1`);
    if (rows.length) found.add(child);
  }
  return [...found];
}

/** Options of {@linkcode rebuildTable}. */
export interface RebuildOptions {
  /** Old columns that are gone: indexes and triggers mentioning them are not recreated. */
  dropped?: string[];
}

/**
 * Rebuilds a table into a new shape, keeping every row, its indexes,
 * triggers and the foreign keys of other tables (see the module doc).
 *
 * @param ctx Render context (`inspectTable`, `query`).
 * @param current The table as {@linkcode readCurrentTable} read it.
 * @param next The new shape (same name); columns are copied by name.
 * @param options Dropped columns.
 * @returns The statements, in order.
 * @throws {StrataError} When foreign keys are enforced and other tables reference this one.
 */
export async function rebuildTable(
  ctx: RebuildContext,
  current: CurrentTable,
  next: TableSql,
  options: RebuildOptions = {},
): Promise<Statement[]> {
  const name = current.spec.name;
  const dropped = options.dropped ?? [];
  const keys = await referencingKeys(ctx, name);
  const oldColumns = new Set(current.spec.columns.map((c) => c.name.toLowerCase()));
  for (const f of next.foreignKeys) {
    const self = f.refTable.toLowerCase() === name.toLowerCase();
    if (self && f.columns.every((c) => oldColumns.has(c.toLowerCase()))) {
      keys.push({ child: name, columns: f.columns });
    }
  }
  const children = [...new Set(keys.map((k) => k.child))].filter((c) =>
    c.toLowerCase() !== name.toLowerCase()
  );
  const [fk] = await ctx.query("PRAGMA foreign_keys");
  const blocking = Number(fk?.foreign_keys) === 1 ? await referencingRows(ctx, keys) : [];
  if (blocking.length > 0) {
    throw new StrataError(
      `Cannot rebuild table "${name}" while foreign keys are enforced: rows of ` +
        `${blocking.map((c) => `"${c}"`).join(", ")} reference it`,
      {
        hint: "SQLite cannot turn foreign_keys off inside a transaction; run the migration with " +
          "PRAGMA foreign_keys=OFF set before BEGIN (sqlite.org/lang_altertable.html#otheralter)",
      },
    );
  }
  const [legacy] = await ctx.query("PRAGMA legacy_alter_table");
  const legacyOn = Number(legacy?.legacy_alter_table) === 1;

  const tmp = `_strata_new_${name}`;
  const t = quoteIdent(name);
  const q = quoteIdent(tmp);
  const old = new Set(current.spec.columns.map((c) => c.name.toLowerCase()));
  const kept = next.columns.map((c) => c.name).filter((c) => old.has(c.toLowerCase()));
  const rowidTables = ![current.spec, next].some((s) => /without\s+rowid/i.test(s.options));
  const noRowidColumn = ![...current.spec.columns, ...next.columns].some((c) =>
    /^(rowid|oid|_rowid_)$/i.test(c.name)
  );
  const alias = rowidAlias(next);
  const copyRowid = rowidTables && noRowidColumn && (alias === undefined || !kept.includes(alias));
  const cols = [...(copyRowid ? ["rowid"] : []), ...kept.map(quoteIdent)].join(", ");

  const out: Statement[] = [];
  // Outside a transaction an interrupted rebuild may have left its new table behind.
  if (ctx.transactional === false) out.push({ sql: `DROP TABLE IF EXISTS ${q}` });
  out.push({ sql: createTableSql(next, { name: tmp }) });
  if (cols) out.push({ sql: `INSERT INTO ${q} (${cols}) SELECT ${cols} FROM ${t}` });
  if (next.columns.some((c) => c.autoIncrement)) {
    // Keep AUTOINCREMENT's high-water mark: ids of deleted rows stay unused.
    out.push(
      { sql: "DELETE FROM sqlite_sequence WHERE name = ?", params: [tmp] },
      {
        sql: "INSERT INTO sqlite_sequence (name, seq) SELECT ?, seq FROM sqlite_sequence " +
          "WHERE name = ?",
        params: [tmp, name],
      },
    );
  }
  out.push({ sql: `DROP TABLE ${t}` });
  if (!legacyOn) out.push({ sql: "PRAGMA legacy_alter_table = ON" });
  out.push({ sql: `ALTER TABLE ${q} RENAME TO ${t}` });
  if (!legacyOn) out.push({ sql: "PRAGMA legacy_alter_table = OFF" });
  const keeps = (sql: string) => !dropped.some((c) => mentions(sql, c));
  for (const i of current.indexes) if (keeps(i.sql)) out.push({ sql: i.sql });
  for (const tr of current.triggers) if (keeps(tr.sql)) out.push({ sql: tr.sql });
  out.push(...foreignKeyCheck([name, ...children]));
  return out;
}

/**
 * Statements that fail unless `PRAGMA foreign_key_check` finds nothing for
 * the given tables. SQL cannot raise an error on its own outside a trigger, so
 * the count goes into a temporary table whose named CHECK rejects non-zero.
 *
 * @param tables Tables whose foreign keys (as the child side) are checked.
 * @returns Three statements: create the temp table, insert the count, drop it.
 */
export function foreignKeyCheck(tables: string[]): Statement[] {
  const checks = tables.map((n) => `SELECT 1 FROM pragma_foreign_key_check(${quoteString(n)})`);
  return [
    {
      sql: "CREATE TEMP TABLE IF NOT EXISTS _strata_fk_check (violations INTEGER " +
        `CONSTRAINT "foreign_key_check found violations after a table rebuild" ` +
        "CHECK (violations = 0))",
    },
    {
      sql: `INSERT INTO temp._strata_fk_check (violations) SELECT count(*) FROM (${
        checks.join(" UNION ALL ")
      })`,
    },
    { sql: "DROP TABLE temp._strata_fk_check" },
  ];
}
