import assert from "node:assert/strict";
import type { Change } from "./change.ts";
import { createOp, describeCall } from "./recorder.ts";

function recording() {
  const changes: Change[] = [];
  const calls: string[] = [];
  const op = createOp({
    apply(change, call) {
      changes.push(change);
      calls.push(call);
      // Finish out of order on purpose: a later call must still wait.
      return new Promise((r) => setTimeout(r, change.kind === "addColumn" ? 5 : 0));
    },
    query: () => Promise.resolve([{ n: changes.length }]),
  }, { dialect: "postgres", isOffline: false });
  return { op, changes, calls };
}

Deno.test("createOp() keeps call order whether or not calls are awaited", async () => {
  const { op, changes } = recording();
  op.addColumn("users", "bio", { type: "text" });
  op.dropColumn("users", "old");
  const rows = await op.query("SELECT 1");
  await op.settle();
  assert.deepEqual(changes.map((c) => c.kind), ["addColumn", "dropColumn"]);
  assert.deepEqual(rows, [{ n: 2 }]); // the query ran after both changes
});

Deno.test("createOp() normalises column specs into column definitions", async () => {
  const { op, changes } = recording();
  await op.createTable("posts", {
    id: { type: "integer", primaryKey: true, autoIncrement: true },
    user_id: { type: "integer", references: "app.users.id" },
    title: { type: " varchar(80) ", nullable: false, default: "untitled" },
  }, { unique: [["title"]], checks: ["length(title) > 0"] });
  await op.addColumn("posts", "body", { type: "text" }, { schema: "app" });
  const [create, add] = changes;
  assert.equal(create?.kind, "createTable");
  if (create?.kind !== "createTable") return;
  assert.deepEqual(create.columns[0], {
    name: "id",
    type: "integer",
    nullable: false,
    primaryKey: true,
    autoIncrement: true,
  });
  assert.deepEqual(create.columns[1]?.references, { table: "app.users", column: "id" });
  assert.equal(create.columns[2]?.type, "varchar(80)");
  assert.deepEqual(create.uniques, [{ columns: ["title"] }]);
  assert.deepEqual(create.checks, [{ expr: "length(title) > 0" }]);
  assert.deepEqual(add, {
    kind: "addColumn",
    table: "posts",
    schema: "app",
    column: { name: "body", type: "text", nullable: true },
  });
});

Deno.test("createOp() rejects a column without a type and an empty alterColumn, naming the call", async () => {
  const first = recording();
  await assert.rejects(
    () => first.op.addColumn("users", "x", { type: "" }),
    /Column "x" has no type in op\.addColumn\("users", "x"\)/,
  );
  const second = recording();
  await assert.rejects(
    () => second.op.alterColumn("users", "x", {}),
    /Nothing to change in op\.alterColumn\("users", "x"\)/,
  );
});

Deno.test("createOp() records cascade on dropColumn and alterColumn only when asked", async () => {
  const { op, changes } = recording();
  await op.dropColumn("users", "a", { cascade: true, schema: "app" });
  await op.dropColumn("users", "b");
  await op.alterColumn("users", "c", { rename: "d", cascade: true });
  await op.alterColumn("users", "e", { nullable: true, cascade: false });
  assert.deepEqual(changes, [
    { kind: "dropColumn", table: "users", column: "a", cascade: true, schema: "app" },
    { kind: "dropColumn", table: "users", column: "b" },
    { kind: "alterColumn", table: "users", column: "c", patch: { rename: "d" }, cascade: true },
    { kind: "alterColumn", table: "users", column: "e", patch: { nullable: true } },
  ]);
  // cascade is not a change: alone it is still nothing to change.
  await assert.rejects(
    () => recording().op.alterColumn("users", "x", { cascade: true }),
    /Nothing to change/,
  );
});

Deno.test("createOp() runs nothing after a failed call and settle() re-raises the failure", async () => {
  const { op, changes } = recording();
  op.addColumn("users", "x", { type: "" }); // not awaited: fails
  op.dropColumn("users", "y"); // must not run
  await assert.rejects(() => op.settle(), /has no type/);
  assert.deepEqual(changes, []);
});

Deno.test("describeCall() shows strings and string lists, and elides the rest", () => {
  assert.equal(
    describeCall("createIndex", ["ix", "users", ["a", "b"], { unique: true }]),
    'op.createIndex("ix", "users", ["a","b"])',
  );
  assert.equal(describeCall("execute", ["x".repeat(50)]), `op.execute("${"x".repeat(37)}...")`);
});
