import assert from "node:assert/strict";
import type { Change } from "../changes/change.ts";
import { declaredChanges, orderTables, schemaChanges } from "./to_changes.ts";

const what = (c: Change) =>
  `${c.kind}:${"table" in c && c.table ? c.table : ""}${"name" in c ? `:${c.name}` : ""}`;

Deno.test("orderTables() puts referenced tables first and defers only what closes a cycle", () => {
  const refs: Record<string, string[]> = { a: ["b", "a"], b: ["c"], c: [], d: ["a", "x"] };
  const { order, deferred } = orderTables(["d", "c", "b", "a"], (t) => refs[t] ?? []);
  assert.deepEqual(order, ["c", "b", "a", "d"]);
  assert.deepEqual([...deferred], []);
});

Deno.test("declaredChanges() creates enums, then tables in dependency order with their indexes, then cycle keys", () => {
  const changes = declaredChanges({
    enums: { mood: ["a"] },
    tables: {
      b: {
        columns: {
          id: { type: "integer", primaryKey: true },
          a_id: { type: "integer", references: "a.id" },
        },
      },
      a: {
        columns: { id: { type: "integer", primaryKey: true }, b_id: { type: "integer" } },
        foreignKeys: [{
          columns: ["b_id"],
          references: "b",
          refColumns: ["id"],
          onDelete: "cascade",
        }],
        indexes: { ix_a: { columns: ["b_id"] } },
      },
    },
  });
  assert.deepEqual(changes.map(what), [
    "createEnum::mood",
    "createTable:b",
    "createTable:a",
    "createIndex:a:ix_a",
    "createForeignKey:b:fk_b_a_id",
  ]);
  const b = changes[1] as Extract<Change, { kind: "createTable" }>;
  assert.equal(b.columns[1]?.references, undefined, "the cycle's key is added afterwards");
  assert.deepEqual(changes[4], {
    kind: "createForeignKey",
    name: "fk_b_a_id",
    table: "b",
    columns: ["a_id"],
    refTable: "a",
    refColumns: ["id"],
  });
});

Deno.test("schemaChanges() writes keys after all tables, inline, or only for cycles", () => {
  const t = (name: string, ref?: string) => ({
    name,
    schema: "public",
    columns: [{
      name: "id",
      type: "integer",
      nullable: false,
      default: null,
      autoIncrement: false,
      comment: null,
    }],
    primaryKey: ["id"],
    indexes: [],
    uniques: [],
    checks: [],
    foreignKeys: ref
      ? [{
        name: `${name}_fk`,
        columns: ["id"],
        refTable: ref,
        refColumns: ["id"],
        onDelete: "no action",
        onUpdate: "no action",
      }]
      : [],
    comment: null,
  });
  const schema = { tables: [t("a", "b"), t("b")], enums: [] };
  assert.deepEqual(schemaChanges(schema).map(what), ["createTable:b", "createTable:a"]);
  assert.deepEqual(schemaChanges(schema, { foreignKeys: "after" }).map(what), [
    "createTable:a",
    "createTable:b",
    "createForeignKey:a:a_fk",
  ]);
  const inline = schemaChanges(schema, { foreignKeys: "inline" });
  assert.deepEqual(inline.map(what), ["createTable:a", "createTable:b"]);
  assert.equal((inline[0] as Extract<Change, { kind: "createTable" }>).foreignKeys.length, 1);
});
