/**
 * Rendering the enum-value changes for PostgreSQL.
 *
 * `addEnumValue` and `renameEnumValue` are native (`ALTER TYPE … ADD VALUE`,
 * `… RENAME VALUE`). PostgreSQL cannot drop or reorder enum values, so
 * `dropEnumValue` and `alterEnum` rebuild the type: create `NAME__strata_new`
 * with the new values, move every table column of the type (and arrays of
 * it) over with `USING col::text::NAME__strata_new`, drop the old type,
 * rename the new one into place.
 *
 * That procedure needs to know the columns, and the SQL must be the same
 * live and offline (`--sql` has no database to read), so it is one `DO`
 * block that reads the catalog when it runs. Before changing anything it
 * refuses, with one clear message, what PostgreSQL would refuse or what
 * would lose data:
 *
 * - a view, rule, trigger, policy or generated column using a column of the
 *   type ("cannot alter type of a column used by a view or rule"), or such a
 *   column in a partition key;
 * - any other object using the type (functions, domains, composite types,
 *   views' columns, partitioned or constraint indexes whose expressions
 *   hold a value of it);
 * - a row or a column default holding a value being removed.
 *
 * What it can carry over it does: column defaults, and CHECK constraints and
 * plain indexes whose expressions hold a value of the type, are saved as
 * text, dropped, and restored after the rename (their `'x'::NAME` then means
 * the new type). The type's comment is copied; its owner and privileges are
 * not (the new type belongs to the migrating user).
 *
 * @module
 */
import type { ChangeOf, EnumValueChange } from "../../changes/change.ts";
import { DEFAULT_VALUE_HINT, HELD_VALUE_HINT } from "../../changes/enum_values.ts";
import type { Statement } from "../../drivers/driver.ts";
import { qualify } from "../_common/quote.ts";
import { pgString } from "./literal.ts";

const q = (text: string) => JSON.stringify(text);

/** `ALTER TYPE … ADD VALUE [IF NOT EXISTS] '…' [BEFORE|AFTER '…']`. */
function addValue(c: ChangeOf<"addEnumValue">): string {
  let sql = `ALTER TYPE ${qualify(c.name, c.schema)} ADD VALUE ` +
    `${c.ifNotExists ? "IF NOT EXISTS " : ""}${pgString(c.value)}`;
  if (c.before !== undefined) sql += ` BEFORE ${pgString(c.before)}`;
  else if (c.after !== undefined) sql += ` AFTER ${pgString(c.after)}`;
  return sql;
}

/**
 * The plpgsql that computes `new_values` from `old_values` (and may refuse),
 * and the prefix of its messages.
 */
function target(c: ChangeOf<"dropEnumValue" | "alterEnum">): { prefix: string; compute: string } {
  if (c.kind === "dropEnumValue") {
    const prefix = `Cannot drop value ${q(c.value)} from enum ${q(c.name)}`;
    const value = pgString(c.value);
    return {
      prefix,
      compute: `  IF NOT (${value} = ANY (old_values)) THEN
    RAISE EXCEPTION USING MESSAGE = ${pgString(`${prefix}: no such value`)},
      ERRCODE = 'invalid_parameter_value';
  END IF;
  new_values := array_remove(old_values, ${value});`,
    };
  }
  const list = c.values.map(pgString).join(", ");
  return {
    prefix: `Cannot alter enum ${q(c.name)}`,
    compute: `  new_values := ARRAY[${list}]::text[];`,
  };
}

/**
 * The `DO` block of the type rebuild (see the module doc). Runtime names:
 * `typ`/`arr` the old type and its array type, `tmp` the new type's name.
 */
function rebuild(c: ChangeOf<"dropEnumValue" | "alterEnum">): string {
  const { prefix, compute } = target(c);
  const p = pgString(prefix);
  const enumName = pgString(q(c.name));
  // Columns moved to the new type: of ordinary and partitioned tables, not
  // generated. Inherited ones follow their parent's ALTER.
  const cols = "pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid";
  const isCol = "a.atttypid IN (typ, arr) AND c.relkind IN ('r', 'p') AND a.attnum > 0 " +
    "AND NOT a.attisdropped AND a.attgenerated = ''";
  const dependsOnType = (cls: string, obj: string) =>
    `EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.classid = '${cls}'::regclass
        AND d.objid = ${obj} AND d.refclassid = 'pg_type'::regclass AND d.refobjid IN (typ, arr))`;
  const body = `
DECLARE
  typ oid := to_regtype(${pgString(qualify(c.name, c.schema))});
  arr oid;
  nsp text;
  tname text;
  tmp text;
  note text;
  old_values text[];
  new_values text[];
  removed text[];
  r record;
  v text;
  redo_sql text[] := '{}';
  redo_what text[] := '{}';
BEGIN
  IF typ IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_type WHERE oid = typ AND typtype = 'e') THEN
    RAISE EXCEPTION USING MESSAGE = ${p} || ': no such enum type', ERRCODE = 'undefined_object';
  END IF;
  SELECT n.nspname, t.typname, t.typarray, obj_description(t.oid, 'pg_type')
    INTO nsp, tname, arr, note
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE t.oid = typ;
  old_values := ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
    WHERE e.enumtypid = typ ORDER BY e.enumsortorder);
${compute}
  IF new_values = old_values THEN
    RETURN;
  END IF;
  removed := ARRAY(SELECT x FROM unnest(old_values) AS x WHERE NOT (x = ANY (new_values)));

  -- 1. Refuse what PostgreSQL would refuse, before changing anything.
  FOR r IN
    SELECT CASE WHEN d.classid = 'pg_rewrite'::regclass THEN (
        SELECT CASE WHEN rw.rulename = '_RETURN'
          THEN CASE vc.relkind WHEN 'm' THEN 'materialized view ' ELSE 'view ' END
            || rw.ev_class::regclass::text
          ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END
        FROM pg_catalog.pg_rewrite rw JOIN pg_catalog.pg_class vc ON vc.oid = rw.ev_class
        WHERE rw.oid = d.objid)
      ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END AS what,
      c.relname::text || '.' || a.attname::text AS col
    FROM ${cols}
    JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_class'::regclass
      AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
    WHERE ${isCol} AND (
      d.classid IN ('pg_rewrite'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
      OR (d.classid = 'pg_attrdef'::regclass AND NOT EXISTS (SELECT FROM pg_catalog.pg_attrdef ad
        WHERE ad.oid = d.objid AND ad.adrelid = a.attrelid AND ad.adnum = a.attnum)))
    ORDER BY 2, 1 LIMIT 1
  LOOP
    RAISE EXCEPTION USING
      MESSAGE = format('%s: %s uses column %s', ${p}, r.what, to_json(r.col)::text),
      HINT = 'drop it before this call and create it again after (op.execute): PostgreSQL cannot change the type of a column it uses',
      ERRCODE = 'dependent_objects_still_exist';
  END LOOP;
  FOR r IN
    SELECT c.relname::text || '.' || a.attname::text AS col, c.relname::text AS tbl
    FROM ${cols} JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = a.attrelid
    WHERE ${isCol} AND a.attnum = ANY (pt.partattrs::int2[])
    ORDER BY 1 LIMIT 1
  LOOP
    RAISE EXCEPTION USING
      MESSAGE = format('%s: column %s is in the partition key of table %s', ${p},
        to_json(r.col)::text, to_json(r.tbl)::text),
      HINT = 'PostgreSQL cannot change the type of a partition key column',
      ERRCODE = 'feature_not_supported';
  END LOOP;
  FOR r IN
    SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS what
    FROM pg_catalog.pg_depend d
    WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid IN (typ, arr) AND d.deptype = 'n'
      AND NOT (d.classid = 'pg_class'::regclass AND d.objsubid > 0 AND EXISTS (
        SELECT FROM ${cols} WHERE ${isCol} AND a.attrelid = d.objid AND a.attnum = d.objsubid))
      AND NOT (d.classid = 'pg_attrdef'::regclass AND EXISTS (
        SELECT FROM pg_catalog.pg_attrdef ad JOIN ${cols}
          ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
        WHERE ${isCol} AND ad.oid = d.objid))
      AND NOT (d.classid = 'pg_constraint'::regclass AND EXISTS (
        SELECT FROM pg_catalog.pg_constraint k WHERE k.oid = d.objid AND k.contype = 'c'
          AND k.conrelid <> 0 AND (k.coninhcount = 0 OR NOT k.conislocal)))
      AND NOT (d.classid = 'pg_class'::regclass AND d.objsubid = 0 AND EXISTS (
        SELECT FROM pg_catalog.pg_class ic WHERE ic.oid = d.objid AND ic.relkind = 'i'
          AND NOT ic.relispartition AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_constraint k WHERE k.conindid = ic.oid)))
    ORDER BY 1 LIMIT 1
  LOOP
    RAISE EXCEPTION USING
      MESSAGE = format('%s: %s uses the type', ${p}, r.what),
      HINT = 'drop it before this call and create it again after (op.execute)',
      ERRCODE = 'dependent_objects_still_exist';
  END LOOP;

  -- 2. No row and no column default may hold a value being removed.
  IF cardinality(removed) > 0 THEN
    FOR r IN
      SELECT a.attrelid::regclass AS rel, c.relname::text || '.' || a.attname::text AS col,
        a.attname, a.atttypid = arr AS is_array, pg_get_expr(ad.adbin, ad.adrelid) AS def,
        a.attinhcount > 0 AS inherited
      FROM ${cols}
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE ${isCol}
      ORDER BY c.relname, a.attnum
    LOOP
      FOREACH v IN ARRAY removed LOOP
        IF starts_with(r.def, quote_literal(v) || '::') THEN
          RAISE EXCEPTION USING
            MESSAGE = format('Cannot remove value %s from enum %s: it is the default of column %s',
              to_json(v)::text, ${enumName}, to_json(r.col)::text),
            HINT = ${pgString(DEFAULT_VALUE_HINT)}, ERRCODE = 'check_violation';
        END IF;
      END LOOP;
      -- A parent's rows include its children's: each row is read once.
      IF r.inherited THEN
        CONTINUE;
      ELSIF r.is_array THEN
        EXECUTE format('SELECT strata_v FROM %s AS strata_t, unnest(strata_t.%I::text[]) '
          || 'AS strata_v WHERE strata_v = ANY ($1) LIMIT 1', r.rel, r.attname) INTO v USING removed;
      ELSE
        EXECUTE format('SELECT %I::text FROM %s WHERE %I::text = ANY ($1) LIMIT 1',
          r.attname, r.rel, r.attname) INTO v USING removed;
      END IF;
      IF v IS NOT NULL THEN
        RAISE EXCEPTION USING
          MESSAGE = format('Cannot remove value %s from enum %s: column %s holds it',
            to_json(v)::text, ${enumName}, to_json(r.col)::text),
          HINT = ${pgString(HELD_VALUE_HINT)}, ERRCODE = 'check_violation';
      END IF;
    END LOOP;
  END IF;

  -- 3. The new type, under a temporary name.
  tmp := CASE WHEN octet_length(tname) <= 51 THEN tname || '__strata_new'
    ELSE 'strata_' || md5(tname) || '__new' END;
  EXECUTE format('CREATE TYPE %I.%I AS ENUM (%s)', nsp, tmp,
    (SELECT coalesce(string_agg(quote_literal(x), ', ' ORDER BY i), '')
      FROM unnest(new_values) WITH ORDINALITY AS u(x, i)));

  -- 4. Save and drop what would not survive the change of column type.
  FOR r IN
    SELECT k.conrelid::regclass AS rel, k.conname, pg_get_constraintdef(k.oid) AS def,
      format('constraint %s on table %s', to_json(k.conname::text)::text,
        to_json(c.relname::text)::text) AS what
    FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
    WHERE k.contype = 'c' AND k.coninhcount = 0 AND ${dependsOnType("pg_constraint", "k.oid")}
    ORDER BY c.relname, k.conname
  LOOP
    redo_sql := redo_sql || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.rel, r.conname, r.def);
    redo_what := redo_what || r.what;
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.conname);
  END LOOP;
  FOR r IN
    SELECT ic.oid::regclass AS idx, pg_get_indexdef(ic.oid) AS def,
      format('index %s', to_json(ic.relname::text)::text) AS what
    FROM pg_catalog.pg_class ic
    WHERE ic.relkind = 'i' AND ${dependsOnType("pg_class", "ic.oid")}
    ORDER BY ic.relname
  LOOP
    redo_sql := redo_sql || r.def;
    redo_what := redo_what || r.what;
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  FOR r IN
    SELECT a.attrelid::regclass AS rel, a.attname, pg_get_expr(ad.adbin, ad.adrelid) AS def,
      format('the default of column %s', to_json(c.relname::text || '.' || a.attname::text)::text)
        AS what
    FROM ${cols}
    JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    WHERE ${isCol}
    ORDER BY c.relname, a.attnum
  LOOP
    redo_sql := redo_sql || format('ALTER TABLE ONLY %s ALTER COLUMN %I SET DEFAULT %s',
      r.rel, r.attname, r.def);
    redo_what := redo_what || r.what;
    EXECUTE format('ALTER TABLE ONLY %s ALTER COLUMN %I DROP DEFAULT', r.rel, r.attname);
  END LOOP;

  -- 5. Move the columns (one ALTER TABLE, one rewrite, per table), swap the types.
  FOR r IN
    SELECT a.attrelid::regclass AS rel, string_agg(format('ALTER COLUMN %I TYPE %s USING %I::%s::%s',
      a.attname, format('%I.%I', nsp, tmp) || CASE WHEN a.atttypid = arr THEN '[]' ELSE '' END,
      a.attname, CASE WHEN a.atttypid = arr THEN 'text[]' ELSE 'text' END,
      format('%I.%I', nsp, tmp) || CASE WHEN a.atttypid = arr THEN '[]' ELSE '' END),
      ', ' ORDER BY a.attnum) AS alters
    FROM ${cols}
    WHERE ${isCol} AND a.attinhcount = 0
    GROUP BY a.attrelid, c.relname
    ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE %s %s', r.rel, r.alters);
  END LOOP;
  EXECUTE format('DROP TYPE %I.%I', nsp, tname);
  EXECUTE format('ALTER TYPE %I.%I RENAME TO %I', nsp, tmp, tname);
  IF note IS NOT NULL THEN
    EXECUTE format('COMMENT ON TYPE %I.%I IS %L', nsp, tname, note);
  END IF;

  -- 6. Restore what step 4 saved; its 'x'::NAME now means the new type.
  FOR i IN 1 .. cardinality(redo_sql) LOOP
    BEGIN
      EXECUTE redo_sql[i];
    EXCEPTION WHEN OTHERS THEN
      RAISE EXCEPTION USING
        MESSAGE = format('%s: cannot restore %s: %s', ${p}, redo_what[i], SQLERRM),
        HINT = 'change or drop it before this call', ERRCODE = 'dependent_objects_still_exist';
    END;
  END LOOP;
END
`;
  const tag = dollarTag(body);
  return `DO ${tag}${body}${tag}`;
}

/** A dollar-quote tag that does not occur in `body`. */
function dollarTag(body: string): string {
  for (let i = 0;; i++) {
    const tag = i === 0 ? "$strata$" : `$strata_${i}$`;
    if (!body.includes(tag)) return tag;
  }
}

/**
 * Renders one enum-value change for PostgreSQL (see the module doc).
 *
 * @param c The change.
 * @returns One statement.
 * @throws {StrataError} When a value holds a NUL character.
 *
 * @example Adding a value
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderEnumValueChange } from "./render_enum.ts";
 * const [s] = renderEnumValueChange({
 *   kind: "addEnumValue", name: "mood", value: "ok", before: "happy", ifNotExists: true,
 * });
 * assert.equal(s?.sql, "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok' BEFORE 'happy'");
 * ```
 */
export function renderEnumValueChange(c: EnumValueChange): Statement[] {
  switch (c.kind) {
    case "addEnumValue":
      return [{ sql: addValue(c) }];
    case "renameEnumValue":
      return [{
        sql: `ALTER TYPE ${qualify(c.name, c.schema)} RENAME VALUE ${pgString(c.oldValue)} TO ${
          pgString(c.newValue)
        }`,
      }];
    case "dropEnumValue":
    case "alterEnum":
      return [{ sql: rebuild(c) }];
  }
}
