/**
 * Portable column types on SQLite, and the one vocabulary the introspector
 * reports them in.
 *
 * SQLite keeps a column's declared type text as written and derives only an
 * affinity from it (sqlite.org/datatype3.html §3.1: contains "INT" → INTEGER;
 * "CHAR", "CLOB" or "TEXT" → TEXT; "BLOB" or none → BLOB; "REAL", "FLOA",
 * "DOUB" → REAL; otherwise NUMERIC). So Strata declares portable-looking names
 * whenever their affinity is right, and appends ` TEXT` where it is not:
 *
 * | portable      | declared            | affinity | reported      |
 * | ------------- | ------------------- | -------- | ------------- |
 * | integer       | INTEGER             | INTEGER  | integer       |
 * | bigint        | BIGINT              | INTEGER  | bigint        |
 * | smallint      | SMALLINT            | INTEGER  | smallint      |
 * | text          | TEXT                | TEXT     | text          |
 * | varchar(n)    | VARCHAR(n)          | TEXT     | varchar(n)    |
 * | char(n)       | CHAR(n)             | TEXT     | char(n)       |
 * | boolean       | BOOLEAN             | NUMERIC  | boolean       |
 * | real          | REAL                | REAL     | real          |
 * | double        | DOUBLE              | REAL     | double        |
 * | numeric(p,s)  | NUMERIC(p,s)        | NUMERIC  | numeric(p,s)  |
 * | date          | DATE TEXT           | TEXT     | date          |
 * | time          | TIME TEXT           | TEXT     | time          |
 * | timestamp     | TIMESTAMP TEXT      | TEXT     | timestamp     |
 * | timestamptz   | TIMESTAMPTZ TEXT    | TEXT     | timestamptz   |
 * | json          | JSON TEXT           | TEXT     | json          |
 * | uuid          | UUID TEXT           | TEXT     | uuid          |
 * | blob          | BLOB                | BLOB     | blob          |
 * | enum:NAME     | TEXT + `CONSTRAINT "enum:NAME" CHECK (col IN (…))` | TEXT | enum:NAME |
 *
 * Plain `DATE`, `TIMESTAMPTZ`, `JSON` or `UUID` would get NUMERIC affinity,
 * which turns a stored `'123'` into the integer 123 — wrong for JSON text and
 * identifiers. Booleans keep `BOOLEAN` (NUMERIC affinity stores 1/0) without a
 * CHECK, as most SQLite tools do. Reported names are lower case, spaces
 * collapsed, and common aliases folded (`int` → `integer`, `bool` →
 * `boolean`, `decimal(p,s)` → `numeric(p,s)`, `datetime` → `timestamp`,
 * `double precision`/`float` → `double`, the ` text` storage suffix dropped).
 * Other types pass through, provided they follow SQLite's type-name grammar.
 *
 * @module
 */
import { isSqlExpr, type Value } from "../../changes/change.ts";
import { StrataError } from "../../errors.ts";
import { significant, tokenize } from "./_lexer.ts";
import { literal } from "./literal.ts";

const DECLARED: Record<string, string> = {
  integer: "INTEGER",
  bigint: "BIGINT",
  smallint: "SMALLINT",
  text: "TEXT",
  boolean: "BOOLEAN",
  real: "REAL",
  double: "DOUBLE",
  date: "DATE TEXT",
  time: "TIME TEXT",
  timestamp: "TIMESTAMP TEXT",
  timestamptz: "TIMESTAMPTZ TEXT",
  json: "JSON TEXT",
  uuid: "UUID TEXT",
  blob: "BLOB",
};

const SIZED: Record<string, string> = { varchar: "VARCHAR", char: "CHAR", numeric: "NUMERIC" };

const ALIASES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  int8: "bigint",
  int2: "smallint",
  bool: "boolean",
  "double precision": "double",
  float: "double",
  float8: "double",
  float4: "real",
  datetime: "timestamp",
  "timestamp without time zone": "timestamp",
  "timestamp with time zone": "timestamptz",
  jsonb: "json",
};

/** SQLite's type-name grammar: names, then an optional `(n)` or `(p, s)`. */
const TYPE_NAME =
  /^[A-Za-z_][A-Za-z0-9_]*( +[A-Za-z_][A-Za-z0-9_]*)*( *\( *[+-]?\d+ *(, *[+-]?\d+ *)?\))?$/;

/**
 * The enum name of an `enum:NAME` type.
 *
 * @param type A column type.
 * @returns `NAME`, or `undefined` for other types.
 */
export function enumName(type: string): string | undefined {
  return type.startsWith("enum:") ? type.slice(5) : undefined;
}

/**
 * The declared SQLite type for a portable or pass-through type.
 *
 * @param type Portable type (`varchar(80)`, `timestamptz`) or a SQLite type.
 * @returns The declared type text (`TEXT` for `enum:NAME`; its CHECK is added by the caller).
 * @throws {StrataError} When the type is not a plausible SQLite type name.
 *
 * @example Declared types
 * ```ts
 * import assert from "node:assert/strict";
 * import { declaredType } from "./types.ts";
 * assert.equal(declaredType("varchar(80)"), "VARCHAR(80)");
 * assert.equal(declaredType("json"), "JSON TEXT");
 * ```
 */
export function declaredType(type: string): string {
  if (enumName(type) !== undefined) return "TEXT";
  const t = type.trim();
  const portable = DECLARED[t.toLowerCase()];
  if (portable) return portable;
  const m = /^([a-z]+)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/i.exec(t);
  const sized = m ? SIZED[(m[1] as string).toLowerCase()] : undefined;
  if (m && sized) return `${sized}(${m[2]}${m[3] === undefined ? "" : `,${m[3]}`})`;
  if (!TYPE_NAME.test(t)) {
    throw new StrataError(`Unknown column type "${type}" on sqlite`, {
      hint: "use a portable type (integer, text, varchar(n), numeric(p,s), timestamptz, json, " +
        "…) or a SQLite type name such as DECIMAL(10,2)",
    });
  }
  return t;
}

/** The only type names a STRICT table accepts (sqlite.org/stricttables.html). */
const STRICT_TYPES = new Set(["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"]);

/**
 * The declared type for a column of a STRICT table, which accepts only INT,
 * INTEGER, REAL, TEXT, BLOB and ANY: a portable type maps to the one of these
 * with the affinity it has elsewhere (sqlite.org/datatype3.html §3.1), so
 * `varchar(20)` is TEXT, `bigint` INTEGER, `double` REAL; `boolean` is
 * INTEGER (0/1) and `numeric(p,s)` REAL, as their values are stored anyway.
 *
 * @param type Portable type or a SQLite type.
 * @returns One of STRICT's type names.
 * @throws {StrataError} When the type is not a plausible SQLite type name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { strictType } from "./types.ts";
 * assert.equal(strictType("varchar(20)"), "TEXT");
 * assert.equal(strictType("timestamptz"), "TEXT");
 * assert.equal(strictType("bigint"), "INTEGER");
 * assert.equal(strictType("any"), "ANY");
 * ```
 */
export function strictType(type: string): string {
  const declared = declaredType(type).toUpperCase();
  if (STRICT_TYPES.has(declared)) return declared;
  if (declared.includes("INT") || declared.startsWith("BOOL")) return "INTEGER";
  if (/CHAR|CLOB|TEXT/.test(declared)) return "TEXT";
  if (declared.includes("BLOB")) return "BLOB";
  return "REAL";
}

/**
 * Maps a declared type, as `pragma table_xinfo` reports it, to the canonical
 * vocabulary described in this module's table.
 *
 * @param declared The declared type text (may be empty).
 * @returns The canonical, lower-case type name.
 */
export function canonicalType(declared: string): string {
  let t = declared.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1");
  const stored = /^(date|time|timestamp|timestamptz|json|uuid) text$/.exec(t);
  if (stored) t = stored[1] as string;
  const alias = ALIASES[t];
  if (alias) return alias;
  const m = /^(decimal|character varying|character)(\(.*\))$/.exec(t);
  if (m) {
    const base = m[1] === "decimal" ? "numeric" : m[1] === "character" ? "char" : "varchar";
    return base + m[2];
  }
  return t;
}

/**
 * The type the introspector reports for a column declared with `type`.
 *
 * @param type A portable or pass-through type.
 * @returns The reported type (`enum:NAME` stays `enum:NAME`).
 * @throws {StrataError} When the type is not plausible on SQLite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeType } from "./types.ts";
 * assert.equal(normalizeType("VARCHAR( 80 )"), "varchar(80)");
 * assert.equal(normalizeType("timestamptz"), "timestamptz");
 * assert.equal(normalizeType("decimal(10, 2)"), "numeric(10,2)");
 * ```
 */
export function normalizeType(type: string): string {
  if (enumName(type) !== undefined) return type;
  return canonicalType(declaredType(type));
}

/**
 * The default text `pragma table_xinfo` reports for a column default.
 *
 * @param value A literal default or an SQL expression (`{ $sql }`).
 * @param _type The column type (SQLite writes every type's literals alike).
 * @returns The SQL text (an expression loses its outer parentheses, as SQLite stores it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultSql } from "./types.ts";
 * assert.equal(defaultSql("it's", "text"), "'it''s'");
 * assert.equal(defaultSql(true, "boolean"), "1");
 * assert.equal(defaultSql({ $sql: "CURRENT_TIMESTAMP" }, "timestamptz"), "CURRENT_TIMESTAMP");
 * ```
 */
export function defaultSql(value: Value, _type: string): string {
  return isSqlExpr(value) ? value.$sql.trim() : literal(value);
}

/**
 * Tells whether a default text can be written bare after `DEFAULT` (a
 * literal, a signed number, or one word such as `CURRENT_TIMESTAMP`).
 *
 * @param text Default SQL text.
 * @returns `true` when no parentheses are needed.
 */
export function isBareDefault(text: string): boolean {
  const tokens = significant(tokenize(text));
  const [a, b] = tokens;
  if (tokens.length === 1) return a?.kind !== "punct" && a?.kind !== "param";
  return tokens.length === 2 && (a?.text === "-" || a?.text === "+") && b?.kind === "number";
}

/**
 * Writes a `DEFAULT` clause for a default text.
 *
 * @param text Default SQL text, as {@linkcode defaultSql} or introspection give it.
 * @returns `DEFAULT text` or `DEFAULT (text)`.
 */
export function defaultClause(text: string): string {
  return `DEFAULT ${isBareDefault(text) ? text : `(${text})`}`;
}

/**
 * Tells whether `ALTER TABLE ADD COLUMN` accepts this default
 * (sqlite.org/lang_altertable.html: not CURRENT_TIME/DATE/TIMESTAMP, not an
 * expression in parentheses).
 *
 * @param text Default SQL text.
 * @returns `true` for a constant default.
 */
export function isConstantDefault(text: string): boolean {
  return isBareDefault(text) && !/^current_(time|date|timestamp)$/i.test(text.trim());
}
