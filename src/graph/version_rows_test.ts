import assert from "node:assert/strict";
import { GraphError } from "../errors.ts";
import { applyVersionChange, checkRows, versionRowKind, VersionRows } from "./version_rows.ts";
import { diamond, graph, linear, node } from "./_testing.ts";

Deno.test("versionRowKind() names each of Alembic's five row changes", () => {
  assert.equal(versionRowKind({ remove: [], add: [] }), "none");
  assert.equal(versionRowKind({ remove: [], add: ["a"] }), "insert");
  assert.equal(versionRowKind({ remove: ["a"], add: [] }), "delete");
  assert.equal(versionRowKind({ remove: ["a"], add: ["b"] }), "update");
  assert.equal(versionRowKind({ remove: ["a", "b"], add: ["m"] }), "merge");
  assert.equal(versionRowKind({ remove: ["m"], add: ["a", "b"] }), "unmerge");
  assert.equal(versionRowKind({ remove: ["a", "b"], add: ["c", "d"] }), "replace");
});

Deno.test("VersionRows matches Alembic's TwinMergeTest row by row", () => {
  // a -> b1, b2, b3; (b1, b2, b3) -> c1 and -> c2; c1 -> d1; c2 -> d2.
  const map = graph(
    node("a"),
    node("b1", "a"),
    node("b2", "a"),
    node("b3", "a"),
    node("c1", ["b1", "b2", "b3"]),
    node("c2", ["b1", "b2", "b3"]),
    node("d1", "c1"),
    node("d2", "c2"),
  );
  const tracker = new VersionRows(map, ["a"]);
  const expected: [string, string[]][] = [
    ["b3", ["b3"]],
    ["b1", ["b1", "b3"]],
    ["b2", ["b1", "b2", "b3"]],
    ["c2", ["c2"]],
    ["d2", ["d2"]],
    ["c1", ["c1", "d2"]],
    ["d1", ["d1", "d2"]],
  ];
  let rows = ["a"];
  for (const [revision, after] of expected) {
    rows = applyVersionChange(rows, tracker.upgrade(revision));
    assert.deepEqual(rows, after, `after ${revision}`);
    assert.deepEqual(tracker.rows, after);
  }
});

Deno.test("VersionRows refuses steps that break the graph", () => {
  const tracker = new VersionRows(diamond(), ["b1"]);
  assert.throws(() => tracker.upgrade("b1"), { message: /it is applied already/ });
  assert.throws(() => tracker.upgrade("m"), { message: /"b2" is not applied yet/ });
  assert.throws(() => tracker.downgrade("a"), GraphError);
  assert.ok(tracker.isApplied("a") && !tracker.isApplied("b2"));
  assert.deepEqual(tracker.downgrade("b1"), { remove: ["b1"], add: ["a"] });
});

Deno.test("checkRows() removes duplicates and rejects unknown or overlapping rows", () => {
  assert.deepEqual(checkRows(linear(), ["c", "c"]), ["c"]);
  assert.throws(() => checkRows(linear(), ["x"]), { name: "GraphError" });
  assert.throws(() => checkRows(linear(), ["a", "e"]), { message: /row "a" is an ancestor/ });
});
