import assert from "node:assert/strict";
import { ScriptError } from "../errors.ts";
import { validateDeclared } from "./validate_declared.ts";

const ok = {
  enums: { mood: ["happy", "sad"] },
  tables: {
    users: {
      columns: {
        id: { type: "integer", primaryKey: true },
        mood: { type: "enum:mood", default: "happy" },
        team_id: {
          type: "integer",
          references: { table: "teams", column: "id", onDelete: "cascade" },
        },
      },
      unique: [["mood", "team_id"], { name: "uq_users_mood", columns: ["mood"] }],
      checks: ["id > 0", { name: "ck_users_id", expr: "id < 1000" }],
      indexes: { ix_users_mood: { columns: ["mood"], where: "mood IS NOT NULL" } },
      comment: "people",
    },
    teams: { columns: { id: { type: "integer", primaryKey: true } } },
  },
};

Deno.test("validateDeclared() accepts every part of the vocabulary", () => {
  assert.equal(validateDeclared(ok, "schema.ts"), ok);
});

Deno.test("validateDeclared() names the table and object of the first problem, exit 2", () => {
  const bad = (patch: (s: typeof ok) => void) => {
    const s = structuredClone(ok);
    patch(s);
    return s;
  };
  const cases: [unknown, string][] = [
    [[], "the default export is not an object"],
    [{ tables: {}, extra: 1 }, 'unknown key "extra"'],
    [{ tables: [] }, '"tables" must be an object of tables by name'],
    [{ tables: { t: { columns: {} } } }, 'table "t": "columns" must be a non-empty object'],
    [
      bad((s) => Object.assign(s.tables.users, { colums: {} })),
      'table "users": unknown key "colums"',
    ],
    [
      bad((s) => Object.assign(s.tables.users.columns, { x: {} })),
      'table "users", column "x": has no type',
    ],
    [
      bad((s) => Object.assign(s.tables.users.columns, { x: { type: "enum:nope" } })),
      'table "users", column "x": unknown enum "nope"',
    ],
    [
      bad((s) => Object.assign(s.tables.users.columns, { x: { type: "text", nulable: true } })),
      'table "users", column "x": unknown key "nulable"',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.users.columns, { x: { type: "text", references: "teams" } })
      ),
      'table "users", column "x": invalid reference "teams"',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.users.columns, { x: { type: "text", references: "team.id" } })
      ),
      'table "users", column "x": references unknown table "team"',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.users.columns, { x: { type: "text", references: "teams.uid" } })
      ),
      'table "users", column "x" references "teams": unknown column "uid"',
    ],
    [
      bad((s) => (s.tables.users.indexes.ix_users_mood.columns = ["mod"])),
      'table "users", index "ix_users_mood": unknown column "mod"',
    ],
    [
      bad((s) => (s.tables.users.unique = [["nope"]])),
      'table "users", unique #1: unknown column "nope"',
    ],
    [
      bad((s) => Object.assign(s.tables.users, { primaryKey: ["id"] })),
      'table "users": primaryKey is given twice',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.users, {
          foreignKeys: [{ columns: ["team_id"], references: "teams", refColumns: ["id", "id"] }],
        })
      ),
      'table "users", foreign key #1: 1 columns but 2 referenced columns',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.users, {
          foreignKeys: [{
            columns: ["team_id"],
            references: "teams",
            refColumns: ["id"],
            onDelete: "explode",
          }],
        })
      ),
      'table "users", foreign key #1: unknown action "explode"',
    ],
    [
      bad((s) => (s.tables.users.checks = [{ name: "uq_users_mood", expr: "1 = 1" }])),
      'table "users": constraint name "uq_users_mood" is used twice',
    ],
    [
      bad((s) =>
        Object.assign(s.tables.teams, { indexes: { ix_users_mood: { columns: ["id"] } } })
      ),
      'index "ix_users_mood": the name is also used by table "users", index "ix_users_mood"',
    ],
    [
      bad((s) => Object.assign(s.tables.teams, { indexes: { users: { columns: ["id"] } } })),
      'index "users": the name is also used by table "users"',
    ],
    [bad((s) => (s.enums.mood = ["a", "a"])), 'enum "mood": value "a" is listed twice'],
    [
      bad((s) =>
        Object.assign(s.tables.teams.columns.id, { unique: true }) &&
        Object.assign(s.tables.teams, { unique: [["id"]] })
      ),
      'table "teams": unique (id) is declared twice',
    ],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => validateDeclared(value, "/app/schema.ts"), (e) => {
      assert.ok(e instanceof ScriptError, String(e));
      assert.equal(e.exitCode, 2);
      assert.ok(e.message.startsWith('Invalid declared schema "schema.ts": '), e.message);
      assert.ok(e.message.includes(message), `${e.message}\n  wanted: ${message}`);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  }
});
