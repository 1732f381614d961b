import assert from "node:assert/strict";
import type { Change } from "./change.ts";
import { createOp, describeCall } from "./recorder.ts";
import type { BulkProgress } from "./op.ts";

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

function bulkRecording(onBulkProgress?: (p: BulkProgress) => void) {
  const changes: Change[] = [];
  const op = createOp({
    apply(change) {
      // Copy: a chunk's array must not be reused or changed after it is applied.
      changes.push(structuredClone(change));
      return Promise.resolve();
    },
    query: () => Promise.resolve([]),
  }, { dialect: "sqlite", isOffline: false, ...(onBulkProgress ? { onBulkProgress } : {}) });
  return { op, changes };
}

Deno.test("createOp() bulkInsert records a small array as one change, as given", async () => {
  const { op, changes } = bulkRecording();
  const rows = [{ a: 1 }, { b: 2 }];
  await op.bulkInsert("t", rows, { schema: "s" });
  assert.deepEqual(changes, [{ kind: "bulkInsert", table: "t", rows, schema: "s" }]);
});

Deno.test("createOp() bulkInsert streams an async iterable in chunks with the first row's columns", async () => {
  const progress: BulkProgress[] = [];
  const { op, changes } = bulkRecording((p) => progress.push(p));
  let produced = 0;
  async function* rows() {
    for (let i = 1; i <= 5; i++) {
      produced = i;
      yield i === 4 ? { id: i } : { id: i, name: `n${i}` };
    }
  }
  const sizes: number[] = [];
  const done = op.bulkInsert("t", rows(), { chunkSize: 2 });
  await done;
  for (const c of changes) if (c.kind === "bulkInsert") sizes.push(c.rows.length);
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.equal(produced, 5);
  for (const c of changes) {
    assert(c.kind === "bulkInsert");
    assert.deepEqual(c.columns, ["id", "name"]);
  }
  assert.deepEqual(changes[1]?.kind === "bulkInsert" && changes[1].rows[1], { id: 4 });
  assert.deepEqual(progress.map((p) => [p.rows, p.done]), [[2, false], [4, false], [5, false], [
    5,
    true,
  ]]);
  assert(progress.every((p) => p.table === "t" && p.elapsedMs >= 0));
});

Deno.test("createOp() bulkInsert reads the next chunk only after the previous one is applied", async () => {
  const events: string[] = [];
  const op = createOp({
    async apply(change) {
      if (change.kind !== "bulkInsert") return;
      events.push(`apply ${change.rows.length}`);
      await new Promise((r) => setTimeout(r, 1));
    },
    query: () => Promise.resolve([]),
  }, { dialect: "postgres", isOffline: false });
  function* rows() {
    for (let i = 0; i < 4; i++) {
      events.push(`yield ${i}`);
      yield { i };
    }
  }
  await op.bulkInsert("t", rows(), { chunkSize: 2 });
  assert.deepEqual(events, ["yield 0", "yield 1", "apply 2", "yield 2", "yield 3", "apply 2"]);
});

Deno.test("createOp() bulkInsert refuses a row with a column the first row lacks, naming the row", async () => {
  const { op } = bulkRecording();
  await assert.rejects(
    op.bulkInsert("t", new Set([{ a: 1 }, { a: 2 }, { a: 3, b: 4 }])),
    /Cannot bulk insert into "t": row 3 has column "b", which the first row does not have/,
  );
  const { op: op2, changes } = bulkRecording();
  await op2.bulkInsert("t", new Set([{ a: 1 }, { a: 2, b: 4 }]), { columns: ["a", "b"] });
  assert.deepEqual(changes.map((c) => c.kind === "bulkInsert" && c.columns), [["a", "b"]]);
  await assert.rejects(
    bulkRecording().op.bulkInsert("t", [{ a: 1, c: 2 }], { columns: ["a"] }),
    /row 1 has column "c", which is not in `columns`/,
  );
  await assert.rejects(
    bulkRecording().op.bulkInsert("t", new Set([{ a: 1 }, 1 as never])),
    /row 2 is not an object/,
  );
});

Deno.test("createOp() bulkInsert chunks a large array without fixing its columns", async () => {
  const { op, changes } = bulkRecording();
  const rows = Array.from({ length: 5 }, (_, i) => (i === 3 ? { x: i } : { id: i }));
  await op.bulkInsert("t", rows, { chunkSize: 2 });
  assert.deepEqual(
    changes.map((c) => c.kind === "bulkInsert" ? [c.rows.length, c.columns] : []),
    [[2, undefined], [2, undefined], [1, undefined]],
  );
});
