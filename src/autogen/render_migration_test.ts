import assert from "node:assert/strict";
import type { Change } from "../changes/change.ts";
import { postgresEngine } from "../dialects/postgres/mod.ts";
const postgresDialect = postgresEngine.dialect;
import { sqliteEngine } from "../dialects/sqlite/mod.ts";
const sqliteDialect = sqliteEngine.dialect;
import { renderChange, type RenderMigrationOptions } from "./render_migration.ts";
import { comment, jsString } from "./_ts.ts";

const pg: RenderMigrationOptions = {
  defaultSql: postgresDialect.defaultSql,
  implicitConstraintName: postgresDialect.autogen.implicitConstraintName,
};
const lite: RenderMigrationOptions = {
  defaultSql: sqliteDialect.defaultSql,
  implicitConstraintName: sqliteDialect.autogen.implicitConstraintName,
};

const addColumn = (name: string, type: string, def: string): Change => ({
  kind: "addColumn",
  table: "t",
  column: { name, type, nullable: true, default: { $sql: def } },
});

Deno.test("renderChange() writes a default as a literal only when the dialect reads it back the same", () => {
  const cases: [RenderMigrationOptions, string, string, string][] = [
    [pg, "text", "'it''s'", `"it's"`],
    [pg, "integer", "-1", "-1"],
    [pg, "numeric(10,2)", "1.50", 'op.sql("1.50")'],
    [pg, "boolean", "true", "true"],
    [pg, "timestamptz", "CURRENT_TIMESTAMP", 'op.sql("CURRENT_TIMESTAMP")'],
    [pg, "json", `'{"a": 1}'`, `'{"a": 1}'`],
    [lite, "boolean", "1", "1"],
    // SQLite would write true as 1: keep the text.
    [lite, "boolean", "true", 'op.sql("true")'],
    [lite, "text", "'a''b'", `"a'b"`],
  ];
  for (const [options, type, text, literal] of cases) {
    const written = renderChange(addColumn("c", type, text), options).replace(/,?\s+/g, " ");
    assert.ok(written.includes(`default: ${literal} }`), `${type} ${text}: ${written}`);
  }
});

Deno.test("renderChange() lays calls out as deno fmt does: one line, a hugged last argument, or one argument a line", () => {
  assert.equal(
    renderChange({ kind: "dropIndex", name: "ix_users_email", table: "users" }, pg),
    'await op.dropIndex("ix_users_email", { table: "users" });',
  );
  assert.equal(
    renderChange({
      kind: "createIndex",
      name: "ix_messages_conversation_created",
      table: "messages",
      columns: ["conversation_id", "created_at"],
      unique: false,
      concurrently: false,
    }, pg),
    [
      'await op.createIndex("ix_messages_conversation_created", "messages", [',
      '  "conversation_id",',
      '  "created_at",',
      "]);",
    ].join("\n"),
  );
  assert.equal(
    renderChange({
      kind: "createForeignKey",
      name: "fk_messages_conversation",
      table: "messages",
      columns: ["conversation_id"],
      refTable: "conversations",
      refColumns: ["id"],
      onDelete: "cascade",
    }, pg),
    [
      "await op.createForeignKey(",
      '  "fk_messages_conversation",',
      '  "messages",',
      '  ["conversation_id"],',
      '  "conversations",',
      '  ["id"],',
      '  { onDelete: "cascade" },',
      ");",
    ].join("\n"),
  );
});

Deno.test("renderChange() writes one-column keys on their column when the database names them anyway", () => {
  const change: Change = {
    kind: "createTable",
    table: "users",
    columns: [
      { name: "id", type: "integer", nullable: false, autoIncrement: true },
      { name: "email", type: "text", nullable: false },
      { name: "team", type: "integer", nullable: true },
      { name: "code", type: "text", nullable: true },
    ],
    primaryKey: ["id"],
    uniques: [{ name: "users_email_key", columns: ["email"] }, {
      name: "uq_code",
      columns: ["code"],
    }],
    checks: [],
    foreignKeys: [{
      name: "users_team_fkey",
      columns: ["team"],
      refTable: "teams",
      refColumns: ["id"],
      onDelete: "cascade",
    }],
    ifNotExists: false,
  };
  const text = renderChange(change, pg);
  assert.match(text, /email: \{ type: "text", nullable: false, unique: true \}/);
  assert.match(
    text,
    /team: \{\n\s+type: "integer",\n\s+references: \{ table: "teams", column: "id", onDelete: "cascade" \},/,
  );
  assert.match(text, /unique: \[\{ name: "uq_code", columns: \["code"\] \}\]/);
  assert.doesNotMatch(text, /users_email_key|users_team_fkey/);
  // SQLite gives constraints no names: a named one stays a table option.
  const sqliteText = renderChange(change, lite);
  assert.match(sqliteText, /name: "users_email_key"/);
});

Deno.test("jsString() picks the quotes deno fmt picks", () => {
  assert.equal(jsString("plain"), '"plain"');
  assert.equal(jsString('say "hi"'), `'say "hi"'`);
  assert.equal(jsString(`it's "x"`), `'it\\'s "x"'`);
});

Deno.test("comment() wraps long notes at word boundaries", () => {
  const lines = comment("review: " + "word ".repeat(30), 40);
  assert.ok(lines.length > 3);
  for (const l of lines) assert.ok(l.length <= 40 && l.startsWith("//"), l);
});
