/**
 * SQLite's table rebuild: the procedure of sqlite.org/lang_altertable.html,
 * "Making Other Kinds Of Table Schema Changes", for the changes `ALTER TABLE`
 * cannot make (change a column's type, nullability or default; add or drop a
 * constraint; drop a constrained column).
 *
 * A rebuild changes exactly what its changes ask for. The new table is the
 * table's ORIGINAL `CREATE TABLE` text with only the touched column
 * definitions or constraints edited (`_table_text.ts`); its indexes and
 * triggers are recreated from their stored text; views are not touched. So
 * every other object in `sqlite_master` keeps its text, and so does the
 * table's, outside the edit.
 *
 * Several changes of one table in one migration make ONE rebuild, one copy of
 * the rows (as Alembic's batch mode): the session (`session.ts`) holds the
 * {@linkcode TableEdit} back while the next changes edit the same table and
 * writes the statements when something else comes.
 *
 * Steps, numbered as on that page:
 *
 * 1. Foreign-key enforcement must be off, and `PRAGMA foreign_keys` "is a
 *    no-op within a transaction" (sqlite.org/pragma.html#pragma_foreign_keys).
 *    The runner switches it off before each migration's BEGIN; a
 *    non-transactional migration's rebuild switches it off itself and runs
 *    in a SAVEPOINT of its own. Where a caller's transaction keeps it on,
 *    `DROP TABLE` would run an implicit `DELETE` firing the children's ON
 *    DELETE actions (sqlite.org/foreignkeys.html §5), so the rebuild is
 *    refused while child rows point at the table.
 * 2. The transaction is the migration's.
 * 3. The table's text, indexes and triggers come from `sqlite_master`.
 * 4–7. With enforcement off: `ALTER TABLE <t> RENAME TO _strata_old_<t>` under
 *    `PRAGMA legacy_alter_table=ON` (views, triggers of other tables and
 *    foreign keys elsewhere keep naming `<t>`: sqlite.org/pragma.html#pragma_legacy_alter_table),
 *    then `CREATE TABLE <t>` with the edited original text, so the new text
 *    is exactly what was written (renaming a new table into place would
 *    rewrite its name as `"<t>"`), `INSERT INTO <t> … SELECT` the kept
 *    columns (rowids too, and AUTOINCREMENT's high-water mark), `DROP TABLE
 *    _strata_old_<t>`. With enforcement on, where a rename would rewrite the
 *    children's foreign keys, the page's order: `CREATE TABLE
 *    _strata_new_<t>`, copy, `DROP TABLE <t>`, rename into place. No CAST in
 *    the copy: the new column's affinity converts what it can and keeps what
 *    it cannot (sqlite.org/datatype3.html §3); generated columns are not copied.
 * 8–9. Indexes and triggers of `<t>` are recreated from their stored text,
 *    except those a `cascade: true` drop removed.
 * 10. Foreign keys: the violations of `<t>` and of the tables referencing it
 *    are read before and after; a violation the rebuild introduced (a new
 *    foreign key over orphan rows, say) fails the statement and the
 *    migration rolls back. Violations that were there before are left alone.
 *
 * @module
 */
import type { Statement } from "../../drivers/driver.ts";
import { StrataError } from "../../errors.ts";
import type { RenderContext } from "../dialect.ts";
import { quoteIdent, quoteString } from "../_common/quote.ts";
import { type ColumnText, parseTableText, rowidAlias, type TableText } from "./_table_text.ts";
import { edit } from "./_table_edit.ts";

/** What a rebuild reads through: the render context's query and transaction mode. */
export type RebuildContext = Pick<RenderContext, "query" | "transactional">;

/** A schema object a `cascade: true` drop removes. */
export interface DroppedObject {
  type: "view" | "trigger" | "index";
  name: string;
  /** The table a trigger or index is on. */
  table: string | null;
}

/** A table being rebuilt: its text as stored, the edited text, and what the edits did. */
export interface TableEdit {
  /** The table's name as stored. */
  table: string;
  /** The table as it is in the database. */
  original: TableText;
  /** `CREATE INDEX` / `CREATE TRIGGER` texts of the table, as stored. */
  indexes: { name: string; sql: string }[];
  triggers: { name: string; sql: string }[];
  /** The new table, edited change by change. */
  text: TableText;
  /** Columns added by the edits (lower case): no old values to copy. */
  added: Set<string>;
  /** Columns dropped by the edits (lower case): never copied, even when added again. */
  dropped: Set<string>;
  /** Columns whose type the edits changed (lower case). */
  retyped: Set<string>;
  /** Objects a cascade drop removes. */
  drop: DroppedObject[];
  /**
   * Values the copy rewrites, by column (lower case): `old → new`, from
   * `renameEnumValue` (rows follow a renamed value, as on PostgreSQL).
   */
  remap?: Map<string, Map<string, string>>;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Reads a table for editing.
 *
 * @param ctx Where to read.
 * @param name Table name (any case).
 * @returns The table's text, indexes and triggers.
 * @throws {StrataError} When the table does not exist.
 */
export async function readTable(ctx: RebuildContext, name: string): Promise<TableEdit> {
  const rows = await ctx.query(
    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? COLLATE NOCASE " +
      "AND sql IS NOT NULL AND type IN ('table', 'index', 'trigger')",
    [name],
  );
  const table = rows.find((r) => r.type === "table");
  if (!table) throw new StrataError(`Cannot alter table "${name}": no such table`);
  const original = parseTableText(String(table.sql));
  const pick = (type: string) =>
    rows.filter((r) => r.type === type).map((r) => ({ name: String(r.name), sql: String(r.sql) }));
  return {
    table: String(table.name),
    original,
    indexes: pick("index"),
    triggers: pick("trigger"),
    text: original,
    added: new Set(),
    dropped: new Set(),
    retyped: new Set(),
    drop: [],
  };
}

/**
 * Replaces the edited text of a table (after one edit).
 *
 * @param t The table being edited.
 * @param sql The new `CREATE TABLE` text.
 */
export function setText(t: TableEdit, sql: string): void {
  t.text = parseTableText(sql);
}

/** `LIKE` pattern for "contains `text`" (with `ESCAPE '\'`). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The tables (other than `name`) whose foreign keys reference `name`, with their columns. */
async function referencingKeys(ctx: RebuildContext, name: string) {
  const rows = await ctx.query(
    `SELECT m.name AS child, f.id AS id, f."from" AS col FROM sqlite_master AS m,
       pragma_foreign_key_list(m.name) AS f
     WHERE m.type = 'table' AND m.sql LIKE ? ESCAPE '\\' AND f."table" = ? COLLATE NOCASE
       AND m.name <> ? COLLATE NOCASE
     ORDER BY m.name, f.id, f.seq`,
    [likeContains(name), name, name],
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

function isGenerated(c: ColumnText): boolean {
  return c.constraints.some((k) => k.kind === "generated");
}

function selfKeys(text: TableText): { child: string; columns: string[] }[] {
  const out: { child: string; columns: string[] }[] = [];
  for (const col of text.columns) {
    for (const k of col.constraints) {
      if (k.kind === "references" && same(k.refTable ?? "", text.name)) {
        out.push({ child: text.name, columns: [col.name] });
      }
    }
  }
  for (const k of text.constraints) {
    if (k.kind === "foreignKey" && same(k.refTable ?? "", text.name)) {
      out.push({ child: text.name, columns: k.columns });
    }
  }
  return out;
}

function hasForeignKeys(text: TableText): boolean {
  return text.constraints.some((k) => k.kind === "foreignKey") ||
    text.columns.some((c) => c.constraints.some((k) => k.kind === "references"));
}

/**
 * The statements that rebuild one table into its edited text (see the module doc).
 *
 * @param ctx Where to read (pragmas, the tables that reference this one).
 * @param t The table and its edits.
 * @returns The statements, in order.
 * @throws {StrataError} When foreign keys are enforced inside the caller's
 *   transaction and rows of other tables reference this one.
 */
export async function rebuildStatements(
  ctx: RebuildContext,
  t: TableEdit,
): Promise<Statement[]> {
  const name = t.table;
  const old = t.original;
  const next = t.text;
  const children = await referencingKeys(ctx, name);
  const [fk] = await ctx.query("PRAGMA foreign_keys");
  const enforced = Number(fk?.foreign_keys) === 1;
  // Outside a transaction the rebuild switches enforcement off itself.
  const ownTransaction = ctx.transactional === false;
  const renameOld = !enforced || ownTransaction;
  if (!renameOld) {
    const blocking = await referencingRows(ctx, [...children, ...selfKeys(old)]);
    if (blocking.length > 0) {
      throw new StrataError(
        `Cannot rebuild table "${name}" while foreign keys are enforced: rows of ` +
          `${blocking.map((c) => `"${c}"`).join(", ")} reference it`,
        {
          hint: "SQLite cannot turn foreign_keys off inside a transaction; run the migration " +
            "with PRAGMA foreign_keys=OFF set before BEGIN (sqlite.org/lang_altertable.html#otheralter)",
        },
      );
    }
  }
  const [legacy] = await ctx.query("PRAGMA legacy_alter_table");
  const legacyOn = Number(legacy?.legacy_alter_table) === 1;

  const oldColumns = new Map(old.columns.map((c) => [c.name.toLowerCase(), c]));
  const kept = next.columns.filter((c) => {
    const was = oldColumns.get(c.name.toLowerCase());
    return was !== undefined && !isGenerated(was) && !isGenerated(c) &&
      !t.dropped.has(c.name.toLowerCase());
  }).map((c) => c.name);
  const rowidTables = !old.withoutRowid && !next.withoutRowid;
  const noRowidColumn = ![...old.columns, ...next.columns].some((c) =>
    /^(rowid|oid|_rowid_)$/i.test(c.name)
  );
  const alias = rowidAlias(next);
  const copyRowid = rowidTables && noRowidColumn &&
    (alias === undefined || !kept.some((c) => same(c, alias)));
  const cols = [...(copyRowid ? ["rowid"] : []), ...kept.map(quoteIdent)].join(", ");
  const values = [...(copyRowid ? ["rowid"] : []), ...kept.map((c) => copyExpr(t, c))].join(", ");
  const autoIncrement = next.columns.some((c) =>
    c.constraints.some((k) => k.kind === "primaryKey" && k.autoIncrement)
  );
  const checked = children.length > 0 || hasForeignKeys(old) || hasForeignKeys(next)
    ? [name, ...new Set(children.map((k) => k.child))]
    : [];

  const out: Statement[] = [];
  const sql = (text: string, params?: unknown[]) =>
    out.push(params ? { sql: text, params } : { sql: text });
  if (ownTransaction) {
    if (enforced) sql("PRAGMA foreign_keys = OFF");
    sql("SAVEPOINT strata_rebuild");
  }
  for (const d of t.drop) {
    if (d.type === "view") sql(`DROP VIEW ${quoteIdent(d.name)}`);
    if (d.type === "trigger" && !same(d.table ?? "", name)) {
      sql(`DROP TRIGGER ${quoteIdent(d.name)}`);
    }
  }
  if (checked.length) out.push(...foreignKeySnapshot(checked));
  const tq = quoteIdent(name);
  const setLegacy = (on: boolean) => {
    if (!legacyOn) sql(`PRAGMA legacy_alter_table = ${on ? "ON" : "OFF"}`);
  };
  const copySequence = (from: string, to: string) => {
    if (!autoIncrement) return;
    // Keep AUTOINCREMENT's high-water mark: ids of deleted rows stay unused.
    sql("DELETE FROM sqlite_sequence WHERE name = ?", [to]);
    sql(
      "INSERT INTO sqlite_sequence (name, seq) SELECT ?, seq FROM sqlite_sequence WHERE name = ?",
      [to, from],
    );
  };
  if (renameOld) {
    const oldName = `_strata_old_${name}`;
    const oq = quoteIdent(oldName);
    setLegacy(true);
    sql(`ALTER TABLE ${tq} RENAME TO ${oq}`);
    setLegacy(false);
    sql(next.sql);
    if (cols) sql(`INSERT INTO ${tq} (${cols}) SELECT ${values} FROM ${oq}`);
    copySequence(oldName, name);
    sql(`DROP TABLE ${oq}`);
  } else {
    const newName = `_strata_new_${name}`;
    const nq = quoteIdent(newName);
    sql(edit.rename(next, nq));
    if (cols) sql(`INSERT INTO ${nq} (${cols}) SELECT ${values} FROM ${tq}`);
    copySequence(name, newName);
    sql(`DROP TABLE ${tq}`);
    setLegacy(true);
    sql(`ALTER TABLE ${nq} RENAME TO ${tq}`);
    setLegacy(false);
  }
  const dropped = (type: string, n: string) =>
    t.drop.some((d) => d.type === type && same(d.name, n));
  for (const i of t.indexes) if (!dropped("index", i.name)) sql(i.sql);
  for (const tr of t.triggers) if (!dropped("trigger", tr.name)) sql(tr.sql);
  if (checked.length) out.push(...foreignKeyVerify(name, checked));
  if (ownTransaction) {
    sql("RELEASE strata_rebuild");
    if (enforced) sql("PRAGMA foreign_keys = ON");
  }
  return out;
}

/**
 * What the copy selects for a column: the column, or, when the rebuild
 * renames values in it, `CASE col WHEN 'old' THEN 'new' … ELSE col END`.
 *
 * @param t The table being rebuilt.
 * @param column The column's name.
 * @returns An expression over the old table's row.
 */
export function copyExpr(t: TableEdit, column: string): string {
  const col = quoteIdent(column);
  const map = t.remap?.get(column.toLowerCase());
  if (!map || map.size === 0) return col;
  const whens = [...map].map(([from, to]) => `WHEN ${quoteString(from)} THEN ${quoteString(to)}`);
  return `CASE ${col} ${whens.join(" ")} ELSE ${col} END`;
}

function violations(tables: string[]): string {
  return tables.map((n) =>
    `SELECT "table" AS t, rowid AS r, parent AS p FROM pragma_foreign_key_check(${quoteString(n)})`
  ).join(" UNION ALL ");
}

/**
 * The statement that records the foreign-key violations of `tables` before
 * a rebuild, for {@linkcode foreignKeyVerify} to compare with.
 *
 * @param tables Tables whose foreign keys (as the child side) are checked.
 * @returns One statement creating `temp._strata_fk_before`.
 */
export function foreignKeySnapshot(tables: string[]): Statement[] {
  return [{ sql: `CREATE TEMP TABLE _strata_fk_before AS ${violations(tables)}` }];
}

/**
 * Statements that fail when `PRAGMA foreign_key_check` finds a violation in
 * `tables` that {@linkcode foreignKeySnapshot} did not record: a rebuild
 * must not introduce one, and leaves alone those it found. SQL cannot raise
 * an error on its own outside a trigger, so the count goes into a temporary
 * table whose named CHECK rejects non-zero; the name is the error message.
 *
 * @param table The rebuilt table (named in the message).
 * @param tables Tables whose foreign keys (as the child side) are checked.
 * @returns The statements: create the check table, insert the count, drop both temp tables.
 */
export function foreignKeyVerify(table: string, tables: string[]): Statement[] {
  const constraint = quoteIdent(`rebuilding ${table} introduced foreign-key violations`);
  return [
    {
      sql: `CREATE TEMP TABLE _strata_fk_check (violations INTEGER CONSTRAINT ${constraint} ` +
        "CHECK (violations = 0))",
    },
    {
      sql: `INSERT INTO temp._strata_fk_check (violations) SELECT count(*) FROM ` +
        `(SELECT t, r, p, count(*) AS n FROM (${violations(tables)}) GROUP BY t, r, p) AS a ` +
        "WHERE a.n > (SELECT count(*) FROM temp._strata_fk_before AS b " +
        "WHERE b.t = a.t AND b.r IS a.r AND b.p = a.p)",
    },
    { sql: "DROP TABLE temp._strata_fk_check" },
    { sql: "DROP TABLE temp._strata_fk_before" },
  ];
}
